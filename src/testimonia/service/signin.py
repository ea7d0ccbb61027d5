"""Signing in from a front end that serves several people at once (web/): a user name and
their own credential open their keys for a session, and repeated failures slow a guesser
down, per user name and per client address.

The credential is checked exactly as the CLI checks it (service/actor.py): a passphrase
through Argon2id, or a key file's content. A failure is written to the audit log as
`authentication_failed` (unsigned: nobody authenticated), with the client's address; a
sign-in refused by the throttle as `refused`. Neither says which of the two was wrong.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from testimonia.crypto.keys import KeyMaterial, is_empty
from testimonia.errors import PermissionDenied
from testimonia.service.policy import requires
from testimonia.service.workspace import Workspace

__all__ = ["Throttle", "Throttled", "WRONG", "sign_in"]

WRONG = "The user name or the credential is wrong."


class Throttled(PermissionDenied):
    """Too many failed sign-ins for this user name or from this address: wait."""


@dataclass
class Throttle:
    """Failed sign-ins counted per user name and per client address over `window`
    seconds; after `limit` of them, that name (or address) waits `lockout` seconds,
    doubled at each further failure (at most an hour)."""

    limit: int = 5
    window: float = 15 * 60
    lockout: float = 60
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, list[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait(self, name: str, client: str) -> float:
        """Seconds before `name` may try again from `client` (0: now)."""
        with self._lock:
            return max(self._wait(_user_key(name)), self._wait(_client_key(client)))

    def failed(self, name: str, client: str) -> None:
        now = self.clock()
        with self._lock:
            for key in (_user_key(name), _client_key(client)):
                self._failures[key] = [*self._recent(key, now), now]

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._failures.pop(_user_key(name), None)

    def _recent(self, key: str, now: float) -> list[float]:
        return [t for t in self._failures.get(key, []) if now - t < self.window]

    def _wait(self, key: str) -> float:
        now = self.clock()
        recent = self._recent(key, now)
        if len(recent) < self.limit:
            return 0.0
        pause = min(self.lockout * 2.0 ** (len(recent) - self.limit), 3600.0)
        return max(0.0, recent[-1] + pause - now)


def _user_key(name: str) -> str:
    return "user:" + name.strip().casefold()


def _client_key(client: str) -> str:
    return "client:" + client


@requires(None)
def sign_in(ws: Workspace, name: str, material: KeyMaterial, client: str,
            throttle: Throttle) -> Workspace:
    """The workspace as user `name`, opened with their credential (ws.signed_in); one
    message for every failure, so that a guesser learns nothing of which user names
    exist; PermissionDenied when the throttle holds the name or the address back."""
    waiting = throttle.wait(name, client)
    if waiting > 0:
        reason = f"too many failed sign-ins; wait {int(waiting) + 1} s"
        ws.refused("sign_in", f"{reason} (user '{name.strip()}', client {client})")
        raise Throttled(f"Too many failed sign-ins for this user name or from this "
                               f"address: try again in {int(waiting) + 1} seconds.",
                               fix="Check the user name and your credential; an admin can give "
                               "you a new one (`testimonia user credential NAME`).")
    if not name.strip() or is_empty(material):
        throttle.failed(name, client)
        raise PermissionDenied(WRONG, fix="Give your user name and your passphrase or key file.")
    try:
        view = ws.signed_in(name, material, {"client": client})
    except PermissionDenied:
        throttle.failed(name, client)
        raise PermissionDenied(WRONG, fix="Check both; after several failures sign-in waits a "
                               "while. An admin can give you a new credential.") from None
    throttle.succeeded(name)
    return view
