"""extract, extract-file, claims, eval."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from testimonia.cli.common import WorkspaceOption, claim_line, err, opened, out, progress_bar

if TYPE_CHECKING:
    from testimonia.extract.engines import Engine
    from testimonia.extract.evaluate import Score
    from testimonia.service.reviewed import ReviewedClaim


def register(app: typer.Typer) -> None:
    app.command()(extract)
    app.command("extract-file")(extract_file)
    app.command()(claims)
    app.command("eval")(eval_)
    app.command()(codes)


CODE_KINDS = ("acts", "methods", "violations", "perpetrators", "facilities")


def codes(kind: Annotated[str | None, typer.Argument(help=f"One of: {', '.join(CODE_KINDS)} "
                                                     "[default: all].")] = None) -> None:
    """The codes claims use (acts, methods, violations, perpetrators, facility types), with
    their names and HURIDOCS ESF references: what --method, --act and --perpetrator take."""
    from testimonia.vocab import load_vocabulary
    if kind is not None and kind not in CODE_KINDS:
        raise typer.BadParameter(f"Use one of: {', '.join(CODE_KINDS)}.", param_hint="KIND")
    vocab = load_vocabulary()
    for name in [kind] if kind else CODE_KINDS:
        out.print(f"{name}:")
        for code, entry in getattr(vocab, name).items():
            label = getattr(entry, "label", None) or getattr(entry, "name", "")
            extra = f" (act: {entry.act})" if name == "methods" else ""
            esf = getattr(entry, "esf", None)
            out.print(f"  {code:<28} {label}{extra}" + (f" [ESF {esf.code}]" if esf else ""))


ENGINES = ("local", "ray")


def extract(
    engine: Annotated[str, typer.Option("--engine", help="local: worker processes on this machine; "
                                        "ray: Ray tasks, on a cluster started here or on the one "
                                        "at --address (docs/extraction.md).")] = "local",
    workers: Annotated[int | None, typer.Option("--workers", min=1, help="Worker processes (local), or "
                                                "CPUs of the Ray cluster started here; 1 runs in this "
                                                "process [default: this machine's cores, at most one "
                                                "per GB of available memory].",
                                                show_default=False)] = None,
    address: Annotated[str | None, typer.Option("--address", help="The Ray cluster to run on, from "
                                                "one of its nodes: auto, or HEAD:6379 (ray://HEAD:10001 "
                                                "needs ray[client]) [default: a cluster of this "
                                                "machine, started for the run].",
                                                show_default=False)] = None,
    trust_cluster: Annotated[bool, typer.Option("--trust-cluster", help="Confirm that the cluster at "
                                                "--address is your organisation's own, on a trusted "
                                                "network, with Ray's TLS on: the texts cross to it in "
                                                "clear (docs/deployment.md).")] = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Extract mentions and claims from documents not yet read by this pipeline version."""
    from testimonia.service.extraction import count_pending, extract_workspace
    chosen = _engine(engine, workers, address)
    with opened(workspace) as ws, progress_bar() as bar:
        task = bar.add_task("Extracting", total=count_pending(ws))
        report = extract_workspace(ws, progress=lambda _id: bar.advance(task), engine=chosen,
                                   cluster_trusted=trust_cluster)
    for document, reason in report.failed:
        err.print(f"[red]failed[/] {document}: {escape(reason)}")
    if report.changed:
        err.print(f"{report.changed} documents changed while being read: run `testimonia extract` "
                  "again to read their new text.")
    out.print(f"{report.documents} documents extracted (pipeline {report.version}): "
              f"{report.claims} claims, {report.mentions} mentions, {len(report.failed)} failed.")
    if report.failed:
        raise typer.Exit(1)


def _engine(name: str, workers: int | None, address: str | None) -> Engine:
    from testimonia.extract.engines import InProcess, LocalPool, default_workers
    if name not in ENGINES:
        raise typer.BadParameter(f"'{name}' is no engine. Use one of: {', '.join(ENGINES)}.",
                                 param_hint="--engine")
    if name == "local":
        if address is not None:
            raise typer.BadParameter("--address is for --engine ray.", param_hint="--address")
        count = workers or default_workers()
        return InProcess() if count == 1 else LocalPool(count)
    from testimonia.extract.ray_engine import RayEngine
    return RayEngine(address, workers)


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
                out.print("  " + claim_line(claim.to_json()))
    if failed:
        raise typer.Exit(1)


def claims(
    site: Annotated[str | None, typer.Option("--site", help="Only claims at this place (any spelling).")] = None,
    method: Annotated[str | None, typer.Option("--method", help="Only this method, violation or act, "
                                               "e.g. electric_shock (`testimonia codes` lists them).")] = None,
    source: Annotated[str | None, typer.Option("--source", help="Only this source's documents.")] = None,
    state: Annotated[str | None, typer.Option("--state", help="Only claims in this review state: "
                                              "unreviewed, accepted, edited, rejected, added, "
                                              "conflict.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines instead of text.")] = False,
    workspace: WorkspaceOption = None,
) -> None:
    """List claims as review left them, with their review state and the quoted words
    they rest on."""
    from testimonia.service.claims import list_claims
    count = 0
    with opened(workspace) as ws:
        for item in list_claims(ws, site, method, source, state):
            count += 1
            _print_claim(item, as_json)
    if not as_json:
        out.print(f"{count} claims.")


def _print_claim(item: ReviewedClaim, as_json: bool) -> None:
    """One claim as `claims` prints it: a JSON line, or its header, summary and quotes."""
    from testimonia.analysis.edits import claim_ref
    c = item.claim
    if as_json:
        typer.echo(json.dumps({"id": claim_ref(item.id), "document": c.document_id,
                               "file": c.file_name, "source": c.source, "review": item.state,
                               "conflict": item.conflict, "withdrawn": item.withdrawn,
                               **item.body}, ensure_ascii=False))
        return
    out.print(f"#{claim_ref(item.id)} {c.source or '—'} · {c.file_name} · {item.state}"
              + (" · CONFLICT" if item.conflict else "")
              + (" · WITHDRAWN" if item.withdrawn else ""))
    out.print("  " + claim_line(item.body))
    for evidence in item.body["evidence"]:
        out.print(f"  “{' '.join(evidence['quote'].split())}” [{evidence['start']}:{evidence['end']}]")


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
