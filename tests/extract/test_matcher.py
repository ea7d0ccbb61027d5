"""Term matching over tokens: prefixes, gaps, elision, numbered words, dictionary forms,
and each word read once per matcher."""

from __future__ import annotations

from testimonia.extract.matcher import WORD_CACHE, TermMatcher, Word, compile_term
from testimonia.text.textfold import tokens


def _found(matcher: TermMatcher, text: str) -> list[tuple[str, str]]:
    return [(m.key, text[m.start:m.end]) for m in matcher.find(tokens(text))]


def test_prefixes_gaps_elision_and_numbered_words() -> None:
    matcher = TermMatcher([("method:beating", "избива*"), ("cue:negation", "ne ~ pas"),
                           ("facility:water", "eau"), ("facility:sizo", "сизо")])
    assert _found(matcher, "Они избивали нас") == [("method:beating", "избивали")]
    assert _found(matcher, "Je ne l'ai jamais vu pas") == [("cue:negation", "ne l'ai jamais vu pas")]
    assert _found(matcher, "Il n'y avait pas d'eau, ni l'eau") == [
        ("facility:water", "d'eau"), ("facility:water", "l'eau")]
    assert _found(matcher, "в СИЗО-2 Таганрога") == [("facility:sizo", "СИЗО-2")]


def test_a_word_is_read_once_per_matcher() -> None:
    matcher = TermMatcher([("act:detention", "detain"), ("act:arrest", "take ~ away")], "en")
    text = "They detained him. They had taken him away. They detained her."
    first = _found(matcher, text)
    assert first == [("act:detention", "detained"), ("act:arrest", "taken him away"),
                     ("act:detention", "detained")]
    assert _found(matcher, text) == first
    assert matcher.reading("detained") is matcher.reading("detained")
    info = matcher.reading.cache_info()
    assert info.misses == len({t.folded for t in tokens(text)}) and info.maxsize == WORD_CACHE


def test_readings_depend_on_the_matcher() -> None:
    """Only words beginning like a dictionary-form term word are lemmatised: the same word
    reads differently in two matchers."""
    detain = TermMatcher([("k", "detain")], "en")
    other = TermMatcher([("k", "held")], "en")
    assert detain.reading("detained").lemmas == ("detain",)
    assert other.reading("detained").lemmas == ()


def test_a_term_names_the_word_that_must_follow_its_first() -> None:
    """Tested on the next token before the rest of the term is tried."""
    assert compile_term("k", "в камере").then == Word("камере", False, False)
    assert compile_term("k", "пакетом на голове", "ru").then == Word("на", False, False, True)
    assert compile_term("k", "ne ~ pas").then is None
    assert compile_term("k", "electric shock*").then is None
    assert compile_term("k", "detain").then is None
    matcher = TermMatcher([("k", "в камере"), ("j", "в ~ камере")])
    assert _found(matcher, "в камере, в той камере, в") == [
        ("k", "в камере"), ("j", "в камере"), ("j", "в той камере")]
