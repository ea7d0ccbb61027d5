"""What an evidence bundle holds besides the findings (export/bundle.py): the originals
and texts of the organisation's documents that the claims rest on, decrypted with its
keys and checked against their SHA-256; every review decision on the claims; the custody
and audit entries that concern those documents and this export; and the public keys that
signed them, each with the audit entry that gave it to its user, back to the first admin.

Read in one snapshot of the database, so that the excerpts and the heads agree.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable
from dataclasses import replace

from testimonia.errors import IntegrityError
from testimonia.export.bundle import ClaimRecord, Evidence, KeyRecord, ReviewDecision
from testimonia.model import Document, LogEntry
from testimonia.service import doccrypt
from testimonia.service.policy import requires
from testimonia.service.reviewed import Decision, reviewed_claims
from testimonia.service.workspace import Workspace
from testimonia.store import logs, records
from testimonia.store.engine import snapshot
from testimonia.store.schema import audit_events, custody_events

__all__ = ["KEY_ACTIONS", "gather_evidence"]

# Audit actions that give a user signing keys (details: key_id, signing_key, box_key).
KEY_ACTIONS = frozenset({"user_added", "credential_reset", "credential_changed", "user_enrolled"})


@requires('export')
def gather_evidence(ws: Workspace, claim_ids: Collection[int]) -> Evidence:
    """The evidence behind the claims `claim_ids` (as the acting user's organisation
    reviewed them). IntegrityError when an original or a text no longer matches its
    SHA-256: a bundle never carries a damaged original."""
    user = ws.user
    with snapshot(ws.engine) as conn:
        reviewed = [c for c in reviewed_claims(ws, conn) if c.id in claim_ids and c.counts()]
        wanted = {c.claim.document_id for c in reviewed}
        documents = {d.id: d for d in records.list_documents(conn) if d.id in wanted}
        originals: dict[str, bytes] = {}
        texts: dict[str, str] = {}
        for doc in documents.values():
            if doc.organization == user.organization:
                data_key = doccrypt.key_for(ws, conn, doc.id)
                originals[doc.id] = ws.read_original(doc.id, data_key)
                texts[doc.id] = doccrypt.open_text(data_key, doc.id, records.sealed_text(conn, doc.id))
                _check(doc, originals[doc.id], texts[doc.id])
        custody = list(logs.iter_entries(conn, custody_events))
        audit = list(logs.iter_entries(conn, audit_events))
    reviews = {int(e.details["review"]): e for e in audit
               if e.action == "claim_reviewed" and e.subject in documents and "review" in e.details}
    claims = {c.id: ClaimRecord(replace(c.claim, body=c.body), c.state,
                                tuple(_decision(d, reviews.get(d.id)) for d in c.history)) for c in reviewed}
    custody_excerpt = [e for e in custody if e.subject in documents]
    audit_excerpt = [e for e in audit if e.subject in documents]
    audit_excerpt += _this_export(audit, ws.actor)
    keys, introductions = _keys(audit, [*custody_excerpt, *audit_excerpt], ws.user_keys.key_id)
    audit_excerpt = sorted({e.seq: e for e in [*audit_excerpt, *introductions]}.values(), key=lambda e: e.seq)
    return Evidence(user.organization, ws.user_keys, documents, originals, texts, claims,
                    custody_excerpt, audit_excerpt,
                    {"custody": _links(custody), "audit": _links(audit)}, keys)


def _check(doc: Document, original: bytes, text: str) -> None:
    if hashlib.sha256(original).hexdigest() != doc.id:
        raise IntegrityError(f"The original of {doc.short_id} ({doc.file_name}) no longer has its SHA-256.",
                             fix="Run `testimonia verify`; restore the workspace from a backup.")
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != doc.text_sha256:
        raise IntegrityError(f"The text of {doc.short_id} ({doc.file_name}) was changed after extraction.",
                             fix="Run `testimonia verify`; restore the workspace from a backup.")


def _decision(decision: Decision, entry: LogEntry | None) -> ReviewDecision:
    changed = tuple(str(c) for c in entry.details.get("changed", [])) if entry else ()
    return ReviewDecision(decision.id, decision.decision, decision.actor, decision.at, decision.reason,
                          decision.body, changed, entry.seq if entry else None)


def _this_export(audit: list[LogEntry], actor: str) -> list[LogEntry]:
    """The vault read this export began with (service/vault.py identities)."""
    for entry in reversed(audit):
        if entry.action == "vault_read" and entry.actor == actor and entry.details.get("purpose") == "export":
            return [entry]
    return []


def _keys(audit: list[LogEntry], signed: Iterable[LogEntry], exporter: str) -> tuple[list[KeyRecord], list[LogEntry]]:
    """The keys that signed `signed` and the bag, and the audit entries that gave them to
    their users, following each entry's own signer back to the first admin."""
    given: dict[str, LogEntry] = {}
    organization: dict[str, str] = {}
    for entry in audit:
        if entry.action == "user_added":
            organization[(entry.subject or "").casefold()] = str(entry.details.get("organization", ""))
        if entry.action in KEY_ACTIONS and entry.details.get("key_id"):
            given.setdefault(str(entry.details["key_id"]), entry)
    pending = [exporter, *(e.signer for e in signed if e.signer)]
    keys: dict[str, KeyRecord] = {}
    while pending:
        key_id = pending.pop()
        giving = given.get(key_id)
        if key_id in keys or giving is None:
            continue
        user = giving.subject or ""
        keys[key_id] = KeyRecord(key_id, user, organization.get(user.casefold(), ""),
                                 bytes.fromhex(str(giving.details["signing_key"])), giving.seq)
        if giving.signer:
            pending.append(giving.signer)
    introductions = [given[k] for k in keys]
    return sorted(keys.values(), key=lambda k: k.introduced_by), introductions


def _links(entries: list[LogEntry]) -> list[tuple[int, str, str]]:
    return [(e.seq, e.prev_hash, e.hash) for e in entries]
