"""Spelled-out ordinal years and days in Russian and Ukrainian testimony."""

from __future__ import annotations

import datetime as dt

import pytest

from testimonia.periods.finder import find_periods


@pytest.mark.parametrize(("language", "text", "quoted", "start", "end"), [
    ("uk", "Це квітень двадцять другого був, ночі холодні.", "квітень двадцять другого",
     "2022-04-01", "2022-04-30"),
    ("uk", "Забрали мене в березні двадцять другого, прямо з двору.", "березні двадцять другого",
     "2022-03-01", "2022-03-31"),
    ("uk", "У таборі, у двадцять другому, нас тримали під сонцем.", "двадцять другому",
     "2022-01-01", "2022-12-31"),
    ("ru", "В двадцать втором году это было, в Хомбори.", "двадцать втором году",
     "2022-01-01", "2022-12-31"),
    ("ru", "Это было в двадцатом году.", "двадцатом году", "2020-01-01", "2020-12-31"),
    ("uk", "Його забрали у двадцять третьому році.", "двадцять третьому році",
     "2023-01-01", "2023-12-31"),
])
def test_a_spelled_year_is_read_and_quoted_in_the_witness_words(
        language: str, text: str, quoted: str, start: str, end: str) -> None:
    [match] = find_periods(text, language)
    assert match.text == quoted == text[match.start:match.end]
    assert (match.period.start, match.period.end) == (start, end)


def test_a_spelled_day_before_a_month_is_a_day() -> None:
    [match] = find_periods("Сына забрали двадцать третьего августа, прямо из дома.", "ru",
                           dt.date(2023, 1, 10))
    assert match.text == "двадцать третьего августа"
    assert (match.period.start, match.period.precision) == ("2022-08-23", "day")


@pytest.mark.parametrize(("language", "text"), [
    ("ru", "Дом двадцать второй на этой улице."),
    ("uk", "Він жив у двадцять другому будинку на розі."),  # a locative, but a house
    ("ru", "Другого раза не было."),
])
def test_a_spelled_ordinal_without_a_year_cue_is_no_date(language: str, text: str) -> None:
    assert find_periods(text, language) == []
