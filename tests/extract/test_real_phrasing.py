"""How reports and witnesses phrase what happened, on invented passages (pseudonyms only):
words in any inflection in every language, two acts in one word, who and where told after
the act, countries implied by a text's people and forces, and what a denial denies."""

from __future__ import annotations

from typing import Any

import pytest

from testimonia.extract.pipeline import extract_text

pytestmark = pytest.mark.slow  # loads the language models once per process


def claims(text: str, language: str) -> list[dict[str, Any]]:
    return [c.to_json() for c in extract_text(text, language).claims]


def field(text: str, language: str, name: str) -> set[str]:
    return {v for c in claims(text, language) for v in c[name]}


@pytest.mark.parametrize(("text", "language", "method"), [
    ("They laid Karim on a bench and poured water over a towel on his face.", "en", "waterboarding"),
    ("The guard pressed his cigarette into my forearm twice.", "en", "burning"),
    ("We were forced to carry sandbags to the trenches from dawn.", "en", "forced_labour"),
    ("For a week they kept us awake with a bucket banged against the door.", "en", "sleep_deprivation"),
    ("Ils lui ont accroché des pinces aux oreilles et ont tourné la manivelle.", "fr", "electric_shock"),
    ("On nous donnait une boule de tô le soir, rien d'autre.", "fr", "starvation"),
    ("Le soldat a tiré une rafale au-dessus de nos têtes en riant.", "fr", "mock_execution"),
    ("Чтобы никто не мог уснуть, охрана всю ночь включала гимн.", "ru", "sleep_deprivation"),
    ("Його змушували копати окопи під обстрілом.", "uk", "forced_labour"),
])
def test_a_method_described_not_named(text: str, language: str, method: str) -> None:
    assert method in field(text, language, "methods")


@pytest.mark.parametrize(("text", "language", "violation"), [
    ("Moussa was held for six weeks in Mopti without ever seeing a judge.", "en", "arbitrary_detention"),
    ("His wife has not been allowed to visit him since March, Ostap's lawyer said.", "en",
     "incommunicado_detention"),
    ("At the commandant's office in Kakhovka they told us he was never there.", "en", "enforced_disappearance"),
    ("Personne ne nous a jamais dit pourquoi on était là, au camp de Sofara.", "fr", "arbitrary_detention"),
    ("Родным отвечают, что такой человек у них не числится.", "ru", "enforced_disappearance"),
])
def test_a_violation_as_reports_phrase_it(text: str, language: str, violation: str) -> None:
    assert violation in field(text, language, "violations")


def test_detained_is_an_arrest_and_the_detention_it_began() -> None:
    acts = {c["act"] for c in claims("Soldiers detained two herders near Nara in May 2023.", "en")}
    assert {"arrest", "detention"} <= acts


def test_who_and_where_told_after_the_act_fill_the_claim() -> None:
    found = claims("They put a wet cloth on my face and poured water until I choked. That was the camp "
                   "in Nampala, in September 2023, and it was the white soldiers who did it.", "en")
    torture = next(c for c in found if "waterboarding" in c["methods"])
    assert [p["name"] for p in torture["places"]] == ["Nampala"]
    assert [p["canonical"] for p in torture["perpetrators"]] == ["wagner_group"]
    assert torture["period"]["start"] == "2023-09-01"
    assert len(torture["evidence"]) == 2  # the act's sentence, then the one that said where and who


def test_a_statement_after_the_act_does_not_name_who_did_it() -> None:
    found = claims("They beat us with cables in the cell. Russia's prison service said no one was ever "
                   "mistreated there.", "en")
    assert all(not c["perpetrators"] for c in found if not c["denial"])


def test_the_countries_a_text_implies_settle_an_ambiguous_place() -> None:
    found = claims("L'armée malienne a détenu douze bergers au camp de Nara pendant deux semaines.", "fr")
    assert {p["country"] for c in found for p in c["places"]} == {"ML"}


def test_guards_alone_name_no_force() -> None:
    assert field("The guards beat the men in the corridor of the SIZO in Kursk.", "en", "perpetrators") == set()


def test_a_denial_denies_acts_and_methods_not_violations() -> None:
    found = claims("The defence ministry said that no civilian had ever been executed in Dioura.", "en")
    assert found and all(c["denial"] and not c["violations"] for c in found)


def test_a_country_named_is_that_country_not_a_village_of_the_same_name() -> None:
    found = claims("Украинские правозащитники сообщают, что задержанных в Скадовске вывезли в Россию.", "ru")
    assert "RU" in {p["country"] for c in found for p in c["places"]}


@pytest.mark.parametrize(("text", "language"), [
    ("BAMAKO, 14 mai 2024 – Libérés la semaine dernière, sept jeunes détenus à Kayes n'ont jamais vu un juge.",
     "fr"),
    ("KYIV, 14 May 2024 – Three volunteers held in Enerhodar were released last week, relatives said.", "en"),
])
def test_last_week_in_a_report_counts_from_its_dateline(text: str, language: str) -> None:
    periods = {(c["period"]["start"], c["period"]["end"]) for c in claims(text, language) if c["period"]}
    assert ("2024-05-06", "2024-05-12") in periods  # the Monday-to-Sunday week before 14 May


def test_a_dateline_without_a_day_gives_no_reference() -> None:
    found = claims("(Nairobi) – Three herders held at Sofara were released last week, a rights group said.", "en")
    assert all(c["period"] is None or c["period"]["start"] is None for c in found)


def test_a_place_word_inside_a_quoted_name_is_no_place() -> None:
    found = claims("По информации «Восточной правозащитной группы», днровцы держали волонтёра в Донецке.", "ru")
    assert {p["name"] for c in found for p in c["places"]} == {"Donetsk"}


def test_a_route_reported_second_hand_still_starts_where_the_account_left_him() -> None:
    found = claims("По словам родных, днровцы держали волонтёра в Донецке. Затем его перевели в Оленовку, "
                   "а оттуда — в Таганрог, где он, по их данным, находится и сейчас.", "ru")
    legs = {(c["transfer"]["from"]["name"], c["transfer"]["to"]["name"]) for c in found if c["transfer"]}
    assert ("Donetsk", "Olenivka (Donetsk oblast)") in legs and ("Olenivka (Donetsk oblast)", "Taganrog") in legs


@pytest.mark.parametrize(("text", "language", "force"), [
    ("They made us stand with our arms raised for hours in Taganrog. The guards were from the FSIN, he said.",
     "en", "fsin"),
    ("Сына забрали в Мелитополе в октябре. Потом соседи сказали, что это были росгвардейцы.", "ru", "rosgvardia"),
])
def test_who_did_it_as_someone_told_it_afterwards(text: str, language: str, force: str) -> None:
    assert force in {p["canonical"] for c in claims(text, language) for p in c["perpetrators"]}


@pytest.mark.parametrize(("text", "language", "places"), [
    ("Deux militaires ont été arrêtés à Kidal, selon l'Observatoire sahélien des droits humains.", "fr", {"Kidal"}),
    ("Моего сына Артёма забрали в Мелитополе.", "ru", {"Melitopol"}),
])
def test_no_place_without_evidence(text: str, language: str, places: set[str]) -> None:
    assert {p["name"] for c in claims(text, language) for p in c["places"]} == places


def test_a_month_without_a_year_after_a_later_one_is_in_the_next_year() -> None:
    from testimonia.periods.finder import find_periods

    found = find_periods("In November 2022 they moved us to Melitopol, and from there, in early January, "
                         "to Taganrog.", "en")
    assert [(m.period.start, m.period.end) for m in found][-1] == ("2023-01-01", "2023-01-10")


def test_a_name_shown_to_be_a_persons_is_no_place_anywhere_in_the_text() -> None:
    found = claims("Моего сына Артёма забрали в Мелитополе. Потом один парень рассказал, что сидел с Артёмом "
                   "в подвале. Он сказал, что Артёма там сильно избили.", "ru")
    assert {p["name"] for c in found for p in c["places"]} == {"Melitopol"}
    assert all(not c["first_hand"] for c in found if "beating" in c["methods"])  # «он сказал, что …»


def test_a_plant_named_after_a_town_is_not_that_town() -> None:
    found = claims("Employees of the Zaporizhzhia nuclear plant were detained in Enerhodar in 2022.", "en")
    assert {p["name"] for c in found for p in c["places"]} == {"Enerhodar"}


def test_a_reports_group_moves_from_where_the_report_left_it() -> None:
    found = claims("The men were seized at checkpoints around Enerhodar in September 2022, a rights group "
                   "said. In November the men were taken to a detention facility in Melitopol, and from "
                   "there, in early January, to the pretrial detention centre in Taganrog.", "en")
    legs = {(c["transfer"]["from"]["name"], c["transfer"]["to"]["name"]) for c in found if c["transfer"]}
    assert {("Enerhodar", "Melitopol"), ("Melitopol", "Taganrog")} <= legs


def test_a_length_after_an_exact_day_is_a_range_not_that_day() -> None:
    found = claims("On 4 March 2023 soldiers arrested me in Nampala. After about two weeks I was moved "
                   "to Bamako.", "en")
    moved = next(c for c in found if c["act"] == "transfer")
    assert (moved["period"]["start"], moved["period"]["end"]) == ("2023-03-04", "2023-03-18")


def test_each_leg_of_a_route_keeps_its_own_date() -> None:
    found = claims("In November 2022 the men were taken from Enerhodar to a detention facility in Melitopol, "
                   "and from there, in early January, to the pretrial detention centre in Taganrog.", "en")
    legs = {c["transfer"]["to"]["name"]: c["period"]["start"] for c in found if c["transfer"]}
    assert legs == {"Melitopol": "2022-11-01", "Taganrog": "2023-01-01"}
