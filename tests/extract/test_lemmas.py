"""Dictionary forms in the four languages, and vocabulary terms written in them matching
every form of their words. Fictional sentences, pseudonyms only."""

from __future__ import annotations

import pytest

from testimonia.extract.matcher import TermMatcher
from testimonia.extract.pipeline import extract_text
from testimonia.text.lemmas import lemmas
from testimonia.text.textfold import tokens


def test_lemmas_of_russian_and_ukrainian_words() -> None:
    assert lemmas("пакетом", "ru") == ("пакет",)
    assert lemmas("дроти", "uk")[0] == "дріт"
    assert lemmas("будили", "uk") == ("будити",)
    assert lemmas("ещё", "ru") == lemmas("еще", "ru")  # folded: ё is е
    assert lemmas("wires", "ru") == () and lemmas("пакетом", "xx") == ()


def test_lemmas_of_english_and_french_words() -> None:
    assert lemmas("took", "en") == ("take",) and lemmas("detained", "en") == ("detain",)
    assert lemmas("detain", "en") == ("detain",)  # a lemma is its own dictionary form
    assert lemmas("arretes", "fr") == ("arreter",)  # folded, as the matcher's tokens are
    assert lemmas("emmenes", "fr") == ("emmener",)
    assert lemmas("qwzx", "en") == ()


def found(term: str, text: str, language: str) -> list[str]:
    return [m.key for m in TermMatcher([("k", term)], language).find(tokens(text))]


def test_a_word_in_its_dictionary_form_matches_every_form() -> None:
    assert found("пакет на голова", "Ему надели пакетом на голове", "ru") == ["k"]
    assert found("дріт ~ палець", "прикрутили дроти до пальців ніг", "uk") == ["k"]
    assert found("вода ~ не давать", "Воды нам не давали три дня", "ru") == ["k"]


def test_an_inflected_word_matches_that_form_only() -> None:
    assert found("ногами", "били ногами", "ru") == ["k"]
    assert found("ногами", "ноги опухли", "ru") == []


def test_no_lemmas_without_a_language() -> None:
    assert found("пакет на голова", "пакетом на голове", "") == []
    assert found("wire ~ toe", "tied wires to his toes", "") == []


def test_english_and_french_dictionary_forms_match_every_form() -> None:
    assert found("wire ~ toe", "tied wires to his toes", "en") == ["k"]
    assert found("take ~ away", "they had taken my brother away", "en") == ["k"]
    assert found("venir ~ chercher", "ils sont venus le chercher", "fr") == ["k"]
    assert found("held", "they hold him", "en") == []  # an inflected word: that form only


@pytest.mark.slow
@pytest.mark.parametrize(("text", "language", "method"), [
    ("Охранник надевал Тарасу на голову пакет, пока тот не терял сознание.", "ru", "suffocation"),
    ("Кормили нас раз в два дня, я скинул килограммов десять.", "ru", "starvation"),
    ("Свет в камере горел день и ночь, а каждые два часа нас будили.", "ru", "sleep_deprivation"),
    ("До пальців Остапа прикручували дроти і пускали струм.", "uk", "electric_shock"),
    ("Нас змушували годинами стояти з піднятими руками.", "uk", "stress_position"),
    ("Води не давали, їсти давали раз на день.", "uk", "deprivation_of_water"),
    ("Його приковували до батареї на всю ніч.", "uk", "restraint"),
    ("They tied an electric wire to his toes and turned it on.", "en", "electric_shock"),
    ("Ils lui versaient de l'eau sur un tissu mouillé posé sur le visage.", "fr", "waterboarding"),
    ("Un gobelet d'eau pour toute la journée, pour dix hommes.", "fr", "deprivation_of_water"),
    ("Les gardiens les maintenaient dans des positions douloureuses.", "fr", "stress_position"),
    ("Затриманих у підвалі годували впроголодь.", "uk", "starvation"),
    ("У камері без вентиляції була страшна задуха.", "uk", "exposure_to_extreme_temperature"),
    ("Former detainees said they were chased by dogs in the yard.", "en", "dog_attack"),
])
def test_methods_described_rather_than_named(text: str, language: str, method: str) -> None:
    assert method in {m for c in extract_text(text, language).claims for m in c.methods}


@pytest.mark.slow
def test_a_threat_to_a_suspect_who_will_not_sign_is_no_method_done() -> None:
    methods = {m for c in extract_text("Следователь сказал: «Не подпишешь — наденем пакет».", "ru").claims
               for m in c.methods}
    assert "suffocation" not in methods
