"""The sample investigation, extracted: sites, methods, perpetrators, periods and transfers
as examples/sample-investigation/ANSWERS.md states them."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from testimonia.extract.files import extract_files

SAMPLE = Path(__file__).parents[2] / "examples" / "sample-investigation" / "testimonies"
# Canonical sites of ANSWERS.md §3 (lat, lon).
SITES = {"sevare": (14.53, -4.10), "nampala": (15.28, -5.43), "moura": (14.33, -4.60),
         "kidal": (18.44, 1.41), "bamako": (12.65, -8.00), "kherson": (46.64, 32.62),
         "simferopol": (44.95, 34.10), "taganrog": (47.21, 38.91), "olenivka": (47.83, 37.65),
         "kursk": (51.73, 36.19), "izium": (49.21, 37.26)}


@pytest.fixture(scope="module")
def sample() -> dict[str, dict[str, Any]]:
    """File number ("01") -> the documented JSON of its extraction."""
    results = {}
    for result in extract_files([SAMPLE]):
        assert result.doc is not None, result.error
        results[result.path.name[:2]] = result.to_json()
    assert len(results) == 21
    return results


def _at(place: dict[str, Any], site: str) -> bool:
    if place.get("lat") is None:
        return False
    lat, lon = SITES[site]
    return math.dist((place["lat"], place["lon"]), (lat, lon)) < 0.3  # ~30 km


def _claims_at(doc: dict[str, Any], site: str) -> list[dict[str, Any]]:
    return [c for c in doc["claims"] if any(_at(p, site) for p in c["places"])]


def _methods_at(doc: dict[str, Any], site: str, first_hand: bool | None = None) -> set[str]:
    return {m for c in _claims_at(doc, site) if not c["denial"]
            and (first_hand is None or c["first_hand"] == first_hand) for m in c["methods"]}


@pytest.mark.slow
def test_every_quote_is_the_exact_text(sample: dict[str, dict[str, Any]]) -> None:
    from testimonia.ingest.readers import reader_for
    from testimonia.ingest.readers.base import ReadLimits

    for path in sorted(SAMPLE.iterdir()):
        text = reader_for(path).read(path.read_bytes(), path.name, ReadLimits()).text
        doc = sample[path.name[:2]]
        for claim in doc["claims"]:
            for evidence in claim["evidence"]:
                assert text[evidence["start"]:evidence["end"]] == evidence["quote"]
        for mention in doc["mentions"]:
            assert text[mention["start"]:mention["end"]] == mention["text"]


@pytest.mark.slow
@pytest.mark.parametrize(("number", "site", "methods"), [
    ("01", "sevare", {"electric_shock", "waterboarding", "loud_music"}),
    ("04", "sevare", {"electric_shock", "waterboarding", "beating", "loud_music"}),
    ("09", "sevare", {"electric_shock", "waterboarding"}),
    ("10", "kidal", {"beating", "electric_shock", "mock_execution", "forced_confession"}),
    ("13", "izium", {"electric_shock", "suffocation", "hooding_or_blindfolding"}),
    ("15", "kherson", {"electric_shock", "mock_execution", "forced_confession", "loud_music"}),
    ("15", "taganrog", {"beating", "dog_attack", "humiliation", "starvation", "electric_shock"}),
    ("17", "olenivka", {"beating", "stress_position", "electric_shock"}),
    ("17", "taganrog", {"beating", "dog_attack", "humiliation", "starvation"}),
    ("18", "kursk", {"beating", "stress_position"}),
    ("20", "taganrog", {"beating", "dog_attack"}),
])
def test_methods_at_sites(sample: dict[str, dict[str, Any]], number: str, site: str,
                          methods: set[str]) -> None:
    assert methods <= _methods_at(sample[number], site)


@pytest.mark.slow
@pytest.mark.parametrize(("number", "origin", "destination"), [
    ("01", "nampala", "sevare"), ("01", "sevare", "bamako"), ("04", "moura", "sevare"),
    ("15", "kherson", "simferopol"), ("15", "simferopol", "taganrog"),
    ("17", "olenivka", "taganrog"), ("18", "olenivka", "kursk"),
])
def test_transfers(sample: dict[str, dict[str, Any]], number: str, origin: str, destination: str) -> None:
    transfers = sample[number]["transfers"]
    assert any(_at(t["from"], origin) and _at(t["to"], destination) for t in transfers), transfers


@pytest.mark.slow
def test_negations_produce_no_claim(sample: dict[str, dict[str, Any]]) -> None:
    assert "beating" not in _methods_at(sample["01"], "bamako")  # "À Bamako, on ne m'a pas frappé."
    kherson_itt = [c for c in _claims_at(sample["15"], "kherson")
                   if any(p["facility"] == "temporary_detention_facility" for p in c["places"])]
    assert not any("beating" in c["methods"] for c in kherson_itt)  # "В ІТТ мене вже не били"
    shocked_himself = [c for c in sample["18"]["claims"] if "electric_shock" in c["methods"]
                       and c["victim"]["who"] == "self"]
    assert shocked_himself == []  # "Током меня самого не били."


@pytest.mark.slow
def test_the_official_denies_and_alleges_nothing(sample: dict[str, dict[str, Any]]) -> None:
    claims = sample["08"]["claims"]
    denials = [c for c in claims if c["denial"]]
    assert any(_at(p, "sevare") for c in denials for p in c["places"])
    positive_methods = {m for c in claims if not c["denial"] and c["first_hand"] for m in c["methods"]}
    assert "electric_shock" not in positive_methods  # "les coupures d'électricité"


@pytest.mark.slow
def test_hearsay_is_second_hand(sample: dict[str, dict[str, Any]]) -> None:
    relayed = [c for c in sample["18"]["claims"] if "electric_shock" in c["methods"]]
    assert relayed and all(not c["first_hand"] for c in relayed)  # "ребята … рассказывали"


@pytest.mark.slow
@pytest.mark.parametrize(("number", "site", "perpetrator"), [
    ("01", "sevare", "wagner_group"), ("04", "sevare", "wagner_group"),
    ("15", "taganrog", "fsb"), ("10", "kidal", "fama"),
])
def test_perpetrators(sample: dict[str, dict[str, Any]], number: str, site: str, perpetrator: str) -> None:
    named = {p["canonical"] for c in _claims_at(sample[number], site) for p in c["perpetrators"]}
    assert perpetrator in named


@pytest.mark.slow
def test_periods(sample: dict[str, dict[str, Any]]) -> None:
    arrest = next(c for c in sample["15"]["claims"] if c["act"] == "arrest")
    assert (arrest["period"]["start"], arrest["period"]["end"]) == ("2022-08-21", "2022-08-31")
    to_taganrog = next(t for t in sample["15"]["transfers"] if _at(t["to"], "taganrog"))
    assert to_taganrog["to"]["facility"] == "pretrial_detention_centre"


@pytest.mark.slow
def test_mali_containers_are_at_sevare(sample: dict[str, dict[str, Any]]) -> None:
    for number in ("01", "04", "06"):
        facilities = {p["facility"] for c in _claims_at(sample[number], "sevare") for p in c["places"]}
        assert "shipping_container" in facilities, number
