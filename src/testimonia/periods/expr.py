"""Tokens and unresolved time expressions (internal to :mod:`testimonia.periods.finder`).

The text is cut into tokens (words, ASCII digit runs, single punctuation marks) with
character offsets. The grammar turns tokens into a :class:`Point`, :class:`Range`,
:class:`Open` or :class:`Duration`; those are resolved to dates elsewhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import NamedTuple

from testimonia.periods.lexicon import SEASON_MONTHS

_TOKEN = re.compile(r"[^\W\d_]+(?:['’ʼ][^\W\d_]+)*['’ʼ]?|[0-9]+|\S")
_ELISION = re.compile(r"[^'’ʼ]+['’ʼ]?|['’ʼ]")
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "ё": "е"})
DIGITS = frozenset("0123456789")


class Token(NamedTuple):
    norm: str  # lower-case, ё folded, apostrophes folded
    start: int
    end: int
    upper: bool  # the original starts with a capital letter


def _token(raw: str, start: int) -> Token:
    return Token(raw.lower().translate(_APOSTROPHES), start, start + len(raw), raw[0].isupper())


def tokenize(text: str) -> list[Token]:
    """Tokens with offsets; a Latin-script elision ("l'année") is split after the apostrophe."""
    tokens: list[Token] = []
    make = tuple.__new__  # Token(...) without its Python-level __new__: this loop runs once per word
    low = text.lower().translate(_APOSTROPHES)
    if len(low) != len(text):  # a letter whose lower case is longer ("İ"): token by token
        low = ""
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        norm = low[start:end] if low else text[start:end].lower().translate(_APOSTROPHES)
        if "'" in norm[:-1] and ord(text[start]) < 0x400:
            raw = text[start:end]
            tokens += [_token(p.group(), start + p.start()) for p in _ELISION.finditer(raw)]
        else:
            tokens.append(make(Token, (norm, start, end, text[start].isupper())))
    return tokens


def is_number(token: Token) -> bool:
    return token.norm[0] in DIGITS


CALENDAR_WEEK = "calendar_week"  # a Point's unit for "last week": Monday to Sunday


@dataclass(frozen=True, slots=True)
class Point:
    """One calendar unit: a day, a month, a season or a year, possibly relative."""

    kind: str  # "year" | "month" | "season" | "day" | "dayonly" (a day number in a range)
    year: int | None = None
    month: int | None = None
    day: int | None = None
    season: str | None = None
    part: str | None = None  # "early" | "mid" | "late"
    anchor: str = "explicit"  # "explicit" | "context" | "offset" | "last" | "this" | "ago"
    offset: int = 0  # years for "offset", a count of `unit` for "ago"
    unit: str | None = None
    approx: bool = False


@dataclass(frozen=True, slots=True)
class Range:
    first: Point
    last: Point


@dataclass(frozen=True, slots=True)
class Open:
    point: Point
    side: str  # "from" | "until" | "before" | "after"


@dataclass(frozen=True, slots=True)
class Duration:
    days: int
    approx: bool


Expr = Point | Range | Open | Duration


def _month_key(p: Point) -> tuple[int, int]:
    if p.kind == "season" and p.season:
        return SEASON_MONTHS[p.season][0], 0
    return p.month or 0, p.day or 0


def _shift(p: Point, years: int) -> Point:
    if p.anchor == "explicit" and p.year is not None:
        return replace(p, year=p.year + years)
    return replace(p, offset=p.offset + years)


def _borrow(p: Point, source: Point, later: bool) -> Point:
    """Give a point without a year the year of the other end of its range."""
    moved = replace(p, year=source.year, anchor=source.anchor, offset=source.offset)
    if later and _month_key(moved) < _month_key(source):
        return _shift(moved, 1)
    if not later and _month_key(moved) > _month_key(source):
        return _shift(moved, -1)
    return moved


def merge(first: Point, last: Point) -> Range | None:
    """Share the month and year between the ends of a range ("from 5 to 12 August 2024")."""
    if first.kind == "dayonly":
        if last.kind != "day":
            return None
        first = replace(last, day=first.day)
    if last.kind == "dayonly":
        if first.kind != "day":
            return None
        if last.year is not None and first.anchor == "context":
            first = replace(first, year=last.year, anchor="explicit")
        last = replace(first, day=last.day)
    shareable = ("explicit", "offset")
    if first.anchor == "context" and last.anchor in shareable:
        first = _borrow(first, last, later=False)
    elif last.anchor == "context" and first.anchor in shareable:
        last = _borrow(last, first, later=True)
    return Range(first, last)
