"""The workspace lock: commands share the workspace; a few need it alone.

Every process that opens a workspace holds a shared lock on `workspace.lock` (flock,
released by the kernel when the process dies, so a killed command never leaves it
stuck). Work that must not run beside anything else takes it exclusively: key
rotation (other processes would keep using the old key), schema migrations, and
clearing `tmp/` of partial files (only when no other process could be writing one).
Ordinary writes are serialised by the database's own write lock (BEGIN IMMEDIATE).
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable
from pathlib import Path

from testimonia.errors import WorkspaceBusy

__all__ = ["POLL_SECONDS", "WorkspaceLock"]

POLL_SECONDS = 0.1
Waiting = Callable[[str], None]


class WorkspaceLock:
    def __init__(self, path: Path, timeout: float, on_wait: Waiting | None = None) -> None:
        self.path, self.timeout, self.on_wait = path, timeout, on_wait
        self._fd: int | None = None

    def acquire_shared(self) -> None:
        self._take(fcntl.LOCK_SH, "it is being re-keyed or upgraded by another command")

    def try_exclusive(self) -> bool:
        """Take the lock alone if nobody else holds it; False (keeping what was held) if not."""
        try:
            fcntl.flock(self._open(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def acquire_exclusive(self, why: str) -> None:
        self._take(fcntl.LOCK_EX, "other Testimonia commands are using it", why)

    def downgrade(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_SH)

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def _open(self) -> int:
        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        return self._fd

    def _take(self, kind: int, busy: str, why: str = "") -> None:
        fd = self._open()
        deadline = time.monotonic() + self.timeout
        told = False
        while True:
            try:
                fcntl.flock(fd, kind | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                pass
            if time.monotonic() >= deadline:
                raise WorkspaceBusy(
                    f"The workspace {self.path.parent} is busy: {busy}"
                    + (f" ({why} needs it alone)" if why else "") + ".",
                    fix=f"Nothing was changed. Wait for the other command to finish (or stop "
                    f"it), then run this again; lock_timeout ({self.timeout:g} s) sets how long "
                    "to wait.")
            if not told and self.on_wait is not None:
                self.on_wait(f"Waiting for the workspace: {busy}"
                             + (f" ({why} needs it alone)" if why else "") + "…")
                told = True
            time.sleep(POLL_SECONDS)
