"""The chain of custody: an append-only, hash-chained log of what happened to documents.

Entry n stores the hash of entry n-1; its own hash covers its sequence number, the
document, the action, time, actor, details and that previous hash. Altering, deleting,
inserting or reordering an entry breaks the chain; truncating the tail is caught by the
sealed head pointer the workspace keeps beside the database (custody.head).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from testimonia.model import CustodyEvent
from testimonia.store import records

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


def entry_hash(seq: int, document_id: str | None, action: str, at: str, actor: str,
               details: dict[str, Any], prev_hash: str) -> str:
    body = json.dumps({"seq": seq, "document": document_id, "action": action, "at": at,
                       "actor": actor, "details": details},
                      sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


def append(conn: Connection, action: str, document_id: str | None, details: dict[str, Any],
           actor: str) -> CustodyEvent:
    """Add one entry after the current last one, inside the caller's transaction."""
    last = records.last_custody_event(conn)
    seq, prev = (1, GENESIS) if last is None else (last.seq + 1, last.hash)
    at = records.now()
    event = CustodyEvent(seq=seq, document_id=document_id, action=action, at=at, actor=actor,
                         details=details, prev_hash=prev,
                         hash=entry_hash(seq, document_id, action, at, actor, details, prev))
    records.insert_custody_event(conn, event)
    return event


def check_chain(events: Iterable[CustodyEvent], head: Head | None) -> Iterator[Problem]:
    """Walk the whole log in order and yield every break in it."""
    expected_seq, prev, seen_head = 1, GENESIS, head is None or head.seq == 0
    for event in events:
        where = f"custody entry {event.seq}"
        if event.seq != expected_seq:
            yield Problem(where, f"expected entry {expected_seq} here: entries are missing, "
                          "inserted or renumbered")
        if event.prev_hash != prev:
            yield Problem(where, "does not follow the entry before it (an entry was deleted, "
                          "inserted or moved)")
        recomputed = entry_hash(event.seq, event.document_id, event.action, event.at,
                                event.actor, event.details, event.prev_hash)
        if recomputed != event.hash:
            yield Problem(where, f"was altered ({event.action} entry no longer matches its hash)")
        if head is not None and event.seq == head.seq:
            seen_head = True
            if event.hash != head.hash:
                yield Problem(where, "differs from the head the workspace recorded (log rewritten)")
        expected_seq, prev = event.seq + 1, event.hash
    if not seen_head and head is not None:
        yield Problem("custody log", f"ends at entry {expected_seq - 1}, but the workspace "
                      f"recorded entry {head.seq}: entries were removed from the end")
