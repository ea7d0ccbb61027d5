"""Candidate nominatives of inflected Russian and Ukrainian place names, and clitics."""

from __future__ import annotations

import pytest

from testimonia.text.inflect import MAX_CANDIDATES, candidates, clitics, phrase_candidates


@pytest.mark.parametrize(("word", "language", "lemma"), [
    ("таганроге", "ru", "таганрог"),     # в Таганроге
    ("таганрозі", "uk", "таганрог"),     # у Таганрозі: г/з alternation
    ("таганрога", "uk", "таганрог"),     # до Таганрога
    ("херсоне", "ru", "херсон"),
    ("херсоні", "uk", "херсон"),
    ("херсона", "ru", "херсон"),
    ("оленовке", "ru", "оленовка"),      # -ке → -ка
    ("оленівці", "uk", "оленівка"),      # -ці → -ка
    ("оленівки", "uk", "оленівка"),
    ("мелитополе", "ru", "мелитополь"),
    ("мелітополі", "uk", "мелітополь"),
    ("ізюмі", "uk", "ізюм"),
    ("изюме", "ru", "изюм"),
    ("бучі", "uk", "буча"),
    ("буче", "ru", "буча"),
    ("бучей", "ru", "буча"),
    ("киевом", "ru", "киев"),            # под Киевом
    ("києві", "uk", "київ"),             # є/ї alternation
    ("маріуполя", "uk", "маріуполь"),    # з Маріуполя
    ("харкова", "uk", "харків"),         # о/і alternation
    ("кременчуці", "uk", "кременчук"),   # к/ц alternation
    ("кидале", "ru", "кидаль"),          # в Кидале
    ("нампале", "ru", "нампала"),
    ("курска", "ru", "курск"),
    ("донецкой", "ru", "донецкая"),
    ("донецькій", "uk", "донецька"),
    ("области", "ru", "область"),
    ("області", "uk", "область"),
    ("россии", "ru", "россия"),
    ("росії", "uk", "росія"),
    ("україні", "uk", "україна"),
    ("беларуси", "ru", "беларусь"),
    ("крыму", "ru", "крым"),
    ("кривом", "ru", "кривой"),
    ("роге", "ru", "рог"),
    ("кривому", "uk", "кривий"),
    ("розі", "uk", "ріг"),
    ("запоріжжі", "uk", "запоріжжя"),
])
def test_inflected_form_has_its_nominative_among_the_candidates(
        word: str, language: str, lemma: str) -> None:
    found = candidates(word, language)
    assert found[0] == word
    assert lemma in found
    assert len(found) <= MAX_CANDIDATES


def test_the_text_language_does_not_hide_the_other_language_rules() -> None:
    assert "таганрог" in candidates("таганрозі", "ru")
    assert "оленовка" in candidates("оленовке", "uk")


def test_the_ukrainian_alternation_is_not_applied_to_russian_words() -> None:
    assert "крім" not in candidates("кроме", "ru")
    assert "харків" in candidates("харкова", "uk")


@pytest.mark.parametrize(("word", "lemma"), [
    ("ростове-на-дону", "ростов-на-дону"),
    ("кот-д'ивуаре", "кот-д'ивуар"),
])
def test_hyphenated_names_inflect_their_first_or_last_part(word: str, lemma: str) -> None:
    assert lemma in candidates(word, "ru")


@pytest.mark.parametrize("word", ["kidal", "sevare", "2022", "сизо"])
def test_latin_words_and_short_words_come_back_alone_or_first(word: str) -> None:
    assert candidates(word, "fr")[0] == word
    if not any("а" <= c <= "я" for c in word):
        assert candidates(word, "fr") == [word]


def test_impossible_spellings_are_not_proposed() -> None:
    found = candidates("таганроге", "ru")
    assert "таганрогь" not in found and "таганрогя" not in found


def test_phrase_candidates_inflect_each_word() -> None:
    assert "донецкая область" in phrase_candidates(["донецкой", "области"], "ru")
    assert "кривий ріг" in phrase_candidates(["кривому", "розі"], "uk")
    assert phrase_candidates(["kryvyi", "rih"], "en") == ["kryvyi rih"]


@pytest.mark.parametrize(("word", "expected"), [
    ("d'izium", (2, 0)),
    ("l'oblast", (2, 0)),
    ("qu'il", (3, 0)),
    ("jusqu'kidal", (6, 0)),
    ("kharkiv's", (0, 2)),
    ("d'", (0, 0)),
    ("sevare", (0, 0)),
])
def test_clitics_are_french_elision_and_english_possessive(
        word: str, expected: tuple[int, int]) -> None:
    assert clitics(word) == expected


def test_the_dictionary_lemma_comes_before_the_rules() -> None:
    assert candidates("олешок", "uk")[:2] == ["олешок", "олешки"]  # no suffix rule gives it
    assert "ростов-на-дону" in candidates("ростові-на-дону", "uk")
