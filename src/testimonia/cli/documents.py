"""documents, show, withdraw, restore."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from testimonia.cli.common import WorkspaceOption, opened, out


def register(app: typer.Typer) -> None:
    app.command()(documents)
    app.command()(show)
    app.command()(withdraw)
    app.command()(restore)


DocumentArgument = Annotated[str, typer.Argument(help="Document id (or its first characters).")]
WhyOption = Annotated[str, typer.Option("--reason", help="Why (kept in the custody and audit logs).")]


def withdraw(document: DocumentArgument, reason: WhyOption, workspace: WorkspaceOption = None) -> None:
    """Take a document out of the analysis and the exports. Its sealed original stays; the
    withdrawal and its reason are logged; `restore` brings it back."""
    from testimonia.service.corrections import withdraw_document
    with opened(workspace) as ws:
        doc = withdraw_document(ws, document, reason)
    out.print(f"Withdrew {doc.short_id} ({doc.file_name}): its claims no longer count.")


def restore(document: DocumentArgument, reason: WhyOption, workspace: WorkspaceOption = None) -> None:
    """Bring a withdrawn document back into the analysis."""
    from testimonia.service.corrections import restore_document
    with opened(workspace) as ws:
        doc = restore_document(ws, document, reason)
    out.print(f"Restored {doc.short_id} ({doc.file_name}).")


def documents(workspace: WorkspaceOption = None) -> None:
    """List the ingested documents."""
    from testimonia.service import documents as lib
    with opened(workspace) as ws:
        docs = lib.list_documents(ws)
    table = Table("id", "file", "source", "lang", "size", "state")
    for d in docs:
        table.add_row(d.short_id, d.file_name, d.source or "—", d.language, _size(d.size), d.state)
    out.print(table)
    out.print(f"{len(docs)} documents.")


def show(
    document_id: Annotated[str, typer.Argument(metavar="ID", help="Document id or its first characters.")],
    text: Annotated[bool, typer.Option("--text", help="Also print the working-copy text "
                                       "(recorded in the custody log).")] = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Show one document: metadata and custody history."""
    from testimonia.service import documents as lib
    with opened(workspace) as ws:
        view = lib.show_document(ws, document_id)
        body = lib.read_text(ws, document_id) if text else None
    d = view.document
    for label, value in (("id", d.id), ("file", d.file_name), ("source", d.source or "—"),
                         ("organisation", d.organization), ("size", f"{d.size} bytes"),
                         ("media type", d.media_type), ("received", d.received_at),
                         ("language", f"{d.language} (detected {d.language_detected}, "
                                      f"confidence {d.language_confidence:.2f})"),
                         ("reader", d.reader), ("text sha256", d.text_sha256), ("state", d.state)):
        out.print(f"{label:>13}: {value}")
    for key, value in d.metadata.get("front_matter", {}).items():
        out.print(f"{key:>13}: {value}")
    out.print("custody:")
    for e in view.history:
        out.print(f"  #{e.seq} {e.at} {e.action} by {e.actor} {e.hash[:16]}")
    if body is not None:
        out.print("text:")
        out.print(body)


def _size(n: int) -> str:
    return f"{n / 1024:.1f} KiB" if n >= 1024 else f"{n} B"
