"""What each route needs, checked before it runs: a session (unless public), the CSRF
token on every change, and the library's own access decision (policy.authorize) for
the route's action. Each route declares one `Access`; create_app refuses a route
without one, and tests/web/test_access_matrix.py holds every route of the live route
table to an expectation table."""

from __future__ import annotations

import hmac

from fastapi import Request
from fastapi.routing import APIRoute

from testimonia.errors import PermissionDenied
from testimonia.service.policy import ACTIONS, authorize
from testimonia.web.sessions import Session
from testimonia.web.state import SESSION_COOKIE, state_of

__all__ = ["PUBLIC", "SAFE_METHODS", "SIGNED_IN", "Access", "BadCsrf", "SignInRequired", "access_of"]

PUBLIC = "public"  # no session needed (the sign-in page)
SIGNED_IN = "signed_in"  # any signed-in user, whatever their role (home, sign-out)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


class SignInRequired(Exception):
    """No live session: the browser is sent to the sign-in page."""


class BadCsrf(PermissionDenied):
    """A change without the session's CSRF token."""


class Access:
    """The dependency a route declares: `session: Session = Depends(Access("read_text"))`."""

    def __init__(self, action: str) -> None:
        if action not in (PUBLIC, SIGNED_IN) and action not in ACTIONS:
            raise ValueError(f"undeclared action {action!r}")
        self.action = action

    async def __call__(self, request: Request) -> Session | None:
        if self.action == PUBLIC:
            return None
        state = state_of(request)
        session = state.sessions.get(request.cookies.get(SESSION_COOKIE))
        if session is None:
            raise SignInRequired()
        if request.method not in SAFE_METHODS:
            await check_csrf(request, session.csrf)
        if self.action != SIGNED_IN:
            try:
                authorize(session.user, self.action)
            except PermissionDenied as exc:
                session.ws.refused(f"web {request.method} {request.url.path}", exc.message)
                raise
        return session


async def check_csrf(request: Request, expected: str) -> None:
    """The token from the form field or the htmx header must equal `expected`."""
    given = request.headers.get(CSRF_HEADER)
    if given is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if not given or not hmac.compare_digest(given.encode(), expected.encode()):
        raise BadCsrf("This form is out of date or did not come from this workspace (CSRF token "
                      "missing or wrong); nothing was changed.",
                      fix="Reload the page and try again.")


def access_of(route: APIRoute) -> Access | None:
    """The Access a route declared, if any."""
    found = [d.call for d in route.dependant.dependencies if isinstance(d.call, Access)]
    return found[0] if len(found) == 1 else None
