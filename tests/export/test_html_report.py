"""The HTML report (and its PDF): what each audience reads in it, that it opens with no
network and runs nothing, its map, that markup in the data prints as text, that its
numbers never read as phone numbers to the leak scan; then the sample investigation
through the service and the CLI, in headless chromium and printed to PDF."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from tests.pgserver import copy_workspaces
from typer.testing import CliRunner

from testimonia.cli.main import app
from testimonia.errors import PublicationRefused, TestimoniaError
from testimonia.export import gate, html_report, report_map, report_pdf, topojson
from testimonia.export.audiences import POLICIES
from testimonia.export.leakscan import scan_file
from testimonia.export.public import Inputs
from testimonia.export.published import Context
from testimonia.export.redact import Protected, Redactor
from testimonia.model import Document, Source, SourceKind, StoredClaim
from testimonia.service.audit import read_audit
from testimonia.service.export import export
from testimonia.service.workspace import Workspace
from testimonia.shapes import ResultsJson

CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(report_pdf.find_browser() is None,
                                    reason="no chromium on PATH (apt-get install chromium; .ci/run does)")
SCRIPT = "<script>alert('site')</script>"
QUOTE_XSS = '"><img src=x onerror=alert(1)> On nous a frappés.'
CAMP, CONTAINER, TAGANROG, BAMAKO, NOWHERE = (
    "site:supp:ml_sevare/military_camp", "site:supp:ml_sevare/shipping_container",
    "site:supp:ru_taganrog/pretrial_detention_centre", "site:geonames:2460596/prison", "site:name:the farm")


# --- a small hand-built analysis ---------------------------------------------------------

def _site(site_id: str, name: str, lat: float | None, lon: float | None, country: str | None,
          precision: str = "settlement", facility: str | None = None, parent: str | None = None) -> Any:
    return {"id": site_id, "name": name, "facility": facility, "country": country, "lat": lat, "lon": lon,
            "precision": precision, "parent": parent, "aliases": [], "first_reported": "2022-03-01",
            "last_reported": "2022-05-31", "forces": [{"canonical": "fama", "claims": 1}], "sources": [],
            "source_count": 1, "claim_count": 3, "from_town": [], "note": ""}


def _finding(site: str, allegation: str, claims: list[int], groups: list[list[str]],
             status: str = "corroborated") -> Any:
    return {"site": site, "site_name": site, "allegation": allegation, "period": "2022-03",
            "period_start": "2022-03-14", "period_end": "2022-04-02", "status": status,
            "rationale": "independent sources at first hand: " + "; ".join(" + ".join(g) for g in groups),
            "independent_sources": len(groups), "first_hand_sources": len(groups),
            "sources": sorted(s for g in groups for s in g), "hearsay_sources": [],
            "source_kinds": ["survivor"], "groups": groups, "unattributed_documents": [], "claims": claims,
            "contradicted_by": []}


def _claim(claim_id: int, source: str, document: str, quote: str) -> StoredClaim:
    body: Any = {"act": "ill_treatment", "methods": ["beating"], "violations": [], "places": [],
                 "perpetrators": [], "period": None, "victim": {"who": "self"}, "first_hand": True,
                 "denial": False, "interrogation_languages": [], "component": "test", "transfer": None,
                 "evidence": [{"start": 5, "end": 5 + len(quote), "quote": quote}]}
    return StoredClaim(claim_id, document, f"{document}.md", source, body, "survivor")


def _document(doc_id: str, consent: str, source: str) -> Document:
    return Document(doc_id, f"{doc_id}.md", 1, "text/markdown", "2024-01-01", "fr", "fr", 1.0, source,
                    "Sahel Desk", "extracted", "0" * 64, "markdown", {"front_matter": {"consent": consent}})


def _inputs(extra_sites: int = 0) -> Inputs:
    sites = [_site(CAMP, "Sévaré military camp", 14.533, -4.1, "ML", facility="military_camp"),
             _site(CONTAINER, "shipping container, Sévaré", 14.533, -4.1, "ML", facility="shipping_container",
                   parent=CAMP),
             _site(TAGANROG, SCRIPT, 47.2363, 38.9053, "RU", facility="pretrial_detention_centre"),
             _site(BAMAKO, "prison, Bamako", 12.65, -8.0, "ML", facility="prison"),
             _site(NOWHERE, "the farm", None, None, None, precision="unknown")]
    findings = [_finding(CONTAINER, "beating", [1, 2], [["Ana"], ["Bo"]]),
                _finding(CAMP, "act:detention", [1, 2, 3], [["Ana"], ["Bo", "Cy"]]),
                _finding(TAGANROG, "electric_shock", [3], [["Cy"]], "single source"),
                _finding(NOWHERE, "beating", [4], [["<b onmouseover=alert(1)>"]], "single source")]
    for n in range(extra_sites):  # many sites in one row of the map, each with a finding
        site_id = f"site:test:{n}"
        sites.append(_site(site_id, f"cell {n}", 14.0 + n * 0.01, -3.0 + n * 0.2, "ML"))
        findings.append(_finding(site_id, "beating", [1], [["Ana"]], "single source"))
    edges: Any = [{"from": CAMP, "to": BAMAKO, "count": 12, "cross_border": False, "sources": ["Ana"],
                   "claims": [1], "from_name": "Sévaré military camp", "to_name": "prison, Bamako"},
                  {"from": BAMAKO, "to": TAGANROG, "count": 1, "cross_border": True, "sources": ["Bo"],
                   "claims": [2], "from_name": "prison, Bamako", "to_name": SCRIPT}]
    results: ResultsJson = {"sites": sites, "findings": findings, "patterns": {},
                            "transfers": {"edges": edges, "trajectories": []},
                            "review": {"include_unreviewed": False, "counted": 4, "pending": 0,
                                       "pending_sources": 0, "rejected": 1, "conflicts": 0, "withdrawn": 0}}
    claims = {1: _claim(1, "Ana", "d-public", "Ana m'a dit: ils nous ont battus au camp."),
              2: _claim(2, "Bo", "d-consortium", "Bo: on était dans le conteneur."),
              3: _claim(3, "Cy", "d-internal", QUOTE_XSS),
              4: _claim(4, "<b onmouseover=alert(1)>", "d-internal", "Dans la ferme.")}
    documents = {d.id: d for d in (_document("d-public", "public", "Ana"),
                                   _document("d-consortium", "consortium", "Bo"),
                                   _document("d-internal", "internal", "Cy"))}
    sources = {name: Source(i, name, SourceKind.SURVIVOR, "Sahel Desk")
               for i, name in enumerate(["Ana", "Bo", "Cy", "<b onmouseover=alert(1)>"])}
    return Inputs("Sahel Desk", results, claims, documents, sources, {"Ana": {"sex": "female"}}, {})


def _context(name: str, extra_sites: int = 0) -> Context:
    policy = POLICIES[name]
    inputs = _inputs(extra_sites)
    decision = gate.Decision(True, 2, {"kind": 1, "period": 1}, {"period": "quarter", "kind": "suppressed"},
                             [], [{"id": "W1", "kind": "*"}, {"id": "W2", "kind": "*"}], [], "test", 2)
    protected = [Protected(p, "name", "[witness]") for p in inputs.sources] if policy.gate else []
    return Context(inputs, policy, Redactor(protected), 2, decision if policy.gate else None, False,
                   min_independent=3)


def _page(name: str, extra_sites: int = 0) -> str:
    return html_report.render(html_report.assemble(_context(name, extra_sites), {}))


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(page: str) -> _Tags:
    parser = _Tags()
    parser.feed(page)
    parser.close()
    return parser


# --- what each audience reads ------------------------------------------------------------

def test_the_public_report_names_nobody_and_quotes_only_public_documents_redacted() -> None:
    page = _page("public")
    text = "".join(_parse(page).text)
    assert [p for p in ("Ana", "Bo:", "Cy") if p in text] == []
    assert "[witness] m'a dit: ils nous ont battus au camp." in text  # redacted, from d-public only
    assert "conteneur" not in text and "frappés" not in text  # consortium and internal documents
    assert "Witness accounts" in text and "k = 2" in text and "quarter" in text
    assert "2022-Q1 – 2022-Q2" in text and "2022-03-14" not in text  # no finer than the gate's quarter
    assert "Kinds of source: withheld." in text


def test_the_internal_report_quotes_every_own_document_and_names_sources() -> None:
    text = "".join(_parse(_page("internal")).text)
    assert "Ana m'a dit" in text and "on était dans le conteneur" in text and "On nous a frappés" in text
    assert "— Ana" in text and "2022-03-14 – 2022-04-02" in text
    assert "corroborated" in text and "at least 3 independent sources" in text  # the setting
    assert "Witness accounts" not in text and "sex: female" in text  # profiles for internal


def test_partners_read_pseudonyms_but_no_internal_document_and_legal_cites_offsets() -> None:
    partner = "".join(_parse(_page("partner")).text)
    assert "on était dans le conteneur" in partner and "frappés" not in partner and "— Bo" in partner
    assert "sex: female" not in partner
    legal = "".join(_parse(_page("legal")).text)
    assert "document d-internal, characters 5–" in legal and "claim 3" in legal


# --- self-contained, inert ----------------------------------------------------------------

@pytest.mark.parametrize("name", list(POLICIES))
def test_the_report_needs_no_network_and_runs_nothing(name: str) -> None:
    page = _page(name)
    tags = _parse(page).tags
    names = {tag for tag, _ in tags}
    assert not names & {"script", "link", "img", "iframe", "object", "embed", "base", "form"}
    for tag, attrs in tags:
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        for attribute in ("href", "src", "xlink:href", "action"):
            assert attrs.get(attribute, "#").startswith("#"), (tag, attrs)
    policy = [a["content"] for tag, a in tags if tag == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert policy and "default-src 'none'" in policy[0]
    assert not re.search(r"url\(|@import|https?://", page.split("</style>")[0])


def test_markup_in_site_names_quotes_and_pseudonyms_prints_as_text() -> None:
    for name in ("internal", "legal"):
        page = _page(name)
        assert "<script" not in page.lower() and "<img" not in page.lower() and "<b " not in page
        assert "&lt;script&gt;alert(&#39;site&#39;)&lt;/script&gt;" in page
        assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
        assert "&lt;b onmouseover=alert(1)&gt;" in page
        text = "".join(_parse(page).text)
        assert SCRIPT in text and QUOTE_XSS in text


# --- the map -------------------------------------------------------------------------------

def _maps(page: str) -> list[list[tuple[str, dict[str, str]]]]:
    """The tags of each map's SVG."""
    maps: list[list[tuple[str, dict[str, str]]]] = []
    inside = False
    for tag, attrs in _parse(page).tags:
        if tag == "svg":
            inside = "map" in attrs.get("class", "").split()
            if inside:
                maps.append([])
        elif inside:
            maps[-1].append((tag, attrs))
    return maps


def test_the_map_draws_one_circle_per_placed_site_over_the_country_outlines() -> None:
    page = _page("public")
    maps = _maps(page)
    assert len(maps) == 3  # all sites; then one per conflict (Russia–Ukraine, Sahel)
    circles = [a for tag, a in maps[0] if tag == "circle" and "site" in a["class"].split()]
    assert len(circles) == 4  # the farm has no place
    assert sorted(a["class"].split()[1] for a in circles) == ["status-0", "status-0", "status-2", "status-none"]
    assert "Not on the map (the gazetteer cannot place them)" in page and "the farm" in page
    routes = [a for tag, a in maps[0] if tag == "path" and "route" in a.get("class", "")]
    assert len(routes) == 2 and sum("cross-border" in a["class"] for a in routes) == 1
    land = [a for tag, a in maps[0] if tag == "path" and a.get("class") == "land"]
    if topojson.countries() is None:
        assert land == [] and "Country outlines are not installed here" in page
    else:
        assert len(land) == 1 and land[0]["d"].count("M") > 20
        assert len(page) < 600_000


def test_a_country_centre_does_not_stretch_the_map() -> None:
    placed = [report_map.Placed("a", 1, "Kherson", 46.64, 32.61, "settlement", "corroborated"),
              report_map.Placed("b", 2, "Taganrog", 47.24, 38.91, "settlement", "single source"),
              report_map.Placed("c", 3, "Russia", 61.52, 105.32, "country", "contested")]
    view = report_map.draw(placed, [("a", "c", 1, True)], None)
    assert view.box.east < 50 and [p.id for p in view.outside] == ["c"]
    assert [s.site.id for s in view.sites] == ["a", "b"] and view.routes == []


def test_topojson_arcs_are_delta_decoded_and_joined_backwards_where_negative() -> None:
    topology = {"transform": {"scale": [0.5, 2.0], "translate": [-10.0, 20.0]},
                "arcs": [[[0, 0], [4, 0], [0, 2]], [[4, 2], [-4, 0], [0, -2]]]}
    arcs = topojson.decode_arcs(topology)
    assert arcs == [[(-10.0, 20.0), (-8.0, 20.0), (-8.0, 24.0)], [(-8.0, 24.0), (-10.0, 24.0), (-10.0, 20.0)]]
    square = [(-10.0, 20.0), (-8.0, 20.0), (-8.0, 24.0), (-10.0, 24.0), (-10.0, 20.0)]
    assert list(topojson.rings({"type": "Polygon", "arcs": [[0, 1]]}, arcs)) == [square]
    backwards = list(topojson.rings({"type": "MultiPolygon", "arcs": [[[~1, ~0]]]}, arcs))
    assert backwards == [square[::-1]]
    assert list(topojson.rings({"type": "Point", "coordinates": [0, 0]}, arcs)) == []


def test_outlines_are_clipped_to_the_box_in_whole_pixels() -> None:
    box = report_map.Box(0.0, 0.0, 10.0, 10.0)
    clipped = report_map._clip([(-5.0, 5.0), (5.0, 15.0), (15.0, 5.0), (5.0, -5.0), (-5.0, 5.0)], box)
    assert all(0 <= x <= 10 and 0 <= y <= 10 for x, y in clipped) and len(clipped) >= 8
    assert report_map._clip([(20.0, 20.0), (21.0, 20.0), (21.0, 21.0)], box) == []
    path = report_map._path(clipped, lambda lon, lat: (lon * 10, (10 - lat) * 10))
    assert path.startswith("M") and path.endswith("z") and " " not in path and "." not in path


def test_no_run_of_numbers_in_the_report_reads_as_a_phone_number(tmp_path: Path) -> None:
    """Forty sites side by side: their numbers on the map, the matrix's cells and the
    timeline's years would read as one long number if they were written as text."""
    report = html_report.assemble(_context("internal", extra_sites=40), {})
    (tmp_path / "report.html").write_text(html_report.render(report), encoding="utf-8")
    assert len(report.sites) == 45
    assert scan_file(tmp_path / "report.html", Redactor([]), tmp_path) == []
    assert 'class="digits"' in (tmp_path / "report.html").read_text(encoding="utf-8")
    browser = report_pdf.find_browser()
    if browser is not None:  # a PDF's text layer joins labels that sit side by side
        page = (tmp_path / "report.html").read_bytes()
        (tmp_path / "report.pdf").write_bytes(report_pdf.print_pdf(page, browser, "x"))
        assert scan_file(tmp_path / "report.pdf", Redactor([]), tmp_path) == []


def test_dates_are_written_no_finer_than_the_audience_reads_them() -> None:
    assert html_report.period("2022-03-14", "2022-04-02", "day") == "2022-03-14 – 2022-04-02"
    assert html_report.period("2022-03-01", "2022-04-30", "month") == "2022-03 – 2022-04"
    assert html_report.period("2022-01-01", "2022-03-31", "quarter") == "2022-Q1"
    assert html_report.period("2022-01-01", "2023-12-31", "year") == "2022 – 2023"
    assert html_report.period(None, None, "day") == "undated"


def test_a_browser_that_fails_stops_the_export_with_the_reason(tmp_path: Path) -> None:
    failing = tmp_path / "chromium"
    failing.write_text("#!/bin/sh\necho 'cannot open display' >&2\nexit 3\n", encoding="utf-8")
    failing.chmod(0o700)
    with pytest.raises(TestimoniaError, match="exited with 3 \\(cannot open display\\)"):
        report_pdf.print_pdf(b"<!doctype html><title>x</title>", str(failing), "x")


# --- the sample investigation, through the service, the CLI and chromium ------------------

@pytest.fixture(scope="module")
def reports(built: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory,
            sample_user: Any) -> Iterator[dict[str, Path]]:
    """The sample's report for each audience (one export each, from a copy of the sample)."""
    from testimonia.crypto.keys import KeyMaterial
    root, key = built
    base = tmp_path_factory.mktemp("reports")
    copy_workspaces(root, base / "ws")
    folders = {}
    with Workspace.open(base / "ws", KeyMaterial(key_file=key), user_material=sample_user(key)) as ws:
        for name in POLICIES:
            export(ws, base / name, format="html", audience=name)
            folders[name] = base / name
    yield folders


@pytest.mark.slow
def test_the_sample_report_for_each_audience(reports: dict[str, Path]) -> None:
    vault = ("Amadou", "Exemple", "70 00 00 01", "Dogofry")
    for name, folder in reports.items():
        expected = ["report.html", "report.pdf"] if report_pdf.find_browser() else ["report.html"]
        assert sorted(p.name for p in folder.iterdir()) == expected
        page = (folder / "report.html").read_text(encoding="utf-8")
        assert [v for v in vault if v in page] == [], name
        assert ("Wangrin" in page) == (name != "public") and ("Sokolenko" in page) == (name != "public")
        assert "pretrial detention centre, Taganrog" in page and "Sévaré military camp" in page
        assert ("Witness accounts" in page) == (name == "public")
        placed = page.count('<circle class="site ')  # every map; the first holds them all
        assert placed > 30


@pytest.mark.slow
@needs_chromium
def test_the_pdf_holds_the_report_and_no_exact_time(reports: dict[str, Path]) -> None:
    for folder in reports.values():
        data = (folder / "report.pdf").read_bytes()
        assert data.startswith(b"%PDF-") and len(data) > 100_000
        reader = PdfReader(io.BytesIO(data))
        text = " ".join(page.extract_text() for page in reader.pages)
        assert html_report.TITLE in " ".join(text.split()) and "pretrial detention centre, Taganrog" in text
        assert not re.search("[\ufb00-\ufb06]", text)  # no ligature hides a name from the leak scan
        assert dict(reader.metadata or {}) == {"/Title": html_report.TITLE, "/Producer": "Testimonia"}
        assert len(reader.pages) > 10 and reader.outline


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed here")
def test_the_report_opens_in_chromium_with_no_request_and_no_console_error(reports: dict[str, Path]) -> None:
    from playwright.sync_api import sync_playwright
    page_url = (reports["public"] / "report.html").as_uri()
    requests: list[str] = []
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.on("request", lambda r: requests.append(r.url))
            page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(page_url, wait_until="load")
            assert page.locator("svg.map").first.is_visible()
            assert page.locator("svg.map").first.locator("circle.site").count() > 30
            page.locator("a[href='#site-1']").first.click()
            assert page.url.endswith("#site-1")
        finally:
            browser.close()
    assert requests == [page_url] and errors == []


@pytest.mark.slow
def test_without_chromium_the_export_writes_the_html_and_says_so(
        sample: Workspace, built: tuple[Path, Path], tmp_path: Path, sample_user: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report_pdf, "find_browser", lambda: None)
    sample.close()
    env = {"TESTIMONIA_KEY_FILE": str(built[1]), "TESTIMONIA_PASSPHRASE": "",
           "TESTIMONIA_USER_KEY_FILE": str(sample_user(built[1]).key_file)}
    result = CliRunner().invoke(app, ["export", "-w", str(sample.paths.root), "--format", "html",
                                      "--audience", "partner", "-o", str(tmp_path / "report")], env=env)
    assert result.exit_code == 0, result.output
    assert "redacted quotes as html for the partner audience" in result.stdout
    assert "report.html  sha256" in result.stdout and "No report.pdf: no chromium found" in result.stdout
    assert [p.name for p in (tmp_path / "report").iterdir()] == ["report.html"]


@pytest.mark.slow
def test_a_leak_in_the_report_refuses_it_and_leaves_nothing(
        sample: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report_pdf, "find_browser", lambda: None)
    render = html_report.render
    monkeypatch.setattr(html_report, "render", lambda report: render(report) + "<!-- Amadou EXEMPLE -->")
    with pytest.raises(PublicationRefused, match="leak scan") as refused:
        export(sample, tmp_path / "out", format="html", audience="internal")
    assert "Amadou" not in str(refused.value) and "report.html HTML comment" in str(refused.value)
    assert not (tmp_path / "out").exists() and not list(tmp_path.glob(".out*"))
    assert read_audit(sample).entries[-1].action == "export_refused"
