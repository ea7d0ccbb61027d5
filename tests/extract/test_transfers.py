"""Transfers told in report style: the route's ends spread over the sentence, with the
people moved named by where they live, places joined by "and", and an attribution after
the route. Fictional sentences."""

from __future__ import annotations

import pytest

from testimonia.extract.pipeline import extract_text

pytestmark = pytest.mark.slow  # loads the language models once per process


def legs(text: str, language: str) -> list[tuple[str, str]]:
    return [(t["from"]["name"], t["to"]["name"])
            for t in extract_text(text, language).to_json()["transfers"]]


def test_the_place_named_before_the_moving_words_is_the_origin() -> None:
    assert legs("A farmer detained in Enerhodar in May 2023 was later transferred to a detention "
                "centre in Simferopol.", "en") == [("Enerhodar", "Simferopol")]
    assert legs("Le mari de Mme Traoré, arrêté à Gao, a été transféré à Bamako.", "fr") == [
        ("Gao", "Bamako")]


def test_from_leads_to_the_origin_across_words() -> None:
    assert legs("Prisoners were moved from the old camp at Sévaré to Bamako in 2023, an "
                "official told reporters in Dakar.", "en") == [("Sévaré", "Bamako")]
    assert legs("Les soldats ont transféré au moins 20 détenus de la prison de Kherson vers "
                "des établissements en Russie.", "fr") == [("Kherson", "Russia")]


def test_where_the_people_moved_live_is_background() -> None:
    assert legs("В апреле задержанных жителей Мариуполя перевезли из колонии в Оленовке в "
                "Таганрог.", "ru") == [("Olenivka penal colony No. 120", "Taganrog")]


def test_where_they_live_is_the_origin_when_nothing_else_is() -> None:
    assert legs("Des civils de Nova Kakhovka ont été transférés en Russie, à Koursk.", "fr") == [
        ("Nova Kakhovka", "Kursk")]


def test_several_origins_joined_by_and_each_go_to_the_destination() -> None:
    assert legs("Военные вывезли в Россию не менее 50 задержанных из Купянска и Изюма.", "ru") == [
        ("Kupyansk", "Russia"), ("Izium", "Russia")]


def test_destinations_joined_by_and_share_the_origin() -> None:
    found = legs("Полонених, яких тримали в Донецьку, етапували до колоній у Курську та Воронежі.",
                 "uk")
    assert found == [("Donetsk", "Kursk"), ("Donetsk", "Voronezh")]


def test_a_facility_in_the_town_is_not_another_stop() -> None:
    assert legs("Puis les gendarmes m'ont conduit de Kati à Bamako, où on m'a détenu dans les "
                "locaux de la Sécurité d'État.", "fr") == [("Kati", "Bamako")]


def test_a_town_in_the_genitive_plural_is_found_and_is_the_fallback_origin() -> None:
    assert legs("Жителів Олешок окупанти спершу тримали у відділку поліції, а потім перевезли "
                "до Криму.", "uk") == [("Oleshky", "Crimea")]


def test_moving_verbs_in_any_form() -> None:
    assert legs("Затриманих з Херсона вивозили до Криму.", "uk") == [("Kherson", "Crimea")]
    assert legs("Вывезенных из Мелитополя пленных доставляли в Таганрог.", "ru") == [
        ("Melitopol", "Taganrog")]
    assert legs("Les détenus ont été acheminés de Gao vers Bamako.", "fr") == [("Gao", "Bamako")]


def test_a_route_starts_where_the_narrative_is_before_the_speaker_says_where_they_were() -> None:
    text = ("In August 2022 the Malian soldiers came to Diafarabé with the white men. They took my "
            "cousin and me from the well and drove us to the camp at Ténenkou.")
    legs = [(t["from"]["name"], t["to"]["name"]) for t in extract_text(text, "en").to_json()["transfers"]]
    assert ("Diafarabé", "Ténenkou") in legs
