"""One person across documents: proposed by spelling, joined only when a reviewer links
them. (Fictional names.)"""

from __future__ import annotations

from typing import Any

from testimonia.analysis.inputs import ClaimIn
from testimonia.analysis.persons import PersonLink, name_key, proposals
from testimonia.analysis.sites import resolve_sites
from testimonia.analysis.trajectories import trajectories

MELITOPOL = {"name": "Melitopol", "id": "geonames:702658", "country": "UA", "lat": 46.85,
             "lon": 35.37, "precision": "settlement", "text": "Мелітополі", "parent_id": None,
             "facility_place": False, "facility": "police_station"}
TAGANROG = {"name": "Taganrog", "id": "supp:ru_taganrog", "country": "RU", "lat": 47.2, "lon": 38.9,
            "precision": "settlement", "text": "Таганрог", "parent_id": None, "facility_place": False,
            "facility": "pretrial_detention_centre"}


def named(i: int, source: str, name: str, places: list[dict[str, Any]], start: str,
          transfer: bool = False) -> ClaimIn:
    body = {"act": "transfer" if transfer else "detention", "methods": [], "violations": [],
            "places": places, "perpetrators": [], "period": {"start": start, "end": start},
            "victim": {"who": "other", "name": name}, "first_hand": True, "denial": False,
            "interrogation_languages": [], "evidence": [{"start": 0, "end": 1, "quote": "q"}],
            "component": "analyst@1",
            "transfer": {"from": places[0], "to": places[1]} if transfer else None}
    return ClaimIn(i, f"doc-{source}", source, "survivor", body)  # type: ignore[arg-type]


def test_one_name_in_three_scripts_and_case_endings_shares_a_key() -> None:
    assert {name_key(n) for n in ("Данило", "Данила", "Danylo", "Данилу", "Данилой")} == {"danil"}
    assert name_key("Марьям") == name_key("Mariam") != name_key("Maria")


CLAIMS = [named(1, "Ternovyi", "Данило", [MELITOPOL], "2022-08-15"),
          named(2, "Lagunov", "Данила", [MELITOPOL, TAGANROG], "2022-10-27", transfer=True),
          named(3, "Sedykh", "Danylo", [TAGANROG], "2022-11-01")]


def test_the_same_name_in_three_documents_is_proposed_not_joined() -> None:
    [proposal] = proposals(CLAIMS)
    assert proposal.names == ("Danylo", "Данила", "Данило") and proposal.documents == 3
    separate = trajectories(CLAIMS, resolve_sites(CLAIMS))
    assert len(separate) == 3  # nobody has confirmed it: three accounts of someone


def test_a_confirmed_person_has_one_trajectory_in_the_order_of_the_periods() -> None:
    links = [PersonLink("Danylo", ("Данило", "Данила", "Danylo"))]
    assert proposals(CLAIMS, links) == []
    shuffled = [CLAIMS[2], CLAIMS[0], CLAIMS[1]]
    [one] = trajectories(shuffled, resolve_sites(shuffled), links)
    assert one.victim == "Danylo" and one.source == "Lagunov; Sedykh; Ternovyi"
    stops = [s.site for s in one.stops]
    assert stops[0].startswith("site:geonames:702658") and stops[-1].startswith("site:supp:ru_taganrog")
    assert [(a.split("/")[0], b.split("/")[0]) for a, b, _ in one.transfers] == [
        ("site:geonames:702658", "site:supp:ru_taganrog")]
