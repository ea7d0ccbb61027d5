"""`testimonia verify`: re-hash every original and walk the custody chain.

Checks, each reported by document or log entry:
- each original opens (AES-GCM tag: a single flipped ciphertext byte fails), hashes to
  its document id and has the recorded size; it is not missing or swapped for another;
- each working-copy text still has the hash recorded when it was extracted;
- for documents the acting user's organisation cannot read (another organisation's,
  unshared), only the workspace seal of the original is checked: they are counted apart;
- the custody log is an unbroken chain up to the sealed head, and every document has its
  `received` and `text_extracted` entries matching what is stored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import Connection

from testimonia.chain import Head, Problem, check_chain
from testimonia.errors import IntegrityError, NotFound, WorkspaceLocked
from testimonia.model import Document, LogEntry
from testimonia.protect import doccrypt
from testimonia.store import logs, records
from testimonia.store.schema import custody_events
from testimonia.workspace import Workspace


@dataclass
class VerifyReport:
    documents: int = 0
    sealed_only: int = 0  # other organisations' documents: seal checked, content not readable
    entries: int = 0
    head: Head | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_workspace(ws: Workspace, progress: Callable[[Document], None] | None = None) -> VerifyReport:
    report = VerifyReport()
    try:
        report.head = ws.read_head()
    except IntegrityError as exc:
        report.problems.append(Problem("custody.head", str(exc)))
    if report.head is None and not report.problems:
        report.problems.append(Problem("custody.head", "missing (removed or never written)"))
    with ws.engine.connect() as conn:
        report.problems += list(_check_log(conn, report))
        for doc in records.iter_documents(conn):
            report.documents += 1
            report.problems += list(_check_document(ws, conn, doc, report))
            if progress is not None:
                progress(doc)
    return report


def _check_log(conn: Connection, report: VerifyReport) -> Iterator[Problem]:
    def counted() -> Iterator[LogEntry]:
        for event in logs.iter_entries(conn, custody_events):
            report.entries += 1
            yield event
    yield from check_chain(counted(), report.head)


def _check_document(ws: Workspace, conn: Connection, doc: Document,
                    report: VerifyReport) -> Iterator[Problem]:
    where = f"document {doc.short_id} ({doc.file_name})"
    yield from _check_document_entries(conn, doc, where)
    try:
        data_key: bytes | None = doccrypt.key_for(ws, conn, doc.id)
    except (NotFound, WorkspaceLocked):
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


def _check_document_entries(conn: Connection, doc: Document, where: str) -> Iterator[Problem]:
    events = {e.action: e for e in logs.iter_entries(conn, custody_events, doc.id)}
    received, extracted = events.get("received"), events.get("text_extracted")
    if received is None or received.details.get("sha256") != doc.id:
        yield Problem(where, "has no matching 'received' entry in the custody log")
    if extracted is None or extracted.details.get("text_sha256") != doc.text_sha256:
        yield Problem(where, "has no matching 'text_extracted' entry in the custody log")
