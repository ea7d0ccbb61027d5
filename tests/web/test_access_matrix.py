"""Every route of the live route table × every role × both organisations, against an
explicit table of what each route needs: a route added without a line here fails, and
so does a route whose declared access differs from the table."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import httpx
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Mount
from tests.web.conftest import Web

from testimonia.model import Identity
from testimonia.service.claims import claims_of
from testimonia.service.documents import list_documents
from testimonia.service.vault import set_identity
from testimonia.web.access import PUBLIC, SIGNED_IN, access_of

ALL = frozenset({"admin", "analyst", "reviewer", "viewer"})
READERS = frozenset({"admin", "analyst", "reviewer"})
# (method, path) -> (declared access, roles that get through, whether it names Sahel Desk's material)
EXPECTED: dict[tuple[str, str], tuple[str, frozenset[str], bool]] = {
    ("GET", "/signin"): (PUBLIC, ALL, False),
    ("POST", "/signin"): (PUBLIC, ALL, False),
    ("POST", "/signout"): (SIGNED_IN, ALL, False),
    ("GET", "/"): (SIGNED_IN, ALL, False),
    ("GET", "/documents"): ("list_documents", READERS, False),
    ("GET", "/documents/{document_id}"): ("read_text", READERS, True),
    ("GET", "/search"): ("read_text", READERS, False),
    ("GET", "/review"): ("read_claims", READERS, False),
    ("POST", "/claims/{claim_id}/accept"): ("review_claims", READERS, True),
    ("POST", "/claims/{claim_id}/reject"): ("review_claims", READERS, True),
    ("GET", "/claims/{claim_id}/edit"): ("review_claims", READERS, True),
    ("POST", "/claims/{claim_id}/edit"): ("review_claims", READERS, True),
    ("POST", "/documents/{document_id}/claims"): ("review_claims", READERS, True),
    ("GET", "/places.json"): ("review_claims", READERS, False),
    ("GET", "/findings"): ("read_results", ALL, False),
    ("GET", "/findings/cell"): ("read_claims", READERS, True),
    ("GET", "/dossier"): ("read_claims", READERS, True),
    ("GET", "/map"): ("read_results", ALL, False),
    ("GET", "/map/data.json"): ("read_results", ALL, False),
    ("GET", "/timeline"): ("read_results", ALL, False),
    ("GET", "/transfers"): ("read_results", ALL, False),
    ("GET", "/patterns"): ("read_results", ALL, False),
    ("GET", "/sources"): ("read_sources", READERS, False),
    ("POST", "/sources/identity"): ("vault_read", frozenset({"admin"}), True),
    ("MOUNT", "/static"): (PUBLIC, ALL, False),
}
PAGES_ON_POST = {("POST", "/sources/identity")}  # (a deliberate, audited read: a page, not a redirect)
SITE = "site:supp:ml_sevare/military_camp"  # Sahel Desk's (from unreviewed claims)
USERS = {"s-admin": "admin", "s-analyst": "analyst", "s-reviewer": "reviewer", "s-viewer": "viewer",
         "p-admin": "admin", "p-analyst": "analyst"}  # p-: Partner, with nothing shared by Sahel Desk


def live_routes(web: Web) -> dict[tuple[str, str], str]:
    """(method, path) -> declared access, read from app.routes."""
    found: dict[tuple[str, str], str] = {}
    for route in web.client.app.routes:  # type: ignore[attr-defined]
        if isinstance(route, APIRoute):
            access = access_of(route)
            for method in route.methods:
                found[(method, route.path)] = access.action if access else "UNDECLARED"
        elif isinstance(route, Mount):
            found[("MOUNT", route.path)] = PUBLIC
    return found


def test_every_live_route_has_a_line_in_the_table(web: Web) -> None:
    live = live_routes(web)
    assert set(live) == set(EXPECTED), ("routes without a line in EXPECTED (or lines for routes "
                                        f"that are gone): {sorted(set(live) ^ set(EXPECTED))}")
    assert {k: v for k, v in live.items()} == {k: v[0] for k, v in EXPECTED.items()}


def _requests(web: Web) -> dict[tuple[str, str], Callable[[TestClient, str], httpx.Response]]:
    with web.open_as("s-admin") as admin:
        doc = next(d for d in list_documents(admin) if d.file_name == "kadi.md").id
        claim = claims_of(admin, doc)[0].id
        set_identity(admin, "Kadi", Identity("A. Name"))
    acts = itertools.cycle(["arrest", "release", "disappearance", "killing"])
    return {
        ("GET", "/signin"): lambda c, t: c.get("/signin"),
        ("POST", "/signin"): lambda c, t: c.post("/signin", data={"user": "x", "csrf_token": t}),
        ("POST", "/signout"): lambda c, t: c.post("/signout", data={"csrf_token": t}),
        ("GET", "/"): lambda c, t: c.get("/"),
        ("GET", "/documents"): lambda c, t: c.get("/documents"),
        ("GET", "/documents/{document_id}"): lambda c, t: c.get(f"/documents/{doc}"),
        ("GET", "/search"): lambda c, t: c.get("/search", params={"q": "Sevare"}),
        ("GET", "/review"): lambda c, t: c.get("/review"),
        ("POST", "/claims/{claim_id}/accept"): lambda c, t: c.post(f"/claims/{claim}/accept",
                                                                   data={"csrf_token": t}),
        ("POST", "/claims/{claim_id}/reject"): lambda c, t: c.post(f"/claims/{claim}/reject",
                                                                   data={"csrf_token": t, "reason": "no"}),
        ("GET", "/claims/{claim_id}/edit"): lambda c, t: c.get(f"/claims/{claim}/edit"),
        ("POST", "/claims/{claim_id}/edit"): lambda c, t: c.post(f"/claims/{claim}/edit", data={
            "csrf_token": t, "act": "detention", "victim": "group"}),
        ("POST", "/documents/{document_id}/claims"): lambda c, t: c.post(f"/documents/{doc}/claims", data={
            "csrf_token": t, "quote": "every night", "act": next(acts)}),  # (a new act each time: no repeat)
        ("GET", "/places.json"): lambda c, t: c.get("/places.json", params={"q": "Nara"}),
        ("GET", "/findings"): lambda c, t: c.get("/findings"),
        ("GET", "/findings/cell"): lambda c, t: c.get("/findings/cell", params={
            "site": SITE, "allegation": "beating", "unreviewed": "1"}),
        ("GET", "/dossier"): lambda c, t: c.get("/dossier", params={"site": SITE}),
        ("GET", "/map"): lambda c, t: c.get("/map"),
        ("GET", "/map/data.json"): lambda c, t: c.get("/map/data.json", params={"unreviewed": "1"}),
        ("GET", "/timeline"): lambda c, t: c.get("/timeline", params={"unreviewed": "1"}),
        ("GET", "/transfers"): lambda c, t: c.get("/transfers", params={"unreviewed": "1"}),
        ("GET", "/patterns"): lambda c, t: c.get("/patterns", params={"unreviewed": "1"}),
        ("GET", "/sources"): lambda c, t: c.get("/sources"),
        ("POST", "/sources/identity"): lambda c, t: c.post("/sources/identity", data={
            "csrf_token": t, "source": "Kadi"}),
        ("MOUNT", "/static"): lambda c, t: c.get("/static/app.css"),
    }


def _expected_status(key: tuple[str, str], role: str, partner: bool) -> int:
    access, roles, scoped = EXPECTED[key]
    if access == PUBLIC:
        return 401 if key == ("POST", "/signin") else 200  # (no such user: refused)
    if role not in roles:
        return 403
    if partner and scoped:
        return 404  # another organisation's material is not there for them
    return 303 if key[0] == "POST" and key not in PAGES_ON_POST else 200


def test_route_role_organisation_matrix(web: Web) -> None:
    requests = _requests(web)
    wrong = []
    for user, role in USERS.items():
        for key, send in requests.items():
            client = TestClient(web.client.app, follow_redirects=False)
            csrf = web.sign_in(user, client) if EXPECTED[key][0] != PUBLIC else ""
            if key == ("POST", "/signin"):
                csrf = client.get("/signin").text.split('name="csrf_token" value="')[1].split('"')[0]
            response = send(client, csrf)
            web.clock.now += 3600  # (the failed sign-ins of this matrix never add up to a throttle)
            expected = _expected_status(key, role, user.startswith("p-"))
            if response.status_code != expected:
                wrong.append(f"{key} as {user}: {response.status_code}, expected {expected}")
            elif user.startswith("p-") and response.status_code == 200:
                assert "kadi.md" not in response.text and "Sévaré" not in response.text, (key, user)
                assert "Kadi" not in response.text and "ml_sevare" not in response.text, (key, user)
    assert wrong == []


def test_without_a_session_every_route_but_the_public_ones_sends_to_sign_in(web: Web) -> None:
    for key, send in _requests(web).items():
        if EXPECTED[key][0] == PUBLIC:
            continue
        response = send(TestClient(web.client.app, follow_redirects=False), "")
        assert (response.status_code, response.headers.get("location")) == (303, "/signin"), key
