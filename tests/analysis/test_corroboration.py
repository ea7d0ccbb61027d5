"""Sites, independence and statuses on hand-built claims: exact expectations."""

from __future__ import annotations

from typing import Any

from testimonia.analysis.corroboration import Groups, Rules, corroborate
from testimonia.analysis.inputs import ClaimIn, RelationIn
from testimonia.analysis.patterns import patterns
from testimonia.analysis.results import analyze
from testimonia.analysis.sites import Judgement, resolve_sites
from testimonia.analysis.trajectories import network

SEVARE = {"name": "Sévaré", "id": "supp:ml_sevare", "country": "ML", "lat": 14.53, "lon": -4.1,
          "precision": "settlement", "text": "Sévaré", "parent_id": None, "facility_place": False}
CAMP = {**SEVARE, "name": "Sévaré military camp", "id": "supp:ml_sevare_camp",
        "parent_id": "supp:ml_sevare", "facility_place": True, "text": "camp de Sévaré"}
TAGANROG = {"name": "Taganrog", "id": "supp:ru_taganrog", "country": "RU", "lat": 47.2, "lon": 38.9,
            "precision": "settlement", "text": "Таганрог", "parent_id": None, "facility_place": False}
OLENIVKA = {**TAGANROG, "name": "Olenivka", "id": "supp:ua_olenivka", "country": "UA", "text": "Оленівка"}


def claim(i: int, source: str, places: list[dict[str, Any]], methods: tuple[str, ...] = ("beating",),
          *, act: str = "ill_treatment", first_hand: bool = True, denial: bool = False,
          year: str | None = "2022", kind: str = "survivor", transfer: bool = False) -> ClaimIn:
    body = {"act": act, "methods": list(methods), "violations": [], "places": places,
            "perpetrators": [{"name": "Wagner", "canonical": "wagner_group"}],
            "period": {"start": f"{year}-03-01", "end": f"{year}-03-31"} if year else None,
            "victim": {"who": "self", "count": None}, "first_hand": first_hand, "denial": denial,
            "interrogation_languages": [], "evidence": [{"start": 0, "end": 1, "quote": f"q{i}"}],
            "transfer": {"from": places[0], "to": places[1]} if transfer else None}
    return ClaimIn(i, f"doc-{source}", source, kind, body)


def at(place: dict[str, Any], facility: str | None) -> dict[str, Any]:
    return {**place, "facility": facility}


def test_one_site_per_place_and_facility_with_parent_and_aliases() -> None:
    claims = [claim(1, "A", [at(SEVARE, "shipping_container")]),
              claim(2, "B", [at(CAMP, "shipping_container")]),
              claim(3, "C", [at(CAMP, "military_camp")]),
              claim(4, "D", [at(SEVARE, None)])]
    resolution = resolve_sites(claims)
    containers = resolution.sites["site:supp:ml_sevare/shipping_container"]
    assert containers.claims == [1, 2] and containers.sources == {"A", "B"}
    assert containers.parent == "site:supp:ml_sevare/military_camp"
    assert containers.aliases == {"Sévaré", "camp de Sévaré", "Sévaré military camp"}
    # "held in Sévaré" goes to the town's main place of detention, the camp
    assert resolution.of_claim[4] == ["site:supp:ml_sevare/military_camp"]
    assert set(resolution.sites) == {"site:supp:ml_sevare/shipping_container",
                                     "site:supp:ml_sevare/military_camp"}


def test_regions_and_countries_stay_at_their_precision() -> None:
    russia = {"name": "Russia", "id": "country:RU", "country": "RU", "lat": 61.5, "lon": 105.3,
              "precision": "country", "text": "Росії", "parent_id": None, "facility_place": False}
    resolution = resolve_sites([claim(1, "A", [at(russia, "prison")])])
    site = resolution.sites["site:country:RU"]
    assert (site.precision, site.facility) == ("country", None)


def test_judgements_rename_merge_split_survive_a_new_resolution() -> None:
    claims = [claim(1, "A", [at(SEVARE, "shipping_container")]), claim(2, "B", [at(SEVARE, "pit")]),
              claim(3, "C", [at(SEVARE, "shipping_container")])]
    judged = resolve_sites(claims, [
        Judgement("merge", "site:supp:ml_sevare/shipping_container", "site:supp:ml_sevare/pit"),
        Judgement("rename", "site:supp:ml_sevare/shipping_container", name="Sévaré containers"),
        Judgement("split", "site:supp:ml_sevare/shipping_container", "doc-C")])
    kept = judged.sites["site:supp:ml_sevare/shipping_container"]
    assert kept.name == "Sévaré containers" and kept.claims == [1, 2]
    assert judged.of_claim[3] == ["site:supp:ml_sevare/shipping_container~doc-C"]
    assert "site:supp:ml_sevare/pit" not in judged.sites


def findings_by(claims: list[ClaimIn], relations: list[RelationIn] = ()) -> dict[tuple[str, str], Any]:  # type: ignore[assignment]
    resolution = resolve_sites(claims)
    groups = Groups(relations, Rules().relations)
    return {(f.allegation, f.bucket): f.to_json() for f in corroborate(claims, resolution, groups)}


def test_related_sources_count_once_and_the_same_source_twice_counts_once() -> None:
    containers = [at(SEVARE, "shipping_container")]
    claims = [claim(1, "Wangrin", containers), claim(2, "Aminata", containers, first_hand=False),
              claim(3, "Wangrin", containers), claim(4, "Tieman", containers, kind="defector")]
    found = findings_by(claims, [RelationIn("Aminata", "Wangrin", "relative_of")])[("beating", "2022")]
    assert found["independent_sources"] == 2 and found["first_hand_sources"] == 2
    assert found["groups"] == [["Aminata", "Wangrin"], ["Tieman"]]
    assert found["status"] == "corroborated"
    assert found["source_kinds"] == ["defector", "survivor"]
    assert found["rationale"] == ("2 independent sources (2 at first hand): Aminata + Wangrin "
                                  "(related, counted once); Tieman; contradicted by none")


def test_single_source_and_hearsay_only() -> None:
    containers = [at(SEVARE, "shipping_container")]
    found = findings_by([claim(1, "A", containers, first_hand=False),
                         claim(2, "B", containers, first_hand=False)])[("beating", "2022")]
    assert found["independent_sources"] == 2 and found["status"] == "single source"


def test_a_denial_contradicts_and_can_contest() -> None:
    containers = [at(SEVARE, "shipping_container")]
    denial = claim(9, "Sega", containers, ("beating",), denial=True, year=None, kind="official")
    found = findings_by([claim(1, "A", containers), claim(2, "B", containers), denial])
    beating = found[("beating", "2022")]
    assert beating["status"] == "corroborated"
    assert [(c["claim"], c["source"]) for c in beating["contradicted_by"]] == [(9, "Sega")]
    assert beating["rationale"].endswith("; contradicted by Sega (official denial)")
    alone = findings_by([claim(1, "A", containers), denial])[("beating", "2022")]
    assert alone["status"] == "contested"


def test_undated_claims_take_their_documents_year() -> None:
    containers = [at(SEVARE, "shipping_container")]
    dated, undated = claim(1, "A", containers, year="2023"), claim(2, "A", containers, ("waterboarding",), year=None)
    assert set(findings_by([dated, undated])) == {("beating", "2023"), ("waterboarding", "2023")}


def test_cross_border_transfers_and_counts() -> None:
    legs = [claim(1, "A", [at(OLENIVKA, "penal_colony"), at(TAGANROG, "pretrial_detention_centre")],
                  (), act="transfer", transfer=True),
            claim(2, "B", [at(OLENIVKA, "penal_colony"), at(TAGANROG, "pretrial_detention_centre")],
                  (), act="transfer", transfer=True)]
    edges = network(legs, resolve_sites(legs))
    assert [(e.origin, e.destination, len(e.documents), e.cross_border) for e in edges] == [
        ("site:supp:ua_olenivka/penal_colony", "site:supp:ru_taganrog/pretrial_detention_centre", 2, True)]


def test_patterns_across_conflicts() -> None:
    claims = [claim(1, "A", [at(SEVARE, "shipping_container")], ("electric_shock", "loud_music")),
              claim(2, "B", [at(TAGANROG, "pretrial_detention_centre")], ("electric_shock", "loud_music")),
              claim(3, "C", [at(TAGANROG, "pretrial_detention_centre")], ("dog_attack",))]
    claims[0].body["interrogation_languages"] = ["ru"]
    resolution = resolve_sites(claims)
    found = patterns(claims, resolution, Groups([], ()))
    shared = {s["practice"]: sorted(s["conflicts"]) for s in found["shared"]}
    assert shared == {"electric_shock": ["russia_ukraine", "sahel"],
                      "loud_music": ["russia_ukraine", "sahel"]}
    assert found["shared_sequences"] == [{"methods": ["electric_shock", "loud_music"], "conflicts": {
        "sahel": ["site:supp:ml_sevare/shipping_container"],
        "russia_ukraine": ["site:supp:ru_taganrog/pretrial_detention_centre"]}}]
    sahel = next(p for p in found["conflicts"] if p["id"] == "sahel")
    assert "foreign_language_interrogation" in {p["practice"] for p in sahel["practices"]}
    assert found["conflict_similarity"][0]["jaccard"] == 0.4  # 2 shared of 5


def test_a_denial_with_a_length_but_no_date_contradicts_without_failing() -> None:
    """A period can be a length alone ({start: None, duration_days: N}); reading its year
    once failed on None (found when the claim JSON got a type)."""
    containers = [at(SEVARE, "shipping_container")]
    denial = claim(9, "Sega", containers, ("beating",), denial=True, year=None, kind="official")
    denial.body["period"] = {"start": None, "end": None, "duration_days": 3}
    beating = findings_by([claim(1, "A", containers), denial])[("beating", "2022")]
    assert [c["claim"] for c in beating["contradicted_by"]] == [9]


def test_a_perpetrator_known_only_by_name_is_not_counted_as_a_force() -> None:
    containers = [at(SEVARE, "shipping_container")]
    unnamed = claim(1, "A", containers)
    unnamed.body["perpetrators"] = [{"name": "Colonel X", "canonical": None}]
    results = analyze([unnamed], [], [], Rules())
    assert results["sites"][0]["forces"] == []
