"""Corrections to documents: re-attribute one to another source, correct its language,
consent, interview date or place, withdraw it (or bring it back). Nothing disappears: the
sealed original stays; each correction, with the value before and after and its reason,
goes to the custody and audit logs; a withdrawn document's claims leave the analysis and
the exports (they stay readable, marked withdrawn). `verify` checks every attribution
and withdrawal against the signed entries. A correction that changes how the text reads
(language, interview date) makes the document pending for extraction again; review
decisions find their claims again (service/reviewed.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from testimonia.errors import InvalidValue, did_you_mean
from testimonia.model import Consent, Document, parse_choice
from testimonia.service import doccrypt
from testimonia.service.documents import visible_document
from testimonia.service.policy import requires
from testimonia.service.workspace import Workspace
from testimonia.store import extractions, records

__all__ = ["correct_document", "restore_document", "withdraw_document"]

LANGUAGES = ("en", "fr", "ru", "uk")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@dataclass(frozen=True)
class Correction:
    """What to change; None leaves a field as it is ("" for source: no source)."""

    source: str | None = None
    language: str | None = None
    consent: str | None = None
    interview_date: str | None = None
    interview_place: str | None = None


@requires('correct_documents')
def correct_document(ws: Workspace, id_prefix: str, correction: Correction, reason: str) -> Document:
    """Correct what was recorded about a document at ingest; returns it as it now is."""
    _check_reason(reason, "A correction")
    with ws.transaction() as conn:
        doc = _own_document(ws, conn, id_prefix, "correct")
        changes = _changes(conn, doc, correction, ws.user.organization)
        if not changes:
            raise InvalidValue(f"Nothing to correct: {doc.short_id} already has these values.")
        front = dict(doc.metadata.get("front_matter") or {})
        for key in ("consent", "interview_date", "interview_place", "language"):
            if key in changes:
                front[key] = changes[key]["to"]
        source_id = None
        if "source" in changes:
            found = records.find_source(conn, changes["source"]["to"]) if changes["source"]["to"] else None
            source_id = found.id if found else None
        records.correct_document(conn, doc.id, {**doc.metadata, "front_matter": front},
                                 changes.get("language", {}).get("to"),
                                 ("source" in changes, source_id))
        if {"language", "interview_date"} & changes.keys():
            extractions.forget(conn, doc.id)  # read again: the text reads differently now
        if {"source", "consent"} & changes.keys():
            doccrypt.sync_shares(ws, conn, ws.user.organization_id, ws.user.organization, only=doc.id)
        _log(ws, conn, "corrected", doc, {"changes": changes, "reason": reason.strip(),
                                          "organization": ws.user.organization})
        return visible_document(ws, conn, doc.id)


def _changes(conn: Connection, doc: Document, c: Correction, organization: str) -> dict[str, dict[str, Any]]:
    front = doc.metadata.get("front_matter") or {}
    out: dict[str, dict[str, Any]] = {}
    if c.source is not None:
        wanted = c.source.strip() or None
        if wanted is not None:
            found = records.find_source(conn, wanted)
            if found is None or found.organization != organization:
                own = [x.pseudonym for x in records.list_sources(conn) if x.organization == organization]
                raise InvalidValue(f"No source '{wanted}' of {organization}.",
                                   fix=did_you_mean(wanted, own)
                                   + f"Or add it first: `testimonia source add {wanted} --kind KIND`.")
            wanted = found.pseudonym
        if wanted != doc.source:
            out["source"] = {"from": doc.source, "to": wanted}
    if c.language is not None and c.language != doc.language:
        if c.language not in LANGUAGES:
            raise InvalidValue(f"Unsupported language '{c.language}'.", fix=f"Use one of: {', '.join(LANGUAGES)}.")
        out["language"] = {"from": doc.language, "to": c.language}
    if c.consent is not None and c.consent != front.get("consent"):
        parse_choice(Consent, c.consent, "consent")
        out["consent"] = {"from": front.get("consent"), "to": c.consent}
    if c.interview_date is not None and c.interview_date != str(front.get("interview_date") or ""):
        if not _DATE.match(c.interview_date):
            raise InvalidValue(f"'{c.interview_date}' is not a date.", fix="Use YYYY, YYYY-MM or YYYY-MM-DD.")
        out["interview_date"] = {"from": front.get("interview_date"), "to": c.interview_date}
    if c.interview_place is not None and c.interview_place != front.get("interview_place"):
        out["interview_place"] = {"from": front.get("interview_place"), "to": c.interview_place.strip()}
    return out


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
    _check_reason(reason, "A withdrawal or a restoration")
    with ws.transaction() as conn:
        doc = _own_document(ws, conn, id_prefix, "withdraw")
        if (doc.state == records.WITHDRAWN) == withdrawn:
            raise InvalidValue(f"Document {doc.short_id} ({doc.file_name}) is already "
                               f"{'withdrawn' if withdrawn else 'in the analysis'}.")
        records.set_withdrawn(conn, doc.id, withdrawn)
        _log(ws, conn, "withdrawn" if withdrawn else "restored", doc,
             {"reason": reason.strip(), "organization": ws.user.organization})
        return visible_document(ws, conn, doc.id)


def _check_reason(reason: str, what: str) -> None:
    if not reason.strip():
        raise InvalidValue(f"{what} needs a reason.",
                           fix='Give --reason "…" (it is kept in the custody and audit logs).')


def _own_document(ws: Workspace, conn: Connection, id_prefix: str, verb: str) -> Document:
    """A document the acting user's organisation sees and owns: only the owner corrects."""
    doc = visible_document(ws, conn, id_prefix)
    if doc.organization != ws.user.organization:
        raise InvalidValue(f"Document {doc.short_id} belongs to {doc.organization}, which "
                           f"alone may {verb} it.", fix=f"Ask {doc.organization}.")
    return doc


def _log(ws: Workspace, conn: Connection, action: str, doc: Document, details: dict[str, Any]) -> None:
    """The change in the custody log, and in the audit log as `document_<action>`."""
    ws.record(conn, action, doc.id, details)
    ws.audit(conn, f"document_{action}", doc.id, {**details, "file_name": doc.file_name})
