"""Sharing: what an organisation lets another see. Access decisions themselves live in
service/policy.py; every change here is written to the audit log.

An admin shares only their own organisation's material: all of it, one source (with all
of its documents, present and future) or one document; a testimony given for internal
use only is never shared. Sharing re-wraps the data keys of the documents concerned
(service/doccrypt.py).
"""

from __future__ import annotations

from sqlalchemy import Connection

from testimonia.errors import InvalidValue, PermissionDenied
from testimonia.service import doccrypt
from testimonia.service.policy import requires, shareable
from testimonia.service.workspace import Workspace
from testimonia.store import protection, records
from testimonia.store.protection import ShareRow

__all__ = ["SHARE_KINDS", "list_shares", "share"]

SHARE_KINDS = ("all", "source", "document")


@requires('share')
def share(ws: Workspace, kind: str, item: str, with_organization: str, *, remove: bool = False) -> bool:
    """Share (or stop sharing) the acting user's organisation's material with another:
    kind "all" (item ignored), "source" (a pseudonym) or "document" (an id or prefix).
    Returns False when nothing changed."""
    me = ws.user
    if kind not in SHARE_KINDS:
        raise InvalidValue(f"Unknown kind of share '{kind}'.", fix=f"Use one of: {', '.join(SHARE_KINDS)}.")
    with ws.transaction() as conn:
        other = records.organization_id(conn, with_organization)
        if other == me.organization_id:
            raise InvalidValue(f"{with_organization} is your own organisation.")
        stored_kind, item = _owned_item(conn, kind, item, me.organization)
        if remove:
            changed = protection.remove_share(conn, me.organization_id, stored_kind, item, other)
        else:
            changed = protection.add_share(conn, me.organization_id, stored_kind, item, other, me.name)
        if changed:
            keys = doccrypt.sync_shares(ws, conn, me.organization_id, me.organization)
            ws.audit(conn, "unshared" if remove else "shared", item or me.organization,
                     {"kind": kind, "share": [stored_kind, item], "with": with_organization,
                      "document_keys": keys})
    return changed


@requires('read_sources')
def list_shares(ws: Workspace) -> list[ShareRow]:
    """Shares made by, or to, the acting user's organisation."""
    me = ws.user
    with ws.engine.connect() as conn:
        return [s for s in protection.list_shares(conn)
                if me.organization in (s.owner, s.with_organization)]


def _owned_item(conn: Connection, kind: str, item: str, org_name: str) -> tuple[str, str]:
    if kind == "all":
        return "organization", ""
    if kind == "source":
        source = records.get_source(conn, item)
        if source.organization != org_name:
            raise PermissionDenied(f"Source '{source.pseudonym}' belongs to {source.organization}.",
                                   fix=f"Only {source.organization} can share it.")
        return "source", source.pseudonym
    doc = records.get_document(conn, item, within={d.id for d in records.iter_documents(conn)
                                                   if d.organization == org_name})
    if not shareable(doc.metadata):
        raise PermissionDenied(f"Document {doc.id[:12]} ({doc.file_name}) was given with consent "
                               "for internal use only; it cannot be shared.",
                               fix="Record wider consent from the source first (front matter "
                               "`consent: consortium`).")
    return "document", doc.id
