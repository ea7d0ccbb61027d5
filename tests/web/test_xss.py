"""Testimony is untrusted: script, HTML and SVG payloads in a document's text, its
source's pseudonym and its file name come out escaped on every page."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from tests.web.conftest import PAYLOADS, XSS_FILE, Web

from testimonia.service.claims import claims_of
from testimonia.service.documents import list_documents


class _Live(HTMLParser):
    """The elements a browser would run or load from a page: scripts other than the
    app's own, img and svg elements, and any on* attribute."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        src = dict(attrs).get("src") or ""
        if (tag == "script" and not src.startswith("/static/")) or tag in ("img", "svg", "iframe", "object"):
            self.found.append(tag)
        self.found += [f"{tag} {name}" for name, _ in attrs if name.lower().startswith("on")]


def live(html: str) -> list[str]:
    parser = _Live()
    parser.feed(html)
    return parser.found


def _pages(web: Web) -> dict[str, str]:
    with web.open_as("s-admin") as admin:
        doc = next(d for d in list_documents(admin) if d.file_name == XSS_FILE).id
        claim = claims_of(admin, doc)[0].id
    web.sign_in("s-reviewer")
    paths = ["/documents", f"/documents/{doc}", "/review", f"/claims/{claim}/edit", "/search?q=alert",
             "/search?q=soldiers&source_kind=witness", "/search?q=onerror"]
    return {p: web.client.get(p).text for p in paths}


def test_payloads_are_escaped_on_every_page(web: Web) -> None:
    pages = _pages(web)
    for path, html in pages.items():
        assert live(html) == [], path
    document = next(html for path, html in pages.items() if path.startswith("/documents/"))
    for payload in PAYLOADS:
        escaped = payload.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;")
        assert escaped in document, payload
    assert "&lt;script&gt;alert(1)&lt;/script&gt;Ama" in pages["/documents"]
    assert "&lt;img src=x onerror=alert(2)&gt;.md" in pages["/documents"]


@pytest.mark.parametrize("query", ["<script>", "\"><svg onload=alert(1)>", "'; alert(1); '"])
def test_a_query_is_escaped_where_it_is_shown_again(web: Web, query: str) -> None:
    web.sign_in("s-reviewer")
    html = web.client.get("/search", params={"q": query}).text
    assert live(html) == []
    assert 'value="' + query.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace(
        '"', "&#34;").replace("'", "&#39;") + '"' in html
