"""What the web workspace's overview pages show of an analysis (docs/web.md): the findings
matrix (sites × allegations), the map's layers and each site's timeline. Pure functions
of the documented results (docs/analysis.md): `results` is the analysis the user asked
for (reviewed claims only, or all), and `pending`, when given, the analysis with the
unreviewed claims too, whose findings that `results` lacks are shown as *pending review*."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from testimonia.shapes import FindingJson, ResultsJson, SiteJson
from testimonia.vocab.conflicts import conflict_label, conflict_of

__all__ = ["PENDING", "PRECISION_KM", "STATUSES", "Cell", "Episode", "Matrix", "Timeline", "TimelineRow",
           "best_status",
           "cell_findings", "findings_matrix", "map_layers", "timeline"]

PENDING = "pending review"
# Strongest first: a cell or a site shows the strongest status among its findings.
STATUSES = ("corroborated", "contested", "single source", "hearsay only", "unattributed", PENDING)
# A site is drawn as a circle as wide as what its place is known to: a facility's point,
# a town, a district, a region, a country (km); an unknown place is not drawn.
PRECISION_KM = {"facility": 0.5, "settlement": 5.0, "district": 30.0, "region": 150.0, "country": 400.0}


def best_status(statuses: Iterable[str]) -> str:
    ranked = sorted(statuses, key=lambda s: STATUSES.index(s) if s in STATUSES else len(STATUSES))
    return ranked[0] if ranked else PENDING


@dataclass(frozen=True)
class Cell:
    """A site × allegation: its findings (one per episode), the strongest status and the
    most independent sources of any of them (for a pending cell: as if reviewed)."""

    site: str
    allegation: str
    status: str
    independent_sources: int
    periods: tuple[str, ...]

    @property
    def episodes(self) -> int:
        return len(self.periods)


@dataclass(frozen=True)
class Matrix:
    sites: list[SiteJson]  # rows, the most reported first
    allegations: list[str]  # columns, acts first then the most found
    cells: dict[tuple[str, str], Cell] = field(default_factory=dict)

    def cell(self, site: str, allegation: str) -> Cell | None:
        return self.cells.get((site, allegation))


def _with_pending(results: ResultsJson, pending: ResultsJson | None) -> tuple[
        list[FindingJson], list[FindingJson], dict[str, SiteJson]]:
    """The counted findings, the pending ones (site × allegation not counted yet), and
    every site either analysis knows."""
    counted = list(results["findings"])
    have = {(f["site"], f["allegation"]) for f in counted}
    waiting = [f for f in (pending or {"findings": []})["findings"]
               if (f["site"], f["allegation"]) not in have]
    sites = {s["id"]: s for s in (pending or {"sites": []})["sites"]}
    sites.update({s["id"]: s for s in results["sites"]})
    return counted, waiting, sites


def findings_matrix(results: ResultsJson, pending: ResultsJson | None = None) -> Matrix:
    counted, waiting, sites = _with_pending(results, pending)
    grouped: dict[tuple[str, str], list[FindingJson]] = {}
    for f in counted:
        grouped.setdefault((f["site"], f["allegation"]), []).append(f)
    cells = {key: Cell(*key, best_status(f["status"] for f in found),
                       max(f["independent_sources"] for f in found), tuple(f["period"] for f in found))
             for key, found in grouped.items()}
    for f in waiting:
        key = (f["site"], f["allegation"])
        old = cells.get(key)
        cells[key] = Cell(*key, PENDING, max(f["independent_sources"], old.independent_sources if old else 0),
                          (*(old.periods if old else ()), f["period"]))
    uses: dict[str, int] = {}
    for _site, allegation in cells:
        uses[allegation] = uses.get(allegation, 0) + 1
    allegations = sorted(uses, key=lambda a: (not a.startswith("act:"), -uses[a], a))
    rows = {site for site, _ in cells}
    ordered = sorted((sites[s] for s in rows if s in sites), key=lambda s: (-s["claim_count"], s["name"], s["id"]))
    return Matrix(ordered, allegations, cells)


def cell_findings(results: ResultsJson, site: str, allegation: str) -> list[FindingJson]:
    """The findings of one cell (one per episode), in the order of their periods."""
    found = [f for f in results["findings"] if f["site"] == site and f["allegation"] == allegation]
    return sorted(found, key=lambda f: (f.get("period_start") or "9999", f["period"]))


def _overlaps(finding: FindingJson, start: str | None, end: str | None) -> bool:
    """Whether a finding's period can fall in [start, end] (days or months, YYYY-MM[-DD]);
    an undated finding matches no period filter."""
    if start is None and end is None:
        return True
    first, last = finding.get("period_start"), finding.get("period_end")
    if first is None or last is None:
        return False
    return (end is None or first <= _last_day(end)) and (start is None or last >= start)


def _last_day(end: str) -> str:
    """'2022' -> '2022-12-31', '2022-03' -> '2022-03-31', a day as it is."""
    if len(end) == 4:
        return f"{end}-12-31"
    if len(end) == 7:
        year, month = int(end[:4]), int(end[5:])
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        return (following - dt.timedelta(days=1)).isoformat()
    return end


def map_layers(results: ResultsJson, pending: ResultsJson | None = None, method: str | None = None,
               start: str | None = None, end: str | None = None, perpetrator: str | None = None,
               conflict: str | None = None) -> dict[str, Any]:
    """The map's data: each site with a known position (its status the strongest of its
    findings that pass the filter: an allegation `method`, a period overlapping
    [start, end]; the site kept only if a force it is reported with is `perpetrator` and
    its country is in `conflict`, vocab/conflicts.yaml) and each transfer route between
    two sites that are shown; the sites with no position are only counted (`unplaced`).
    With the choices the filters offer: allegations, perpetrators and conflicts."""
    counted, waiting, sites = _with_pending(results, pending)
    chosen = [(f, f["status"]) for f in counted] + [(f, PENDING) for f in waiting]
    chosen = [(f, s) for f, s in chosen
              if (method is None or f["allegation"] == method) and _overlaps(f, start, end)]
    by_site: dict[str, list[tuple[FindingJson, str]]] = {}
    for f, status in chosen:
        by_site.setdefault(f["site"], []).append((f, status))
    shown: list[dict[str, Any]] = []
    unplaced = 0
    for site_id, found in by_site.items():
        site = sites.get(site_id)
        if site is None:
            continue
        forces = [str(f["canonical"]) for f in site["forces"]]
        where = conflict_of(site["country"])
        if (perpetrator is not None and perpetrator not in forces) or (conflict is not None and where != conflict):
            continue
        if site["lat"] is None or site["lon"] is None or site["precision"] not in PRECISION_KM:
            unplaced += 1
            continue
        shown.append({
            "id": site["id"], "name": site["name"], "country": site["country"],
            "lat": site["lat"], "lon": site["lon"], "precision": site["precision"],
            "radius_m": int(PRECISION_KM[site["precision"]] * 1000),
            "status": best_status(s for _, s in found),
            "independent_sources": max(f["independent_sources"] for f, _ in found),
            "claims": site["claim_count"], "sources": site["source_count"],
            "first_reported": site["first_reported"], "last_reported": site["last_reported"],
            "allegations": sorted({f["allegation"] for f, _ in found}), "forces": forces,
            "conflict": where})
    shown.sort(key=lambda s: (-s["claims"], s["id"]))
    placed = {s["id"]: s for s in shown}
    edges = {(e["from"], e["to"]): e for e in (pending or results)["transfers"]["edges"]}
    edges.update({(e["from"], e["to"]): e for e in results["transfers"]["edges"]})
    routes = [{"from": e["from"], "to": e["to"], "from_name": e["from_name"], "to_name": e["to_name"],
               "count": e["count"], "cross_border": e["cross_border"],
               "from_lat": placed[e["from"]]["lat"], "from_lon": placed[e["from"]]["lon"],
               "to_lat": placed[e["to"]]["lat"], "to_lon": placed[e["to"]]["lon"]}
              for e in edges.values() if e["from"] in placed and e["to"] in placed]
    routes.sort(key=lambda r: (-r["count"], r["from"], r["to"]))
    allegations = sorted({f["allegation"] for f in [*counted, *waiting]})
    named = {site_id for f in [*counted, *waiting] for site_id in [f["site"]] if site_id in sites}
    perpetrators = sorted({str(f["canonical"]) for site_id in named for f in sites[site_id]["forces"]})
    conflicts = sorted({c for site_id in named if (c := conflict_of(sites[site_id]["country"]))})
    return {"sites": shown, "transfers": routes, "unplaced": unplaced, "allegations": allegations,
            "perpetrators": perpetrators, "conflicts": [{"id": c, "label": conflict_label(c)} for c in conflicts],
            "statuses": list(STATUSES)}


@dataclass(frozen=True)
class Episode:
    start: str
    end: str
    status: str
    allegations: tuple[str, ...]
    sources: int  # the most independent sources of any of its findings
    x: float = 0.0  # where it is drawn: fractions of the timeline's width
    width: float = 0.0
    lane: int = 0  # episodes that overlap in time are drawn in lanes, one under the other


@dataclass(frozen=True)
class TimelineRow:
    site: SiteJson
    episodes: tuple[Episode, ...]
    undated: tuple[str, ...]  # allegations found with no date

    @property
    def lanes(self) -> int:
        return 1 + max((e.lane for e in self.episodes), default=0)


@dataclass(frozen=True)
class Timeline:
    rows: list[TimelineRow]
    start: str  # the first and last day drawn
    end: str
    years: list[tuple[int, float]]  # each 1 January within, and where it is drawn


def _day(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def timeline(results: ResultsJson, pending: ResultsJson | None = None) -> Timeline:
    """Each site's activity over time: its findings' episodes, each drawn as the range of
    days its claims can fall in (a loosely dated account makes a long range), grouped
    where several allegations share one episode; the strongest status colours it."""
    counted, waiting, sites = _with_pending(results, pending)
    found: dict[str, dict[tuple[str, str], list[tuple[FindingJson, str]]]] = {}
    undated: dict[str, set[str]] = {}
    for f, status in [*((f, f["status"]) for f in counted), *((f, PENDING) for f in waiting)]:
        first, last = f.get("period_start"), f.get("period_end")
        if first is None or last is None:
            undated.setdefault(f["site"], set()).add(f["allegation"])
            continue
        found.setdefault(f["site"], {}).setdefault((first, last), []).append((f, status))
    days = [d for ranges in found.values() for r in ranges for d in r]
    low = _day(min(days)).replace(month=1, day=1) if days else dt.date(2000, 1, 1)
    high = _day(max(days)).replace(month=12, day=31) if days else dt.date(2000, 12, 31)
    span = max(1, (high - low).days + 1)

    def at(day: str, after: bool = False) -> float:
        return ((_day(day) - low).days + (1 if after else 0)) / span

    rows = []
    for site_id in {*found, *undated}:
        if site_id not in sites:
            continue
        ends: list[str] = []  # the last day of each lane so far
        episodes = []
        for (first, last), items in sorted(found.get(site_id, {}).items()):
            lane = next((i for i, e in enumerate(ends) if e < first), len(ends))
            ends[lane:lane + 1] = [last]
            episodes.append(Episode(first, last, best_status(s for _, s in items),
                                    tuple(sorted({f["allegation"] for f, _ in items})),
                                    max(f["independent_sources"] for f, _ in items),
                                    at(first), max(at(last, after=True) - at(first), 0.004), lane))
        rows.append(TimelineRow(sites[site_id], tuple(episodes), tuple(sorted(undated.get(site_id, ())))))
    rows.sort(key=lambda r: (r.episodes[0].start if r.episodes else "9999", -r.site["claim_count"], r.site["id"]))
    years = [(y, at(f"{y}-01-01")) for y in range(low.year, high.year + 1)]
    return Timeline(rows, low.isoformat(), high.isoformat(), years)

