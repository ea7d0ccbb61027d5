"""`--format html`: the findings as one self-contained report, `report.html`, and the same
report printed to `report.pdf` where a chromium is installed (report_pdf.py).

The page needs nothing but itself: its style is inline, its map and charts are inline
SVG, it runs no script and its Content Security Policy forbids every request, so it opens
the same with no network, in a browser or printed. What it holds follows the audience
exactly as the other formats do (published.py): the summary figures, a map of the sites
(report_map.py, over the shipped Natural Earth outlines), one section per site with its
findings and their quotes, the findings matrix, a chart of findings per allegation, a
timeline of episodes per site, the transfer network, the patterns across conflicts, and
how all of it was decided and what this audience was not given. Every value is escaped
(Jinja2 with autoescape): a site or quote containing markup prints as text.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from testimonia.analysis.graphs import Network, network, pattern_view
from testimonia.analysis.overview import STATUSES, Matrix, Timeline, findings_matrix, timeline
from testimonia.export import hierarchy, report_map, report_pdf, topojson
from testimonia.export.audiences import REDACTED
from testimonia.export.published import (
    GEO_PRECISION,
    Context,
    Output,
    claims_basis,
    date_level,
    geo_precision,
    kinds,
    place_admin1,
    quotes,
    site_counts,
    strongest,
    transfer_edges,
    widen,
)
from testimonia.shapes import EdgeJson, FindingJson, ResultsJson, ReviewBasisJson, SiteJson
from testimonia.vocab import load_vocabulary
from testimonia.vocab.conflicts import conflict_label, conflict_of

__all__ = ["FILE", "PDF", "Report", "assemble", "build", "render"]

FILE = "report.html"
PDF = "report.pdf"
TITLE = "Detention and torture: findings from testimonies"
ELSEWHERE = "Elsewhere, or place unknown"
NO_REVIEW: ReviewBasisJson = {"include_unreviewed": False, "counted": 0, "pending": 0, "pending_sources": 0,
                              "rejected": 0, "conflicts": 0, "withdrawn": 0}
LETTERS = {"corroborated": "C", "contested": "X", "single source": "S", "hearsay only": "H",
           "unattributed": "U", "pending review": "P"}
REDACTED_WORDS = {  # audiences.REDACTED, in words
    "vault": "the names, other names, contacts and home villages of the investigators' identity vault",
    "pseudonyms": "the sources' pseudonyms",
    "interviews": "the dates and places of the interviews",
    "persons": "private persons named in the quotes",
}


@dataclass(frozen=True)
class FindingView:
    allegation: str  # code
    label: str
    status: str
    period: str  # as precisely as the audience may read it
    independent: int
    first_hand: int
    rationale: str  # the analysis's (which names sources by pseudonym), or one that names nobody
    kinds: list[str] | None  # None: withheld
    contradicted: bool
    quotes: list[dict[str, Any]]


@dataclass(frozen=True)
class RouteView:
    other: str  # the site at the other end
    number: int | None  # its section's number
    count: int
    cross_border: bool
    sources: list[str]


@dataclass(frozen=True)
class SiteView:
    number: int
    id: str
    name: str
    facility: str
    country: str
    admin1: str
    lat: float | None
    lon: float | None
    precision: str
    precision_note: str
    conflict: str
    reported: str
    status: str
    claims: int
    inside: tuple[int, str] | None
    contains: list[tuple[int, str]]
    forces: list[str]
    findings: list[FindingView]
    transfers_in: list[RouteView]
    transfers_out: list[RouteView]


@dataclass(frozen=True)
class Bar:
    label: str
    total: int
    segments: list[tuple[str, int, float, float]]  # status, findings, x, width (fractions)


@dataclass
class Report:
    """Everything the template draws, as the audience may read it."""

    ctx: Context
    generated: str
    level: str  # the finest date written
    figures: list[tuple[str, str]]
    statuses: list[tuple[str, int]]
    sites: list[SiteView]
    maps: list[tuple[str, report_map.MapView]]
    unplaced: list[SiteView]
    matrix: Matrix
    numbers: dict[str, int]
    timeline: Timeline
    bars: list[Bar]
    network: Network
    patterns: dict[str, Any]
    sources: list[dict[str, str]]
    accounts: list[tuple[dict[str, str], int]]  # published witness attributes, how many share them
    outlines: bool  # the country outlines are installed
    facts: set[str] = field(default_factory=set)


def build(ctx: Context) -> Output:
    quoted: dict[str, int] = {}
    report = assemble(ctx, quoted)
    page = render(report).encode()
    files = {FILE: page}
    browser = report_pdf.find_browser()
    if browser is not None:
        files[PDF] = report_pdf.print_pdf(page, browser, TITLE)
    items = sum(len(s.findings) for s in report.sites)
    accounts = len(ctx.decision.published) if ctx.decision is not None else 0
    return Output(files, items, "findings", quoted, accounts, frozenset(report.facts))


def render(report: Report) -> str:
    ctx = report.ctx
    consents = sorted(c for c in ctx.audience.quote_consents if c)
    return _environment().get_template("report.html").render(
        r=report, title=TITLE, statuses=STATUSES, label=_label, status_class=_status_class,
        letter=_letter, digits=report_map.digits,
        basis=claims_basis(ctx), review=ctx.inputs.results.get("review") or NO_REVIEW,
        consents=" or ".join(f"“{c}”" for c in consents)
        + (" (or none recorded)" if "" in ctx.audience.quote_consents else ""),
        redacted=[REDACTED_WORDS[k] for k in REDACTED if k in ctx.audience.redacted])


def assemble(ctx: Context, quoted: dict[str, int]) -> Report:
    """What the report shows, as `ctx.audience` may read it; `quoted` counts its quotes."""
    level = date_level(ctx)
    view = _results(ctx, level)
    edges = view["transfers"]["edges"]
    sites = _sites(ctx, view, edges, level, quoted)
    numbers = {s.id: s.number for s in sites}
    findings = view["findings"]
    report = Report(
        ctx=ctx, generated=datetime.now(UTC).strftime("%Y-%m"), level=level,
        figures=_figures(ctx, findings, edges, sites, level),
        statuses=[(s, n) for s in STATUSES if (n := sum(f["status"] == s for f in findings))],
        sites=sites, maps=_maps(sites, edges), unplaced=[s for s in sites if s.lat is None],
        matrix=findings_matrix(view), numbers=numbers, timeline=timeline(view),
        bars=_bars(findings), network=network(view), patterns=_patterns(ctx, view),
        sources=_sources(ctx), accounts=_accounts(ctx), outlines=topojson.countries() is not None)
    report.facts = _facts(report)
    return report


# --- the results as the audience may read them -----------------------------------------

def _results(ctx: Context, level: str) -> ResultsJson:
    """The analysis with dates widened to `level`, transfers resting on counted claims
    only, and no trajectories (they name the victims)."""
    findings = []
    for finding in ctx.inputs.results["findings"]:
        copy = finding.copy()
        copy["period_start"], copy["period_end"] = widen(finding.get("period_start"), finding.get("period_end"), level)
        findings.append(copy)
    sites = []
    for site in ctx.inputs.results["sites"]:
        widened = site.copy()
        widened["first_reported"], widened["last_reported"] = widen(
            site["first_reported"], site["last_reported"], level)
        sites.append(widened)
    return {"sites": sites, "findings": findings,
            "transfers": {"edges": transfer_edges(ctx), "trajectories": []},
            "patterns": ctx.inputs.results["patterns"]}


def period(start: str | None, end: str | None, level: str) -> str:
    """A span of ISO days as the audience may read it: "2022-03-04 – 2022-05-02",
    "2022-03 – 2022-05", "2022-Q1", "2022"; "undated"."""
    if not start and not end:
        return "undated"
    ends = [_at_level(day, level) if day else "…" for day in (start, end)]
    return ends[0] if ends[0] == ends[1] else f"{ends[0]} – {ends[1]}"


def _at_level(day: str, level: str) -> str:
    if level == "day":
        return day
    if level == "month":
        return day[:7]
    if level == "quarter":
        return f"{day[:4]}-Q{(int(day[5:7]) - 1) // 3 + 1}"
    return day[:4]


def _sites(ctx: Context, view: ResultsJson, edges: list[EdgeJson], level: str,
           quoted: dict[str, int]) -> list[SiteView]:
    """One section per site with a finding or a transfer, by conflict, the most reported first."""
    counts = site_counts(ctx)
    all_sites = {s["id"]: s for s in view["sites"]}
    shown = [all_sites[i] for i in all_sites
             if i in counts or any(i in (e["from"], e["to"]) for e in edges)]
    shown.sort(key=lambda s: (_conflict(s) == ELSEWHERE, _conflict(s), -s["claim_count"], s["name"], s["id"]))
    numbers = {s["id"]: n for n, s in enumerate(shown, start=1)}
    by_site: dict[str, list[FindingJson]] = {}
    for finding in view["findings"]:
        by_site.setdefault(finding["site"], []).append(finding)
    return [_site(ctx, site, by_site.get(site["id"], []), edges, numbers, all_sites, level, quoted)
            for site in shown]


def _site(ctx: Context, site: SiteJson, findings: list[FindingJson], edges: list[EdgeJson],
          numbers: dict[str, int], sites: dict[str, SiteJson], level: str,
          quoted: dict[str, int]) -> SiteView:
    located = site["lat"] is not None and site["lon"] is not None and site["precision"] != "unknown"
    code = geo_precision(site["precision"], site["facility"]) if located else None
    parent = site.get("parent")
    findings = sorted(findings, key=lambda f: (not f["allegation"].startswith("act:"),
                                               f.get("period_start") or "9999", f["allegation"]))
    vocab = load_vocabulary()
    return SiteView(
        number=numbers[site["id"]], id=site["id"], name=site["name"],
        facility=vocab.facilities[facility].label if (facility := site["facility"] or "") in vocab.facilities else "",
        country=hierarchy.country_name(site["country"]) if site["country"] else "",
        admin1=place_admin1(site["id"].removeprefix("site:").split("/")[0]),
        lat=site["lat"] if located else None, lon=site["lon"] if located else None,
        precision=site["precision"],
        precision_note=GEO_PRECISION[code] if code else "not placed: a name the gazetteer does not know",
        conflict=_conflict(site), reported=period(site["first_reported"], site["last_reported"], level),
        status=strongest(f["status"] for f in findings), claims=site["claim_count"],
        inside=(numbers[parent], sites[parent]["name"]) if parent in numbers else None,
        contains=[(numbers[s["id"]], s["name"]) for s in sites.values()
                  if s.get("parent") == site["id"] and s["id"] in numbers],
        forces=[vocab.perpetrators[f["canonical"]].name for f in site["forces"]
                if f.get("canonical") in vocab.perpetrators],
        findings=[_finding(ctx, f, level, quoted) for f in findings],
        transfers_in=[_route(ctx, e, e["from"], numbers, sites) for e in edges if e["to"] == site["id"]],
        transfers_out=[_route(ctx, e, e["to"], numbers, sites) for e in edges if e["from"] == site["id"]])


def _finding(ctx: Context, finding: FindingJson, level: str, quoted: dict[str, int]) -> FindingView:
    return FindingView(
        allegation=finding["allegation"], label=_label(finding["allegation"]), status=finding["status"],
        period=period(finding.get("period_start"), finding.get("period_end"), level),
        independent=finding["independent_sources"], first_hand=finding["first_hand_sources"],
        rationale=finding.get("rationale", "") if ctx.audience.pseudonyms else _plain_rationale(finding),
        kinds=kinds(ctx, finding), contradicted=bool(finding.get("contradicted_by")),
        quotes=quotes(ctx, finding, quoted))


def _plain_rationale(finding: FindingJson) -> str:
    """The rationale in words that name nobody (as the public JSON writes it)."""
    text = f"{finding['independent_sources']} independent source(s) at first hand"
    if finding.get("hearsay_sources"):
        text += "; also told at second hand"
    return text + ("; contradicted by a denial" if finding.get("contradicted_by") else "")


def _route(ctx: Context, edge: EdgeJson, other: str, numbers: dict[str, int],
           sites: dict[str, SiteJson]) -> RouteView:
    return RouteView(sites[other]["name"], numbers.get(other), edge.get("count", 0),
                     bool(edge.get("cross_border")),
                     sorted(edge.get("sources", [])) if ctx.audience.pseudonyms else [])


def _conflict(site: SiteJson) -> str:
    key = conflict_of(site["country"])
    return conflict_label(key) if key else ELSEWHERE


# --- figures, charts and maps -----------------------------------------------------------

def _figures(ctx: Context, findings: list[FindingJson], edges: list[EdgeJson], sites: list[SiteView],
             level: str) -> list[tuple[str, str]]:
    claims = {c for f in findings for c in f.get("claims", []) if c in ctx.inputs.claims}
    documents = {ctx.inputs.claims[c].document_id for c in claims}
    if ctx.audience.pseudonyms:
        people = {s for f in findings for s in (*f.get("sources", []), *f.get("hearsay_sources", []))}
        who = ("sources", str(len(people)))
    else:
        who = ("witness accounts", str(len(ctx.decision.published) if ctx.decision else 0))
    starts = [day for f in findings if (day := f.get("period_start"))]
    ends = [day for f in findings if (day := f.get("period_end"))]
    covered = period(min(starts), max(ends), level) if starts and ends else "undated"
    return [("documents", str(len(documents))), who, ("claims counted", str(len(claims))),
            ("sites", str(len(sites))), ("sites with a known place", str(sum(s.lat is not None for s in sites))),
            ("findings", str(len(findings))),
            ("corroborated findings", str(sum(f["status"] == "corroborated" for f in findings))),
            ("transfer routes", str(len(edges))),
            ("routes across a border", str(sum(bool(e.get("cross_border")) for e in edges))),
            ("period covered", covered)]


def _bars(findings: list[FindingJson]) -> list[Bar]:
    """Findings per allegation, split by status, the most found first."""
    by: dict[str, Counter[str]] = {}
    for finding in findings:
        by.setdefault(finding["allegation"], Counter())[finding["status"]] += 1
    most = max((sum(c.values()) for c in by.values()), default=1)
    bars = []
    for allegation, counted in sorted(by.items(), key=lambda kv: (-sum(kv[1].values()), kv[0])):
        x, segments = 0.0, []
        for status in STATUSES:
            if counted[status]:
                width = counted[status] / most
                segments.append((status, counted[status], x, width))
                x += width
        bars.append(Bar(_label(allegation), sum(counted.values()), segments))
    return bars


def _maps(sites: list[SiteView], edges: list[EdgeJson]) -> list[tuple[str, report_map.MapView]]:
    """The map of every placed site; and one per conflict when they are several."""
    placed = [report_map.Placed(s.id, s.number, s.name, s.lat, s.lon, s.precision, s.status)
              for s in sites if s.lat is not None and s.lon is not None]
    if not placed:
        return []
    routes = [(e["from"], e["to"], e.get("count", 0), bool(e.get("cross_border"))) for e in edges]
    outlines = topojson.countries()
    maps = [("All sites", report_map.draw(placed, routes, outlines))]
    conflicts = {s.id: s.conflict for s in sites}
    groups = sorted({conflicts[p.id] for p in placed})
    if len(groups) > 1:
        maps += [(group, report_map.draw([p for p in placed if conflicts[p.id] == group], routes, outlines))
                 for group in groups]
    return maps


def _patterns(ctx: Context, view: ResultsJson) -> dict[str, Any]:
    """The patterns across sites and conflicts; sources named only where the audience may
    read pseudonyms (counts otherwise)."""
    found = pattern_view(view)
    if not ctx.audience.pseudonyms:
        for shared in found["shared"]:
            for conflict in shared["conflicts"]:
                conflict["sources"] = []
    return found


def _sources(ctx: Context) -> list[dict[str, str]]:
    """The sources behind the findings with their kind (and profile where allowed)."""
    if not ctx.audience.pseudonyms:
        return []
    named = sorted({s for f in ctx.inputs.results["findings"]
                    for s in (*f.get("sources", []), *f.get("hearsay_sources", []))})
    out = []
    for pseudonym in named:
        source = ctx.inputs.sources.get(pseudonym)
        if source is not None:
            row = {"pseudonym": pseudonym, "kind": source.kind.value}
            out.append(row | (ctx.inputs.profiles.get(pseudonym, {}) if ctx.audience.profiles else {}))
    return out


def _accounts(ctx: Context) -> list[tuple[dict[str, str], int]]:
    """The published witness accounts' combinations of attributes, each with how many share it."""
    if ctx.decision is None:
        return []
    combos = Counter(tuple((k, v) for k, v in row.items() if k != "id") for row in ctx.decision.published)
    return [(dict(combo), n) for combo, n in combos.most_common()]


def _facts(report: Report) -> set[str]:
    """Values written as facts about places and events (Output.facts)."""
    facts = {value for s in report.sites for value in (s.name, s.country, s.admin1, s.reported) if value}
    facts |= {f.period for s in report.sites for f in s.findings}
    facts |= {r.other for s in report.sites for r in (*s.transfers_in, *s.transfers_out)}
    facts |= {value for label, value in report.figures if label == "period covered"}
    facts |= {f"Jan {year}" for year, _ in report.timeline.years}
    facts |= {day for f in report.ctx.inputs.results["findings"]
              for day in widen(f.get("period_start"), f.get("period_end"), report.level) if day}
    return facts


# --- words ------------------------------------------------------------------------------

def _label(code: str) -> str:
    vocab = load_vocabulary()
    for table in (vocab.acts, vocab.methods, vocab.violations):
        if code.removeprefix("act:") in table:
            return table[code.removeprefix("act:")].label
    return code.replace("_", " ").replace(":", ": ")  # a feature: "interrogation language: ru"


def _svg_path(path: str) -> str:
    """SVG path data with commas between numbers ("M1,2 L3,4" -> "M1,2L3,4"): a run of
    numbers and spaces reads as a phone number to the leak scan."""
    return re.sub(r"\s+", ",", re.sub(r"\s*([A-Za-z])\s*", r"\1", path.strip()))


def _letter(status: str) -> str:
    """A status as one letter, for the matrix (read without colour, and a run of cells
    never reads as one long number in the PDF's text)."""
    return LETTERS.get(status, "?")


def _status_class(status: str) -> str:
    return f"status-{STATUSES.index(status)}" if status in STATUSES else "status-other"


@functools.cache
def _environment() -> Environment:
    env = Environment(loader=PackageLoader("testimonia.export", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["label"] = _label
    env.filters["svgpath"] = _svg_path
    return env
