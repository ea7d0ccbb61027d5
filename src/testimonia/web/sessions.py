"""Signed-in sessions, held in server memory only: a random id (the cookie's only
content) maps to the user's workspace view, whose unlocked keys never leave the
process. A session ends after IDLE_SECONDS without a request, ABSOLUTE_SECONDS after
sign-in, or at sign-out."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from testimonia.service.policy import User
from testimonia.service.workspace import Workspace

__all__ = ["ABSOLUTE_SECONDS", "IDLE_SECONDS", "Session", "SessionStore"]

IDLE_SECONDS = 30 * 60
ABSOLUTE_SECONDS = 12 * 60 * 60


@dataclass
class Session:
    id: str
    ws: Workspace  # the workspace as this user (Workspace.signed_in)
    csrf: str  # the synchronizer token every change must carry
    started: float
    seen: float

    @property
    def user(self) -> User:
        return self.ws.user


class SessionStore:
    def __init__(self, idle: float = IDLE_SECONDS, absolute: float = ABSOLUTE_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.idle, self.absolute, self.clock = idle, absolute, clock
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def start(self, ws: Workspace) -> Session:
        """A new session with a new random id (never one the browser offered)."""
        now = self.clock()
        session = Session(secrets.token_urlsafe(32), ws, secrets.token_urlsafe(32), now, now)
        with self._lock:
            self._sessions[session.id] = session
        return session

    def get(self, session_id: str | None) -> Session | None:
        """The live session with this id (its idle clock restarted), else None."""
        if not session_id:
            return None
        now = self.clock()
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None:
                return None
            if now - session.seen > self.idle or now - session.started > self.absolute:
                self._drop(session_id)
                return None
            session.seen = now
            return session

    def end(self, session_id: str | None) -> None:
        with self._lock:
            if session_id:
                self._drop(session_id)

    def expire(self) -> None:
        """Drop every timed-out session (called now and then; `get` drops them too)."""
        now = self.clock()
        with self._lock:
            for session in list(self._sessions.values()):
                if now - session.seen > self.idle or now - session.started > self.absolute:
                    self._drop(session.id)

    def __len__(self) -> int:
        return len(self._sessions)

    def _drop(self, session_id: str) -> None:
        session = self._sessions.pop(session_id, None)
        if session is not None:
            session.ws.close()

