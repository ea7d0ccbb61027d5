"""Sealed heads of the hash-chained logs, moved with every commit.

A head file (custody.head, audit.head) names the last entry of its log that the
workspace knows it committed, so that entries removed from the end are noticed. It is
written inside each write transaction, while the database's write lock is held:

1. at BEGIN the head is reconciled with the log (`current`): the log must end exactly
   at the committed head, or at the pending one a crashed commit left behind;
   anything else (the log lost entries, or holds entries no head covers) refuses the
   write, so a shortened log is never sealed again;
2. before COMMIT the head is rewritten as {committed: the old end, pending: the new
   end} (`write_pending`);
3. after COMMIT it becomes {committed: the new end} (`finalize`), unless a later
   transaction already moved it.

So after a crash at any moment the head covers every committed entry: either the
commit happened (the pending head matches the log) or it did not (the log ends at the
committed head). `check` says which, or names the gap. A head file written by a
version before this protocol (no "format") is read as committed-only.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Table, select

from testimonia.crypto.logchain import GENESIS
from testimonia.errors import IntegrityError
from testimonia.fsutil import atomic_write
from testimonia.model import LogEntry
from testimonia.store import logs

__all__ = ["EMPTY", "FORMAT", "GENESIS", "Head", "HeadFile", "HeadState", "describe", "entry_head"]

FORMAT = 2


@dataclass(frozen=True)
class Head:
    """One entry of a log, by number and hash."""

    seq: int
    hash: str


EMPTY = Head(0, GENESIS)


@dataclass(frozen=True)
class HeadState:
    committed: Head
    pending: Head | None = None
    legacy: bool = False  # sealed by an older version, only when a command ended

    def accepts(self, last: Head) -> bool:
        """True when a log ending at `last` is what this head says was committed."""
        return last == self.committed or last == self.pending


Seal = Callable[[str, bytes], bytes]


class HeadFile:
    """One log's head file; every read-modify-write holds a lock on `<name>.head.lock`."""

    def __init__(self, name: str, path: Path, seal: Seal, unseal: Seal, tmp_dir: Path) -> None:
        self.name, self.path, self.tmp_dir = name, path, tmp_dir
        self._seal, self._unseal = seal, unseal

    def read(self) -> HeadState | None:
        """The sealed head; None when there is no head file; IntegrityError when it does
        not open (altered, or sealed under another key)."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        data = json.loads(self._unseal(f"{self.name}.head", raw))
        if data.get("format") != FORMAT:
            return HeadState(Head(int(data["seq"]), str(data["hash"])), legacy=True)
        pending = data.get("pending")
        return HeadState(_head(data["committed"]), _head(pending) if pending else None)

    def current(self, conn: Connection, table: Table) -> Head:
        """The log's end, once checked against the sealed head (call at the start of a
        write transaction); IntegrityError when they disagree."""
        last = _end(conn, table)
        state = self.read()
        if state is None:
            if last == EMPTY:
                return last
            raise IntegrityError(f"{self.path.name} is missing while the {self.name} log holds "
                                 f"{last.seq} entries", fix=_FIX)
        if state.accepts(last) or (state.legacy and _holds(conn, table, state.committed)
                                   and last.seq >= state.committed.seq):
            return last
        problem = next(iter(describe(state, last, _holds(conn, table, state.committed))))
        raise IntegrityError(f"Refusing to write: the {self.name} log {problem}.", fix=_FIX)

    def write_pending(self, committed: Head, pending: Head) -> None:
        with self._locked():
            self._write({"format": FORMAT, "committed": vars(committed), "pending": vars(pending)})

    def finalize(self, end: Head) -> None:
        """After the commit: the pending head becomes the committed one, unless another
        transaction has moved it since. Best effort: a failure here leaves a pending
        head that matches the log, which reads the same."""
        try:
            with self._locked():
                state = self.read()
                if state is not None and state.pending == end:
                    self._write({"format": FORMAT, "committed": vars(end)})
        except (OSError, IntegrityError):
            pass

    def seal_as(self, state: HeadState) -> None:
        """Rewrite the head unchanged under the current workspace key (rotation)."""
        body: dict[str, object] = {"format": FORMAT, "committed": vars(state.committed)}
        if state.pending is not None:
            body["pending"] = vars(state.pending)
        with self._locked():
            self._write(body)

    def _write(self, body: dict[str, object]) -> None:
        atomic_write(self.path, self._seal(f"{self.name}.head", json.dumps(body).encode()),
                     tmp_dir=self.tmp_dir)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        fd = os.open(self.path.with_name(self.path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)


_FIX = ("Run `testimonia verify` to see what is missing, and restore the workspace from a "
        "backup; nothing was written.")


def describe(state: HeadState, last: Head, reaches_committed: bool) -> Iterator[str]:
    """What is wrong when a log ending at `last` does not match its head (nothing when it
    does), as a phrase that follows "the custody log"."""
    if state.accepts(last):
        return
    top = max(state.committed.seq, state.pending.seq if state.pending else 0)
    if not reaches_committed and last.seq < state.committed.seq:
        yield (f"ends at entry {last.seq}, but the workspace recorded entry "
               f"{state.committed.seq}: entries were removed from the end")
    elif not reaches_committed:
        yield (f"entry {state.committed.seq} differs from the head the workspace recorded "
               "(log rewritten)")
    elif last.seq > top:
        yield (f"entries {top + 1}–{last.seq} are not covered by the sealed head (written "
               "outside Testimonia, or the head was rolled back)")
    else:
        yield (f"ends at entry {last.seq}, but the workspace recorded entry {top}: entries "
               "were removed from the end")


def entry_head(entry: LogEntry | None) -> Head:
    return EMPTY if entry is None else Head(entry.seq, entry.hash)


def _end(conn: Connection, table: Table) -> Head:
    return entry_head(logs.last_entry(conn, table))


def _holds(conn: Connection, table: Table, head: Head) -> bool:
    if head.seq == 0:
        return True
    row = conn.execute(select(table.c.hash).where(table.c.seq == head.seq)).first()
    return row is not None and row.hash == head.hash


def _head(data: dict[str, object]) -> Head:
    return Head(int(str(data["seq"])), str(data["hash"]))
