"""Turn parsed time expressions into calendar ranges (internal to ``periods``).

A point without its own year takes the nearest preceding explicit year in the text, or
else the interview date's year (moved back one year if the date would fall after the
interview). Relative points ("last year", "two years ago") need the interview date.
Without the year they need, the result is ``relative_unresolved``.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import NamedTuple

from testimonia.periods.expr import CALENDAR_WEEK, Duration, Expr, Open, Point, Range
from testimonia.periods.lexicon import SEASON_MONTHS

_ONE_DAY = dt.timedelta(days=1)


class Resolved(NamedTuple):
    start: dt.date | None
    end: dt.date | None
    precision: str
    duration_days: int | None
    approximate: bool


class _Bounds(NamedTuple):
    start: dt.date
    end: dt.date
    approximate: bool


def _last_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _months(start: dt.date, end: dt.date) -> list[tuple[int, int]]:
    first, last = start.year * 12 + start.month - 1, end.year * 12 + end.month - 1
    return [divmod(k, 12) for k in range(first, last + 1)]


def _part(kind: str, start: dt.date, end: dt.date, part: str) -> tuple[dt.date, dt.date]:
    """Early / mid / late: the first, middle or last third (days of a month, months else)."""
    if kind == "month":
        days = {"early": (1, 10), "mid": (11, 20), "late": (21, end.day)}[part]
        return start.replace(day=days[0]), start.replace(day=days[1])
    months = _months(start, end)
    third = max(1, len(months) // 3)
    chosen = {"early": months[:third], "mid": months[third:len(months) - third] or months,
              "late": months[len(months) - third:]}[part]
    (y1, m1), (y2, m2) = chosen[0], chosen[-1]
    return dt.date(y1, m1 + 1, 1), _last_day(y2, m2 + 1)


def _calendar(p: Point, year: int) -> tuple[dt.date, dt.date]:
    """The first and last day of a point, given its year."""
    if p.kind == "year":
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if p.kind == "season" and p.season is not None:
        first, last = SEASON_MONTHS[p.season]
        return dt.date(year, first, 1), _last_day(year + (last < first), last)
    if p.month is None:
        raise ValueError("a point without a month")
    if p.kind == "month":
        return dt.date(year, p.month, 1), _last_day(year, p.month)
    day = dt.date(year, p.month, p.day or 1)
    return day, day


def _occurrence(p: Point, ref: dt.date) -> int:
    """The year of "last March" / "this spring" as said on the interview date."""
    years = range(ref.year, ref.year - 3, -1)
    if p.anchor == "last":
        return next(y for y in years if _calendar(p, y)[1] < ref)
    containing = [y for y in years if _calendar(p, y)[0] <= ref <= _calendar(p, y)[1]]
    return containing[0] if containing else ref.year


def _ago(p: Point, ref: dt.date) -> tuple[dt.date, dt.date]:
    if p.unit == CALENDAR_WEEK:
        monday = ref - dt.timedelta(days=ref.weekday() + 7 * p.offset)
        return monday, monday + dt.timedelta(days=6)
    if p.unit == "year":
        return _calendar(p, ref.year - p.offset)
    if p.unit == "month":
        year, month = divmod(ref.year * 12 + ref.month - 1 - p.offset, 12)
        return dt.date(year, month + 1, 1), _last_day(year, month + 1)
    day = ref - dt.timedelta(days=p.offset * (7 if p.unit == "week" else 1))
    return day, day


def _year(p: Point, context: int | None, ref: dt.date | None) -> int | None:
    if p.anchor == "explicit":
        return p.year
    if p.anchor == "context" and context is not None:
        return context
    if ref is None:
        return None
    if p.anchor == "offset":
        return ref.year + p.offset
    if p.anchor in ("last", "this"):
        return _occurrence(p, ref)
    return ref.year - 1 if _calendar(p, ref.year)[0] > ref else ref.year


def bounds(p: Point, context: int | None, ref: dt.date | None) -> _Bounds | None:
    """Calendar bounds of a point; None when it needs a year that is not known."""
    if p.anchor == "ago":
        if ref is None:
            return None
        start, end = _ago(p, ref)
        return _Bounds(start, end, p.approx)
    year = _year(p, context, ref)
    if year is None:
        return None
    start, end = _calendar(p, year)
    if p.part is not None and p.kind != "day":
        start, end = _part(p.kind, start, end, p.part)
    return _Bounds(start, end, p.approx)


def precision_of(p: Point) -> str:
    if p.unit == CALENDAR_WEEK:
        return "range"
    return "day" if p.kind == "dayonly" else p.kind


_UNRESOLVED = Resolved(None, None, "relative_unresolved", None, False)


def resolve(expr: Expr, context: int | None, ref: dt.date | None) -> Resolved | None:
    """Dates for an expression; None when it makes no sense (an end before its start).

    Raises ValueError for impossible dates (31 June, 29 February 2023).
    """
    if isinstance(expr, Duration):
        return Resolved(None, None, "duration", expr.days, expr.approx)
    if isinstance(expr, Point):
        b = bounds(expr, context, ref)
        return _UNRESOLVED if b is None else Resolved(
            b.start, b.end, precision_of(expr), None, b.approximate)
    if isinstance(expr, Range):
        first = bounds(expr.first, context, ref)
        last = None if first is None else _range_end(expr.last, first.start, context, ref)
        if first is None or last is None:
            return _UNRESOLVED
        if first.start > last.end:
            return None
        return Resolved(first.start, last.end, "range", None,
                        first.approximate or last.approximate)
    return _open(expr, context, ref)


def _range_end(p: Point, start: dt.date, context: int | None,
               ref: dt.date | None) -> _Bounds | None:
    """The end of a range; if it has no year of its own it follows its start."""
    if p.anchor != "context":
        return bounds(p, context, ref)
    end = bounds(p, start.year, ref)
    return end if end is None or end.end >= start else bounds(p, start.year + 1, ref)


def _open(expr: Open, context: int | None, ref: dt.date | None) -> Resolved:
    b = bounds(expr.point, context, ref)
    if b is None:
        return _UNRESOLVED
    start = {"from": b.start, "after": b.end + _ONE_DAY}.get(expr.side)
    end = {"until": b.end, "before": b.start - _ONE_DAY}.get(expr.side)
    return Resolved(start, end, "open_ended", None, b.approximate)


def explicit_year(expr: Expr) -> int | None:
    """The last year written out in an expression (context for later bare dates)."""
    found = [p.year for p in _points(expr) if p.anchor == "explicit" and p.year is not None]
    return found[-1] if found else None


def _points(expr: Expr) -> list[Point]:
    if isinstance(expr, Point):
        return [expr]
    if isinstance(expr, Range):
        return [expr.first, expr.last]
    if isinstance(expr, Open):
        return [expr.point]
    return []
