"""First-hand or not, on invented passages (pseudonyms only): what the speaker lived or
saw is first-hand; a report naming its sources, a relative's account of what they did not
see, or words told to the speaker after the act are second-hand."""

from __future__ import annotations

import pytest

from testimonia.extract.pipeline import extract_text

pytestmark = pytest.mark.slow  # loads the language models once per process


def first_hand(text: str, language: str) -> set[bool]:
    return {c.first_hand for c in extract_text(text, language).claims}


@pytest.mark.parametrize(("text", "language"), [
    ("Guards beat the detainees at the camp in Sévaré every night, a rights group said.", "en"),
    ("Au moins 12 commerçants ont été détenus au camp de Kati, a indiqué leur association.", "fr"),
    ("Российские военные удерживали в подвале в Купянске 20 жителей, сообщили правозащитники.", "ru"),
    ("Окупанти тримали в підвалі в Ізюмі щонайменше 30 мешканців, повідомила прокуратура.", "uk"),
    ("KYIV, March 3 (Reuters) - Russian forces detained a teacher in Skadovsk last month.", "en"),
])
def test_a_report_naming_its_sources_is_second_hand(text: str, language: str) -> None:
    assert first_hand(text, language) == {False}


def test_a_relatives_account_of_what_they_did_not_see_is_second_hand() -> None:
    assert first_hand("Отца взяли в июне и держали в подвале в Херсоне.", "ru") == {False}


def test_words_told_after_the_act_make_it_second_hand() -> None:
    text = "They kept him in the cellar of the school in Izium, his cellmate told me later."
    assert first_hand(text, "en") == {False}


@pytest.mark.parametrize(("text", "language"), [
    ("They beat me in the basement of the police station in Izium, then they let me go.", "en"),
    ("Клали на лавку, тряпку на лицо и лили из чайника.", "ru"),
    ("I saw them beat Petro in the yard of the camp in Olenivka.", "en"),
    ("Журналисты спрашивали нас потом, но я сам видел, как его били в Херсоне.", "ru"),
])
def test_what_the_speaker_lived_or_saw_is_first_hand(text: str, language: str) -> None:
    assert first_hand(text, language) == {True}


def test_hearsay_after_the_act_gives_way_to_the_speakers_own_eyes() -> None:
    text = ("At night the guards beat the men with a hose in the camp near Olenivka; "
            "I heard them, and in the morning I saw the bruises.")
    assert first_hand(text, "en") == {True}
