"""The sample investigation analysed: shared sites resolve to one site each, the
cross-border transfers appear, the relative's account is not independent, the
contradiction is reported, and the Mali–Ukraine comparison names the shared methods
(examples/sample-investigation/ANSWERS.md §3–§8)."""

from __future__ import annotations

import math
from typing import Any

import pytest

from testimonia.service.analysis import current_analysis, find_site, judge
from testimonia.service.workspace import Workspace

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def analysed(tmp_path_factory: pytest.TempPathFactory, sample_workspace: Any, sample_user: Any) -> Any:
    from testimonia.crypto.keys import KeyMaterial

    root, key = sample_workspace(tmp_path_factory.mktemp("sample"))
    with Workspace.open(root, KeyMaterial(key_file=key), user_material=sample_user(key)) as ws:
        yield ws, current_analysis(ws)


def _site(results: dict[str, Any], query: str) -> dict[str, Any]:
    return find_site(results, query)


def _near(site: dict[str, Any], lat: float, lon: float) -> bool:
    return site["lat"] is not None and math.dist((site["lat"], site["lon"]), (lat, lon)) < 0.1


@pytest.mark.parametrize(("query", "lat", "lon", "facility", "sources"), [
    ("Sévaré", 14.53, -4.10, "shipping_container", {"Wangrin", "Hamadoun", "Tiéman", "Oumou", "Grach"}),
    ("Taganrog", 47.21, 38.91, "pretrial_detention_centre", {"Sokolenko", "Dovhaniuk", "Ostrovtsev"}),
    ("Оленівка", 47.83, 37.65, "penal_colony", {"Dovhaniuk", "Yavir"}),
    ("Херсон", 46.64, 32.62, "basement", {"Sokolenko", "Verkhola"}),
])
def test_shared_sites_resolve_to_one_site(analysed: Any, query: str, lat: float, lon: float,
                                          facility: str, sources: set[str]) -> None:
    _, results = analysed
    matching = [s for s in results["sites"] if s["facility"] == facility and _near(s, lat, lon)]
    assert len(matching) == 1, [s["id"] for s in matching]
    assert sources <= set(matching[0]["sources"])


def test_the_containers_are_inside_the_camp(analysed: Any) -> None:
    _, results = analysed
    containers = next(s for s in results["sites"] if s["facility"] == "shipping_container"
                      and _near(s, 14.53, -4.10))
    assert containers["parent"] == _site(results, "Sévaré military camp")["id"]
    assert {"wagner_group", "fama"} <= {f["canonical"] for f in containers["forces"]}


@pytest.mark.parametrize(("origin", "destination", "cross"), [
    ((47.83, 37.65), (47.21, 38.91), True),   # Olenivka → Taganrog (T7)
    ((44.95, 34.10), (47.21, 38.91), True),   # Simferopol → Taganrog (T6)
    ((46.64, 32.62), (44.95, 34.10), False),  # Kherson → Simferopol, inside Ukraine (T5)
    ((15.28, -5.43), (14.53, -4.10), False),  # Nampala → Sévaré (T1)
])
def test_transfers(analysed: Any, origin: tuple[float, float], destination: tuple[float, float],
                   cross: bool) -> None:
    _, results = analysed
    sites = {s["id"]: s for s in results["sites"]}
    edges = [e for e in results["transfers"]["edges"]
             if _near(sites[e["from"]], *origin) and _near(sites[e["to"]], *destination)]
    assert edges and all(e["cross_border"] is cross for e in edges)


def test_trajectories_follow_the_speaker(analysed: Any) -> None:
    _, results = analysed
    sites = {s["id"]: s for s in results["sites"]}
    sokolenko = next(t for t in results["transfers"]["trajectories"] if t["victim"] == "Sokolenko")
    stops = [sites[s["site"]]["name"] for s in sokolenko["stops"]]
    order = [next(i for i, n in enumerate(stops) if town in n) for town in
             ("Kherson", "Simferopol", "Taganrog")]
    assert order == sorted(order)


def test_the_relatives_account_is_not_independent(analysed: Any) -> None:
    _, results = analysed
    for finding in results["findings"]:
        if "Aminata" in finding["sources"] and "Wangrin" in finding["sources"]:
            assert ["Aminata", "Wangrin"] in finding["groups"]
            assert finding["independent_sources"] == len(finding["groups"])
    together = [f for f in results["findings"] if ["Aminata", "Wangrin"] in f["groups"]]
    assert together, "Aminata and Wangrin support some finding together"


def test_the_official_denial_is_reported(analysed: Any) -> None:
    _, results = analysed
    containers = _site(results, "shipping container, Sévaré")["id"]
    detention = [f for f in results["findings"] if f["site"] == containers
                 and f["allegation"] == "act:detention" and f["independent_sources"] >= 3]
    assert detention and detention[0]["status"] == "corroborated"
    assert "Séga" in {c["source"] for c in detention[0]["contradicted_by"]}
    assert "contradicted by Séga (official denial)" in detention[0]["rationale"]


def test_mali_and_ukraine_share_methods(analysed: Any) -> None:
    _, results = analysed
    shared = {s["practice"] for s in results["patterns"]["shared"]}
    assert {"electric_shock", "waterboarding", "hooding_or_blindfolding", "loud_music", "beating",
            "interrogation_language:ru"} <= shared
    similarity = results["patterns"]["conflict_similarity"][0]
    assert {similarity["a"], similarity["b"]} == {"sahel", "russia_ukraine"} and similarity["jaccard"] > 0.3


def test_judgements_survive_reanalysis_and_results_are_stored(analysed: Any) -> None:
    ws, results = analysed
    assert current_analysis(ws) == results  # same inputs: the stored results, unchanged
    site_id = judge(ws, "rename", "Taganrog", name="SIZO-2 Taganrog")
    renamed = current_analysis(ws)
    assert next(s for s in renamed["sites"] if s["id"] == site_id)["name"] == "SIZO-2 Taganrog"
    assert _site(renamed, "SIZO-2 Taganrog")["id"] == site_id
