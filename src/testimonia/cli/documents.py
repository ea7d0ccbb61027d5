"""documents, show, correct, withdraw, restore."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from testimonia.cli.common import WorkspaceOption, opened, out


def register(app: typer.Typer) -> None:
    app.command()(documents)
    app.command()(show)
    app.command()(correct)
    app.command()(withdraw)
    app.command()(restore)


DocumentArgument = Annotated[str, typer.Argument(help="Document id (or its first characters).")]
WhyOption = Annotated[str, typer.Option("--reason", help="Why (kept in the custody and audit logs).")]


def correct(document: DocumentArgument, reason: WhyOption,
            source: Annotated[str | None, typer.Option("--source", help="Re-attribute to this source "
                                                       "of your organisation ('' for none).")] = None,
            language: Annotated[str | None, typer.Option("--language", help="en, fr, ru or uk.")] = None,
            consent: Annotated[str | None, typer.Option("--consent", help="internal, consortium or "
                                                        "public.")] = None,
            interview_date: Annotated[str | None, typer.Option("--interview-date",
                                                               help="YYYY, YYYY-MM or YYYY-MM-DD.")] = None,
            interview_place: Annotated[str | None, typer.Option("--interview-place",
                                                                help="Where the interview took place.")] = None,
            workspace: WorkspaceOption = None) -> None:
    """Correct what was recorded about a document at ingest (also: give a .docx, .html,
    .eml or .pdf the metadata a front matter would). Each change, with the value before
    and its reason, goes to the custody and audit logs; a new language or interview date
    makes the document pending for `extract` again."""
    from testimonia.service.corrections import Correction, correct_document
    change = Correction(source, language, consent, interview_date, interview_place)
    with opened(workspace) as ws:
        doc = correct_document(ws, document, change, reason)
    out.print(f"Corrected {doc.short_id} ({doc.file_name}): source {doc.source or '—'}, language "
              f"{doc.language}, state {doc.state}.")


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


def documents(as_json: Annotated[bool, typer.Option("--json", help="One JSON object per "
                                                    "document, per line.")] = False,
              workspace: WorkspaceOption = None) -> None:
    """List the ingested documents, each in its state: ingested, extracted, reviewed (every
    claim decided) or withdrawn."""
    from testimonia.service import documents as lib
    with opened(workspace) as ws:
        docs = lib.list_documents(ws)
    if as_json:
        for d in docs:
            typer.echo(json.dumps({"id": d.id, "file": d.file_name, "source": d.source,
                                   "organization": d.organization, "language": d.language,
                                   "size": d.size, "media_type": d.media_type, "state": d.state,
                                   "received_at": d.received_at}, ensure_ascii=False))
        return
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
