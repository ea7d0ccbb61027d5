"""source add / list / relate / import / profile, and org add / list."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from testimonia.cli.common import WorkspaceOption, new_passphrase, opened, out
from testimonia.model import Relation, SourceKind

source_app = typer.Typer(help="Sources: people and documents, known by pseudonym only.",
                         no_args_is_help=True)
org_app = typer.Typer(help="Organisations sharing the investigation.", no_args_is_help=True)

KINDS = ", ".join(k.value for k in SourceKind)
RELATIONS = ", ".join(r.value for r in Relation)


def register(app: typer.Typer) -> None:
    app.add_typer(source_app, name="source")
    app.add_typer(org_app, name="org")


@source_app.command("add")
def add(
    pseudonym: Annotated[str, typer.Argument(help="The name the source is known by, e.g. Wangrin.")],
    kind: Annotated[str, typer.Option("--kind", help=f"One of: {KINDS}.")],
    note: Annotated[str, typer.Option("--note", help="Context that does not identify the person.")] = "",
    workspace: WorkspaceOption = None,
) -> None:
    """Add a source to your organisation, known only by pseudonym."""
    from testimonia.service import sources as lib
    with opened(workspace) as ws:
        source = lib.add_source(ws, pseudonym, kind, note=note)
    out.print(f"Added source {source.pseudonym} ({source.kind.value}, {source.organization}).")


@source_app.command("list")
def list_(workspace: WorkspaceOption = None) -> None:
    """List sources and how they are related."""
    from testimonia.service import sources as lib
    with opened(workspace) as ws:
        found, relations = lib.list_sources(ws), lib.list_relations(ws)
    table = Table("pseudonym", "kind", "organisation", "note")
    for s in found:
        table.add_row(s.pseudonym, s.kind.value, s.organization, s.note)
    out.print(table)
    for r in relations:
        out.print(f"{r.a} —{r.relation.value}→ {r.b}" + (f"  ({r.note})" if r.note else ""))
    out.print(f"{len(found)} sources, {len(relations)} relations.")


@source_app.command("relate")
def relate(
    a: Annotated[str, typer.Argument(help="First source's pseudonym.")],
    b: Annotated[str, typer.Argument(help="Second source's pseudonym.")],
    as_: Annotated[str, typer.Option("--as", help=f"How A relates to B: {RELATIONS}.")],
    note: Annotated[str, typer.Option("--note", help="Why (no identifying detail).")] = "",
    workspace: WorkspaceOption = None,
) -> None:
    """Record that two sources are not independent (e.g. A is a relative of B)."""
    from testimonia.service import sources as lib
    with opened(workspace) as ws:
        r = lib.relate_sources(ws, a, b, as_, note)
    out.print(f"Recorded: {r.a} {r.relation.value} {r.b}.")


@source_app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="YAML file with 'sources' and 'relations' "
                                         "(docs/sources-file.md).")],
    workspace: WorkspaceOption = None,
) -> None:
    """Add many sources and relations from a YAML file (all or nothing; re-runnable)."""
    from testimonia.service import sources as lib
    with opened(workspace) as ws:
        report = lib.import_sources(ws, file)
    out.print(f"Imported {_count(len(report.sources), 'source')} and "
              f"{_count(report.relations, 'relation')} ({len(report.already_known)} already known).")
    if report.elsewhere:
        out.print(f"Left to their organisations: {_count(len(report.elsewhere), 'source')} and "
                  f"{_count(report.relations_elsewhere, 'relation')} (they import the same file).")


@source_app.command("profile")
def profile(
    pseudonym: Annotated[str, typer.Argument(help="The source's pseudonym.")],
    age_band: Annotated[str | None, typer.Option("--age-band", help="Ten-year band, e.g. 30-39, or 70+.")] = None,
    sex: Annotated[str | None, typer.Option("--sex", help="As the source describes it.")] = None,
    ethnicity: Annotated[str | None, typer.Option("--ethnicity", help="Group, if relevant to the case.")] = None,
    occupation: Annotated[str | None, typer.Option("--occupation", help="Broad occupation, e.g. herder.")] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Record a source's declared quasi-identifiers (checked by the export's k-anonymity
    gate). An empty value removes a field. Identifying details go in the vault."""
    from testimonia.service import sources as lib
    given = {k: v for k, v in {"age_band": age_band, "sex": sex, "ethnicity": ethnicity,
                               "occupation": occupation}.items() if v is not None}
    with opened(workspace) as ws:
        result = lib.set_profile(ws, pseudonym, given)
    out.print(f"Profile of {pseudonym}: " + (", ".join(f"{k} {v}" for k, v in sorted(result.items()))
                                             or "empty") + ".")


@org_app.command("add")
def org_add(
    name: Annotated[str, typer.Argument(help="Organisation name.")],
    admin: Annotated[str, typer.Option("--admin", help="Its first admin (a user name).")],
    key_file: Annotated[Path | None, typer.Option(
        "--key-file", help="Write the new admin's own key file here (hand it to them over a "
        "safe channel; keep no copy). Without it, a passphrase is asked on a terminal.")] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Add an organisation to the investigation, with its own key pair and first admin."""
    from testimonia.service import users
    passphrase = None if key_file else new_passphrase(admin)
    with opened(workspace) as ws:
        made = users.add_organization(ws, name, admin, key_file=key_file, passphrase=passphrase)
    out.print(f"Added organisation {made.organization.name} with admin {admin}.")
    if made.key_file:
        out.print(f"{admin}'s own key file is {made.key_file}: give it to them over a safe "
                  "channel, then delete your copy (TESTIMONIA_USER_KEY_FILE).")


@org_app.command("list")
def org_list(workspace: WorkspaceOption = None) -> None:
    """List the organisations."""
    from testimonia.service import users
    with opened(workspace) as ws:
        for org in users.list_organizations(ws):
            out.print(org.name)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")
