"""What the application holds between requests: the workspace opened at start (with the
workspace key, no user), the sessions, the sign-in throttle and the templates."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

from testimonia.service.signin import Throttle
from testimonia.service.workspace import Workspace
from testimonia.web.sessions import SessionStore

__all__ = ["HERE", "SESSION_COOKIE", "SIGNIN_COOKIE", "WebState", "state_of", "templates"]

HERE = Path(__file__).parent
SESSION_COOKIE = "testimonia_session"
SIGNIN_COOKIE = "testimonia_signin"  # the sign-in form's own CSRF token (double submit)


def templates() -> Jinja2Templates:
    """Every value is escaped unless a template says otherwise (none does)."""
    env = Environment(loader=FileSystemLoader(HERE / "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    return Jinja2Templates(env=env)


@dataclass
class WebState:
    ws: Workspace
    sessions: SessionStore
    throttle: Throttle
    pages: Jinja2Templates


def state_of(request: Request) -> WebState:
    state = request.app.state.web
    assert isinstance(state, WebState)
    return state
