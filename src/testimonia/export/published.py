"""What every export format says about sites, findings and claims, as its audience may
read it (docs/exports.md): dates no finer than the audience allows, counts and the
witness attributes written beside them, quotes, places with their region and a
precision code. Pure: a format module builds its files from a `Context`.

Counts. A count of sources is written as it is. The witness accounts a public export
publishes are k-anonymous and no finding points to them, so a count cannot single out
a witness on its own: what the finding's existence tells (someone spoke of this site
at this time) it tells whatever the count. What could single someone out is a witness
attribute written beside a small count ("1 source: a defector"). So, for the public, a
finding's source kinds are written only when the gate published the source kind as
recorded and the finding rests on at least k independent sources; otherwise they are
withheld.
"""

from __future__ import annotations

import calendar
import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from testimonia.analysis.dossier import quoted_claims
from testimonia.export import gate, hierarchy
from testimonia.export.audiences import Audience
from testimonia.export.public import Inputs, quotable_documents
from testimonia.export.redact import Redactor
from testimonia.model import StoredClaim
from testimonia.places.gazetteer import Place, get_gazetteer
from testimonia.shapes import ClaimJson, EdgeJson, FindingJson, SiteJson
from testimonia.vocab import load_vocabulary

__all__ = ["Context", "admin1", "DATE_PRECISION", "GEO_PRECISION", "Output", "STATUSES", "SiteCounts",
           "claims_basis", "date_level", "date_precision", "geo_precision", "kinds", "perpetrators",
           "place_admin1", "place_fields", "quote", "quotes", "site_counts", "strongest", "transfer_edges", "widen"]

# Strongest first: what a site's "status" means when its findings differ.
STATUSES = ("corroborated", "single source", "contested", "hearsay only", "unattributed")

DATE_PRECISION = {
    1: "the day",
    2: "within a week (2 to 7 days)",
    3: "within a month (8 to 31 days; a month)",
    4: "within a year (32 to 366 days; a season, a quarter, a year)",
    5: "longer than a year, open-ended or undated",
}
GEO_PRECISION = {
    1: "the place itself: a facility with its own coordinates, or a town named as the site",
    2: "a facility or part of a town, placed at the town's coordinates",
    3: "a district (second-level administrative unit)",
    4: "a region (first-level administrative unit), at its centre",
    5: "a country, at its centre",
}
_GEO_CODE = {"facility": 1, "district": 3, "region": 4, "country": 5}


@dataclass(frozen=True)
class Context:
    """What a format module needs to build its files."""

    inputs: Inputs
    audience: Audience
    redactor: Redactor
    k: int
    decision: gate.Decision | None  # the gate's, for the audiences it applies to
    include_unreviewed: bool
    # For the formats that ask (ftm): a secret derived from the workspace key, for entity ids
    # stable across exports, and the SHA-1 of each original (document id -> hex).
    id_key: bytes = b""
    original_sha1: Mapping[str, str] = field(default_factory=dict)
    min_independent: int = 2  # the min_independent_sources setting the statuses were decided with

    @functools.cached_property
    def sites(self) -> dict[str, SiteJson]:
        return {s["id"]: s for s in self.inputs.results["sites"]}

    @functools.cached_property
    def quotable(self) -> set[str]:
        return quotable_documents(self.inputs, self.audience)


@dataclass(frozen=True)
class Output:
    """The files of one export, and what the service reports and checks of them."""

    files: dict[str, bytes]
    items: int  # findings, features or rows: 0 means there is nothing to say
    what: str  # "findings", "features", "events"
    quoted: dict[str, int] = field(default_factory=dict)  # document id -> quotes taken from it
    accounts: int = 0  # witness accounts written
    # Values written as facts about places and events: site, region and country names,
    # period boundaries. The leak scan does not count a protected place or date found in
    # one of them (a witness's home town may hold a prison; an interview may fall in the
    # month of a detention); quotes are redacted with the full list all the same.
    facts: frozenset[str] = frozenset()
    # A format that is more than flat files (the evidence bundle, bundle.py): run on the
    # staging folder once the files are written, before the leak scan.
    finish: Callable[[Path], None] | None = None
    unscanned: tuple[str, ...] = ()  # files and folders whose content the leak scan skips (bundle.py)
    originals: frozenset[str] = frozenset()  # documents whose original bytes the export holds
    # Texts the export holds verbatim as evidence: words found in them are not leaks in the
    # rest of the export, which quotes them (leakscan.BesideEvidence).
    evidence: tuple[str, ...] = ()

    @property
    def quotes(self) -> int:
        return sum(self.quoted.values())


def claims_basis(ctx: Context) -> str:
    return ("reviewed and unreviewed claims" if ctx.include_unreviewed
            else "claims accepted, edited or added in review only")


# --- dates ------------------------------------------------------------------------------

def date_level(ctx: Context) -> str:
    """The finest date the export writes: "day", "month", "quarter" or "year". For the
    public, never finer than the month nor than the gate let the witness accounts' first
    month be ("year" when it suppressed them: a finding's year is written anyway)."""
    if ctx.audience.dates == "day":
        return "day"
    level = ctx.decision.level_names.get("period", "month") if ctx.decision else "month"
    return {"quarter": "quarter", "year": "year", "suppressed": "year"}.get(level, "month")


def widen(start: str | None, end: str | None, level: str) -> tuple[str | None, str | None]:
    """ISO dates widened to the whole month, quarter or year they fall in."""
    first, last = _day(start, last=False), _day(end, last=True)
    if level != "day":
        first = _round(first, level, last=False) if first else None
        last = _round(last, level, last=True) if last else None
    return (first.isoformat() if first else None, last.isoformat() if last else None)


def date_precision(start: str | None, end: str | None) -> int:
    """The codebook's date precision (DATE_PRECISION) of a span of ISO days."""
    if not start or not end:
        return 5
    days = (date.fromisoformat(end) - date.fromisoformat(start)).days + 1
    return 1 if days <= 1 else 2 if days <= 7 else 3 if days <= 31 else 4 if days <= 366 else 5


def _day(value: str | None, last: bool) -> date | None:
    """"2022", "2022-03" or "2022-03-14" as a day (the first or the last it covers)."""
    if not value:
        return None
    parts = [int(p) for p in value[:10].split("-")]
    year, month = parts[0], parts[1] if len(parts) > 1 else (12 if last else 1)
    day = parts[2] if len(parts) > 2 else (calendar.monthrange(year, month)[1] if last else 1)
    return date(year, month, day)


def _round(day: date, level: str, last: bool) -> date:
    month = {"month": day.month, "quarter": (day.month - 1) // 3 * 3 + (3 if last else 1),
             "year": 12 if last else 1}[level]
    return date(day.year, month, calendar.monthrange(day.year, month)[1] if last else 1)


# --- sources and quotes -----------------------------------------------------------------

def kinds(ctx: Context, finding: FindingJson) -> list[str] | None:
    """The kinds of a finding's sources, or None where they are withheld: for the public,
    unless the gate published source kinds as recorded and the finding rests on at least
    k independent sources (module docstring)."""
    found = list(finding.get("source_kinds", []))
    if not ctx.audience.gate:
        return found
    as_recorded = ctx.decision is not None and ctx.decision.levels.get("kind", 1) == 0
    return found if as_recorded and finding.get("independent_sources", 0) >= ctx.k else None


def quotes(ctx: Context, finding: FindingJson, quoted: dict[str, int]) -> list[dict[str, Any]]:
    """The finding's quotes the audience may read, redacted; `quoted` counts them by document."""
    claims = [c for i in finding.get("claims", []) if (c := ctx.inputs.claims.get(i)) is not None
              and c.document_id in ctx.quotable]
    if not ctx.audience.all_quotes:
        claims = quoted_claims(claims, lambda c: (c.source, c.body), ctx.audience.quotes_per_finding)
    out = []
    for claim in claims:
        out.append(quote(ctx, claim))
        quoted[claim.document_id] = quoted.get(claim.document_id, 0) + 1
    return out


def quote(ctx: Context, claim: StoredClaim) -> dict[str, Any]:
    """The sentence of a claim's act, redacted, with what the audience may know of it."""
    evidence = claim.body["evidence"][0]
    said: dict[str, Any] = {"text": ctx.redactor.redact(evidence["quote"]),
                            "language": ctx.inputs.documents[claim.document_id].language}
    if ctx.audience.pseudonyms:
        said["source"] = claim.source or ""
    if ctx.audience.citations:
        said |= {"claim": claim.id, "document": claim.document_id,
                 "start": evidence["start"], "end": evidence["end"]}
    return said


def perpetrators(ctx: Context, claim: ClaimJson) -> list[str]:
    """Who did it: the organisation's name where it is known; the words of the account
    only for audiences that may read them ("the man they called the major")."""
    known = load_vocabulary().perpetrators
    names = []
    for who in claim["perpetrators"]:
        organisation = known.get(who.get("canonical") or "")
        if organisation is not None:
            names.append(organisation.name)
        elif ctx.audience.perpetrator_names and who["name"].strip():
            names.append(who["name"].strip())
    return list(dict.fromkeys(names))


# --- places -----------------------------------------------------------------------------

def geo_precision(precision: str, facility: str | None) -> int | None:
    """The codebook's geo precision (GEO_PRECISION); None for a place without coordinates."""
    if precision == "settlement":
        return 2 if facility else 1
    return _GEO_CODE.get(precision)


def place_fields(site: SiteJson) -> dict[str, Any]:
    """Name, facility, country, region, coordinates and precision of a site."""
    country = str(site.get("country") or "")
    located = site["lat"] is not None and site["lon"] is not None and site["precision"] != "unknown"
    return {"name": site["name"], "facility": site["facility"],
            "country": hierarchy.country_name(country) if country else "", "country_code": country,
            "admin1": admin1(site), "lat": site["lat"] if located else None,
            "lon": site["lon"] if located else None, "precision": site["precision"],
            "geo_precision": geo_precision(site["precision"], site["facility"]) if located else None}


def admin1(site: SiteJson) -> str:
    """The first-level region a site lies in (the region itself for a region), or ""."""
    return place_admin1(site["id"].removeprefix("site:").split("/")[0])


def place_admin1(place_id: str) -> str:
    """The first-level region of the gazetteer's place `place_id` (itself for a region), or ""."""
    place = _place(place_id)
    if place is None or place.kind == "country":
        return ""
    if place.kind == "region":
        return place.name
    return hierarchy.region_name(place.country, place.admin1)


@functools.lru_cache(maxsize=4096)
def _place(place_id: str) -> Place | None:
    return get_gazetteer().by_id(place_id)


# --- sites and transfers ----------------------------------------------------------------

@dataclass
class SiteCounts:
    """What the findings at one site add up to."""

    findings: list[FindingJson] = field(default_factory=list)
    claims: set[int] = field(default_factory=set)
    groups: list[list[str]] = field(default_factory=list)

    @property
    def independent(self) -> int:
        """Independent sources at first hand across the site's findings: groups that share
        a source are one (a group of one finding may be part of a larger one elsewhere)."""
        return _components(self.groups)

    @property
    def status(self) -> str:
        return strongest(f.get("status", "") for f in self.findings)

    @property
    def allegations(self) -> list[str]:
        return sorted({f.get("allegation", "") for f in self.findings})


def site_counts(ctx: Context) -> dict[str, SiteCounts]:
    """Each site with a finding, and its counts (claims counted by this export only)."""
    out: dict[str, SiteCounts] = defaultdict(SiteCounts)
    for finding in ctx.inputs.results["findings"]:
        counts = out[finding["site"]]
        counts.findings.append(finding)
        counts.claims |= {c for c in finding.get("claims", []) if c in ctx.inputs.claims}
        counts.groups += finding.get("groups", [])
    return dict(out)


def transfer_edges(ctx: Context) -> list[EdgeJson]:
    """Transfers resting on at least one claim this export counts, between known sites."""
    return [e for e in ctx.inputs.results["transfers"]["edges"]
            if e["from"] in ctx.sites and e["to"] in ctx.sites
            and any(c in ctx.inputs.claims for c in e.get("claims", []))]


def strongest(statuses: Iterable[str]) -> str:
    ranks = [STATUSES.index(s) for s in statuses if s in STATUSES]
    return STATUSES[min(ranks)] if ranks else ""


def _components(groups: list[list[str]]) -> int:
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for group in groups:
        for member in group:
            parent[root(member)] = root(group[0])
    return len({root(member) for group in groups for member in group})
