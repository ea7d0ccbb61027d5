"""ingest."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from testimonia.cli.common import WorkspaceOption, opened, out, progress_bar

if TYPE_CHECKING:
    from testimonia.service.ingest import IngestReport


def register(app: typer.Typer) -> None:
    app.command()(ingest)


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (searched recursively).")],
    source: Annotated[str | None, typer.Option("--source", help="Pseudonym of the source of "
                                               "every file (else the front matter's).")] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="Language of every file: en, fr, ru "
                                             "or uk [default: front matter, else detected].")] = None,
    source_map: Annotated[Path | None, typer.Option("--source-map", help="YAML with a 'files:' "
                          "mapping of file name to pseudonym, for files without front matter.")] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Ingest testimonies and documents: keep each original sealed, extract its text, log custody."""
    from testimonia.ingest.files import count_files, load_source_map
    from testimonia.service.ingest import IngestOptions, Outcome, ingest_paths
    options = IngestOptions(source=source, language=lang,
                            source_map=load_source_map(source_map) if source_map else {})
    with opened(workspace) as ws, progress_bar() as bar:
        task = bar.add_task("Ingesting", total=count_files(paths))

        def advance(outcome: Outcome) -> None:
            bar.advance(task)
            if outcome.status == "failed":
                bar.console.print(f"[red]failed[/] {escape(str(outcome.path))}: {escape(outcome.detail)}")

        report = ingest_paths(ws, paths, options, progress=advance)
    _summarise(report)
    if report.failed:
        raise typer.Exit(1)



def _summarise(report: IngestReport) -> None:
    for outcome in report.duplicates:
        out.print(f"already ingested: {outcome.path} ({outcome.detail})")
    if report.new_sources:
        out.print(f"New sources from front matter: {', '.join(report.new_sources)}.")
    skipped, elsewhere = report.count("skipped"), report.count("elsewhere")
    out.print(f"{report.count('ingested')} ingested, {report.count('duplicate')} duplicates, "
              f"{len(report.failed)} failed"
              + (f", {skipped} skipped (not a supported format)" if skipped else "")
              + (f", {elsewhere} left to the organisations of their sources" if elsewhere else "")
              + ".")
