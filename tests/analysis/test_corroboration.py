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
    found = findings_by(claims, [RelationIn("Aminata", "Wangrin", "relative_of")])[("beating", "2022-03")]
    assert found["independent_sources"] == 2 and found["first_hand_sources"] == 2
    assert found["groups"] == [["Aminata", "Wangrin"], ["Tieman"]]
    assert found["status"] == "corroborated"
    assert found["source_kinds"] == ["defector", "survivor"]
    assert found["rationale"] == ("2 independent sources at first hand: Wangrin (with Aminata: "
                                  "related, counted once); Tieman; contradicted by none")


def test_single_source_and_hearsay_only() -> None:
    containers = [at(SEVARE, "shipping_container")]
    found = findings_by([claim(1, "A", containers, first_hand=False),
                         claim(2, "B", containers, first_hand=False)])[("beating", "2022-03")]
    assert (found["independent_sources"], found["status"]) == (0, "hearsay only")
    assert found["hearsay_sources"] == ["A", "B"]
    one = findings_by([claim(1, "A", containers), claim(2, "B", containers, first_hand=False),
                       claim(3, "C", containers, first_hand=False)])[("beating", "2022-03")]
    assert (one["independent_sources"], one["status"]) == (1, "single source")  # two repeat one account
    assert one["rationale"].startswith("1 independent source at first hand: A; told at second hand by B; C")


def test_a_denial_contradicts_and_can_contest() -> None:
    containers = [at(SEVARE, "shipping_container")]
    denial = claim(9, "Sega", containers, ("beating",), denial=True, year=None, kind="official")
    found = findings_by([claim(1, "A", containers), claim(2, "B", containers), denial])
    beating = found[("beating", "2022-03")]
    assert beating["status"] == "corroborated"
    assert [(c["claim"], c["source"]) for c in beating["contradicted_by"]] == [(9, "Sega")]
    assert beating["rationale"].endswith("; contradicted by Sega (official denial)")
    alone = findings_by([claim(1, "A", containers), denial])[("beating", "2022-03")]
    assert alone["status"] == "contested"


def test_undated_claims_take_their_documents_period() -> None:
    containers = [at(SEVARE, "shipping_container")]
    dated, undated = claim(1, "A", containers, year="2023"), claim(2, "A", containers, ("waterboarding",), year=None)
    assert set(findings_by([dated, undated])) == {("beating", "2023-03"), ("waterboarding", "2023-03")}


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
    beating = findings_by([claim(1, "A", containers), denial])[("beating", "2022-03")]
    assert [c["claim"] for c in beating["contradicted_by"]] == [9]


def test_a_perpetrator_known_only_by_name_is_not_counted_as_a_force() -> None:
    containers = [at(SEVARE, "shipping_container")]
    unnamed = claim(1, "A", containers)
    unnamed.body["perpetrators"] = [{"name": "Colonel X", "canonical": None}]
    results = analyze([unnamed], [], [], Rules())
    assert results["sites"][0]["forces"] == []


# Corroboration that follows the events (fictional cases) ------------------------------------

def dated(i: int, source: str, places: list[dict[str, Any]], start: str | None, end: str | None,
          methods: tuple[str, ...] = ("beating",), **kw: Any) -> ClaimIn:
    made = claim(i, source, places, methods, **kw)
    made.body["period"] = {"start": start, "end": end} if start or end else None
    return made


def test_an_undated_account_supports_the_dated_episode_it_fits() -> None:
    camp = [at(CAMP, "military_camp")]
    sisters = [dated(1, "Fanta", camp, "2022-10-01", "2022-10-31"),
               dated(2, "Awa", camp, None, None)]  # her account gives no date at all
    found = findings_by(sisters)
    assert list(found) == [("beating", "2022-10")]
    assert found[("beating", "2022-10")]["status"] == "corroborated"
    apart = findings_by([dated(1, "Fanta", camp, "2022-10-01", "2022-10-31"),
                         dated(2, "Awa", camp, "2024-05-01", "2024-05-31")])
    assert sorted(apart) == [("beating", "2022-10"), ("beating", "2024-05")]  # cannot be one episode
    loose = findings_by([dated(1, "Fanta", camp, "2022-10-01", "2022-10-31"),
                         dated(2, "Awa", camp, "2022-01-01", "2022-12-31")])  # "in 2022"
    assert list(loose) == [("beating", "2022-10")] and loose[("beating", "2022-10")]["independent_sources"] == 2


def test_a_container_in_a_camp_counts_for_the_camp_and_keeps_its_place() -> None:
    claims = [claim(1, "Fanta", [at(CAMP, "shipping_container")]), claim(2, "Awa", [at(CAMP, "military_camp")])]
    resolution = resolve_sites(claims)
    by_site = {(f.site, f.allegation): f for f in corroborate(claims, resolution, Groups([], Rules().relations))}
    camp = by_site[("site:supp:ml_sevare/military_camp", "beating")]
    container = by_site[("site:supp:ml_sevare/shipping_container", "beating")]
    assert (camp.status, camp.independent) == ("corroborated", 2)
    assert (container.status, [c.id for c in container.support]) == ("single source", [1])


def test_a_document_with_no_source_is_not_an_independent_source() -> None:
    camp = [at(CAMP, "military_camp")]
    note = ClaimIn(2, "doc-note", None, None, claim(2, "x", camp).body)
    found = findings_by([claim(1, "Fanta", camp), note])[("beating", "2022-03")]
    assert (found["status"], found["independent_sources"]) == ("single source", 1)
    assert found["unattributed_documents"] == ["document doc-note"]
    assert "not counted: 1 document with no source" in found["rationale"]
    notes = [ClaimIn(i, f"doc-{i}", None, None, claim(i, "x", camp).body) for i in range(1, 4)]
    only = findings_by(notes)[("beating", "2022-03")]
    assert (only["status"], only["independent_sources"]) == ("unattributed", 0)


def test_a_denial_contradicts_what_it_denies_at_its_site_and_period_only() -> None:
    camp, town = [at(CAMP, "military_camp")], [at(TAGANROG, "pretrial_detention_centre")]
    nobody_mistreated = dated(9, "Sega", camp, "2022-01-01", "2022-12-31", (), act="ill_treatment",
                              denial=True, kind="official")
    claims = [dated(1, "Fanta", camp, "2022-03-01", "2022-03-31", ("beating", "electric_shock")),
              dated(2, "Fanta", camp, "2022-03-01", "2022-03-31", (), act="detention"),
              dated(3, "Awa", camp, "2024-06-01", "2024-06-30"),
              dated(4, "Ivan", town, "2022-03-01", "2022-03-31"), nobody_mistreated]
    resolution = resolve_sites(claims)
    found = corroborate(claims, resolution, Groups([], Rules().relations))
    against = {(f.site.split("/")[0], f.allegation, f.bucket): [c.label for c in f.against] for f in found}
    sevare = "site:supp:ml_sevare"
    assert against[(sevare, "beating", "2022-03")] == ["Sega"]
    assert against[(sevare, "electric_shock", "2022-03")] == ["Sega"]
    assert against[(sevare, "act:detention", "2022-03")] == []  # torture denied, detention not
    assert against[(sevare, "beating", "2024-06")] == []  # another period
    assert against[("site:supp:ru_taganrog", "beating", "2022-03")] == []  # another site


def test_a_denial_naming_only_the_town_covers_its_places() -> None:
    station = [at(TAGANROG, "police_station")]
    town = [{**TAGANROG, "facility": None}]
    claims = [claim(1, "A", station), claim(2, "B", station),
              claim(9, "Sega", town, (), act="ill_treatment", denial=True, kind="official")]
    found = corroborate(claims, resolve_sites(claims), Groups([], Rules().relations))
    beating = [f for f in found if f.allegation == "beating"]
    assert beating and all([c.label for c in f.against] == ["Sega"] for f in beating)


def test_a_claim_naming_only_the_town_is_placed_at_its_prison_with_the_reason() -> None:
    sizo = [at(TAGANROG, "pretrial_detention_centre")]
    town = [{**TAGANROG, "facility": None}]
    claims = [claim(1, "A", sizo), claim(2, "B", sizo), claim(3, "C", town)]
    resolution = resolve_sites(claims)
    site = resolution.sites["site:supp:ru_taganrog/pretrial_detention_centre"]
    assert resolution.of_claim[3] == [site.id] and site.from_town == [3]
    assert site.to_json()["note"].startswith("1 claims naming only Taganrog are placed here: the "
                                             "pretrial detention centre is the only place")
