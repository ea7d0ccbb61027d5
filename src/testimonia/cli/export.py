"""export: findings as JSON, GeoJSON, CSV, FollowTheMoney entities or an HTML report for an
audience, through redaction, the leak scan and, for the public, the k-anonymity gate; the
evidence bundle for lawyers, and verify-bundle, which checks one without a workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from testimonia.cli.common import WorkspaceOption, err, opened, out, progress_bar
from testimonia.errors import PublicationRefused
from testimonia.export.choices import AUDIENCES, FORMATS, ON_RISK


def register(app: typer.Typer) -> None:
    app.command()(export)
    app.command("verify-bundle")(verify_bundle)


def export(
    output: Annotated[Path, typer.Option("-o", "--output", help="New folder to write the export to "
                                         "(outside the workspace).")],
    format: Annotated[str, typer.Option("--format", help=f"One of: {', '.join(FORMATS)} (findings.json; "
                                        "sites.geojson; events.csv and codebook.md; entities.ftm.json; "
                                        "report.html, and report.pdf where chromium is installed; "
                                        "bundle: an evidence bag for the legal audience).")] = "json",
    audience: Annotated[str, typer.Option("--audience", help=f"One of: {', '.join(AUDIENCES)}: what the "
                                          "export may contain (docs/exports.md, Audiences).")] = "public",
    k: Annotated[int | None, typer.Option("--k", help="Smallest group of witnesses sharing the same "
                                          "quasi-identifiers [default: the k_anonymity setting, 5].",
                                          show_default=False)] = None,
    on_risk: Annotated[str, typer.Option("--on-risk", help="generalise: coarsen the witness "
                                         "accounts until every group has k members; refuse: stop "
                                         "and list the records at risk.")] = "generalise",
    public_name: Annotated[list[str] | None, typer.Option(
        "--public-name", help="A person who may be named (a public figure, a named perpetrator); "
        "repeatable. Every other person named in a quote is redacted.")] = None,
    include_unreviewed: Annotated[bool, typer.Option(
        "--include-unreviewed", help="Publish findings resting on claims nobody has reviewed "
        "too (the export says so); by default only reviewed claims count.")] = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Export findings for an audience. Nothing is written unless the export passes the
    leak scan (no identity from the vault, whatever the audience) and, for the public, the
    re-identification gate."""
    from testimonia.service.export import export as run_export
    if on_risk not in ON_RISK:
        raise typer.BadParameter(f"Use one of: {', '.join(ON_RISK)}.", param_hint="--on-risk")
    with opened(workspace) as ws:
        try:
            report = run_export(ws, output, format=format, audience=audience, k=k,
                                on_risk=on_risk, public_names=list(public_name or []),
                                include_unreviewed=include_unreviewed)
        except PublicationRefused as exc:
            err.print(f"[bold red]Refused:[/] {escape(exc.message)}")
            for ids in exc.at_risk[:10]:
                err.print(f"  at risk: {', '.join(ids)}")
            if len(exc.at_risk) > 10:
                err.print(f"  … and {len(exc.at_risk) - 10} more groups")
            err.print(str(exc.fix))
            raise typer.Exit(1) from None
    if report.format == "bundle":
        out.print(f"Exported an evidence bundle of {report.items} findings for the legal audience to "
                  f"{report.folder}; check it with `testimonia verify-bundle {report.folder}`.")
        for name, digest in report.files.items():
            out.print(f"  {name}  sha256 {digest}")
        return
    quotes = f" with {report.quotes} redacted quotes" if report.quotes else ""
    accounts = f" and {report.accounts} witness accounts" if report.accounts else ""
    out.print(f"Exported {report.items} {report.what}{quotes}{accounts} as {report.format} for the "
              f"{report.audience} audience to {report.folder}.")
    if report.decision is not None:
        out.print(f"k-anonymity: {report.decision.reason}")
    for name, digest in report.files.items():
        out.print(f"  {name}  sha256 {digest}")
    if report.format == "html" and "report.pdf" not in report.files:
        out.print("No report.pdf: no chromium found on PATH (chromium, chromium-browser or google-chrome); "
                  "install one to have the report printed to PDF too.")


def verify_bundle(
    path: Annotated[Path, typer.Argument(help="The evidence bundle's folder (a bag: bagit.txt, "
                                         "manifests, data/).")],
) -> None:
    """Check an evidence bundle offline, with no workspace or key: its files against the
    manifests, each original against its SHA-256 and custody entry, the log entries' hash
    chain and signatures, and every quote against its document's text. Names each altered,
    missing or added file or log entry and exits 1; exits 0 when all holds."""
    from testimonia.export.verify_bundle import verify_bundle as check
    with progress_bar() as bar:
        task = bar.add_task("Hashing files", total=None)
        report = check(path, progress=lambda done, total: bar.update(task, completed=done, total=total))
    for problem in report.problems:
        err.print(f"[red]TAMPERED[/] {escape(str(problem))}")
    entries = ", ".join(f"{n} {log} entries" for log, n in report.entries.items())
    summary = (f"{report.files} files, {report.originals} originals ({report.reread} texts read again from "
               f"them), {entries}, {report.signatures} signatures, {report.quotes} quotes in "
               f"{report.claims} claims ({report.elsewhere} on documents held by partners: offsets only), "
               f"{report.findings} findings")
    if not report.ok:
        err.print(f"Bundle verification FAILED: {len(report.problems)} problem(s) in {summary}.")
        raise typer.Exit(1)
    out.print(f"Verified {path}: {summary}. All intact. Signed by key {report.signer}; manifest-sha256.txt "
              f"has SHA-256 {report.manifest_sha256}: the organisation's audit log records it in the "
              "`exported` entry of this bundle.")
