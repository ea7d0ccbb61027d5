"""extract, extract-file, claims, eval."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from testimonia.cli.common import WorkspaceOption, err, opened, out, progress_bar

if TYPE_CHECKING:
    from testimonia.extract.evaluate import Score
    from testimonia.shapes import ClaimJson


def register(app: typer.Typer) -> None:
    app.command()(extract)
    app.command("extract-file")(extract_file)
    app.command()(claims)
    app.command("eval")(eval_)


def extract(workspace: WorkspaceOption = None) -> None:
    """Extract mentions and claims from documents not yet read by this pipeline version."""
    from testimonia.service.extraction import count_pending, extract_workspace
    with opened(workspace) as ws, progress_bar() as bar:
        task = bar.add_task("Extracting", total=count_pending(ws))
        report = extract_workspace(ws, progress=lambda _id: bar.advance(task))
    for document, reason in report.failed:
        err.print(f"[red]failed[/] {document}: {escape(reason)}")
    out.print(f"{report.documents} documents extracted (pipeline {report.version}): "
              f"{report.claims} claims, {report.mentions} mentions, {len(report.failed)} failed.")
    if report.failed:
        raise typer.Exit(1)


def extract_file(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to read (no workspace needed).")],
    lang: Annotated[str | None, typer.Option("--lang", help="Language of every file: en, fr, ru "
                                             "or uk [default: front matter, else detected].")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per file, one per line "
                                          "(docs/extraction.md); otherwise a readable summary.")] = False,
) -> None:
    """Run the extraction pipeline on files and print what it finds."""
    from testimonia.extract.files import extract_files
    failed = 0
    for result in extract_files(paths, lang):
        failed += result.doc is None
        if as_json:
            typer.echo(json.dumps(result.to_json(), ensure_ascii=False))
        elif result.doc is None:
            err.print(f"[red]failed[/] {escape(str(result.path))}: {escape(result.error or '')}")
        else:
            out.print(f"{result.path} ({result.doc.language})")
            for claim in result.doc.claims:
                out.print("  " + _claim_line(claim.to_json()))
    if failed:
        raise typer.Exit(1)


def claims(
    site: Annotated[str | None, typer.Option("--site", help="Only claims at this place (any spelling).")] = None,
    method: Annotated[str | None, typer.Option("--method", help="Only this method, violation or act, "
                                               "e.g. electric_shock.")] = None,
    source: Annotated[str | None, typer.Option("--source", help="Only this source's documents.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines instead of text.")] = False,
    workspace: WorkspaceOption = None,
) -> None:
    """List extracted claims with the quoted words they rest on."""
    from testimonia.service.claims import list_claims
    with opened(workspace) as ws:
        found = list_claims(ws, site, method, source)
    for c in found:
        if as_json:
            typer.echo(json.dumps({"id": c.id, "document": c.document_id, "file": c.file_name,
                                   "source": c.source, **c.body}, ensure_ascii=False))
            continue
        out.print(f"#{c.id} {c.source or '—'} · {c.file_name}")
        out.print("  " + _claim_line(c.body))
        for evidence in c.body["evidence"]:
            out.print(f"  “{' '.join(evidence['quote'].split())}” [{evidence['start']}:{evidence['end']}]")
    if not as_json:
        out.print(f"{len(found)} claims.")


def _claim_line(body: ClaimJson) -> str:
    what = ", ".join([*body["methods"], *body["violations"]]) or body["act"]
    where = "; ".join(p["name"] + (f" ({p['facility']})" if p.get("facility") else "")
                      for p in body["places"]) or "place unknown"
    who = ", ".join(p["canonical"] or p["name"] for p in body["perpetrators"]) or "perpetrator unknown"
    when = body["period"]["text"] if body["period"] else "date unknown"
    flags = [body["victim"]["who"], "first-hand" if body["first_hand"] else "hearsay"]
    flags += ["DENIAL"] if body["denial"] else []
    return f"{body['act']}: {what} — at {where} — by {who} — {when} [{', '.join(flags)}]"


def eval_(
    gold: Annotated[list[Path], typer.Argument(help="Annotated gold sets, one JSON item per "
                                               "line (tests/eval/README.md).")],
    part: Annotated[str, typer.Option("--part", help="all, dev (what rules may be tuned on) "
                                      "or heldout (a third never used while tuning: the "
                                      "figures to report).")] = "all",
) -> None:
    """Measure extraction quality: precision, recall and F1 per field and per language."""
    from testimonia.extract.evaluate import FIELDS, evaluate, load_gold, select
    items = select([item for path in gold for item in load_gold(path)], part)
    with progress_bar() as bar:
        task = bar.add_task("Evaluating", total=len(items))
        result = evaluate(items, progress=lambda _id: bar.advance(task))
    languages = sorted(result.by_language)
    table = Table("field", *[f"{lang} P/R/F1" for lang in languages], "all P/R/F1")
    for name in FIELDS:
        cells = [_prf(result.total(name, lang)) for lang in languages]
        table.add_row(name, *cells, _prf(result.total(name)))
    table.add_row("micro", *[_prf(result.micro(lang)) for lang in languages], _prf(result.micro()))
    out.print(table)
    out.print(f"{result.items} items.")


def _prf(score: Score) -> str:
    return f"{score.precision:.2f}/{score.recall:.2f}/{score.f1:.2f}"
