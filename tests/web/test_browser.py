"""The web workspace in a real browser: Debian's chromium, headless, driven by Playwright
(never a downloaded browser). Skipped only where /usr/bin/chromium is absent; CI
installs it (.ci/run)."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Page, sync_playwright
from tests.web.conftest import XSS_FILE, Template, key_path

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


@pytest.fixture
def server(template: Template, tmp_path: Path) -> Iterator[str]:
    shutil.copytree(template.root / "ws", tmp_path / "ws")
    port = _free_port()
    with Workspace.open(tmp_path / "ws", template.key) as ws:
        config = uvicorn.Config(create_app(ws), host="127.0.0.1", port=port, log_level="warning")
        running = uvicorn.Server(config)
        thread = threading.Thread(target=running.run, daemon=True)
        thread.start()
        while not running.started:
            time.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
        running.should_exit = True
        thread.join(10)


@dataclass
class Browser:
    page: Page
    dialogs: list[str] = field(default_factory=list)  # alert(), confirm() … : a payload ran
    errors: list[str] = field(default_factory=list)  # uncaught script errors


@pytest.fixture
def browser(server: str) -> Iterator[Browser]:
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                     args=["--no-sandbox", "--disable-dev-shm-usage"])
        context = chromium.new_context(base_url=server, viewport={"width": 1280, "height": 800})
        found = Browser(context.new_page())
        found.page.on("dialog", lambda d: (found.dialogs.append(d.message), d.dismiss()))
        found.page.on("pageerror", lambda e: found.errors.append(str(e)))
        yield found
        chromium.close()


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
    for path in ("/search?q=alert", "/search?q=onerror", "/review"):
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
    for path in ("/", "/search?q=Sevare", document, "/review", "/documents"):
        p.goto(path)
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
