"""The `testimonia` command. Each subcommand is a thin wrapper over one library call."""

from __future__ import annotations

from typing import Any

import typer
from rich.markup import escape
from typer.core import TyperGroup

from testimonia import __version__
from testimonia.cli import (
    analysis,
    documents,
    export,
    extract,
    ingest,
    protect,
    review,
    sources,
    web,
    workspace,
)
from testimonia.cli.common import err
from testimonia.errors import TestimoniaError


class _Group(TyperGroup):
    """Turns a library error into one line on stderr and exit code 1, with no traceback."""

    def invoke(self, ctx: Any) -> Any:  # typer's vendored click.Context
        try:
            return super().invoke(ctx)
        except TestimoniaError as exc:
            err.print(f"[bold red]Error:[/] {escape(str(exc))}")
            raise typer.Exit(1) from None


app = typer.Typer(
    name="testimonia", cls=_Group,
    help="From testimonies to corroborated, source-protected findings on secret detention "
    "and torture. Everything stays on this machine.",
    no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
)
workspace.register(app)
sources.register(app)
protect.register(app)
ingest.register(app)
documents.register(app)
extract.register(app)
review.register(app)
analysis.register(app)
export.register(app)
web.register(app)


@app.command()
def version() -> None:
    """Print the Testimonia version."""
    typer.echo(__version__)


def run() -> None:
    app(prog_name="testimonia")
