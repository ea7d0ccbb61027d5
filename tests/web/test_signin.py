"""Sign-in with the CLI's credentials, the session cookie, time-outs, sign-out and the
throttle (docs/web.md)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.web.conftest import PASSPHRASE, PASSPHRASE_USER, Web, csrf_of, key_path, post_signin

from testimonia.service.audit import read_audit
from testimonia.web.sessions import ABSOLUTE_SECONDS, IDLE_SECONDS
from testimonia.web.state import SESSION_COOKIE


def _session_cookie(response: object) -> str:
    headers = response.headers.get_list("set-cookie")  # type: ignore[attr-defined]
    return next(h for h in headers if h.startswith(SESSION_COOKIE + "="))


def test_a_key_file_pasted_signs_in_with_a_strict_httponly_cookie(web: Web) -> None:
    content = key_path(web.root, "s-reviewer").read_text(encoding="ascii")
    response = post_signin(web.client, "s-reviewer", key_text=content)
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = _session_cookie(response)
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Secure" not in cookie
    home = web.client.get("/")
    assert "s-reviewer · reviewer · Sahel Desk" in home.text


def test_a_key_file_uploaded_or_a_passphrase_signs_in(web: Web) -> None:
    upload = post_signin(web.client, "s-analyst", key_file=key_path(web.root, "s-analyst").read_bytes())
    assert upload.status_code == 303
    other = TestClient(web.client.app)
    assert post_signin(other, PASSPHRASE_USER, passphrase=PASSPHRASE).status_code == 303
    assert f"{PASSPHRASE_USER} · reviewer" in other.get("/").text


def test_the_cookie_is_secure_over_https(web: Web) -> None:
    https = TestClient(web.client.app, base_url="https://testserver")
    content = key_path(web.root, "s-viewer").read_text(encoding="ascii")
    response = post_signin(https, "s-viewer", key_text=content)
    assert "Secure" in _session_cookie(response)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_a_wrong_credential_or_an_unknown_user_gets_one_message_and_is_audited(web: Web) -> None:
    someone_else = key_path(web.root, "s-viewer").read_text(encoding="ascii")
    wrong = post_signin(web.client, "s-reviewer", key_text=someone_else)
    unknown = post_signin(web.client, "nobody", passphrase="a guess that is long enough")
    assert wrong.status_code == unknown.status_code == 401
    assert "The user name or the credential is wrong." in wrong.text
    assert "The user name or the credential is wrong." in unknown.text
    assert "not a user" not in unknown.text
    assert SESSION_COOKIE not in web.client.cookies
    with web.open_as("s-admin") as admin:
        failed = [e for e in read_audit(admin).entries if e.action == "authentication_failed"]
    assert [(e.subject, e.details["client"]) for e in failed] == [("s-reviewer", "testclient"),
                                                                   ("nobody", "testclient")]


def test_a_damaged_key_file_is_named(web: Web) -> None:
    response = post_signin(web.client, "s-reviewer", key_text="testimonia-key/1 not-base64!")
    assert response.status_code == 400
    assert "The pasted key is damaged (bad base64)." in response.text


def test_sign_in_gives_a_new_session_id_and_sign_out_ends_it(web: Web) -> None:
    web.sign_in("s-reviewer")
    first = web.client.cookies[SESSION_COOKIE]
    csrf = web.sign_in("s-reviewer")
    second = web.client.cookies[SESSION_COOKIE]
    assert first != second and len(web.sessions) == 1  # the first one ended
    web.client.cookies.set(SESSION_COOKIE, first)
    assert web.client.get("/", follow_redirects=False).headers["location"] == "/signin"
    web.client.cookies.set(SESSION_COOKIE, second)
    out = web.client.post("/signout", data={"csrf_token": csrf}, follow_redirects=False)
    assert out.status_code == 303 and len(web.sessions) == 0
    web.client.cookies.set(SESSION_COOKIE, second)  # the old cookie, replayed
    assert web.client.get("/documents", follow_redirects=False).headers["location"] == "/signin"


def test_a_session_times_out_when_idle_and_after_twelve_hours(web: Web) -> None:
    web.sign_in("s-reviewer")
    web.clock.now += IDLE_SECONDS - 1
    assert web.client.get("/", follow_redirects=False).status_code == 200
    web.clock.now += IDLE_SECONDS - 1  # active again: idle counts from the last request
    assert web.client.get("/", follow_redirects=False).status_code == 200
    web.clock.now += IDLE_SECONDS + 1
    assert web.client.get("/", follow_redirects=False).status_code == 303
    web.sign_in("s-reviewer")
    for _ in range(int(ABSOLUTE_SECONDS // (IDLE_SECONDS - 60)) + 1):  # never idle, yet past 12 h
        web.clock.now += IDLE_SECONDS - 60
        web.client.get("/")
    assert web.client.get("/", follow_redirects=False).headers["location"] == "/signin"
    assert len(web.sessions) == 0


def test_htmx_requests_without_a_session_are_told_to_sign_in(web: Web) -> None:
    response = web.client.get("/search?q=x", headers={"HX-Request": "true"}, follow_redirects=False)
    assert response.status_code == 401 and response.headers["HX-Redirect"] == "/signin"


def test_failed_sign_ins_are_throttled_per_user_and_per_address(web: Web) -> None:
    wrong = key_path(web.root, "s-viewer").read_text(encoding="ascii")
    right = key_path(web.root, "s-reviewer").read_text(encoding="ascii")
    for _ in range(5):
        assert post_signin(web.client, "s-reviewer", key_text=wrong).status_code == 401
    held = post_signin(web.client, "s-reviewer", key_text=right)
    assert held.status_code == 429 and "Too many failed sign-ins" in held.text
    # the same address, another user: held back too (per address)
    other = key_path(web.root, "s-analyst").read_text(encoding="ascii")
    assert post_signin(web.client, "s-analyst", key_text=other).status_code == 429
    web.clock.now += 61
    assert post_signin(web.client, "s-reviewer", key_text=right).status_code == 303
    with web.open_as("s-admin") as admin:
        refused = [e for e in read_audit(admin).entries if e.action == "refused" and e.subject == "sign_in"]
    assert len(refused) == 2 and "client testclient" in refused[0].details["reason"]


def test_the_sign_in_form_needs_its_own_csrf_token(web: Web) -> None:
    csrf_of(web.client.get("/signin").text)
    content = key_path(web.root, "s-reviewer").read_text(encoding="ascii")
    forged = web.client.post("/signin", data={"user": "s-reviewer", "key_text": content,
                                              "csrf_token": "forged"}, follow_redirects=False)
    assert forged.status_code == 403 and SESSION_COOKIE not in web.client.cookies
