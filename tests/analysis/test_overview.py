"""The overview pages' figures (analysis/overview.py) from hand-made results: the
findings matrix with pending cells, the map's layers and filters, the timeline's lanes."""

from __future__ import annotations

from typing import Any

import pytest

from testimonia.analysis.overview import PENDING, best_status, cell_findings, findings_matrix, map_layers, timeline
from testimonia.shapes import FindingJson, ResultsJson, SiteJson


def _site(sid: str, claims: int = 1, lat: float | None = 10.0, precision: str = "settlement",
          country: str = "ML") -> SiteJson:
    return {"id": sid, "name": f"name of {sid}", "facility": None, "country": country, "lat": lat,
            "lon": None if lat is None else 1.0, "precision": precision, "parent": None, "aliases": [],
            "first_reported": None, "last_reported": None, "forces": [], "sources": [],
            "source_count": 1, "claim_count": claims, "from_town": [], "note": ""}


def _finding(site: str, allegation: str, status: str, n: int = 1, start: str | None = "2022-03-01",
             end: str | None = "2022-03-31", period: str = "2022-03") -> FindingJson:
    return {"site": site, "site_name": f"name of {site}", "allegation": allegation, "period": period,
            "period_start": start, "period_end": end, "status": status, "rationale": "",
            "independent_sources": n, "first_hand_sources": n, "sources": [], "claims": [1]}


def _results(sites: list[SiteJson], findings: list[FindingJson], edges: list[Any] | None = None) -> ResultsJson:
    return {"sites": sites, "findings": findings, "transfers": {"edges": edges or [], "trajectories": []},
            "patterns": {}}


def test_the_strongest_status_wins() -> None:
    assert best_status(["single source", "corroborated", PENDING]) == "corroborated"
    assert best_status(["single source", "contested"]) == "contested"
    assert best_status([]) == PENDING


def test_a_cell_is_the_strongest_of_its_episodes_and_pending_what_only_unreviewed_claims_support() -> None:
    reviewed = _results([_site("a", 5)], [
        _finding("a", "beating", "single source", 1),
        _finding("a", "beating", "corroborated", 3, "2023-01-01", "2023-02-01", "2023-01..2023-02")])
    everything = _results([_site("a", 6), _site("b", 2)], [
        *reviewed["findings"], _finding("a", "electric_shock", "corroborated", 2),
        _finding("b", "act:detention", "single source", 1)])
    m = findings_matrix(reviewed, everything)
    assert [s["id"] for s in m.sites] == ["a", "b"]
    assert m.allegations == ["act:detention", "beating", "electric_shock"]
    beating = m.cell("a", "beating")
    assert beating is not None and (beating.status, beating.independent_sources, beating.episodes) == \
        ("corroborated", 3, 2)
    shock = m.cell("a", "electric_shock")
    assert shock is not None and (shock.status, shock.independent_sources) == (PENDING, 2)
    assert m.cell("b", "beating") is None
    counted = findings_matrix(everything)
    assert all(c.status != PENDING for c in counted.cells.values())
    assert [f["period"] for f in cell_findings(reviewed, "a", "beating")] == ["2022-03", "2023-01..2023-02"]


def test_the_map_shows_placed_sites_filtered_and_the_routes_between_them() -> None:
    sites = [_site("a", 3), _site("b", 2, country="RU"), _site("c", 1, lat=None, precision="unknown"),
             _site("d", 1, precision="region")]
    edges = [{"from": "a", "to": "b", "from_name": "A", "to_name": "B", "count": 2, "cross_border": True,
              "sources": [], "claims": []},
             {"from": "a", "to": "c", "from_name": "A", "to_name": "C", "count": 1, "cross_border": False,
              "sources": [], "claims": []}]
    results = _results(sites, [_finding("a", "beating", "corroborated", 2),
                               _finding("b", "electric_shock", "single source", 1, "2023-05-01", "2023-05-31"),
                               _finding("c", "beating", "single source"),
                               _finding("d", "beating", "single source", 1, None, None, "undated")], edges)
    layers = map_layers(results)
    assert [s["id"] for s in layers["sites"]] == ["a", "b", "d"] and layers["unplaced"] == 1
    assert {s["id"]: s["radius_m"] for s in layers["sites"]} == {"a": 5000, "b": 5000, "d": 150000}
    assert [(r["from"], r["to"], r["count"], r["cross_border"]) for r in layers["transfers"]] == \
        [("a", "b", 2, True)]
    assert [s["id"] for s in map_layers(results, method="electric_shock")["sites"]] == ["b"]
    assert map_layers(results, method="electric_shock")["transfers"] == []
    in_2023 = map_layers(results, start="2023", end="2023-12")
    assert [s["id"] for s in in_2023["sites"]] == ["b"]  # (the undated finding matches no period)
    assert [s["id"] for s in map_layers(results, end="2022-03")["sites"]] == ["a"]
    assert [s["id"] for s in map_layers(results, start="2022-03-31", end="2022-03-31")["sites"]] == ["a"]


def test_the_timeline_draws_overlapping_episodes_in_lanes_and_lists_the_undated() -> None:
    results = _results([_site("a", 3), _site("b")], [
        _finding("a", "beating", "single source", 1, "2022-03-01", "2022-03-31"),
        _finding("a", "act:detention", "corroborated", 2, "2022-03-01", "2022-06-30", "2022-03..2022-06"),
        _finding("a", "electric_shock", "corroborated", 2, "2022-03-01", "2022-06-30", "2022-03..2022-06"),
        _finding("a", "beating", "single source", 1, "2023-01-01", "2023-12-31", "2023"),
        _finding("b", "beating", "single source", 1, None, None, "undated")])
    drawn = timeline(results)
    assert (drawn.start, drawn.end) == ("2022-01-01", "2023-12-31")
    assert [y for y, _ in drawn.years] == [2022, 2023]
    a, b = drawn.rows
    assert [(e.start, e.end, e.status, e.lane) for e in a.episodes] == [
        ("2022-03-01", "2022-03-31", "single source", 0),
        ("2022-03-01", "2022-06-30", "corroborated", 1),
        ("2023-01-01", "2023-12-31", "single source", 0)]
    assert a.episodes[1].allegations == ("act:detention", "electric_shock") and a.lanes == 2
    assert 0 < a.episodes[0].x < a.episodes[2].x < 1 and a.episodes[2].x + a.episodes[2].width <= 1.0001
    assert b.episodes == () and b.undated == ("beating",)


def test_a_site_known_only_from_unreviewed_claims_says_so() -> None:
    from testimonia.analysis.results import find_site
    from testimonia.errors import NotFound

    results: dict[str, Any] = {"sites": [], "review": {"include_unreviewed": False, "pending": 12}}
    with pytest.raises(NotFound) as refused:
        find_site(results, "Kidal")  # type: ignore[arg-type]
    assert "12 claim(s) are not reviewed yet" in str(refused.value.fix)
    assert "--include-unreviewed" in str(refused.value.fix)
