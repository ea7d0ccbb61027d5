"""Russian and Ukrainian dictionary forms, and vocabulary terms written in them matching
every form of their words. Fictional sentences, pseudonyms only."""

from __future__ import annotations

from testimonia.extract.matcher import TermMatcher
from testimonia.text.lemmas import lemmas
from testimonia.text.textfold import tokens


def test_lemmas_of_russian_and_ukrainian_words() -> None:
    assert lemmas("пакетом", "ru") == ("пакет",)
    assert lemmas("дроти", "uk")[0] == "дріт"
    assert lemmas("будили", "uk") == ("будити",)
    assert lemmas("ещё", "ru") == lemmas("еще", "ru")  # folded: ё is е
    assert lemmas("bag", "en") == () and lemmas("wires", "ru") == ()


def found(term: str, text: str, language: str) -> list[str]:
    return [m.key for m in TermMatcher([("k", term)], language).find(tokens(text))]


def test_a_word_in_its_dictionary_form_matches_every_form() -> None:
    assert found("пакет на голова", "Ему надели пакетом на голове", "ru") == ["k"]
    assert found("дріт ~ палець", "прикрутили дроти до пальців ніг", "uk") == ["k"]
    assert found("вода ~ не давать", "Воды нам не давали три дня", "ru") == ["k"]


def test_an_inflected_word_matches_that_form_only() -> None:
    assert found("ногами", "били ногами", "ru") == ["k"]
    assert found("ногами", "ноги опухли", "ru") == []


def test_no_lemmas_without_a_language_or_for_english() -> None:
    assert found("пакет на голова", "пакетом на голове", "") == []
    assert found("wire ~ toes", "tied wires to his toes", "en") == []
