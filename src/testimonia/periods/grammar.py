"""Token grammar for time expressions (internal to :mod:`testimonia.periods.finder`).

A :class:`Parser` reads the expressions that start at a token and returns each
unresolved expression with the index of the first token after it.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import replace

from testimonia.periods.expr import CALENDAR_WEEK, DIGITS, Duration, Expr, Open, Point, Token, is_number, merge
from testimonia.periods.lexicon import DAY_SUFFIXES, HYPHEN_SUFFIXES, UNIT_DAYS, Lexicon, Phrases

_ABBREVIATED = frozenset({"г", "гг", "р", "рр"})
_SEPARATORS = frozenset("./-")
_OPEN_SIDES = frozenset({"from", "until", "before", "after"})
Parsed = tuple[Expr, int]


def _cyrillic(word: str) -> bool:
    """Russian and Ukrainian may leave out "one": "больше недели", "год назад"."""
    return "\u0400" <= word[:1] <= "\u04ff"


class Parser:
    """Reads expressions from a token list with one language's tables."""

    def __init__(self, tokens: Sequence[Token], lex: Lexicon, month_first: bool) -> None:
        self.t = tokens
        self.n = len(tokens)
        self.lex = lex
        self.month_first = month_first
        self._relative: dict[int, tuple[Point, int] | None] = {}  # read once per token

    # -- small readers -------------------------------------------------------------
    def norm(self, i: int) -> str:
        return self.t[i].norm if i < self.n else ""

    def adjacent(self, i: int) -> bool:
        """Token i touches token i - 1 (no space between)."""
        return 0 < i < self.n and self.t[i - 1].end == self.t[i].start

    def phrase(self, i: int, table: Phrases) -> tuple[str, int] | None:
        if i >= self.n:
            return None
        for words, value in table.get(self.t[i].norm, ()):  # words[0] is token i's
            end = i + len(words)
            if end <= self.n and all(self.t[i + k].norm == words[k] for k in range(1, len(words))):
                return value, end
        return None

    def integer(self, i: int, max_digits: int) -> int | None:
        if i < self.n and is_number(self.t[i]) and len(self.t[i].norm) <= max_digits:
            return int(self.t[i].norm)
        return None

    def suffix(self, i: int, words: frozenset[str]) -> int:
        """Skip an ordinal ending glued to the number before i ("1er", "5th", "2023-го")."""
        if self.adjacent(i) and self.norm(i) in words:
            return i + 1
        if self.norm(i) == "-" and self.adjacent(i) and self.adjacent(i + 1):
            return i + 2 if self.norm(i + 1) in HYPHEN_SUFFIXES else i
        return i

    def year(self, i: int) -> tuple[int, int] | None:
        value = self.integer(i, 4)
        if value is None or len(self.t[i].norm) != 4 or not 1900 <= value <= 2099:
            return None
        j = self.suffix(i + 1, frozenset())
        glued = j + 1 if self.norm(j) == "-" and self.adjacent(j) else j
        if self.adjacent(glued) and self.norm(glued).isalpha() and (
                self.norm(glued) not in self.lex.year_words):
            return None  # "1990s", "1990-х": decades are not handled
        if self.norm(j) in self.lex.year_words:
            dot = self.norm(j) in _ABBREVIATED and self.norm(j + 1) == "." and self.adjacent(j + 1)
            j += 2 if dot else 1
        return value, j

    def day(self, i: int) -> tuple[int, int] | None:
        value = self.integer(i, 2)
        if value is None or not 1 <= value <= 31 or self.norm(i + 1) == ":":
            return None
        return value, self.suffix(i + 1, DAY_SUFFIXES)

    def month_word(self, i: int) -> tuple[int, int, int] | None:
        """(month, weakness, next index); an abbreviation's dot is part of it."""
        entry = self.lex.months.get(self.norm(i))
        if entry is None:
            return None
        month, weak = entry
        if weak and self.norm(i + 1) == "." and self.adjacent(i + 1):
            return month, weak, i + 2
        return (month, weak, i + 1) if weak != 2 else None

    def skip_article(self, i: int) -> int:
        return i + 1 if self.norm(i) in self.lex.articles else i

    def cued(self, i: int) -> bool:
        """A preposition such as "in", "en", "в" stands right before token i."""
        j = i - 1
        if j >= 0 and self.t[j].norm in self.lex.articles:
            j -= 1
        return j >= 0 and self.t[j].norm in self.lex.cues

    # -- points --------------------------------------------------------------------
    def point(self, i: int, ctx: str) -> tuple[Point, int] | None:
        """A calendar point; ctx is "plain", "opened" (after since/until) or "range"."""
        j, approx, part = i, False, None
        if (hit := self.phrase(j, self.lex.approx)) is not None:
            approx, j = True, hit[1]
        if (hit := self.phrase(j, self.lex.parts)) is not None:
            part, j = hit
        if j != i or ctx != "plain":
            j = self.skip_article(j)
        cued = part is not None or ctx != "plain" or self.cued(i)
        core = self.core(j, ctx, cued)
        if core is None or (part is not None and core[0].kind in ("day", "dayonly")):
            return None
        p, end = core
        return (replace(p, part=part, approx=True) if part or approx else p), end

    def core(self, i: int, ctx: str, cued: bool) -> tuple[Point, int] | None:
        if i >= self.n:
            return None
        if is_number(self.t[i]):
            return self.numeric(i) or self.day_first(i, ctx) or self.year_point(i)
        if (noun := self.phrase(i, self.lex.year_nouns)) is not None:
            return self.year_point(noun[1])
        if (month := self.month_word(i)) is not None:
            return self.month_point(i, month, ctx, cued)
        if (season := self.phrase(i, self.lex.seasons)) is not None:
            return self.season_point(season, ctx, cued)
        return None

    def year_point(self, i: int) -> tuple[Point, int] | None:
        found = self.year(i)
        return None if found is None else (Point("year", year=found[0]), found[1])

    def numeric(self, i: int) -> tuple[Point, int] | None:
        """14.07.2022, 14/07/2022, 14-07-2022 (day first) and ISO 2022-07-14."""
        if i + 4 >= self.n or not all(self.adjacent(k) for k in range(i + 1, i + 5)):
            return None
        sep = self.norm(i + 1)
        parts = [self.norm(k) for k in (i, i + 2, i + 4)]
        if sep not in _SEPARATORS or self.norm(i + 3) != sep or not all(
                p[0] in DIGITS for p in parts):
            return None
        a, b, c = (int(p) for p in parts)
        if len(parts[0]) == 4 and sep == "-" and len(parts[1]) <= 2 and len(parts[2]) <= 2:
            ymd = [(a, b, c)]
        elif len(parts[2]) == 4 and len(parts[0]) <= 2 and len(parts[1]) <= 2:
            ymd = [(c, b, a), (c, a, b)] if sep == "/" else [(c, b, a)]
        else:
            return None
        for y, m, d in ymd:
            if 1900 <= y <= 2099 and 1 <= m <= 12 and 1 <= d <= calendar.monthrange(y, m)[1]:
                return Point("day", year=y, month=m, day=d), i + 5
        return None

    def year_tail(self, p: Point, i: int) -> tuple[Point, int]:
        """An explicit or relative year after a day, month or season, if any."""
        j = i + 1 if self.norm(i) in ("of", ",") and self.year(i + 1) else i
        if (found := self.year(j)) is not None:
            return replace(p, year=found[0], anchor="explicit"), found[1]
        if (rel := self.phrase(i, self.lex.year_suffixes)) is not None:
            return replace(p, anchor="offset", offset=int(rel[0])), rel[1]
        if p.kind != "day" and (last := self.phrase(i, self.lex.last_suffixes)) is not None:
            return replace(p, anchor="last"), last[1]
        return p, i

    def day_first(self, i: int, ctx: str) -> tuple[Point, int] | None:
        found = self.day(i)
        if found is None:
            return None
        value, j = found
        if self.norm(j) == "of" and self.month_word(j + 1):
            j += 1
        month = self.month_word(j)
        if month is None:
            if ctx != "range":
                return None
            p, end = self.year_tail(Point("dayonly", day=value, anchor="context"), j)
            return (p, end) if p.anchor in ("context", "explicit") else None
        return self.dated(Point("day", month=month[0], day=value, anchor="context"), month[2])

    def dated(self, p: Point, i: int) -> tuple[Point, int] | None:
        p, end = self.year_tail(p, i)
        year = p.year if p.year is not None else 2000  # a leap year: 29 February is fine
        if p.month is None or p.day is None or p.day > calendar.monthrange(year, p.month)[1]:
            return None
        return p, end

    def month_point(self, i: int, month: tuple[int, int, int], ctx: str,
                    cued: bool) -> tuple[Point, int] | None:
        number, weak, j = month
        if self.month_first and (found := self.day(j)) is not None and (
                not weak or self.t[i].upper):
            return self.dated(Point("day", month=number, day=found[0], anchor="context"),
                              found[1])
        p, end = self.year_tail(Point("month", month=number, anchor="context"), j)
        if p.anchor != "context":
            return p, end
        if weak:
            return (p, end) if ctx == "range" and (self.t[i].upper or weak == 2) else None
        return (p, end) if cued else None

    def season_point(self, season: tuple[str, int], ctx: str,
                     cued: bool) -> tuple[Point, int] | None:
        value, j = season
        name, _, kind = value.partition("|")
        p, end = self.year_tail(Point("season", season=name, anchor="context"), j)
        if p.year is not None and name == "winter" and self.norm(end) in ("-", "/", "–"):
            nxt = self.year(end + 1)
            end = nxt[1] if nxt and nxt[0] == p.year + 1 else end
        if p.anchor != "context" or kind == "adverb" or (cued and kind != "weak"):
            return p, end
        return None

    # -- relative expressions ------------------------------------------------------
    def count(self, i: int) -> tuple[float, bool, bool, int] | None:
        """(value, vague, article-like, next index) of a count word or number."""
        if (value := self.integer(i, 3)) is not None:
            return float(value), False, False, i + 1
        if (hit := self.phrase(i, self.lex.numbers)) is None:
            return None
        text, end = hit
        return float(text.rstrip("~a")), text.endswith("~"), text.endswith("a"), end

    def ago_point(self, count: float, unit: str, vague: bool) -> Point | None:
        if count != int(count):
            return None
        kind = {"year": "year", "month": "month"}.get(unit, "day")
        return Point(kind, anchor="ago", offset=int(count), unit=unit,
                     approx=vague or unit != "day")

    def relative(self, i: int) -> tuple[Point, int] | None:
        """last year, в прошлом году, торік, last March, this spring, two years ago, il y a..."""
        if i not in self._relative:
            self._relative[i] = self._read_relative(i)
        return self._relative[i]

    def _read_relative(self, i: int) -> tuple[Point, int] | None:
        if (fixed := self.phrase(i, self.lex.rel_phrases)) is not None:
            name, _, offset = fixed[0].partition(":")
            return self.unit_offset(name, int(offset)), fixed[1]
        if (pre := self.phrase(i, self.lex.ago_prefix)) is not None:
            found = self.count(pre[1])
            if found is not None and (unit := self.lex.units.get(self.norm(found[3]))):
                p = self.ago_point(found[0], unit, found[1])
                return None if p is None else (p, found[3] + 1)
            return None
        j = prep[1] if (prep := self.phrase(i, self.lex.rel_preps)) is not None else i
        if (word := self.phrase(j, self.lex.rel_words)) is not None:
            return self.last_this(int(word[0]), word[1])
        return self.ago(i)

    def unit_offset(self, unit: str, offset: int) -> Point:
        if unit == "year":
            return Point("year", anchor="offset", offset=offset)
        if unit == "week":  # "last week": the calendar week before the interview's, Monday to Sunday
            return Point("day", anchor="ago", offset=-offset, unit=CALENDAR_WEEK)
        return Point("month", anchor="ago", offset=-offset, unit="month")

    def last_this(self, offset: int, j: int) -> tuple[Point, int] | None:
        if (unit := self.lex.rel_units.get(self.norm(j))) is not None:
            return self.unit_offset(unit, offset), j + 1
        if offset not in (0, -1):
            return None
        anchor = "last" if offset == -1 else "this"
        month = self.month_word(j)
        if month is not None and (month[1] == 0 or self.t[j].upper):
            return Point("month", month=month[0], anchor=anchor), month[2]
        if (season := self.phrase(j, self.lex.seasons)) is not None:
            return Point("season", season=season[0].partition("|")[0], anchor=anchor), season[1]
        return None

    def ago(self, i: int) -> tuple[Point, int] | None:
        found = self.count(i)
        value, vague, j = (found[0], found[1], found[3]) if found else (1.0, False, i)
        unit = self.lex.units.get(self.norm(j))
        if unit is None or (found is None and not _cyrillic(self.norm(j))):
            return None
        if (ago := self.phrase(j + 1, self.lex.ago)) is None:
            return None
        p = self.ago_point(value, unit, vague)
        return None if p is None else (p, ago[1])

    # -- durations, ranges, open periods -------------------------------------------
    def duration(self, i: int) -> tuple[Duration, int] | None:
        j = prep[1] if (prep := self.phrase(i, self.lex.duration_preps)) else i
        j = comp[1] if (comp := self.phrase(j, self.lex.comparators)) else j
        found = self.count(j)
        if found is None and not (comp and _cyrillic(self.norm(j))):
            return None
        value, vague, article, j = found if found else (1.0, False, False, j)
        unit = self.lex.units.get(self.norm(j))
        lead = prep is not None or comp is not None
        if unit is None or (article and not lead) or value <= 0:
            return None
        if not lead and unit == "day" and value == 1 and not is_number(self.t[i]):
            return None  # "one day they came"
        approx, end = comp is not None or vague, j + 1
        if (tail := self.phrase(end, self.lex.duration_suffixes)) is not None:
            value += 0.5 if tail[0] == "half" else 0
            approx, end = approx or tail[0] == "approx", tail[1]
        return Duration(round(value * UNIT_DAYS[unit]), approx), end

    def any_point(self, i: int, ctx: str) -> tuple[Point, int] | None:
        found = [r for r in (self.point(i, ctx), self.relative(i)) if r is not None]
        return max(found, key=lambda r: r[1]) if found else None

    def second(self, i: int, first: Point) -> tuple[Point, int] | None:
        """The end of a range; "2022-23" gives 2023."""
        short = self.integer(i, 2)
        if first.kind == "year" and first.year and short is not None and self.adjacent(i):
            year = first.year // 100 * 100 + short
            return (Point("year", year=year), i + 1) if year > first.year else None
        return self.any_point(i, "range")

    def opened(self, i: int) -> Parsed | None:
        """Ranges ("from March to May 2023", "2022-2024") and open periods ("since ...")."""
        opener = self.phrase(i, self.lex.openers)
        role, j = opener if opener is not None else ("", i)
        first = self.any_point(j, "range")
        if first is None:
            return None
        link = self.phrase(first[1], self.lex.connectors)
        if link is not None and (role == "between" or (
                link[0] in ("to", "dash") and role in ("", "from", "range"))):
            last = self.second(link[1], first[0])
            merged = merge(first[0], last[0]) if last is not None else None
            if merged is not None and last is not None:
                return merged, last[1]
        if role in _OPEN_SIDES:
            alone = self.any_point(j, "opened")
            if alone is not None and alone[0].kind != "dayonly":
                return Open(alone[0], role), alone[1]
        return None

    def parses(self, i: int) -> list[Parsed]:
        """Every expression starting at token i, longest first (earlier kinds win ties).
        Each reading is tried only where it can begin (Lexicon.*_starts, Lexicon.leads)."""
        word, number, lex = self.t[i].norm, is_number(self.t[i]), self.lex
        if not number and word in lex.leads and self.norm(i + 1) not in lex.leads[word]:
            return []  # «в» before anything but «начале», «течение», «прошлом»…
        found = [parsed for parsed in (
            self.opened(i) if number or word in lex.opened_starts else None,
            self.relative(i) if number or word in lex.relative_starts else None,
            self.duration(i) if number or word in lex.duration_starts else None,
            self.point(i, "plain") if number or word in lex.point_starts else None)
            if parsed is not None]
        return sorted(found, key=lambda parsed: -parsed[1])
