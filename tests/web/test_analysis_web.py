"""The analysis pages through the TestClient: the findings matrix (reviewed only by
default, pending cells, drill-down), a site's dossier with its quotes linked to their
place in the document, the map's JSON and the timeline; a site name carrying a script
payload comes out inert on each of them."""

from __future__ import annotations

import html
import json
import re

import pytest
from tests.web.conftest import Web
from tests.web.test_xss import live

from testimonia.service.analysis import judge
from testimonia.service.review import decide, review_queue
from testimonia.web.pages import analysis as analysis_pages

CAMP = "site:supp:ml_sevare/military_camp"
KHERSON = "site:supp:ua_kherson/basement"
SITE_PAYLOAD = "<script>alert('site')</script>Camp"


def _cell(page: str, site: str, allegation: str) -> str:
    """The text of the matrix cell whose drill-down names `site` and `allegation`."""
    href = html.escape(f"/findings/cell?site={site.replace(':', '%3A').replace('/', '%2F')}"
                       f"&allegation={allegation.replace(':', '%3A')}")
    found = re.search(r'<td class="cell [^"]*"[^>]*><a href="' + re.escape(href) + r'[^"]*">(.*?)</td>', page)
    assert found, (href, page[:3000])
    return re.sub(r"<[^>]+>", "", found.group(1))


def test_the_matrix_counts_reviewed_claims_only_unless_asked(web: Web) -> None:
    web.sign_in("s-reviewer")
    reviewed = web.client.get("/findings")
    assert reviewed.status_code == 200
    assert "Counted: 0 reviewed claims; pending review: 6 claims" in reviewed.text
    assert _cell(reviewed.text, CAMP, "beating") == "pending review 2"
    assert _cell(reviewed.text, KHERSON, "electric_shock") == "pending review 1"
    everything = web.client.get("/findings", params={"unreviewed": "1"}).text
    assert _cell(everything, CAMP, "beating") == "corroborated 2"
    assert _cell(everything, KHERSON, "electric_shock") == "single source 1"
    assert 'href="/findings">Count reviewed claims only' in everything


def test_a_finding_changes_in_the_matrix_once_its_claims_are_accepted(web: Web) -> None:
    csrf = web.sign_in("s-reviewer")
    cell = web.client.get("/findings/cell", params={"site": KHERSON, "allegation": "electric_shock",
                                                    "unreviewed": "1"})
    assert cell.status_code == 200 and "kadi.md" not in cell.text
    claims = re.findall(r'<li id="claim-(\d+)"', cell.text)
    assert claims
    for claim in claims:
        assert web.client.post(f"/claims/{claim}/accept", data={"csrf_token": csrf},
                               follow_redirects=False).status_code == 303
    after = web.client.get("/findings").text
    assert _cell(after, KHERSON, "electric_shock") == "single source 1"
    assert _cell(after, CAMP, "beating") == "pending review 2"


def test_a_cell_lists_its_findings_and_the_claims_behind_them(web: Web) -> None:
    web.sign_in("s-reviewer")
    page = web.client.get("/findings/cell", params={"site": CAMP, "allegation": "beating", "unreviewed": "1"})
    assert page.status_code == 200
    assert "corroborated" in page.text and "2 independent sources at first hand" in page.text
    assert "kadi.md" in page.text and page.text.count('class="claim kind-') == 2
    assert re.search(r'href="/documents/[0-9a-f]{64}#claim-\d+"', page.text)
    missing = web.client.get("/findings/cell", params={"site": CAMP, "allegation": "waterboarding"})
    assert missing.status_code == 404
    bad = web.client.get("/findings/cell", params={"site": CAMP, "allegation": "<b>"})
    assert bad.status_code == 400


def test_a_viewer_reads_the_matrix_without_the_claims(web: Web) -> None:
    web.sign_in("s-viewer")
    page = web.client.get("/findings", params={"unreviewed": "1"}).text
    assert "corroborated" in page and "/findings/cell?" not in page and "/dossier?" not in page
    assert web.client.get("/findings/cell", params={"site": CAMP, "allegation": "beating"}).status_code == 403
    home = web.client.get("/").text
    assert 'href="/findings"' in home and 'href="/search"' not in home


def test_each_quote_of_a_dossier_links_to_its_words_in_the_document(web: Web) -> None:
    web.sign_in("s-reviewer")
    page = web.client.get("/dossier", params={"site": "Sevare", "unreviewed": "1"})
    assert page.status_code == 200
    assert "<h1>Sévaré military camp</h1>" in page.text
    assert "shipping container, Sévaré military camp" in page.text  # (what it contains)
    links = re.findall(r'<blockquote class="quote"><a href="/documents/([0-9a-f]{64})#at-(\d+)">', page.text)
    assert len(links) >= 2
    for document, start in links:
        text = web.client.get(f"/documents/{document}").text
        assert f'id="at-{start}"' in text
    assert web.client.get("/dossier", params={"site": "Atlantis"}).status_code == 404
    inner = web.client.get("/dossier", params={"site": "site:supp:ml_sevare/shipping_container",
                                               "unreviewed": "1"}).text
    assert "<dt>Inside</dt>" in inner and ">Sévaré military camp</a>" in inner


def test_a_dossier_of_a_site_only_unreviewed_claims_name_says_so(web: Web) -> None:
    web.sign_in("s-reviewer")
    page = web.client.get("/dossier", params={"site": KHERSON})
    assert page.status_code == 200 and "Only unreviewed claims name this site" in page.text


def test_the_map_data_is_json_and_filtered(web: Web) -> None:
    web.sign_in("s-viewer")
    page = web.client.get("/map")
    assert page.status_code == 200 and 'id="map"' in page.text
    assert '<script src="/static/map.js" defer></script>' in page.text
    response = web.client.get("/map/data.json", params={"unreviewed": "1"})
    assert response.headers["content-type"] == "application/json"
    data = response.json()
    assert {s["id"]: s["status"] for s in data["sites"]} == {
        CAMP: "corroborated", "site:supp:ml_sevare/shipping_container": "single source", KHERSON: "single source"}
    assert all(s["radius_m"] == 5000 for s in data["sites"])
    assert data["transfers"] == [] and data["unplaced"] == 0
    assert {s["status"] for s in web.client.get("/map/data.json").json()["sites"]} == {"pending review"}
    shock = web.client.get("/map/data.json", params={"unreviewed": "1", "method": "electric_shock"}).json()
    assert [s["id"] for s in shock["sites"]] == [KHERSON]
    in_2022 = web.client.get("/map/data.json", params={"unreviewed": "1", "start": "2022", "end": "2022-12"})
    assert KHERSON not in {s["id"] for s in in_2022.json()["sites"]}
    for bad in ({"start": "March"}, {"method": "<script>"}, {"end": "2022-13-45x"}):
        assert web.client.get("/map/data.json", params=bad).status_code == 400


def test_the_timeline_draws_each_site_s_episodes(web: Web) -> None:
    web.sign_in("s-viewer")
    page = web.client.get("/timeline", params={"unreviewed": "1"}).text
    assert page.count("<svg") == 1
    assert page.count('<rect class="episode') == 4
    assert re.search(r"Sévaré military camp: 2022-03-01 – 2022-04-30 · corroborated · 2 independent sources", page)
    assert ">2022</text>" in page and ">2023</text>" in page
    assert "pending review" in web.client.get("/timeline").text


def test_a_site_name_with_a_script_payload_is_inert_on_every_analysis_page(web: Web) -> None:
    with web.open_as("s-analyst") as analyst:
        judge(analyst, "rename", CAMP, name=SITE_PAYLOAD)
    web.sign_in("s-reviewer")
    escaped = html.escape(SITE_PAYLOAD, quote=True).replace("&#x27;", "&#39;")
    for path, params in (("/findings", {"unreviewed": "1"}), ("/findings", {}),
                         ("/findings/cell", {"site": CAMP, "allegation": "beating", "unreviewed": "1"}),
                         ("/dossier", {"site": CAMP, "unreviewed": "1"}), ("/timeline", {"unreviewed": "1"}),
                         ("/map", {"unreviewed": "1"})):
        page = web.client.get(path, params=params)
        assert page.status_code == 200, path
        found = live(page.text)
        assert [f for f in found if f != "svg"] == [] and found.count("svg") <= 1, (path, found)
        assert "<script>alert('site')" not in page.text, path
        if path != "/map":
            assert escaped in page.text, path
    data = web.client.get("/map/data.json", params={"unreviewed": "1"})
    assert "<" not in data.text and ">" not in data.text
    assert SITE_PAYLOAD in {s["name"] for s in json.loads(data.text)["sites"]}


def test_the_matrix_is_shown_a_page_of_sites_at_a_time(web: Web, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(analysis_pages, "MATRIX_ROWS", 1)
    web.sign_in("s-reviewer")
    first = web.client.get("/findings", params={"unreviewed": "1"}).text
    assert "Sites 1–1 of" in first and 'rel="next"' in first and 'rel="prev"' not in first
    second = web.client.get("/findings", params={"unreviewed": "1", "page": "2"}).text
    assert "Sites 2–2 of" in second and 'rel="prev"' in second
    rows = [re.findall(r'<th scope="row"', page) for page in (first, second)]
    assert rows == [['<th scope="row"'], ['<th scope="row"']]
    assert _site_names(first) != _site_names(second)
    last = web.client.get("/findings", params={"unreviewed": "1", "page": "999"})
    assert last.status_code == 200 and 'rel="next"' not in last.text  # past the end: the last page
    assert web.client.get("/findings", params={"page": "0"}).status_code == 400


def _site_names(page: str) -> list[str]:
    return re.findall(r'<th scope="row" class="site"><a href="[^"]*">([^<]*)</a>', page)


def test_another_user_s_decision_rebuilds_the_search_index_at_the_next_search(web: Web) -> None:
    web.sign_in("s-reviewer")
    before = web.client.get("/search", params={"q": "током", "review_state": "accepted"}).text
    assert '<p class="count">0 results.' in before
    with web.open_as("s-analyst") as other:
        for claim in review_queue(other):
            if "electric_shock" in claim.body["methods"]:
                decide(other, claim.id, "accepted")
    after = web.client.get("/search", params={"q": "током", "review_state": "accepted"}).text
    assert '<p class="count">0 results.' not in after and "<mark>током</mark>" in after  # accepted now


def test_the_map_is_filtered_by_perpetrator_and_conflict(web: Web) -> None:
    web.sign_in("s-reviewer")
    everything = web.client.get("/map/data.json", params={"unreviewed": "1"}).json()
    assert {c["id"] for c in everything["conflicts"]} >= {"sahel", "russia_ukraine"}
    assert everything["perpetrators"]
    for conflict in everything["conflicts"]:
        some = web.client.get("/map/data.json", params={"unreviewed": "1", "conflict": conflict["id"]}).json()
        assert some["sites"] and {s["conflict"] for s in some["sites"]} == {conflict["id"]}
    force = everything["perpetrators"][0]
    theirs = web.client.get("/map/data.json", params={"unreviewed": "1", "perpetrator": force}).json()
    assert theirs["sites"] and all(force in s["forces"] for s in theirs["sites"])
    assert len(theirs["sites"]) < len(everything["sites"])
    assert web.client.get("/map/data.json", params={"conflict": "<b>"}).status_code == 400
