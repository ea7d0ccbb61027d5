"""Who an act was done to, on invented passages (pseudonyms only): the speaker, someone
else, a group named by a plural noun, a count of people, the victim a paragraph named."""

from __future__ import annotations

from typing import Any

import pytest

from testimonia.extract.pipeline import extract_text

pytestmark = pytest.mark.slow  # loads the language models once per process


def victims(text: str, language: str) -> list[dict[str, Any]]:
    return [c.to_json()["victim"] for c in extract_text(text, language).claims]


@pytest.mark.parametrize(("text", "language", "count"), [
    ("Guards beat the detainees in the yard of the police station in Izium.", "en", None),
    ("At least 25 villagers were detained in Kupiansk in the spring of 2022.", "en", 25),
    ("Une vingtaine d'habitants ont été arrêtés à Kidal en 2023.", "fr", 20),
    ("Российские военные держали в подвале около 40 жителей Купянска.", "ru", 40),
    ("Полонених били щодня в колонії в Оленівці.", "uk", None),
])
def test_a_plural_noun_names_a_group(text: str, language: str, count: int | None) -> None:
    assert {v["who"] for v in victims(text, language)} == {"group"}
    assert {v["count"] for v in victims(text, language)} == {count}


@pytest.mark.parametrize(("text", "language"), [
    ("They questioned Ivan Kovalenko for six hours in the basement in Kherson.", "en"),
    ("Сыну два зуба выбили в колонии под Рязанью.", "ru"),
])
def test_a_number_that_counts_no_people_is_no_group(text: str, language: str) -> None:
    assert "group" not in {v["who"] for v in victims(text, language)}


def test_a_sentence_naming_no_one_is_about_the_one_the_paragraph_named() -> None:
    text = "Меня держали в подвале в Каменке. Били каждый день, воды не давали."
    assert {v["who"] for v in victims(text, "ru")} == {"self"}
    text = "Dès le premier jour, ils nous ont enfermés au camp de Sévaré. Ils frappaient avec des câbles."
    assert {v["who"] for v in victims(text, "fr")} == {"group"}


def test_the_speaker_named_without_an_act_term_still_frames_what_follows() -> None:
    text = "В Балаклее я просидел неделю. Били дубинкой по ногам."
    assert {v["who"] for v in victims(text, "ru")} == {"self"}


@pytest.mark.parametrize(("text", "language", "who"), [
    ("They took me and my brother to the basement of the school in Trostianets.", "en", "group"),
    ("They beat me and other detainees with a hose in the camp in Sévaré.", "en", "group"),
    ("Là, un homme m'a attaché à une chaise au camp de Kati.", "fr", "self"),
    ("Un commerçant a été arrêté par des hommes armés à Gao et détenu au camp.", "fr", "other"),
])
def test_who_is_with_the_speaker_and_who_acted(text: str, language: str, who: str) -> None:
    assert {v["who"] for v in victims(text, language)} == {who}


def test_a_possessive_after_a_kin_word_is_no_actor() -> None:
    text = "Сина мого забрали росгвардійці в Мелітополі в квітні."
    assert {v["who"] for v in victims(text, "uk")} == {"other"}


def test_two_others_joined_by_and_are_a_group() -> None:
    text = "Потом отца и брата забрали и держали в подвале на заводе в Гостомеле."
    assert {v["who"] for v in victims(text, "ru")} == {"group"}


def test_an_act_told_before_its_paragraph_names_the_victim_is_about_that_one() -> None:
    text = "Еду давали раз в два дня в подвале в Балаклее. Я за это время сильно похудел, меня били."
    assert {v["who"] for v in victims(text, "ru")} == {"self"}
