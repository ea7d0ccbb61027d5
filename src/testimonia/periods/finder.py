"""Find time expressions in testimony text and normalise them to calendar periods.

``find_periods(text, language, reference)`` returns every period found, in text order,
with character offsets. It covers dates, months, seasons (including the Sahel rainy
season), years, early/mid/late sub-ranges, ranges, open periods ("since March 2022"),
durations ("for three weeks") and expressions relative to the interview date ("last
year", "два года назад"), in English, French, Russian and Ukrainian. See docs/periods.md.

Parsing is a small hand-written token grammar (no dateparser on the common path).
dateparser, if installed, is used only with ``fallback=True``, and then only on short
spans around an unmatched month name next to a number.
"""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal, cast, get_args

from testimonia.periods.expr import Expr, Token, is_number, tokenize
from testimonia.periods.grammar import Parser
from testimonia.periods.lexicon import LANGUAGES, NUMBER_LEFT, NUMBER_RIGHT, lexicon
from testimonia.periods.resolve import Resolved, explicit_year, resolve
from testimonia.periods.spelled import spell_out

__all__ = ["PRECISIONS", "Period", "PeriodMatch", "Precision", "find_periods"]

Precision = Literal["day", "month", "season", "year", "range", "open_ended", "duration",
                    "relative_unresolved"]
PRECISIONS: tuple[str, ...] = get_args(Precision)
_NUMBER_GLUE = frozenset("-./:")
_MONEY = frozenset("$€£₽₴+#№%")
_FALLBACK_WINDOW = 5


@dataclass(frozen=True)
class Period:
    """A normalised period. Dates are ISO "YYYY-MM-DD"; either end may be open (None).

    ``approximate`` marks a fuzzy expression: early/mid/late, "around", "more than", a vague
    count ("several weeks") or a relative count ("two years ago").
    """

    start: str | None
    end: str | None
    precision: Precision
    duration_days: int | None = None
    approximate: bool = False

    def __post_init__(self) -> None:
        if self.precision not in PRECISIONS:
            raise ValueError(f"unknown precision {self.precision!r}")
        if self.start is not None and self.end is not None and self.start > self.end:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")

    def to_json(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "precision": self.precision,
                "duration_days": self.duration_days, "approximate": self.approximate}


@dataclass(frozen=True)
class PeriodMatch:
    """A period found in a text: ``text[start:end] == self.text``."""

    start: int
    end: int
    text: str
    period: Period

    def to_json(self) -> dict[str, Any]:
        """The period's fields plus the matched ``text`` and its character ``span``."""
        return {**self.period.to_json(), "text": self.text, "span": [self.start, self.end]}


def find_periods(text: str, language: str, reference: dt.date | None = None, *,
                 fallback: bool = False) -> list[PeriodMatch]:
    """Every time expression in ``text``, in order, without overlaps.

    ``language`` is "en", "fr", "ru" or "uk" (anything else uses all four word lists).
    ``reference`` is the interview date: it resolves relative expressions and dates
    without a year when no year was written earlier in the text. ``fallback`` lets
    dateparser try month names the grammar could not place (slow; off by default).
    """
    lex = lexicon(language)
    tokens = spell_out(tokenize(text), lex)
    parser = Parser(tokens, lex, month_first=language not in ("fr", "ru", "uk"))
    found: list[PeriodMatch] = []
    context: int | None = None
    after = 0  # the first token not inside an expression found
    for i in [k for k, token in enumerate(tokens) if token.norm in lex.triggers or is_number(token)]:
        if i < after:
            continue
        for expr, end in parser.parses(i):
            resolved = _safe_resolve(expr, context, reference) if _plausible(
                text, tokens, i, end) else None
            if resolved is not None and found and context is not None and explicit_year(expr) is None:
                resolved = _forward(expr, resolved, found[-1].period, context, reference)
            if resolved is not None:
                found.append(_match(text, tokens[i].start, tokens[end - 1].end, resolved))
                context = explicit_year(expr) or context
                after = end
                break
    return _fallback(text, tokens, found, language) if fallback else found


def _forward(expr: Expr, resolved: Resolved, previous: Period, context: int, ref: dt.date | None) -> Resolved:
    """A month or day without a year that would fall before the date told just before it
    belongs to the next year: a story goes forward ("in November 2022 … and from there,
    in early January, to Taganrog" is January 2023), unless that is after the interview."""
    if resolved.end is None or previous.start is None or resolved.end.isoformat() >= previous.start:
        return resolved
    later = _safe_resolve(expr, context + 1, ref)
    if later is None or later.start is None or (ref is not None and later.start > ref):
        return resolved
    return later


def _safe_resolve(expr: Expr, context: int | None, ref: dt.date | None) -> Resolved | None:
    try:
        return resolve(expr, context, ref)
    except (ValueError, OverflowError):  # 31 June, 29 February 2023, years out of range
        return None


def _match(text: str, start: int, end: int, r: Resolved) -> PeriodMatch:
    period = Period(
        start=None if r.start is None else r.start.isoformat(),
        end=None if r.end is None else r.end.isoformat(),
        precision=_precision(r.precision), duration_days=r.duration_days,
        approximate=r.approximate,
    )
    return PeriodMatch(start, end, text[start:end], period)


def _precision(value: str) -> Precision:
    if value not in PRECISIONS:
        raise ValueError(f"unknown precision {value!r}")
    return cast(Precision, value)


def _char(text: str, k: int) -> str:
    return text[k] if 0 <= k < len(text) else ""


def _plausible(text: str, tokens: list[Token], i: int, end: int) -> bool:
    """Reject matches that are part of a longer number (phones, ids, times, money)."""
    start, stop = tokens[i].start, tokens[end - 1].end
    if _char(text, start - 1).isdigit() or _char(text, stop).isdigit():
        return False
    if is_number(tokens[i]) and _glued(text, start - 1, -1):
        return False
    if is_number(tokens[end - 1]) and _glued(text, stop, 1):
        return False
    return _number_context_ok(tokens, i, end)


def _glued(text: str, k: int, step: int) -> bool:
    """The character at k ties the number next to it to more digits or to money."""
    char = _char(text, k)
    return char != "" and (char in _MONEY or (
        char in _NUMBER_GLUE and _char(text, k + step).isdigit()))


def _number_context_ok(tokens: list[Token], i: int, end: int) -> bool:
    """Not "No. 2023", "about 2000 people", nor a year-like group of a phone number."""
    prev = i - 1 if i == 0 or tokens[i - 1].norm != "." else i - 2
    nxt = end if end < len(tokens) else None
    lone = end - i == 1
    if prev >= 0 and is_number(tokens[i]) and (tokens[prev].norm in NUMBER_LEFT or (
            lone and is_number(tokens[prev]) and tokens[i].start - tokens[prev].end <= 2)):
        return False
    # "about 2000 soldiers" is a count; "March 2023 soldiers came" is a date: a year right
    # after a month is never a count, so a noun of counting does not reject it.
    after_month = end - i >= 2 and tokens[end - 2].norm in lexicon("").months
    return nxt is None or not is_number(tokens[end - 1]) or after_month or not (
        tokens[nxt].norm in NUMBER_RIGHT or (
            lone and is_number(tokens[nxt]) and tokens[nxt].start - tokens[i].end <= 2))


# -- optional dateparser fallback -------------------------------------------------------
@lru_cache(maxsize=8)
def _date_parser(language: str) -> Any:
    """A dateparser DateDataParser (imported lazily: it takes about a second to load)."""
    module = importlib.import_module("dateparser.date")
    languages = [language] if language in LANGUAGES else list(LANGUAGES)
    return module.DateDataParser(languages=languages, settings={
        "REQUIRE_PARTS": ["month", "year"], "DATE_ORDER": "DMY",
        "PREFER_DAY_OF_MONTH": "first"})


def _fallback(text: str, tokens: list[Token], found: list[PeriodMatch],
              language: str) -> list[PeriodMatch]:
    """Let dateparser read the spans around month names that the grammar left unmatched.

    A span may swallow bare-year matches inside it ("August the 5th, 2022").
    """
    months = lexicon(language).months
    kept = list(found)
    for k, token in enumerate(tokens):
        if months.get(token.norm, (0, 1))[1] or any(
                m.start <= token.start < m.end for m in kept):
            continue
        window = range(max(0, k - _FALLBACK_WINDOW), min(len(tokens), k + _FALLBACK_WINDOW + 1))
        numbers = [j for j in window if is_number(tokens[j])]
        span = (tokens[min(numbers + [k])].start, tokens[max(numbers + [k])].end)
        inside = [m for m in kept if m.start < span[1] and span[0] < m.end]
        if not numbers or any(m.period.precision != "year" or m.start < span[0]
                              or m.end > span[1] for m in inside):
            continue
        match = _dateparser_match(text, span, language)
        if match is not None:
            kept = [m for m in kept if m not in inside] + [match]
    return sorted(kept, key=lambda m: m.start)


def _dateparser_match(text: str, span: tuple[int, int], language: str) -> PeriodMatch | None:
    data = _date_parser(language).get_date_data(text[span[0]:span[1]])
    when = data.date_obj
    if when is None or not 1900 <= when.year <= 2099:
        return None
    day = when.date()
    if "day" in data.parts:
        return _match(text, *span, Resolved(day, day, "day", None, False))
    month = day.replace(day=1)
    last = (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return _match(text, *span, Resolved(month, last, "month", None, False))
