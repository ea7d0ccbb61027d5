"""The application: routes, security headers on every response, and one handler that
turns the library's errors into pages with the right status (docs/web.md)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.routing import Mount

from testimonia.errors import (
    InvalidValue,
    NotFound,
    PermissionDenied,
    ReadOnlyWorkspace,
    StorageFailure,
    TestimoniaError,
    WorkspaceBusy,
    WorkspaceLocked,
)
from testimonia.service.signin import Throttle
from testimonia.service.workspace import Workspace
from testimonia.web import pages
from testimonia.web.access import BadCsrf, SignInRequired, access_of
from testimonia.web.render import page
from testimonia.web.sessions import SessionStore
from testimonia.web.state import HERE, WebState, templates

__all__ = ["CSP", "create_app", "headers_for"]

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
STATUS: list[tuple[type[TestimoniaError], int]] = [
    (BadCsrf, 403), (PermissionDenied, 403), (NotFound, 404), (InvalidValue, 400),
    (WorkspaceBusy, 503), (WorkspaceLocked, 403), (ReadOnlyWorkspace, 409), (StorageFailure, 507),
]


def headers_for(tiles: str) -> dict[str, str]:
    """The security headers; a configured tile server (map_tiles) is the one origin
    besides the workspace images may come from."""
    if not tiles:
        return HEADERS
    origin = "https://" + tiles.removeprefix("https://").split("/", 1)[0]
    return {**HEADERS, "Content-Security-Policy": CSP.replace("img-src 'self' data:", f"img-src 'self' data: {origin}")}


def create_app(ws: Workspace, sessions: SessionStore | None = None,
               throttle: Throttle | None = None) -> FastAPI:
    """The web workspace over `ws`, a workspace opened with the workspace key (users
    sign in in the browser)."""
    app = FastAPI(title="Testimonia", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.web = WebState(ws, SessionStore() if sessions is None else sessions,
                             Throttle() if throttle is None else throttle, templates())
    for router in pages.ROUTERS:  # each route added to the app itself, so that app.routes lists it
        for route in router.routes:
            assert isinstance(route, APIRoute)
            app.add_api_route(route.path, route.endpoint, methods=sorted(route.methods or ()),
                              response_class=route.response_class, name=route.name,
                              dependencies=route.dependencies)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    undeclared = [getattr(r, "path", r) for r in app.routes
                  if not (isinstance(r, APIRoute) and access_of(r)) and not isinstance(r, Mount)]
    if undeclared:
        raise RuntimeError(f"routes without an Access declaration: {undeclared}")
    app.state.headers = headers_for(str(ws.config["map_tiles"] or ""))
    app.middleware("http")(_security_headers)
    app.add_exception_handler(TestimoniaError, _library_error)
    app.add_exception_handler(SignInRequired, _sign_in_first)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _bad_request)
    return app


async def _security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    response = await call_next(request)
    for name, value in request.app.state.headers.items():
        response.headers[name] = value
    if request.url.path.startswith("/static/"):
        response.headers["Cache-Control"] = "no-cache"
    else:  # pages hold testimony: never kept by the browser or a proxy
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
    if request.url.scheme == "https":
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
    return response


def _status(exc: TestimoniaError) -> int:
    return next((status for kind, status in STATUS if isinstance(exc, kind)), 500)


async def _library_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, TestimoniaError)
    return page(request, "error.html", {"message": exc.message, "fix": exc.fix}, status=_status(exc))


async def _sign_in_first(request: Request, exc: Exception) -> Response:
    if request.headers.get("HX-Request"):
        return Response(status_code=401, headers={"HX-Redirect": "/signin"})
    return RedirectResponse("/signin", status_code=303)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    words: dict[int, Any] = {404: "There is no page here.", 405: "This page does not take that method."}
    return page(request, "error.html", {"message": words.get(exc.status_code, exc.detail), "fix": None},
                status=exc.status_code)


async def _bad_request(request: Request, exc: Exception) -> Response:
    """A value in the address or the form this page does not take, named with what it takes."""
    assert isinstance(exc, RequestValidationError)
    problems = "; ".join(f"{'.'.join(str(part) for part in e.get('loc', ())[1:]) or 'value'} "
                         f"{str(e.get('input'))[:40]!r}: {e.get('msg', 'not valid')}" for e in exc.errors())
    return page(request, "error.html", {"message": f"This page does not take that value ({problems}).",
                                        "fix": "Use the links and forms of the workspace."}, status=400)
