"""The transfer network and the patterns page through the TestClient: a transfer added
in review becomes an arrow between two sites (across a border: drawn apart), each node
links to its dossier for the roles that read claims; the patterns page says which
practices recur in several conflicts; a site name carrying a script payload is inert."""

from __future__ import annotations

import html
import re

from tests.web.conftest import Web
from tests.web.test_xss import live

from testimonia.analysis.graphs import network, source_graph
from testimonia.service.analysis import judge
from testimonia.service.claims import claims_of
from testimonia.service.documents import list_documents
from testimonia.shapes import ResultsJson

CAMP = "site:supp:ml_sevare/military_camp"
SITE_PAYLOAD = "<script>alert('site')</script>Camp"


def _add_transfer(web: Web, csrf: str) -> None:
    """A transfer from the Sévaré camp to the Kherson basement, added on Kadi's words."""
    with web.open_as("s-admin") as admin:
        doc = next(d for d in list_documents(admin) if d.file_name == "kadi.md").id
        assert claims_of(admin, doc)
    added = web.client.post(f"/documents/{doc}/claims", data={
        "csrf_token": csrf, "quote": "every night", "act": "transfer",
        "place": "Sévaré@military_camp; Kherson@basement", "period": "2022-04"}, follow_redirects=False)
    assert added.status_code == 303, added.text


def test_a_transfer_is_an_arrow_between_its_sites(web: Web) -> None:
    csrf = web.sign_in("s-reviewer")
    empty = web.client.get("/transfers")
    assert empty.status_code == 200 and "No transfers from reviewed claims yet." in empty.text
    _add_transfer(web, csrf)
    page = web.client.get("/transfers").text
    assert page.count("<svg") == 1 and page.count('<path class="edge') == 1
    assert '<path class="edge cross-border"' in page and 'marker-end="url(#arrow-border)"' in page
    assert page.count('<g class="node') == 2
    assert "military camp, Sévaré → basement, Kherson: 1 document, across a border" in page
    assert f'href="/dossier?site={CAMP.replace(":", "%3A").replace("/", "%2F")}"' in page
    web.sign_in("s-viewer")
    viewer = web.client.get("/transfers").text
    assert '<path class="edge cross-border"' in viewer and "/dossier?" not in viewer


def test_the_patterns_page_shows_what_recurs_across_conflicts(web: Web) -> None:
    web.sign_in("s-viewer")
    page = web.client.get("/patterns", params={"unreviewed": "1"})
    assert page.status_code == 200
    assert "Practices found in several conflicts" in page.text
    shared = re.search(r"<table class=\"matrix patterns\">(.*?)</table>", page.text, re.S)
    assert shared and ">detention</th>" in shared.group(1)
    for conflict in ("Sahel", "Russia"):
        assert conflict in page.text
    assert "/dossier?" not in page.text  # (a viewer: no links to the claims)
    reviewed = web.client.get("/patterns").text
    assert "No practice is found in two conflicts from reviewed claims." in reviewed


def test_a_site_name_with_a_script_payload_is_inert_on_the_graph_pages(web: Web) -> None:
    with web.open_as("s-analyst") as analyst:
        judge(analyst, "rename", CAMP, name=SITE_PAYLOAD)
    csrf = web.sign_in("s-reviewer")
    _add_transfer(web, csrf)
    escaped = html.escape(SITE_PAYLOAD, quote=True).replace("&#x27;", "&#39;")
    for path, params in (("/transfers", {}), ("/transfers", {"unreviewed": "1"}),
                         ("/patterns", {"unreviewed": "1"})):
        page = web.client.get(path, params=params)
        assert page.status_code == 200, path
        found = live(page.text)
        assert [f for f in found if f != "svg"] == [] and found.count("svg") <= 1, (path, found)
        assert "<script>alert('site')" not in page.text and escaped in page.text, path


def _results(edges: list[dict[str, object]], sites: list[dict[str, object]]) -> ResultsJson:
    return {"sites": sites, "findings": [], "transfers": {"edges": edges, "trajectories": []},  # type: ignore[typeddict-item]
            "patterns": {}}


def _site(i: str, lat: float | None, lon: float | None) -> dict[str, object]:
    return {"id": i, "name": i.upper(), "country": "UA", "lat": lat, "lon": lon, "claim_count": 1}


def test_the_network_lays_sites_out_by_place_and_bends_a_route_that_runs_both_ways() -> None:
    sites = [_site("a", 47.0, 33.0), _site("b", 47.0, 38.0), _site("c", 47.0, 38.0), _site("d", None, None)]
    edges = [{"from": "a", "to": "b", "count": 3, "cross_border": False, "sources": ["x"], "from_name": "A",
              "to_name": "B"},
             {"from": "b", "to": "a", "count": 1, "cross_border": True, "sources": ["y"], "from_name": "B",
              "to_name": "A"},
             {"from": "c", "to": "d", "count": 1, "cross_border": False, "sources": [], "from_name": "C",
              "to_name": "D"}]
    drawn = network(_results(edges, sites))
    at = {n.id: n for n in drawn.nodes}
    assert at["a"].x < at["b"].x and at["d"].placed is False and at["d"].y > at["a"].y
    assert abs(at["b"].x - at["c"].x) + abs(at["b"].y - at["c"].y) >= 20  # one place: pushed apart
    both = [e.path for e in drawn.edges if {e.source, e.target} == {"a", "b"}]
    assert len(both) == 2 and all(" Q" in p for p in both)  # curved, each its own side
    assert [e.count for e in drawn.edges] == [3, 1, 1]
    assert all(0 <= n.x <= drawn.width and 0 <= n.y <= drawn.height for n in drawn.nodes)


def test_the_source_graph_puts_related_sources_on_a_circle() -> None:
    graph = source_graph([("Ama", "Kadi", "relative_of"), ("Kadi", "Oleg", "same_intermediary")])
    assert [n[0] for n in graph.nodes] == ["Ama", "Kadi", "Oleg"]
    assert [e[2] for e in graph.edges] == ["relative_of", "same_intermediary"]
