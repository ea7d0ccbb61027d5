"""Signing in and out. The credential is the CLI's: a user name with their passphrase or
their key file (uploaded, or its two lines pasted); it opens the user's keys for the
session, which keeps them in server memory only."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, Response, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from testimonia.crypto.keys import KeyMaterial, parse_key_file
from testimonia.errors import PermissionDenied, WorkspaceLocked
from testimonia.service.signin import Throttled, sign_in
from testimonia.web.access import PUBLIC, SIGNED_IN, Access, BadCsrf
from testimonia.web.render import page
from testimonia.web.sessions import Session
from testimonia.web.state import SESSION_COOKIE, SIGNIN_COOKIE, state_of

router = APIRouter()
MAX_KEY_FILE = 1024  # a key file is two short lines


@router.get("/signin", response_class=HTMLResponse, dependencies=[Depends(Access(PUBLIC))])
def signin_form(request: Request) -> Response:
    return _form(request, None, 200)


def _form(request: Request, error: PermissionDenied | None, status: int, name: str = "") -> Response:
    token = secrets.token_urlsafe(32)
    response = page(request, "signin.html", {"error": error, "signin_token": token, "name": name},
                    status=status, anonymous=True)
    _cookie(request, response, SIGNIN_COOKIE, token, path="/signin")
    return response


@router.post("/signin", response_class=HTMLResponse, dependencies=[Depends(Access(PUBLIC))])
async def signin(request: Request, user: Annotated[str, Form(max_length=200)] = "",
                 passphrase: Annotated[str, Form(max_length=1000)] = "",
                 key_text: Annotated[str, Form(max_length=MAX_KEY_FILE)] = "",
                 key_file: Annotated[UploadFile | None, File()] = None,
                 csrf_token: Annotated[str, Form()] = "") -> Response:
    expected = request.cookies.get(SIGNIN_COOKIE, "")
    if not expected or not hmac.compare_digest(csrf_token.encode(), expected.encode()):
        raise BadCsrf("The sign-in form is out of date (CSRF token missing or wrong).",
                      fix="Reload the sign-in page and try again.")
    state = state_of(request)
    try:
        material = await _material(passphrase, key_text, key_file)
    except WorkspaceLocked as exc:
        return _form(request, PermissionDenied(exc.message, fix=exc.fix), 400, user)
    client = request.client.host if request.client else "unknown"
    try:  # Argon2id takes ~0.3 s: off the event loop
        view = await run_in_threadpool(sign_in, state.ws, user, material, client, state.throttle)
    except PermissionDenied as exc:
        return _form(request, exc, 429 if isinstance(exc, Throttled) else 401, user)
    state.sessions.end(request.cookies.get(SESSION_COOKIE))  # never keep a session id across sign-in
    session = state.sessions.start(view)
    response = RedirectResponse("/", status_code=303)
    _cookie(request, response, SESSION_COOKIE, session.id)
    response.delete_cookie(SIGNIN_COOKIE, path="/signin")
    return response


async def _material(passphrase: str, key_text: str, key_file: UploadFile | None) -> KeyMaterial:
    """The credential given: a passphrase, or a key file's content (uploaded or pasted),
    read in memory only."""
    content = key_text.strip().encode("utf-8", "replace")
    name = "The pasted key"
    if key_file is not None and key_file.filename:
        content = await key_file.read(MAX_KEY_FILE + 1)
        name = "The uploaded key file"
    key = parse_key_file(content, name) if content else None
    return KeyMaterial(passphrase=passphrase or None, key=key)


def _cookie(request: Request, response: Response, name: str, value: str, path: str = "/") -> None:
    response.set_cookie(name, value, path=path, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")


@router.post("/signout")
def signout(request: Request, session: Annotated[Session, Depends(Access(SIGNED_IN))]) -> Response:
    state_of(request).sessions.end(session.id)
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
