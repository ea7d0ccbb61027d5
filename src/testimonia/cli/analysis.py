"""analyze, sites, site merge|split|rename, transfers, findings, patterns, dossier."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from testimonia.cli.common import WorkspaceOption, opened, out

if TYPE_CHECKING:
    from testimonia.analysis.stored import Summary
    from testimonia.shapes import ResultsJson

site_app = typer.Typer(help="An analyst's decisions about sites; they survive re-analysis.",
                       no_args_is_help=True)
JsonOption = Annotated[bool, typer.Option("--json", help="The documented JSON (docs/analysis.md).")]
UnreviewedOption = Annotated[bool, typer.Option(
    "--include-unreviewed", help="Count claims nobody has reviewed yet as evidence too "
    "(by default only claims accepted, edited or added in review count).")]


def register(app: typer.Typer) -> None:
    app.command()(analyze)
    app.command()(sites)
    app.add_typer(site_app, name="site")
    app.command()(transfers)
    app.command()(findings)
    app.command()(patterns)
    app.command()(dossier)


def analyze(include_unreviewed: UnreviewedOption = False, workspace: WorkspaceOption = None) -> None:
    """Resolve sites, trace transfers, corroborate and compare; print a summary."""
    from testimonia.analysis.stored import Summary
    from testimonia.service.analysis import analyze_workspace
    with opened(workspace) as ws:
        stored = analyze_workspace(ws, include_unreviewed)
    print_summary(stored.head, Summary.of(stored.findings()), stored.patterns(profiles=False)["shared"])


def print_summary(results: ResultsJson, summary: Summary, shared_practices: list[dict[str, Any]]) -> None:
    """The head of an analysis (analysis/stored.py), what its findings add up to, and the
    practices shared across conflicts."""
    statuses = summary.statuses
    edges = results["transfers"]["edges"]
    out.print(f"{len(results['sites'])} sites, {summary.findings} findings "
              f"({statuses['corroborated']} corroborated, {statuses['single source']} "
              f"single source, {statuses['contested']} contested), {len(edges)} transfer routes "
              f"({sum(e['cross_border'] for e in edges)} across a border).")
    if results["sites"]:
        out.print("Most reported sites:")
    for site in results["sites"][:5]:
        out.print(f"  {site['name']} ({site['country']}): {_n(site['source_count'], 'source')}, "
                  f"{_n(site['claim_count'], 'claim')}")
    best = summary.best
    if best:
        out.print("Best corroborated:")
    for f in best:
        out.print(f"  {f['site_name']} · {f['allegation']} · {f['period']}: {f['rationale']}")
    crossing = [e for e in edges if e["cross_border"]][:5]
    if crossing:
        out.print("Transfers across a border:")
    for edge in crossing:
        out.print(f"  {edge['from_name']} → {edge['to_name']} ({edge['count']})")
    shared = [s["practice"] for s in shared_practices]
    if shared:
        out.print(f"Practices reported in more than one conflict: {', '.join(shared)}.")
    print_basis(results)


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def print_basis(results: ResultsJson) -> None:
    """Which claims the figures rest on, and what waits for review."""
    basis = results.get("review")
    if basis is None:
        return
    counted = "reviewed and unreviewed" if basis["include_unreviewed"] else "reviewed"
    line = f"Counted: {basis['counted']} {counted} claims"
    if basis["rejected"]:
        line += f" ({basis['rejected']} rejected, never counted)"
    if basis["pending"]:
        state = "included" if basis["include_unreviewed"] else "not counted"
        line += (f"; pending review: {basis['pending']} claims from {basis['pending_sources']} "
                 f"sources ({state}; `testimonia review`)")
    if basis.get("withdrawn"):
        line += f"; {basis['withdrawn']} claims of withdrawn documents left out"
    if basis["conflicts"]:
        line += f"; {basis['conflicts']} conflicts to decide (`testimonia review --conflicts`)"
    out.print(line + ".")


def sites(as_json: JsonOption = False, include_unreviewed: UnreviewedOption = False,
          workspace: WorkspaceOption = None) -> None:
    """List the resolved places of detention."""
    from testimonia.service.analysis import stored_analysis
    with opened(workspace) as ws:
        results = stored_analysis(ws, include_unreviewed).head
    found = results["sites"]
    if as_json:
        _print_json(found)
        return
    table = Table("site", "country", "precision", "reported", "sources", "claims", "id")
    for s in found:
        table.add_row(s["name"], s["country"] or "—", s["precision"],
                      f"{s['first_reported'] or '?'} – {s['last_reported'] or '?'}",
                      str(s["source_count"]), str(s["claim_count"]), s["id"])
    out.print(table)
    print_basis(results)


@site_app.command("merge")
def site_merge(site: Annotated[str, typer.Argument(help="Site to keep (name or id).")],
               other: Annotated[str, typer.Argument(help="Site folded into it.")],
               workspace: WorkspaceOption = None) -> None:
    """Treat two sites as one place."""
    from testimonia.service.analysis import judge
    with opened(workspace) as ws:
        kept = judge(ws, "merge", site, other)
    out.print(f"Merged {other} into {kept}.")


@site_app.command("split")
def site_split(site: Annotated[str, typer.Argument(help="Site (name or id).")],
               document: Annotated[str, typer.Argument(help="Document id (prefix) whose claims "
                                                       "at the site become a site of their own.")],
               workspace: WorkspaceOption = None) -> None:
    """Separate one document's account of a site from the others'."""
    from testimonia.service.analysis import judge
    with opened(workspace) as ws:
        kept = judge(ws, "split", site, document)
    out.print(f"Split document {document}'s claims off {kept}.")


@site_app.command("rename")
def site_rename(site: Annotated[str, typer.Argument(help="Site (name or id).")],
                name: Annotated[str, typer.Option("--name", help="The new name.")],
                workspace: WorkspaceOption = None) -> None:
    """Give a site the name investigators use."""
    from testimonia.service.analysis import judge
    with opened(workspace) as ws:
        kept = judge(ws, "rename", site, name=name)
    out.print(f"Renamed {kept} to {name}.")


def transfers(as_json: JsonOption = False, include_unreviewed: UnreviewedOption = False,
              workspace: WorkspaceOption = None) -> None:
    """The transfer network (site → site, with counts) and each victim's trajectory."""
    from testimonia.service.analysis import stored_analysis
    with opened(workspace) as ws:
        stored = stored_analysis(ws, include_unreviewed)
    results = stored.head
    edges = results["transfers"]["edges"]
    if as_json:
        _print_json({"edges": edges, "trajectories": list(stored.trajectories())})
        return
    for e in edges:
        border = "  ACROSS A BORDER" if e["cross_border"] else ""
        out.print(f"{e['from_name']} → {e['to_name']}: {e['count']} ({', '.join(e['sources'])}){border}")
    out.print(f"{len(edges)} routes, {sum(1 for _ in stored.trajectories())} trajectories.")
    print_basis(results)


def findings(site: Annotated[str | None, typer.Option("--site", help="Only this site (and the "
                                                      "sites inside it).")] = None,
             as_json: JsonOption = False, include_unreviewed: UnreviewedOption = False,
             workspace: WorkspaceOption = None) -> None:
    """Each allegation (site × method over the episode its claims cover) with its
    independent sources and status."""
    from testimonia.analysis.results import find_site, site_family
    from testimonia.service.analysis import stored_analysis
    with opened(workspace) as ws:
        stored = stored_analysis(ws, include_unreviewed)
    results = stored.head
    family = None if site is None else site_family(results, str(find_site(results, site)["id"]))
    chosen = stored.findings(family)
    if as_json:
        _print_json_list(chosen)
        return
    count = 0
    for f in chosen:
        count += 1
        out.print(f"[{f['status']}] {f['site_name']} · {f['allegation']} · {f['period']}")
        out.print(f"  {f['rationale']}")
    out.print(f"{count} findings.")
    print_basis(results)


def patterns(as_json: JsonOption = False, include_unreviewed: UnreviewedOption = False,
             workspace: WorkspaceOption = None) -> None:
    """Practices that recur across sites and across conflicts."""
    from testimonia.service.analysis import stored_analysis
    with opened(workspace) as ws:
        found = stored_analysis(ws, include_unreviewed).patterns()
    if as_json:
        _print_json(found)
        return
    for s in found["conflict_similarity"]:
        out.print(f"{s['a']} ~ {s['b']}: Jaccard {s['jaccard']:.2f}")
    for shared in found["shared"]:
        where = "; ".join(f"{c}: {len(v['sites'])} sites, {v['independent_sources']} independent sources"
                          for c, v in shared["conflicts"].items())
        out.print(f"  {shared['practice']} — {where}")


def dossier(site: Annotated[str, typer.Argument(help="Site name (any spelling) or id.")],
            as_json: JsonOption = False, include_unreviewed: UnreviewedOption = False,
            workspace: WorkspaceOption = None) -> None:
    """Everything known of one site, each line with its quotes (pseudonyms only)."""
    from testimonia.service.analysis import dossier as build_dossier_for
    with opened(workspace) as ws:
        report = build_dossier_for(ws, site, include_unreviewed)
    if as_json:
        _print_json(report)
        return
    _print_dossier(report)


def _print_dossier(report: dict[str, Any]) -> None:
    s = report["site"]
    out.print(f"{s['name']} — {s['country']} ({s['lat']}, {s['lon']}; precision {s['precision']})")
    out.print(f"Also called: {', '.join(s['aliases'])}")
    out.print(f"Reported from {s['first_reported'] or '?'} to {s['last_reported'] or '?'} by "
              f"{s['source_count']} sources; forces: "
              + (", ".join(f"{f['canonical']} ({f['claims']})" for f in s["forces"]) or "not named"))
    if s.get("note"):
        out.print(f"Note: {s['note']}.")
    if report.get("inside"):
        out.print(f"Inside: {report['inside']['name']}")
    for inside in report["contains"]:
        out.print(f"Contains: {inside['name']}")
    for f in report["findings"]:
        out.print(f"\n[{f['status']}] {f['allegation']} ({f['period']}) — {f['rationale']}")
        for q in f["quotes"]:
            hand = "" if q["first_hand"] else " (hearsay)"
            out.print(f"    {q['source']}{hand}: “{' '.join(q['quote'].split())}”")
    for label, key, end in (("Transfers in", "transfers_in", "from_name"),
                            ("Transfers out", "transfers_out", "to_name")):
        if report[key]:
            out.print(f"\n{label}: " + "; ".join(f"{e[end]} ({e['count']})" for e in report[key]))


def _print_json(value: Any) -> None:
    """The documented JSON, human-readable and in every script as written."""
    typer.echo(json.dumps(value, ensure_ascii=False, indent=1))


def _print_json_list(items: Iterable[Any]) -> None:
    """A JSON list as `_print_json` prints it, one item at a time (never all in memory)."""
    first = True
    for item in items:
        text = json.dumps(item, ensure_ascii=False, indent=1).replace("\n", "\n ")
        typer.echo(("[\n " if first else ",\n ") + text, nl=False)
        first = False
    typer.echo("[]" if first else "\n]")
