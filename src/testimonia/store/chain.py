"""Hash-chained, append-only logs: the chain of custody and the audit log.

Entry n stores the hash of entry n-1; its own hash covers its sequence number, subject
(a document id, or what was read or changed), action, time, actor, details and that
previous hash. Altering, deleting, inserting or reordering an entry breaks the chain;
truncating the tail is caught by a sealed head the workspace moves with every commit
(store/heads.py: custody.head, audit.head).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Protocol

from sqlalchemy import Connection, Table

from testimonia.crypto.logchain import GENESIS, Problem, entry_hash, signed_message
from testimonia.model import LogEntry
from testimonia.store import logs
from testimonia.store.heads import EMPTY, Head, HeadState, describe, entry_head
from testimonia.store.records import now

__all__ = ["Problem", "Signer", "append", "check_chain", "entry_hash", "signed_message"]


class Signer(Protocol):
    @property
    def key_id(self) -> str: ...

    def sign(self, message: bytes) -> bytes: ...


def append(conn: Connection, table: Table, action: str, subject: str | None,
           details: dict[str, Any], actor: str, signer: Signer | None) -> LogEntry:
    """Add one entry after the current last one, inside the caller's transaction, signed
    by its author (unsigned only for a refusal of someone who could not authenticate)."""
    last = logs.last_entry(conn, table)
    seq, prev = (1, GENESIS) if last is None else (last.seq + 1, last.hash)
    at = now()
    digest = entry_hash(seq, subject, action, at, actor, details, prev)
    entry = LogEntry(seq=seq, subject=subject, action=action, at=at, actor=actor, details=details,
                     prev_hash=prev, hash=digest,
                     signer=signer.key_id if signer else None,
                     signature=signer.sign(signed_message(table.name, digest, signer.key_id))
                     if signer else None)
    logs.insert_entry(conn, table, entry)
    return entry


def check_chain(entries: Iterable[LogEntry], head: HeadState | None,
                name: str = "custody", end: Head | None = None) -> Iterator[Problem]:
    """Walk the whole log in order and yield every break in it, then whether it ends
    where its sealed head says (store/heads.py). `end`: where the log ended when the head
    was read (Workspace.checkpoint); entries after it were committed since, and are
    checked as part of the chain only."""
    expected_seq, prev, last = 1, GENESIS, EMPTY
    committed_seen = head is None or head.committed.seq == 0
    for entry in entries:
        where = f"{name} entry {entry.seq}"
        if entry.seq != expected_seq:
            yield Problem(where, f"expected entry {expected_seq} here: entries are missing, "
                          "inserted or renumbered")
        if entry.prev_hash != prev:
            yield Problem(where, "does not follow the entry before it (an entry was deleted, "
                          "inserted or moved)")
        recomputed = entry_hash(entry.seq, entry.subject, entry.action, entry.at, entry.actor,
                                entry.details, entry.prev_hash)
        if recomputed != entry.hash:
            yield Problem(where, f"was altered ({entry.action} entry no longer matches its hash)")
        if head is not None and entry.seq == head.committed.seq:
            committed_seen = entry.hash == head.committed.hash
        expected_seq, prev = entry.seq + 1, entry.hash
        if end is None or entry.seq <= end.seq:
            last = entry_head(entry)
    if head is None:
        return
    if head.legacy and committed_seen and last.seq >= head.committed.seq:
        if last.seq > head.committed.seq:
            yield Problem(f"{name} log", f"entries {head.committed.seq + 1}–{last.seq} are not "
                          "covered by the sealed head (a command of an older version was "
                          "interrupted; the next command that writes seals them)")
        return
    for what in describe(head, last, committed_seen):
        yield Problem(f"{name} log", what)
