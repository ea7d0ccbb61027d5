"""The web workspace in a real browser: Debian's chromium, headless, driven by Playwright
(never a downloaded browser). Skipped only where /usr/bin/chromium is absent; CI
installs it (.ci/run)."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Page, sync_playwright
from tests.pgserver import copy_workspaces
from tests.web.conftest import XSS_FILE, Template, key_path

from testimonia.crypto.keys import KeyMaterial
from testimonia.service.workspace import Workspace
from testimonia.web.app import create_app
from testimonia.web.state import HERE

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed here "
                       "(apt-get install chromium; .ci/run does): the browser tests need it"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(root: Path, key: KeyMaterial) -> Iterator[str]:
    """The web workspace over the workspace at `root`, served on a free local port."""
    port = _free_port()
    with Workspace.open(root, key) as ws:
        config = uvicorn.Config(create_app(ws), host="127.0.0.1", port=port, log_level="warning")
        running = uvicorn.Server(config)
        thread = threading.Thread(target=running.run, daemon=True)
        thread.start()
        while not running.started:
            time.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
        running.should_exit = True
        thread.join(10)


@pytest.fixture
def server(template: Template, tmp_path: Path) -> Iterator[str]:
    copy_workspaces(template.root / "ws", tmp_path / "ws")
    with serving(tmp_path / "ws", template.key) as url:
        yield url


@dataclass
class Browser:
    page: Page
    dialogs: list[str] = field(default_factory=list)  # alert(), confirm() … : a payload ran
    errors: list[str] = field(default_factory=list)  # uncaught script errors
    requests: list[str] = field(default_factory=list)  # every address the page asked for


@contextlib.contextmanager
def driving(server: str) -> Iterator[Browser]:
    """Chromium on `server`, recording dialogs (a payload ran), script errors and
    Content-Security-Policy refusals (reported on the console)."""
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                     args=["--no-sandbox", "--disable-dev-shm-usage"])
        context = chromium.new_context(base_url=server, viewport={"width": 1280, "height": 800})
        found = Browser(context.new_page())
        found.page.on("dialog", lambda d: (found.dialogs.append(d.message), d.dismiss()))
        found.page.on("pageerror", lambda e: found.errors.append(str(e)))
        found.page.on("request", lambda r: found.requests.append(r.url))
        found.page.on("console", lambda m: found.errors.append(m.text)
                      if "Content Security Policy" in m.text else None)
        yield found
        chromium.close()


@pytest.fixture
def browser(server: str) -> Iterator[Browser]:
    with driving(server) as found:
        yield found


def _sign_in(page: Page, template: Template, name: str) -> None:
    page.goto("/signin")
    page.fill("input[name=user]", name)
    page.fill("textarea[name=key_text]", key_path(template.root, name).read_text(encoding="ascii"))
    page.click("form.signin button[type=submit]")
    page.wait_for_selector(".who")


def test_sign_in_search_open_review_and_sign_out(browser: Browser, template: Template) -> None:
    p = browser.page
    _sign_in(p, template, "s-reviewer")
    assert "s-reviewer · reviewer · Sahel Desk" in p.inner_text(".who")
    htmx = (HERE / "static" / "vendor" / "htmx.min.js").exists()
    p.goto("/search")
    p.fill("input[name=q]", "Sevare")
    p.press("input[name=q]", "Enter")
    p.wait_for_selector(".hit mark")
    assert p.inner_text(".hit mark") == "Sévaré"
    if htmx:
        assert p.evaluate("typeof window.htmx") == "object"
        assert "q=Sevare" in p.url
        p.check("input[name=language][value=en]")
        p.wait_for_selector("input[name=language][value=en]:checked")
    p.click(".hit-document a")
    p.wait_for_selector("article.text .evidence")
    assert p.locator("ol.claims li.claim").count() >= 1
    p.goto("/review")
    first = p.locator("ol.queue li.claim").first
    first.locator("button.accept").click()
    p.wait_for_selector("text=accepted")
    p.goto("/review")
    second = p.locator("ol.queue li.claim").first
    second.locator("input[name=reason]").fill("not at this site")
    second.locator("button.reject").click()
    p.wait_for_selector("text=rejected")
    p.goto("/review")
    assert "(4 waiting)" in p.inner_text("h1")
    p.click(".signout button")
    p.wait_for_selector("form.signin")
    p.goto("/review")
    assert p.url.endswith("/signin")
    assert browser.dialogs == [] and browser.errors == []


def test_script_payloads_are_inert_in_the_browser(browser: Browser, template: Template) -> None:
    p = browser.page
    _sign_in(p, template, "s-reviewer")
    p.goto("/documents")
    assert "<img src=x onerror=alert(2)>.md" in p.inner_text("table.list")
    p.click(f"text={XSS_FILE}")
    p.wait_for_selector("article.text")
    assert "<script>alert('doc')</script>" in p.inner_text("article.text")
    for path in ("/search?q=alert", "/search?q=onerror", "/review", "/sources", "/transfers?unreviewed=1",
                 "/patterns?unreviewed=1"):
        p.goto(path)
    p.wait_for_timeout(300)
    assert p.evaluate("document.querySelectorAll('img, svg, iframe').length") == 0
    assert p.evaluate("[...document.scripts].every(s => s.src.includes('/static/'))")
    assert browser.dialogs == [] and browser.errors == []


@pytest.mark.parametrize("width", [390, 1280])
def test_the_pages_fit_a_phone_and_a_laptop_screen(browser: Browser, template: Template, width: int) -> None:
    p = browser.page
    p.set_viewport_size({"width": width, "height": 844 if width == 390 else 800})
    _sign_in(p, template, "s-reviewer")
    p.goto("/documents")
    p.click("text=kadi.md")
    p.wait_for_selector("article.text")
    document = p.url
    for path in ("/", "/search?q=Sevare", document, "/review", "/documents", "/findings?unreviewed=1",
                 "/dossier?site=Sevare&unreviewed=1", "/findings/cell?site=site:supp:ml_sevare/military_camp"
                 "&allegation=beating&unreviewed=1", "/map?unreviewed=1", "/timeline?unreviewed=1",
                 "/transfers?unreviewed=1", "/patterns?unreviewed=1", "/sources"):
        p.goto(path)
        if path.startswith("/map"):
            p.wait_for_selector("#map[data-ready='1'] path.site-marker")
        overflow = p.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, (path, width, overflow)


def test_a_claim_is_edited_from_its_document(browser: Browser, template: Template) -> None:
    p = browser.page
    _sign_in(p, template, "s-reviewer")
    p.goto("/documents")
    p.click("text=kadi.md")
    p.locator("ol.claims li.claim a.edit").first.click()
    p.wait_for_selector("form.edit")
    p.fill("input[name=period]", "2021")
    p.fill("input[name=reason]", "the interview notes say 2021")
    p.click("form.edit button[type=submit]")
    p.wait_for_selector("article.text")
    assert p.locator("li.claim .state-edited").count() == 1
    assert "2021" in p.inner_text("li.claim:has(.state-edited)")
    assert browser.dialogs == [] and browser.errors == []


SELECT = """words => {
  const text = document.getElementById('doc-text');
  const walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(words);
    if (at >= 0) {
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + words.length);
      window.getSelection().removeAllRanges();
      window.getSelection().addRange(range);
      return true;
    }
  }
  return false;
}"""


def test_a_claim_is_added_from_words_selected_in_the_document(browser: Browser, template: Template) -> None:
    p = browser.page
    _sign_in(p, template, "s-reviewer")
    p.goto("/documents")
    p.click("text=kadi.md")
    p.wait_for_selector("article.text")
    assert not p.is_visible("#add-claim")  # (with script: only once words are selected)
    before = p.locator("ol.claims li.claim").count()
    assert p.evaluate(SELECT, "every night")
    p.dispatch_event("#doc-text", "mouseup")
    p.wait_for_selector("#add-claim.open")
    assert p.input_value("#add-claim textarea[name=quote]") == "every night"
    text = p.inner_text("#doc-text")
    start = text.index("every night")
    assert p.input_value("#add-claim input[name=span]") == f"{start}:{start + 11}"
    p.select_option("#add-claim select[name=act]", "detention")
    p.select_option("#add-claim select[name=method]", ["beating"])
    p.fill("#add-claim input[name=reason]", "the nights she was held")
    p.click("#add-claim button[type=submit]")
    p.wait_for_selector("li.claim .state-added")
    assert p.locator("ol.claims li.claim").count() == before + 1
    assert "every night" in p.inner_text("li.claim:has(.state-added) blockquote")
    assert browser.dialogs == [] and browser.errors == []


def test_the_review_queue_by_keyboard(browser: Browser, template: Template) -> None:
    p = browser.page
    _sign_in(p, template, "s-reviewer")
    p.goto("/review")
    p.wait_for_selector("ol.queue li.claim.current")
    assert "a accept" in p.inner_text("p.keys")
    ids = [li.get_attribute("id") for li in p.locator("ol.queue > li.claim").all()]
    p.keyboard.press("j")
    assert p.get_attribute("ol.queue li.claim.current", "id") == ids[1]
    p.keyboard.press("k")
    assert p.get_attribute("ol.queue li.claim.current", "id") == ids[0]
    p.keyboard.press("a")
    p.wait_for_selector(f"#{ids[0]} .decided.state-accepted")
    p.wait_for_selector(f"#{ids[1]}.current")  # on to the next
    p.keyboard.press("r")  # asks for the reason
    assert p.evaluate("document.activeElement.name") == "reason"
    p.keyboard.type("not at this site")
    p.keyboard.press("Enter")
    p.wait_for_selector(f"#{ids[1]} .decided.state-rejected")
    p.wait_for_selector(f"#{ids[2]}.current")
    p.keyboard.press("e")
    p.wait_for_selector("form.edit")
    assert p.url.endswith(f"/claims/{ids[2].split('-')[1]}/edit")
    p.goto("/review")
    assert "(4 waiting)" in p.inner_text("h1")
    assert browser.dialogs == [] and browser.errors == []


def test_the_matrix_a_cell_a_dossier_the_map_and_the_timeline(browser: Browser, template: Template) -> None:
    p = browser.page
    _sign_in(p, template, "s-reviewer")
    p.click("header nav >> text=Findings")
    p.wait_for_selector("table.matrix")
    kherson = "table.matrix tr:has(th.site:has-text('basement, Kherson'))"
    assert "pending review" in p.inner_text(kherson)  # (nothing reviewed yet: counted only with the toggle)
    p.click("a.toggle")
    p.wait_for_selector("text=Count reviewed claims only")
    assert "corroborated" in p.inner_text("tr:has(th.site:has-text('Sévaré military camp'))")
    p.locator(f"{kherson} td.cell a").last.click()  # electric shock, Kherson: its claims
    p.wait_for_selector("ol.claims li.claim")
    for _ in range(p.locator("ol.claims li.claim button.accept").count()):
        p.locator("ol.claims li.claim button.accept").first.click()
        p.wait_for_timeout(200)
    p.wait_for_selector("text=accepted")
    p.goto("/findings")  # reviewed only: the accepted claims now count
    assert "single source" in p.inner_text(f"{kherson} td.cell.status-2")
    p.click("th.site >> text=Sévaré military camp")  # its dossier, by way of the unreviewed claims
    p.wait_for_selector("section.finding blockquote.quote")
    assert p.inner_text("h1") == "Sévaré military camp"
    p.locator("blockquote.quote a").first.click()  # a quote: its words in the document
    p.wait_for_selector("article.text .evidence:target")
    assert "Sévaré" in p.inner_text("article.text .evidence:target")
    p.click("header nav >> text=Map")
    p.wait_for_selector(".leaflet-container")
    p.click("a.toggle")
    p.wait_for_selector("#map[data-ready='1'][data-base-ready='1']")
    assert p.locator("path.site-marker").count() == 3
    assert p.locator(".leaflet-base-pane path").count() > 100  # the countries
    p.select_option("select[name=method]", "electric_shock")
    p.wait_for_selector("#map[data-ready='1'][data-sites='1']")
    assert p.locator("path.site-marker").count() == 1
    p.locator("path.site-marker").first.dispatch_event("click")
    p.wait_for_selector(".leaflet-popup-content a")
    assert "basement, Kherson" in p.inner_text(".leaflet-popup-content")
    p.click("header nav >> text=Timeline")
    p.wait_for_selector("svg.timeline")
    assert p.locator("svg.timeline rect.episode").count() >= 1
    assert p.evaluate("[...document.scripts].every(s => s.src.includes('/static/'))")
    assert browser.dialogs == [] and browser.errors == []


SCREENSHOTS = Path(__file__).parents[2] / "docs" / "img"


def test_the_main_pages_over_the_sample_investigation(tmp_path: Path) -> None:
    """The sample investigation (most claims accepted, some left for review): the pages a
    newsroom uses first, the map with its transfer routes; screenshots of each at
    1280×800 into docs/img/ when TESTIMONIA_SCREENSHOTS=1."""
    from tests.conftest import build_sample_workspace, user_key_path

    from testimonia.config import load_config
    from testimonia.service.review import decide, review_queue
    root, key_file = build_sample_workspace(tmp_path, reviewed=False)
    key = KeyMaterial(key_file=key_file)
    actor = str(load_config(None)["actor"])
    with Workspace.open(root, key, flags={"actor": actor},
                        user_material=KeyMaterial(key_file=user_key_path(root, actor))) as ws:
        waiting = [c.id for c in review_queue(ws)]
        decide(ws, waiting[:-12], "accepted", "sample: accepted as extracted")
    shoot = os.environ.get("TESTIMONIA_SCREENSHOTS") == "1"
    with serving(root, key) as url, driving(url) as browser:
        p = browser.page
        p.goto("/signin")
        p.fill("input[name=user]", actor)
        p.fill("textarea[name=key_text]", user_key_path(root, actor).read_text(encoding="ascii"))
        p.click("form.signin button[type=submit]")
        p.wait_for_selector(".who")

        def shot(name: str) -> None:
            if shoot:
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                p.screenshot(path=str(SCREENSHOTS / f"{name}.png"))

        p.goto("/search?q=container")
        p.wait_for_selector(".hit mark")
        shot("search")
        p.click(".hit-document a")
        p.wait_for_selector("article.text .evidence")
        shot("document")
        p.goto("/review")
        p.wait_for_selector("ol.queue li.claim")
        shot("review")
        p.goto("/findings")
        p.wait_for_selector("table.matrix td.cell.status-0")
        shot("matrix")
        p.click("th.site a >> nth=0")
        p.wait_for_selector("blockquote.quote")
        shot("dossier")
        p.goto("/map")
        p.wait_for_selector("#map[data-ready='1'][data-base-ready='1']")
        assert p.locator("path.site-marker").count() >= 5
        assert p.locator("path.transfer").count() >= 1 and p.locator("path.transfer.cross-border").count() >= 1
        assert p.locator(".leaflet-tooltip.transfer-count").count() == p.locator("path.transfer").count()
        assert p.locator("marker#transfer-arrow").count() == 1  # each route points where they were taken
        assert p.evaluate("getComputedStyle(document.querySelector('path.transfer')).markerMid").startswith("url(")
        assert p.locator("select[name=perpetrator] option").count() > 1
        p.wait_for_timeout(300)
        shot("map")
        everywhere = p.locator("path.site-marker").count()
        p.select_option("select[name=conflict]", index=1)  # one conflict: fewer sites
        for _ in range(100):  # (no wait_for_function: the page's CSP forbids evaluating strings)
            if p.locator("path.site-marker").count() < everywhere:
                break
            p.wait_for_timeout(100)
        assert p.locator("path.site-marker").count() < everywhere
        p.goto("/timeline")
        p.wait_for_selector("svg.timeline rect.episode")
        shot("timeline")
        p.goto("/transfers")
        assert p.locator("svg.network path.edge").count() >= 1
        assert p.locator("svg.network path.edge.cross-border").count() >= 1
        p.locator("svg.network .node a").first.click()  # a node: its dossier
        p.wait_for_selector("section.finding, h1")
        assert "/dossier?site=" in p.url
        p.goto("/transfers")
        shot("transfers")
        p.goto("/patterns")
        p.wait_for_selector("table.patterns")
        shot("patterns")
        p.goto("/sources")
        p.wait_for_selector("table.sources")
        shot("sources")
        # a phone: nothing wider than the screen
        for path in ("/findings", "/map", "/timeline", "/transfers", "/patterns", "/sources"):
            p.set_viewport_size({"width": 390, "height": 844})
            p.goto(path)
            overflow = p.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, (path, overflow)
        assert browser.dialogs == [] and browser.errors == []
        assert [r for r in browser.requests if not r.startswith((url + "/", "data:"))] == []  # nothing from outside
