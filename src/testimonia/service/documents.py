"""Reading back what was ingested: the document list, one document with its custody
history, and its working-copy text (a read that is itself logged). Only documents in
the acting user's scope (their organisation's, or shared with it) are found."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import Connection

from testimonia.model import Document, LogEntry
from testimonia.service import doccrypt
from testimonia.service.policy import requires
from testimonia.service.reviewed import reviewed_claims
from testimonia.service.workspace import Workspace
from testimonia.store import logs, records
from testimonia.store.schema import custody_events

__all__ = ["DocumentView", "list_documents", "read_text", "show_document", "visible_document"]


@dataclass(frozen=True)
class DocumentView:
    document: Document
    history: list[LogEntry]


@requires('list_documents')
def list_documents(ws: Workspace) -> list[Document]:
    """The documents the acting organisation sees, each in its real state: ingested,
    extracted, reviewed (every claim decided by this organisation) or withdrawn."""
    with ws.engine.connect() as conn:
        visible = ws.scope(conn).document_ids(conn)
        docs = [d for d in records.list_documents(conn) if d.id in visible]
        if not any(d.state == "extracted" for d in docs):
            return docs
        waiting: dict[str, bool] = {}
        for item in reviewed_claims(ws, conn):
            waiting[item.claim.document_id] = waiting.get(item.claim.document_id, False) or (
                item.state == "unreviewed")
    return [replace(d, state="reviewed") if d.state == "extracted" and waiting.get(d.id) is False
            else d for d in docs]


@requires('list_documents')
def show_document(ws: Workspace, id_prefix: str) -> DocumentView:
    with ws.engine.connect() as conn:
        doc = visible_document(ws, conn, id_prefix)
        return DocumentView(doc, list(logs.iter_entries(conn, custody_events, doc.id)))


@requires('read_text')
def read_text(ws: Workspace, id_prefix: str) -> str:
    """The working-copy text; the read is entered in the custody log as `viewed`."""
    with ws.transaction() as conn:
        doc = visible_document(ws, conn, id_prefix)
        text = doccrypt.open_text(doccrypt.key_for(ws, conn, doc.id), doc.id,
                                  records.sealed_text(conn, doc.id))
        ws.record(conn, "viewed", doc.id, {"what": "working-copy text"})
        ws.audit(conn, "read_text", doc.id, {"file_name": doc.file_name})
    return text


@requires('list_documents')
def visible_document(ws: Workspace, conn: Connection, id_prefix: str) -> Document:
    """The document, when the acting user's organisation may see it; a document it may not
    see is reported exactly like one that does not exist."""
    return records.get_document(conn, id_prefix, within=ws.scope(conn).document_ids(conn))
