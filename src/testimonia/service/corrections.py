"""Corrections to documents: withdraw one (or bring it back). Nothing disappears: the
sealed original stays, the withdrawal and its reason go to the custody and audit logs,
and the document's claims leave the analysis and the exports (they stay readable, marked
withdrawn). `verify` checks that every withdrawn document was withdrawn by a signed entry.
"""

from __future__ import annotations

from testimonia.errors import InvalidValue
from testimonia.model import Document
from testimonia.service.documents import visible_document
from testimonia.service.policy import requires
from testimonia.service.workspace import Workspace
from testimonia.store import records

__all__ = ["restore_document", "withdraw_document"]


@requires('correct_documents')
def withdraw_document(ws: Workspace, id_prefix: str, reason: str) -> Document:
    """Take a document out of the analysis and the exports, for a stated reason (a
    witness withdrew consent, a forgery, a duplicate under another name)."""
    return _set(ws, id_prefix, reason, withdrawn=True)


@requires('correct_documents')
def restore_document(ws: Workspace, id_prefix: str, reason: str) -> Document:
    """Bring a withdrawn document back into the analysis."""
    return _set(ws, id_prefix, reason, withdrawn=False)


def _set(ws: Workspace, id_prefix: str, reason: str, withdrawn: bool) -> Document:
    if not reason.strip():
        raise InvalidValue("A withdrawal or a restoration needs a reason.",
                           fix='Give --reason "…" (it is kept in the custody and audit logs).')
    action = "withdrawn" if withdrawn else "restored"
    with ws.transaction() as conn:
        doc = visible_document(ws, conn, id_prefix)
        if (doc.state == records.WITHDRAWN) == withdrawn:
            raise InvalidValue(f"Document {doc.short_id} ({doc.file_name}) is already "
                               f"{'withdrawn' if withdrawn else 'in the analysis'}.")
        if doc.organization != ws.user.organization:
            raise InvalidValue(f"Document {doc.short_id} belongs to {doc.organization}, which "
                               "alone may withdraw it.", fix=f"Ask {doc.organization}.")
        records.set_withdrawn(conn, doc.id, withdrawn)
        details = {"reason": reason.strip(), "organization": ws.user.organization}
        ws.record(conn, action, doc.id, details)
        ws.audit(conn, f"document_{action}", doc.id, {**details, "file_name": doc.file_name})
        return visible_document(ws, conn, doc.id)
