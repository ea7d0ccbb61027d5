"""Hash-chained, append-only logs: the chain of custody and the audit log.

Entry n stores the hash of entry n-1; its own hash covers its sequence number, subject
(a document id, or what was read or changed), action, time, actor, details and that
previous hash. Altering, deleting, inserting or reordering an entry breaks the chain;
truncating the tail is caught by a sealed head pointer the workspace keeps beside the
database (custody.head, audit.head).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table

from testimonia.model import LogEntry
from testimonia.store import logs
from testimonia.store.records import now

GENESIS = "0" * 64


@dataclass(frozen=True)
class Head:
    """The last entry the workspace knows it wrote."""

    seq: int
    hash: str


@dataclass(frozen=True)
class Problem:
    """One integrity failure, named so that a person can find it."""

    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


def entry_hash(seq: int, subject: str | None, action: str, at: str, actor: str,
               details: dict[str, Any], prev_hash: str) -> str:
    body = json.dumps({"seq": seq, "subject": subject, "action": action, "at": at,
                       "actor": actor, "details": details},
                      sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


def append(conn: Connection, table: Table, action: str, subject: str | None,
           details: dict[str, Any], actor: str) -> LogEntry:
    """Add one entry after the current last one, inside the caller's transaction."""
    last = logs.last_entry(conn, table)
    seq, prev = (1, GENESIS) if last is None else (last.seq + 1, last.hash)
    at = now()
    entry = LogEntry(seq=seq, subject=subject, action=action, at=at, actor=actor, details=details,
                     prev_hash=prev, hash=entry_hash(seq, subject, action, at, actor, details, prev))
    logs.insert_entry(conn, table, entry)
    return entry


def check_chain(entries: Iterable[LogEntry], head: Head | None,
                name: str = "custody") -> Iterator[Problem]:
    """Walk the whole log in order and yield every break in it."""
    expected_seq, prev, seen_head = 1, GENESIS, head is None or head.seq == 0
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
        if head is not None and entry.seq == head.seq:
            seen_head = True
            if entry.hash != head.hash:
                yield Problem(where, "differs from the head the workspace recorded (log rewritten)")
        expected_seq, prev = entry.seq + 1, entry.hash
    if not seen_head and head is not None:
        yield Problem(f"{name} log", f"ends at entry {expected_seq - 1}, but the workspace "
                      f"recorded entry {head.seq}: entries were removed from the end")
