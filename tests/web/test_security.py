"""Security headers on every response, CSRF on every change, and no change on GET."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.web.conftest import Web

from testimonia.errors import ConfigError
from testimonia.service.audit import read_audit
from testimonia.service.claims import claims_of, list_claims
from testimonia.service.documents import list_documents
from testimonia.service.workspace import Workspace
from testimonia.web.app import CSP, create_app, headers_for

HEADERS = {"content-security-policy": CSP, "x-content-type-options": "nosniff",
           "referrer-policy": "no-referrer", "x-frame-options": "DENY"}


def _kadi(web: Web) -> tuple[str, int]:
    with web.open_as("s-admin") as admin:
        doc = next(d for d in list_documents(admin) if d.file_name == "kadi.md").id
        return doc, claims_of(admin, doc)[0].id


def _states(web: Web) -> list[tuple[int, str]]:
    with web.open_as("s-admin") as admin:
        return [(c.id, c.state) for c in list_claims(admin)]


def test_the_policy_is_strict() -> None:
    assert "default-src 'self'" in CSP and "frame-ancestors 'none'" in CSP
    assert "unsafe-inline" not in CSP and "unsafe-eval" not in CSP and "script-src 'self';" in CSP


def test_every_response_carries_the_security_headers(web: Web) -> None:
    doc, claim = _kadi(web)
    anonymous = TestClient(web.client.app, follow_redirects=False)
    responses = [anonymous.get("/signin"), anonymous.get("/"), anonymous.get("/nowhere"),
                 anonymous.get("/static/app.css"), anonymous.post("/signin", data={})]
    csrf = web.sign_in("s-reviewer")
    client = web.client
    responses += [client.get(p) for p in ("/", "/documents", f"/documents/{doc}", "/search?q=camp",
                                          "/review", "/documents/0000", "/static/app.css")]
    responses += [client.post(f"/claims/{claim}/accept", data={"csrf_token": csrf}, follow_redirects=False),
                  client.post(f"/claims/{claim}/reject", data={"csrf_token": "forged"}),
                  client.get(f"/claims/{claim}/accept")]
    for response in responses:
        for name, value in HEADERS.items():
            assert response.headers.get(name) == value, (response.request.url, name)
        expected = "no-cache" if response.request.url.path.startswith("/static/") else "no-store"
        assert response.headers["cache-control"] == expected, response.request.url
    assert {r.status_code for r in responses} >= {200, 303, 403, 404, 405}


def test_a_change_without_the_csrf_token_is_refused_and_changes_nothing(web: Web) -> None:
    _, claim = _kadi(web)
    csrf = web.sign_in("s-reviewer")
    before = _states(web)
    for data, headers in (({}, {}), ({"csrf_token": "forged"}, {}), ({}, {"X-CSRF-Token": "forged"}),
                          ({"csrf_token": csrf + "x"}, {})):
        refused = web.client.post(f"/claims/{claim}/accept", data=data, headers=headers)
        assert refused.status_code == 403 and "CSRF token missing or wrong" in refused.text
    assert _states(web) == before
    # the token from another session does not do either
    other = TestClient(web.client.app)
    web.sign_in("s-analyst", other)
    assert other.post(f"/claims/{claim}/accept", data={"csrf_token": csrf}).status_code == 403
    # the header htmx sends is accepted
    done = web.client.post(f"/claims/{claim}/accept", headers={"X-CSRF-Token": csrf, "HX-Request": "true"})
    assert done.status_code == 200 and "accepted" in done.text
    assert _states(web) != before


def test_no_change_on_get(web: Web) -> None:
    doc, claim = _kadi(web)
    web.sign_in("s-admin")
    before = _states(web)
    for path in ("/", "/documents", f"/documents/{doc}", "/search?q=camp&review_state=unreviewed",
                 "/review", "/signin", f"/claims/{claim}/accept?csrf_token=x", f"/claims/{claim}/reject",
                 "/signout"):
        response = web.client.get(path, follow_redirects=False)
        assert response.status_code in (200, 405), path
    assert _states(web) == before
    with web.open_as("s-admin") as admin:
        assert not [e for e in read_audit(admin).entries if e.action == "claim_reviewed"]
    assert web.client.get("/", follow_redirects=False).status_code == 200  # GET /signout did not end it


def test_a_configured_tile_server_is_the_one_other_origin_images_may_come_from(web: Web) -> None:
    assert web.client.get("/signin").headers["content-security-policy"] == CSP  # not configured: none
    tiles = "https://tiles.newsroom.example/osm/{z}/{x}/{y}.png"
    headers = headers_for(tiles)["Content-Security-Policy"]
    assert "img-src 'self' data: https://tiles.newsroom.example;" in headers
    assert headers.replace(" https://tiles.newsroom.example", "") == CSP
    with Workspace.open(web.ws.paths.root, web.key, flags={"map_tiles": tiles}) as ws, \
            TestClient(create_app(ws)) as client:
        assert client.get("/signin").headers["content-security-policy"] == headers
        web.sign_in("s-viewer", client)
        assert f'data-tiles="{tiles}"' in client.get("/map").text
    for bad in ("http://tiles.example/{z}/{x}/{y}.png", "https://tiles.example/tile.png",
                "https://x.example/{z}/{x}/{y}.png' onerror='x"):
        with pytest.raises(ConfigError, match="not an https tile address"):
            Workspace.open(web.ws.paths.root, web.key, flags={"map_tiles": bad})
