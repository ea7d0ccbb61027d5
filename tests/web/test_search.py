"""Search: words with diacritics folded, Russian by lemma, snippets marked but escaped,
facets, and only what the user's organisation sees; the index is the organisation's,
encrypted on disk (tests/service/test_search.py: kept, updated, locked, crash-safe)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.web.conftest import Web

from testimonia.errors import InvalidValue
from testimonia.service.audit import read_audit
from testimonia.service.search import Item, Piece, SearchIndex
from testimonia.store.search_index import Entry, IndexFile, build


@pytest.fixture
def index(tmp_path: Path) -> Iterator[SearchIndex]:
    items = _items()
    by_document = {i.document_id: [j for j in items if j.document_id == i.document_id] for i in items}
    key = secrets.token_bytes(32)
    build(tmp_path / "index.db", key, 1, [Entry(d, "1", its[0].file_name, its[0].language, tuple(its))
                                          for d, its in by_document.items()])
    file = IndexFile(tmp_path / "index.db", key)
    yield SearchIndex(file)
    file.close()


def _items() -> list[Item]:
    return [
        Item("document", "a" * 64, "a.md", "fr", "Ils m'ont enfermé dans un conteneur à Sévaré.",
             {"language": ["fr"], "site": ["Sévaré"], "review_state": ["unreviewed"]}),
        Item("document", "b" * 64, "b.md", "ru", "Меня пытали током в подвале в Херсоне.",
             {"language": ["ru"], "site": ["Kherson"], "method": ["electric_shock"],
              "review_state": ["accepted"]}),
        Item("claim", "b" * 64, "b.md", "ru", "ill treatment · electric shock · Меня пытали током",
             {"language": ["ru"], "method": ["electric_shock"], "review_state": ["accepted"]}, claim_id=7),
    ]


def test_words_are_found_with_diacritics_folded_and_marked(index: SearchIndex) -> None:
    results = index.search("SEVARE conteneur")
    assert [h.item.file_name for h in results.hits] == ["a.md"]
    assert results.hits[0].snippet == (Piece("Ils m'ont enfermé dans un "), Piece("conteneur", True),
                                       Piece(" à "), Piece("Sévaré", True), Piece("."))


def test_russian_words_are_found_by_their_lemmas(index: SearchIndex) -> None:
    for query in ("пытать", "пытают", "ток", "подвал", "херсон"):
        assert {h.item.file_name for h in index.search(query).hits} == {"b.md"}, query
    marked = [p.text for p in index.search("пытать").hits[0].snippet if p.mark]
    assert marked == ["пытали"]


def test_facets_count_the_results_and_filter_them(index: SearchIndex) -> None:
    results = index.search("", {"language": ["ru"]})
    assert results.total == 2
    assert [(f.value, f.count, f.selected) for f in results.facets["language"]] == [("ru", 2, True)]
    assert [(f.value, f.count) for f in results.facets["method"]] == [("electric_shock", 2)]
    assert index.search("током", {"review_state": ["unreviewed"]}).total == 0
    assert [h.item.claim_id for h in index.search("током", {"method": ["electric_shock"]}).hits] in (
        [None, 7], [7, None])


def test_search_input_is_words_only(index: SearchIndex) -> None:
    assert index.search('" OR body : *').total == 0  # FTS syntax is not passed through
    with pytest.raises(InvalidValue, match="Unknown search facet 'colour'"):
        index.search("x", {"colour": ["red"]})
    with pytest.raises(InvalidValue, match="at most 12"):
        index.search(" ".join(["word"] * 13))


def test_search_page_shows_results_facets_and_escaped_snippets(web: Web) -> None:
    web.sign_in("s-reviewer")
    page = web.client.get("/search", params={"q": "Sevare"})
    assert page.status_code == 200
    assert "<mark>Sévaré</mark>" in page.text
    assert re.search(r"\d+ results?\.", page.text)
    assert "&lt;script&gt;alert(&#39;doc&#39;)&lt;/script&gt;" in page.text
    assert "<script>alert" not in page.text
    for facet in ("language", "source kind", "site", "method", "review state", "organization"):
        assert f"<legend>{facet}</legend>" in page.text
    russian = web.client.get("/search", params={"q": "пытать", "language": "ru"})
    assert "oleg.md" in russian.text and "kadi.md" not in russian.text
    fragment = web.client.get("/search", params={"q": "camp"}, headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith('<div class="results-layout">')


def test_the_index_is_built_once_for_the_organisation_audited_and_encrypted(web: Web) -> None:
    files_before = _files(web.ws.paths.root)
    web.sign_in("s-reviewer")
    for query in ("camp", "Sevare", "током"):
        web.client.get("/search", params={"q": query})
    web.sign_in("s-analyst")  # another session of the same organisation: the same index
    web.client.get("/search", params={"q": "camp"})
    added = _files(web.ws.paths.root) - files_before
    assert added <= {"audit.head", "custody.head", "org-1.db", "org-1.lock"} and "org-1.db" in added
    index = web.ws.paths.root / "search" / "org-1.db"
    assert b"SQLite format" not in index.read_bytes()[:100]
    assert "Sévaré".encode() not in index.read_bytes() and b"Sevare" not in index.read_bytes()
    with web.open_as("s-admin") as admin:
        built = [e for e in read_audit(admin).entries if e.action == "search_index"]
    assert [(e.actor, e.details) for e in built] == [
        ("s-reviewer", {"documents": 3, "claims": 6, "removed": 0})]


def _files(root: Path) -> set[str]:
    return {p.name for p in root.rglob("*") if p.is_file()}


def test_another_organisation_finds_nothing_of_what_it_was_not_shown(web: Web) -> None:
    web.sign_in("p-analyst")
    page = web.client.get("/search", params={"q": "Sevare"})
    assert "0 results." in page.text and "kadi.md" not in page.text


def test_claims_are_found_by_the_years_of_their_period_and_by_perpetrator(web: Web) -> None:
    web.sign_in("s-reviewer")
    page = web.client.get("/search", params={"q": "", "period": "2023"}).text
    assert "oleg.md" in page and "kadi.md" not in page  # March 2023 in Kherson; March 2022 at Sévaré
    assert re.search(r'name="period" value="2023" checked', page)
    everything = web.client.get("/search", params={"q": "beat"}).text
    perpetrators = re.findall(r'name="perpetrator" value="([^"]+)"', everything)
    assert perpetrators, everything[:2000]
    chosen = web.client.get("/search", params={"q": "beat", "perpetrator": perpetrators[0]}).text
    assert f'name="perpetrator" value="{perpetrators[0]}" checked' in chosen


def test_the_page_says_when_the_total_is_a_lower_bound_and_what_the_counts_cover(
        web: Web, monkeypatch: pytest.MonkeyPatch) -> None:
    from testimonia.store import search_index
    monkeypatch.setattr(search_index, "COUNT_CAP", 2)
    monkeypatch.setattr(search_index, "RANK_SAMPLE", 1)
    web.sign_in("s-reviewer")
    page = web.client.get("/search", params={"q": "", "language": "en"}).text
    assert "More than 2 results (first 1)." in page and "Facet counts over the first 1." in page
    assert re.search(r'value="en" checked> en <small>1</small>', page)
