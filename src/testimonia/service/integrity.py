"""`testimonia verify`: re-hash every original, walk both logs, check every signature.

Checks, each reported by document, log entry or record:
- each original opens (AES-GCM tag: a single flipped ciphertext byte fails), hashes to
  its document id and has the recorded size; it is not missing or swapped for another;
- each working-copy text still has the hash recorded when it was extracted;
- for documents the acting user cannot read (another organisation's, unshared, or no
  user credential given), only the workspace seal of the original is checked: they are
  counted apart;
- the custody and audit logs are unbroken chains that end where their sealed heads say
  (store/heads.py), or the gap is named;
- every entry is signed by a user the signed audit log introduced, whose role then
  allowed it (protect/trust.py), and every document was filed by a user of its own
  organisation, with the source its `received` entry names;
- the users, organisation keys, shares, vault entries and source profiles in the tables
  are those the signed log established: anything changed behind Testimonia's back is
  named.

It writes nothing, so it works on a read-only copy of a workspace.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import Connection, select

from testimonia.errors import IntegrityError, NotFound, PermissionDenied, WorkspaceLocked
from testimonia.model import Document, LogEntry
from testimonia.service import doccrypt, trust
from testimonia.service.policy import requires
from testimonia.service.workspace import Workspace
from testimonia.store import logs, persons, protection, records, reviews
from testimonia.store.chain import Problem, check_chain
from testimonia.store.engine import snapshot
from testimonia.store.heads import EMPTY, Head, HeadState, entry_head
from testimonia.store.schema import audit_events, custody_events, organization_keys, vault_entries

__all__ = ["VerifyReport", "verify_workspace"]


@dataclass
class VerifyReport:
    documents: int = 0
    sealed_only: int = 0  # documents whose content is not readable here: seal checked only
    entries: int = 0  # custody entries
    audit_entries: int = 0
    signed: int = 0
    legacy: int = 0  # unsigned entries from before users had credentials
    head: Head = EMPTY  # where the custody log ends
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@requires(None)
def verify_workspace(ws: Workspace, progress: Callable[[Document], None] | None = None) -> VerifyReport:
    report = VerifyReport()
    checkpoint = ws.checkpoint()
    heads = {name: _head(name, state, report) for name, (state, _end) in checkpoint.items()}
    with snapshot(ws.engine) as conn:  # one state throughout, without blocking writers
        audit = list(logs.iter_entries(conn, audit_events))
        report.audit_entries = len(audit)
        report.problems += check_chain(audit, heads["audit"], "audit", checkpoint["audit"][1])
        state = trust.replay(audit, report.problems)
        custody = list(trust.check_custody(logs.iter_entries(conn, custody_events), state,
                                           report.problems))
        report.entries = len(custody)
        report.head = entry_head(custody[-1] if custody else None)
        report.problems += check_chain(custody, heads["custody"], "custody", checkpoint["custody"][1])
        report.signed = sum(1 for e in (*audit, *custody) if e.signature is not None)
        report.legacy = state.legacy
        report.problems += _check_state(conn, state)
        received = {e.subject: e for e in custody if e.action == "received"}
        attributed = {e.subject: e.details["changes"]["source"]["to"] for e in custody
                      if e.action == "corrected" and "source" in e.details.get("changes", {})}
        extracted = {e.subject: e for e in custody if e.action == "text_extracted"}
        withdrawn = {e.subject: e.action == "withdrawn" for e in custody
                     if e.action in ("withdrawn", "restored")}
        for doc in records.iter_documents(conn):
            report.documents += 1
            report.problems += _check_entries(doc, received.get(doc.id), extracted.get(doc.id),
                                              attributed)
            if (doc.state == records.WITHDRAWN) != withdrawn.get(doc.id, False):
                report.problems.append(Problem(
                    f"document {doc.short_id} ({doc.file_name})",
                    "is withdrawn without a signed withdrawal in the custody log" if
                    doc.state == records.WITHDRAWN else "was withdrawn, and brought back outside "
                    "Testimonia"))
            report.problems += _check_document(ws, conn, doc, report)
            if progress is not None:
                progress(doc)
    return report


def _head(name: str, state: HeadState | IntegrityError | None,
          report: VerifyReport) -> HeadState | None:
    if isinstance(state, IntegrityError):
        report.problems.append(Problem(f"{name}.head", str(state)))
        return None
    if state is None:
        report.problems.append(Problem(f"{name}.head", "missing (removed or never written)"))
    return state


def _check_state(conn: Connection, state: trust.TrustState) -> Iterator[Problem]:
    """The tables against what the signed audit log established."""
    for user in protection.list_users(conn):
        signed = state.user(user.name)
        keys = protection.user_public_keys(conn).get(user.name)
        if signed is None:
            yield Problem(f"user {user.name}", "is in the users table but no signed entry added "
                          "them (added outside Testimonia)")
        elif signed.role != user.role or signed.organization != user.organization:
            yield Problem(f"user {user.name}", f"is recorded as {user.role} of {user.organization}, "
                          f"but the signed log made them {signed.role} of {signed.organization}")
        elif signed.keys is not None and keys != signed.keys:
            yield Problem(f"user {user.name}", "their public keys differ from those the signed "
                          "log gave them (replaced)")
    for row in conn.execute(select(organization_keys.c.key_id, organization_keys.c.public_key)):
        signed_key = state.org_keys.get(row.key_id)
        if signed_key is not None and signed_key != bytes(row.public_key).hex():
            yield Problem(f"organisation key {row.key_id}", "differs from the public key the "
                          "signed log recorded (replaced)")
        elif signed_key is None and not state.legacy:
            yield Problem(f"organisation key {row.key_id}", "no signed entry created it")
    yield from _check_shares(conn, state)
    yield from _check_vault_and_profiles(conn, state)
    yield from _check_reviews(conn, state)


def _check_reviews(conn: Connection, state: trust.TrustState) -> Iterator[Problem]:
    """Every decision on a claim or a person is the one signed, and none was removed."""
    for what, stored, signed in (
            ("claim decision", {r.id: r.sealed for r in reviews.rows(conn)}, state.reviews),
            ("person link", {r.id: r.sealed for r in persons.rows(conn)}, state.person_links)):
        actual = {row_id: hashlib.sha256(sealed).hexdigest() for row_id, sealed in stored.items()}
        for row_id, digest in sorted(actual.items()):
            if signed.get(row_id) != digest:
                yield Problem(f"{what} {row_id}", "is not the one its reviewer signed "
                              "(added or changed outside Testimonia)")
        for row_id in sorted(signed.keys() - actual.keys()):
            yield Problem(f"{what} {row_id}", "was removed outside Testimonia")


def _check_shares(conn: Connection, state: trust.TrustState) -> Iterator[Problem]:
    stored = {(s.owner, s.kind, s.item, s.with_organization) for s in protection.list_shares(conn)}
    if state.legacy:
        return
    for owner, kind, item, other in sorted(stored - state.shares):
        yield Problem(f"share of {owner}", f"{kind} {item[:12]} with {other} was not made by a "
                      "signed entry of its admins")
    for owner, kind, item, other in sorted(state.shares - stored):
        yield Problem(f"share of {owner}", f"{kind} {item[:12]} with {other} was removed outside "
                      "Testimonia")


def _check_vault_and_profiles(conn: Connection, state: trust.TrustState) -> Iterator[Problem]:
    pseudonyms = {s.id: s.pseudonym for s in records.list_sources(conn)}
    for row in conn.execute(select(vault_entries.c.source_id, vault_entries.c.ciphertext)):
        pseudonym = pseudonyms.get(row.source_id, str(row.source_id))
        signed = state.vault.get(pseudonym)
        actual = hashlib.sha256(bytes(row.ciphertext)).hexdigest()
        if signed != actual and (signed is not None or not state.legacy):
            yield Problem(f"vault entry of {pseudonym}", "is not the one its organisation "
                          "signed (overwritten outside Testimonia)")
    for pseudonym, profile in protection.profiles(conn):
        signed = state.profiles.get(pseudonym)
        actual = trust.profile_digest(profile)
        if (signed is not None and signed != actual) or (signed is None and profile and not state.legacy):
            yield Problem(f"source {pseudonym}", "its profile is not the one its organisation "
                          "signed (changed outside Testimonia)")


def _check_entries(doc: Document, received: LogEntry | None, extracted: LogEntry | None,
                   attributed: dict[str | None, str | None]) -> Iterator[Problem]:
    """The document against its custody: received for its organisation and for its
    source, or for the source a signed correction re-attributed it to."""
    where = f"document {doc.short_id} ({doc.file_name})"
    source = attributed[doc.id] if doc.id in attributed else (received.details.get("source")
                                                              if received else None)
    if received is None or received.details.get("sha256") != doc.id:
        yield Problem(where, "has no matching 'received' entry in the custody log")
    elif "organization" in received.details and (
            received.details["organization"] != doc.organization or source != doc.source):
        yield Problem(where, f"is filed under {doc.organization} / {doc.source or 'no source'}, "
                      f"but its custody files it under {received.details['organization']} / "
                      f"{source or 'no source'} (re-attributed outside Testimonia)")
    if extracted is None or extracted.details.get("text_sha256") != doc.text_sha256:
        yield Problem(where, "has no matching 'text_extracted' entry in the custody log")


def _check_document(ws: Workspace, conn: Connection, doc: Document,
                    report: VerifyReport) -> Iterator[Problem]:
    where = f"document {doc.short_id} ({doc.file_name})"
    try:
        data_key: bytes | None = doccrypt.key_for(ws, conn, doc.id)
    except (NotFound, WorkspaceLocked, PermissionDenied):
        data_key = None
        report.sealed_only += 1
    except IntegrityError as exc:
        yield Problem(where, f"its data key does not open: {exc}")
        return
    try:
        original = ws.read_original(doc.id, data_key)
    except IntegrityError as exc:
        yield Problem(where, f"original cannot be trusted: {exc}")
    else:
        if data_key and (hashlib.sha256(original).hexdigest() != doc.id or len(original) != doc.size):
            yield Problem(where, "original no longer matches its SHA-256 (replaced)")
    if data_key is None:
        return
    try:
        text = doccrypt.open_text(data_key, doc.id, records.sealed_text(conn, doc.id))
    except IntegrityError as exc:
        yield Problem(where, f"working-copy text cannot be trusted: {exc}")
        return
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != doc.text_sha256:
        yield Problem(where, "working-copy text was changed after extraction")
