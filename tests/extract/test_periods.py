"""Time expressions in EN/FR/RU/UK testimony text, normalised to calendar periods."""

from __future__ import annotations

import datetime as dt
import importlib.util
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from testimonia.periods.expr import tokenize
from testimonia.periods.finder import Period, PeriodMatch, find_periods
from testimonia.periods.grammar import Parser
from testimonia.periods.lexicon import lexicon
from testimonia.periods.spelled import spell_out

REF = dt.date(2023, 6, 15)  # the interview date used by the relative cases


def P(start: str | None, end: str | None, precision: str, days: int | None = None,
      approx: bool = False) -> Period:
    return Period(start, end, precision, days, approx)  # type: ignore[arg-type]


Y21, Y22, Y23 = (P(f"{y}-01-01", f"{y}-12-31", "year") for y in (2021, 2022, 2023))
MAR23 = P("2023-03-01", "2023-03-31", "month")
MAR_MAY23 = P("2023-03-01", "2023-05-31", "range")
Y22_24 = P("2022-01-01", "2024-12-31", "range")
AUG_5_12 = P("2024-08-05", "2024-08-12", "range")
SINCE_MAR22 = P("2022-03-01", None, "open_ended")
UNTIL_MAR23 = P(None, "2023-03-31", "open_ended")
SUMMER22 = P("2022-06-01", "2022-08-31", "season")
EARLY23 = P("2023-01-01", "2023-04-30", "year", approx=True)
LATE_MAR23 = P("2023-03-21", "2023-03-31", "month", approx=True)
AGO2 = P("2021-01-01", "2021-12-31", "year", approx=True)
LAST_MAR = P("2023-03-01", "2023-03-31", "month")
JULY14 = P("2022-07-14", "2022-07-14", "day")

CASES: list[tuple[str, str, str, Period]] = [
    # English
    ("en", "They held me in March 2023.", "March 2023", MAR23),
    ("en", "On 27 March 2022 they came.", "27 March 2022", P("2022-03-27", "2022-03-27", "day")),
    ("en", "It was March 27, 2022.", "March 27, 2022", P("2022-03-27", "2022-03-27", "day")),
    ("en", "the 5th of August 2022", "5th of August 2022", P("2022-08-05", "2022-08-05", "day")),
    ("en", "They came on 14.07.2022.", "14.07.2022", JULY14),
    ("en", "They came on 14/07/2022.", "14/07/2022", JULY14),
    ("en", "Record dated 2022-07-14.", "2022-07-14", JULY14),
    ("en", "in spring 2022", "spring 2022", P("2022-03-01", "2022-05-31", "season")),
    ("en", "in the summer of 2022", "summer of 2022", SUMMER22),
    ("en", "in the winter of 2022", "winter of 2022", P("2022-12-01", "2023-02-28", "season")),
    ("en", "during the rainy season of 2023", "rainy season of 2023",
     P("2023-06-01", "2023-09-30", "season")),
    ("en", "in early 2023", "early 2023", EARLY23),
    ("en", "in mid-2023", "mid-2023", P("2023-05-01", "2023-08-31", "year", approx=True)),
    ("en", "in late March 2023", "late March 2023", LATE_MAR23),
    ("en", "between 2022 and 2024", "between 2022 and 2024", Y22_24),
    ("en", "from March to May 2023", "from March to May 2023", MAR_MAY23),
    ("en", "from 5 to 12 August 2024", "from 5 to 12 August 2024", AUG_5_12),
    ("en", "August 5-12, 2024", "August 5-12, 2024", AUG_5_12),
    ("en", "March–May 2023", "March–May 2023", MAR_MAY23),
    ("en", "held 2022-2024", "2022-2024", Y22_24),
    ("en", "from December to February 2023", "from December to February 2023",
     P("2022-12-01", "2023-02-28", "range")),
    ("en", "since March 2022", "since March 2022", SINCE_MAR22),
    ("en", "until March 2023", "until March 2023", UNTIL_MAR23),
    ("en", "before March 2022", "before March 2022", P(None, "2022-02-28", "open_ended")),
    ("en", "for over a week", "for over a week", P(None, None, "duration", 7, True)),
    ("en", "for three weeks", "for three weeks", P(None, None, "duration", 21)),
    ("en", "it happened last year", "last year", Y22),
    ("en", "two years ago", "two years ago", AGO2),
    ("en", "last March", "last March", LAST_MAR),
    ("en", "this spring", "this spring", P("2023-03-01", "2023-05-31", "season")),
    ("en", "around 2019", "around 2019", P("2019-01-01", "2019-12-31", "year", approx=True)),
    ("en", "Sept. 2022", "Sept. 2022", P("2022-09-01", "2022-09-30", "month")),
    ("en", "In May 2022 they took him", "May 2022", P("2022-05-01", "2022-05-31", "month")),
    # French
    ("fr", "en mars 2023", "mars 2023", MAR23),
    ("fr", "le 14 juillet 2022", "14 juillet 2022", JULY14),
    ("fr", "le 1er mars 2023", "1er mars 2023", P("2023-03-01", "2023-03-01", "day")),
    ("fr", "en févr. 2022", "févr. 2022", P("2022-02-01", "2022-02-28", "month")),
    ("fr", "l'hiver 2022", "hiver 2022", P("2022-12-01", "2023-02-28", "season")),
    ("fr", "à la fin de la saison des pluies 2023", "à la fin de la saison des pluies 2023",
     P("2023-09-01", "2023-09-30", "season", approx=True)),
    ("fr", "pendant l'hivernage 2022", "hivernage 2022", P("2022-06-01", "2022-09-30", "season")),
    ("fr", "début 2023", "début 2023", EARLY23),
    ("fr", "fin mars 2023", "fin mars 2023", LATE_MAR23),
    ("fr", "mi-mars 2023", "mi-mars 2023", P("2023-03-11", "2023-03-20", "month", approx=True)),
    ("fr", "entre 2022 et 2024", "entre 2022 et 2024", Y22_24),
    ("fr", "de mars à mai 2023", "de mars à mai 2023", MAR_MAY23),
    ("fr", "du 5 au 12 août 2024", "du 5 au 12 août 2024", AUG_5_12),
    ("fr", "depuis mars 2022", "depuis mars 2022", SINCE_MAR22),
    ("fr", "jusqu'à mars 2023", "jusqu'à mars 2023", UNTIL_MAR23),
    ("fr", "pendant trois semaines", "pendant trois semaines", P(None, None, "duration", 21)),
    ("fr", "plus d'un mois", "plus d'un mois", P(None, None, "duration", 30, True)),
    ("fr", "l'année dernière", "l'année dernière", Y22),
    ("fr", "il y a deux ans", "il y a deux ans", AGO2),
    ("fr", "en mars dernier", "mars dernier", LAST_MAR),
    ("fr", "l'été dernier", "été dernier", SUMMER22),
    ("fr", "cet été", "cet été", P("2023-06-01", "2023-08-31", "season")),
    # Russian
    ("ru", "в марте 2023 года", "марте 2023 года", MAR23),
    ("ru", "24 февраля 2022 года", "24 февраля 2022 года", P("2022-02-24", "2022-02-24", "day")),
    ("ru", "летом 2022", "летом 2022", SUMMER22),
    ("ru", "весной 2022-го", "весной 2022-го", P("2022-03-01", "2022-05-31", "season")),
    ("ru", "в 2023-м", "2023-м", Y23),
    ("ru", "в 2023 г. его задержали", "2023 г.", Y23),
    ("ru", "в начале 2023 года", "в начале 2023 года", EARLY23),
    ("ru", "с марта по май 2023 года", "с марта по май 2023 года", MAR_MAY23),
    ("ru", "с 2022 по 2024 год", "с 2022 по 2024 год", Y22_24),
    ("ru", "с 5 по 12 августа 2024 года", "с 5 по 12 августа 2024 года", AUG_5_12),
    ("ru", "с марта 2022 года", "с марта 2022 года", SINCE_MAR22),
    ("ru", "до 2023 года", "до 2023 года", P(None, "2023-12-31", "open_ended")),
    ("ru", "больше недели", "больше недели", P(None, None, "duration", 7, True)),
    ("ru", "три недели", "три недели", P(None, None, "duration", 21)),
    ("ru", "в течение двух месяцев", "в течение двух месяцев", P(None, None, "duration", 60)),
    ("ru", "в прошлом году", "в прошлом году", Y22),
    ("ru", "два года назад", "два года назад", AGO2),
    ("ru", "в марте прошлого года", "марте прошлого года", P("2022-03-01", "2022-03-31", "month")),
    ("ru", "прошлой весной", "прошлой весной", P("2023-03-01", "2023-05-31", "season")),
    # Ukrainian
    ("uk", "влітку 2022", "влітку 2022", SUMMER22),
    ("uk", "24 лютого 2022 року", "24 лютого 2022 року", P("2022-02-24", "2022-02-24", "day")),
    ("uk", "у березні 2023 р.", "березні 2023 р.", MAR23),
    ("uk", "у листопаді 2022 року", "листопаді 2022 року", P("2022-11-01", "2022-11-30", "month")),
    ("uk", "наприкінці березня 2023", "наприкінці березня 2023", LATE_MAR23),
    ("uk", "на початку 2023 року", "на початку 2023 року", EARLY23),
    ("uk", "з березня по травень 2023 року", "з березня по травень 2023 року", MAR_MAY23),
    ("uk", "від 2022 до 2024 року", "від 2022 до 2024 року", Y22_24),
    ("uk", "від 5 до 12 серпня 2024 року", "від 5 до 12 серпня 2024 року", AUG_5_12),
    ("uk", "з березня 2022", "з березня 2022", SINCE_MAR22),
    ("uk", "понад тиждень", "понад тиждень", P(None, None, "duration", 7, True)),
    ("uk", "два місяці", "два місяці", P(None, None, "duration", 60)),
    ("uk", "кілька тижнів", "кілька тижнів", P(None, None, "duration", 14, True)),
    ("uk", "минулого року", "минулого року", Y22),
    ("uk", "торік", "торік", Y22),
    ("uk", "два роки тому", "два роки тому", AGO2),
    ("uk", "в березні минулого року", "березні минулого року",
     P("2022-03-01", "2022-03-31", "month")),
    ("uk", "восени 2021 року", "восени 2021 року", P("2021-09-01", "2021-11-30", "season")),
]


@pytest.mark.parametrize(("language", "text", "matched", "expected"), CASES,
                         ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_expression(language: str, text: str, matched: str, expected: Period) -> None:
    found = find_periods(text, language, REF)
    assert [(m.text, m.period) for m in found] == [(matched, expected)]
    assert all(text[m.start:m.end] == m.text for m in found)


def test_at_least_fifteen_cases_per_language() -> None:
    for language in ("en", "fr", "ru", "uk"):
        assert sum(c[0] == language for c in CASES) >= 15


@pytest.mark.parametrize(("language", "text"), [
    ("en", "They put us in cell 12 with 300 people."),
    ("en", "He was sent to colony No. 120 at 14:30."),
    ("en", "Call +7 916 123-45-67 or 050 2015 123."),
    ("en", "They may beat you, they may not."),
    ("en", "One day they came back."),
    ("en", "After the fall of the town, about 2000 people fled."),
    ("en", "Room 2019 was cold; the 1990s were different."),
    ("fr", "Il a été frappé pendant la nuit."),
    ("fr", "Il parlait de la planète Mars."),
    ("fr", "Un jour, ils sont revenus."),
    ("ru", "Его держали в СИЗО-2, камера 2019."),
    ("ru", "Там было 2000 человек, до войны."),
    ("ru", "Колония № 120, в 90-е годы."),
    ("uk", "Він був з 5 людьми в камері 12."),
    ("uk", "Був лютий вітер."),
])
def test_false_positives_yield_nothing(language: str, text: str) -> None:
    assert find_periods(text, language, REF) == []


@pytest.mark.parametrize(("language", "text"), [
    ("en", "last year"), ("en", "two years ago"), ("en", "last March"), ("en", "this spring"),
    ("fr", "l'année dernière"), ("fr", "il y a deux ans"), ("fr", "en mars dernier"),
    ("ru", "в прошлом году"), ("ru", "два года назад"), ("ru", "в марте прошлого года"),
    ("uk", "минулого року"), ("uk", "два роки тому"), ("en", "on 5 August"),
    ("ru", "в мае"), ("uk", "влітку"),
])
def test_relative_without_reference_is_unresolved(language: str, text: str) -> None:
    (match,) = find_periods(text, language)
    assert match.period == P(None, None, "relative_unresolved")


def test_day_without_year_takes_the_preceding_explicit_year() -> None:
    text = "I was arrested in 2021. On 5 August they moved me; on 3 September 2022 I left."
    found = find_periods(text, "en", REF)
    assert [(m.text, m.period.start) for m in found] == [
        ("2021", "2021-01-01"), ("5 August", "2021-08-05"), ("3 September 2022", "2022-09-03")]


def test_day_without_year_takes_the_reference_year_in_the_past() -> None:
    (before,) = find_periods("on 5 May", "en", REF)
    (after,) = find_periods("on 5 August", "en", REF)
    assert (before.period.start, after.period.start) == ("2023-05-05", "2022-08-05")


def test_matches_are_ordered_and_do_not_overlap() -> None:
    text = ("Depuis mars 2022, il a été détenu pendant trois semaines, puis "
            "de mars à mai 2023, et libéré le 14.07.2023.")
    found = find_periods(text, "fr", REF)
    assert [m.text for m in found] == ["Depuis mars 2022", "pendant trois semaines",
                                       "de mars à mai 2023", "14.07.2023"]
    assert all(a.end <= b.start for a, b in pairwise(found))


def test_to_json() -> None:
    (match,) = find_periods("from 5 to 12 August 2024", "en")
    assert match.to_json() == {
        "start": "2024-08-05", "end": "2024-08-12", "precision": "range",
        "duration_days": None, "approximate": False, "text": "from 5 to 12 August 2024",
        "span": [0, 24]}


def test_period_rejects_an_end_before_its_start() -> None:
    with pytest.raises(ValueError):
        P("2024-01-01", "2023-01-01", "range")
    with pytest.raises(ValueError):
        P(None, None, "fortnight")


def test_impossible_dates_are_skipped() -> None:
    assert find_periods("31.06.2022 and 29.02.2023", "en") == []
    assert [m.text for m in find_periods("29.02.2024", "en")] == ["29.02.2024"]


def test_unknown_language_uses_every_word_list() -> None:
    found = find_periods("March 2023, mars 2023, марта 2023 года, березня 2023 року", "und")
    assert [m.period for m in found] == [MAR23] * 4


@pytest.mark.skipif(importlib.util.find_spec("dateparser") is None,
                    reason="dateparser is an optional fallback")
def test_dateparser_fallback_is_opt_in() -> None:
    text = "It was August the 5th, 2022."
    assert [m.text for m in find_periods(text, "en")] == ["2022"]
    found = find_periods(text, "en", fallback=True)
    assert [(m.text, m.period.start, m.period.precision) for m in found] == [
        ("August the 5th, 2022", "2022-08-05", "day")]


_WORDS = ("March", "mars", "марта", "березня", "May", "may", "2022", "2023", "12", "5", "1er",
          "from", "to", "between", "and", "since", "until", "de", "à", "с", "по", "з", "до",
          "early", "late", "fin", "в начале", "наприкінці", "last", "year", "ago", "назад",
          "тому", "il y a", "deux", "ans", "три", "недели", "for", "over", "a", "week",
          "summer", "летом", "влітку", "winter", "-", "–", ".", "/", ":", ",", "'", "l'",
          "прошлого года", "the", "of", "14.07.2022", "2022-07-14", "31", "02", "29")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=14), st.lists(st.sampled_from(" ,-./"),
       min_size=14, max_size=14), st.sampled_from(["en", "fr", "ru", "uk", "und"]),
       st.one_of(st.none(), st.dates()))
def test_property_offsets_and_order(words: list[str], gaps: list[str], language: str,
                                    reference: dt.date | None) -> None:
    text = "".join(w + g for w, g in zip(words, gaps, strict=False))  # gaps is the longer: the last ones go unused
    _check(text, find_periods(text, language, reference))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80), st.sampled_from(["en", "fr", "ru", "uk"]))
def test_property_any_text(text: str, language: str) -> None:
    _check(text, find_periods(text, language, REF))


def _check(text: str, found: list[PeriodMatch]) -> None:
    for m in found:
        assert text[m.start:m.end] == m.text and m.start < m.end
        p = m.period
        if p.start is not None and p.end is not None:
            assert p.start <= p.end
    assert all(a.end <= b.start for a, b in pairwise(found))


def _lexicon_words(language: str) -> list[str]:
    """A few words or phrases of every table of the language's lexicon."""
    lex = lexicon(language)
    found = set(lex.articles)
    for words in (lex.months, lex.units, lex.rel_units, lex.cues, lex.year_words):
        found |= set(sorted(words)[:3])
    for table in (lex.seasons, lex.openers, lex.connectors, lex.parts, lex.approx, lex.comparators,
                  lex.duration_preps, lex.duration_suffixes, lex.numbers, lex.ago, lex.ago_prefix,
                  lex.rel_words, lex.rel_preps, lex.rel_phrases, lex.year_suffixes, lex.last_suffixes,
                  lex.year_nouns):
        found |= {" ".join(words) for entries in sorted(table.values())[:3] for words, _ in entries}
    return sorted(found) + ["2022", "12", "5", "31", "14.07.2022", "-", ",", "kept", "нас"]


@settings(max_examples=1000, deadline=None)
@given(st.sampled_from(["en", "fr", "ru", "uk", "und"]), st.data())
def test_a_reading_is_tried_only_where_it_can_begin(language: str, data: st.DataObject) -> None:
    """Lexicon.*_starts leave out no reading that could begin at a token."""
    words = data.draw(st.lists(st.sampled_from(_lexicon_words(language)), max_size=12))
    _same_readings(" ".join(words), language)


@pytest.mark.parametrize(("language", "text"), [
    ("fr", "les mars à mai 2022"), ("en", "the March to May 2022"), ("fr", "le 5 mars au 12 mai"),
    ("ru", "в начале марта и по май"), ("uk", "у середині березня 2022 року"), ("en", "for two weeks"),
    ("ru", "не менее трех недель"), ("fr", "il y a deux ans"), ("en", "a week ago"),
    ("ru", "в прошлом году"), ("ru", "в течение двух недель"), ("uk", "на початку березня"),
    ("en", "at least two weeks"), ("fr", "au milieu de l' été 2022"),
])
def test_each_reading_begins_where_it_can(language: str, text: str) -> None:
    assert _parses_at_first(text, language)
    _same_readings(text, language)


def _parses_at_first(text: str, language: str) -> list[object]:
    lex = lexicon(language)
    return list(Parser(spell_out(tokenize(text), lex), lex, month_first=language == "en").parses(0))


def _same_readings(text: str, language: str) -> None:
    lex = lexicon(language)
    tokens = spell_out(tokenize(text), lex)
    parser = Parser(tokens, lex, month_first=language == "en")
    for i in range(len(tokens)):
        every = [p for p in (parser.opened(i), parser.relative(i), parser.duration(i),
                             parser.point(i, "plain")) if p is not None]
        assert parser.parses(i) == sorted(every, key=lambda parsed: -parsed[1]), (text, i)
