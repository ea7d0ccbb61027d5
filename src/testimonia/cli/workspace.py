"""init, keygen, verify, config, audit."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from testimonia.cli.common import WorkspaceOption, err, key_material, opened, out, progress_bar, user_material
from testimonia.config import load_config, redact_password, resolve_root


def register(app: typer.Typer) -> None:
    app.command()(init)
    app.command()(keygen)
    app.command()(verify)
    app.command()(config)
    app.command()(audit)


def init(
    path: Annotated[Path, typer.Argument(help="New or empty folder for the investigation.")],
    org: Annotated[str, typer.Option("--org", help="Your organisation: it owns what you add.")] = "My organisation",
    db: Annotated[str | None, typer.Option(
        "--db", help="A PostgreSQL database of its own for the workspace (a newsroom server): "
        "postgresql://USER@HOST/DATABASE, empty, made with --encoding=UTF8 --locale=C; "
        "written to testimonia.toml as database_url (docs/deployment.md). Default: the "
        "encrypted SQLite file in the folder.")] = None,
) -> None:
    """Create an encrypted investigation workspace; you (TESTIMONIA_ACTOR) become the first
    admin of your organisation, with your own credential (TESTIMONIA_USER_KEY_FILE or
    TESTIMONIA_USER_PASSPHRASE, else a prompt), which must differ from the workspace key."""
    from testimonia.service.workspace import Workspace
    settings = {"database_url": db} if db else None
    ws = Workspace.create(path, key_material(new=True), org, user_material=user_material(new=True),
                          settings=settings)
    ws.close()
    where = f" in the database {redact_password(db)}" if db else ""
    out.print(f"Created workspace {ws.paths.root}{where} for {org} (key id {ws.keys.key_id}); "
              f"{ws.actor} is its admin.")
    out.print("Keep the workspace key and your own credential safe and apart from it: without "
              "them the data cannot be recovered.")


def keygen(path: Annotated[Path, typer.Argument(help="Where to write the new key file "
                                                  "(outside any workspace).")]) -> None:
    """Create a key file to unlock workspaces with (TESTIMONIA_KEY_FILE)."""
    from testimonia.crypto.keys import write_key_file
    write_key_file(path)
    out.print(f"Wrote key file {path} (readable by you only). Use it as a workspace key "
              f"(TESTIMONIA_KEY_FILE={path}) or as your own credential "
              f"(TESTIMONIA_USER_KEY_FILE={path}), never as both.")


def verify(workspace: WorkspaceOption = None) -> None:
    """Re-hash every original and walk the chain of custody; exit 1 on any problem."""
    from testimonia.service.integrity import verify_workspace
    with opened(workspace, read_only=True) as ws, progress_bar() as bar:
        task = bar.add_task("Verifying originals", total=None)
        report = verify_workspace(ws, progress=lambda _doc: bar.advance(task))
    for problem in report.problems:
        err.print(f"[red]TAMPERED[/] {escape(str(problem))}")
    summary = (f"{report.documents} documents, {report.entries} custody entries, head entry "
               f"{report.head.seq} {report.head.hash[:16]}, {report.audit_entries} audit entries; "
               f"{report.signed} signed entries")
    if report.legacy:
        summary += f" ({report.legacy} from before users signed)"
    if report.sealed_only:
        summary += (f"; {report.sealed_only} documents checked by their seal only (not readable "
                    "with the credential given)")
    if not report.ok:
        err.print(f"Verification FAILED: {len(report.problems)} problem(s) in {summary}.")
        raise typer.Exit(1)
    out.print(f"Verified: {summary}. All intact.")


def config(workspace: WorkspaceOption = None) -> None:
    """Show every setting, its value, and where the value comes from (secrets hidden)."""
    root = resolve_root(workspace)
    table = Table("setting", "value", "from", "meaning")
    for row in load_config(root if (root / "testimonia.toml").exists() else None).shown():
        table.add_row(*row)
    out.print(table)


def audit(
    check: Annotated[bool, typer.Option("--verify", help="Walk the hash chain; exit 1 on any "
                                        "alteration, deletion, insertion or truncation.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per entry.")] = False,
    workspace: WorkspaceOption = None,
) -> None:
    """The audit log: every read of protected data and every change, in order."""
    from testimonia.service.audit import read_audit
    with opened(workspace) as ws:
        report = read_audit(ws)
    for e in report.shown:
        if as_json:
            typer.echo(json.dumps({"seq": e.seq, "at": e.at, "actor": e.actor, "action": e.action,
                                   "subject": e.subject, "details": e.details, "hash": e.hash},
                                  ensure_ascii=False))
        elif not check:
            out.print(f"#{e.seq} {e.at} {e.actor} {e.action} {e.subject or ''}".rstrip())
    if check:
        for problem in report.problems:
            err.print(f"[red]TAMPERED[/] {escape(str(problem))}")
        if not report.ok:
            err.print(f"Audit log FAILED: {len(report.problems)} problem(s).")
            raise typer.Exit(1)
        out.print(f"Audit log intact: {len(report.entries)} entries.")
