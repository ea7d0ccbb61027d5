"""What the analysis keeps of a claim: a compact `Fact`, made once as the claim is read.

The analysis reads claims as a stream (one batch of claims decrypted at a time) and
never holds their JSON bodies: each claim is reduced to the few values the steps use —
its allegations, its period as days, its victim, whether it is a denial, a transfer,
first-hand — and every repeated value (a document id, a source, a tuple of
allegations, a period, a span of days) is kept once and shared (`Interner`). A million
claims are then a million small objects, not a million parsed documents.
"""

from __future__ import annotations

import json
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeVar

from testimonia.analysis.inputs import ClaimIn
from testimonia.shapes import ClaimJson, PeriodJson

__all__ = ["CELL_ACTS", "PRECISE_DAYS", "TORTURE", "Fact", "Interner", "Span", "allegations", "fact_of",
           "period_span"]

CELL_ACTS = ("detention", "killing", "disappearance")  # acts that are allegations in themselves
PRECISE_DAYS = 92  # a period this short or shorter separates episodes
TORTURE = frozenset({"torture", "cruel_inhuman_treatment"})  # violations that deny every method
T = TypeVar("T", bound=Hashable)


@dataclass(frozen=True)
class Span:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def overlap(self, other: Span) -> int:
        return max(0, (min(self.end, other.end) - max(self.start, other.start)).days + 1)

    def near(self, other: Span, gap: timedelta) -> bool:
        return self.start <= other.end + gap and other.start <= self.end + gap

    def label(self) -> str:
        a, b = self.start, self.end
        if (a.year, a.month) == (b.year, b.month):
            return f"{a.year}-{a.month:02d}"
        if (a.month, a.day, b.month, b.day) == (1, 1, 12, 31) and a.year == b.year:
            return f"{a.year}"
        return f"{a.year}-{a.month:02d}..{b.year}-{b.month:02d}"


def period_span(period: PeriodJson | None) -> Span | None:
    """The days a period covers; a period open at one end covers three months from it."""
    period = period or {}
    start, end = _day(period.get("start")), _day(period.get("end"))
    if start is None and end is None:
        return None
    open_end = timedelta(days=PRECISE_DAYS - 1)  # "from February": some months from then
    if start is None:
        assert end is not None
        start = end - open_end
    if end is None:
        end = start + open_end
    return Span(min(start, end), max(start, end))


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def allegations(body: ClaimJson) -> list[str]:
    named = [*body["methods"], *body["violations"]]
    return named + ([f"act:{body['act']}"] if body["act"] in CELL_ACTS else [])


class Interner:
    """One shared copy of each repeated value (strings, tuples, periods, spans)."""

    def __init__(self) -> None:
        self.values: dict[Any, Any] = {}
        self.spans: dict[tuple[str | None, str | None], Span | None] = {}

    def __call__(self, value: T) -> T:
        kept: T = self.values.setdefault(value, value)
        return kept

    def span(self, dates: tuple[str | None, str | None]) -> Span | None:
        if dates not in self.spans:
            self.spans[dates] = period_span({"start": dates[0], "end": dates[1]})
        return self.spans[dates]


class Fact:
    """A claim as the analysis uses it (see the module's docstring). `sites` is set by
    site resolution: the claim's sites in the order of its places."""

    __slots__ = ("act", "allegations", "any_method", "crossing", "dates", "denial", "document_id", "first_hand",
                 "forces", "id", "label", "languages", "methods", "period", "quote", "sites", "source",
                 "source_kind", "span", "transfer", "victim")

    def __init__(self, claim: ClaimIn, shared: Interner) -> None:
        body = claim.body
        self.id = claim.id
        self.document_id = shared(claim.document_id)
        self.source = shared(claim.source) if claim.source is not None else None
        self.source_kind = shared(claim.source_kind) if claim.source_kind is not None else None
        self.label = shared(claim.label)
        self.act = shared(body["act"])
        self.methods: tuple[str, ...] = shared(tuple(sorted(body["methods"])))
        self.allegations: tuple[str, ...] = shared(tuple(allegations(body)))
        self.denial = bool(body["denial"])
        self.first_hand = bool(body["first_hand"])
        period = body.get("period")
        # The period as the claim writes it, kept as its JSON text (a trajectory's stop
        # gives it back; a text is a fifth of a parsed period's memory), and its dates.
        self.period: str | None = shared(json.dumps(period, ensure_ascii=False)) if period is not None else None
        self.dates: tuple[str | None, str | None] = shared(
            (period.get("start"), period.get("end")) if period else (None, None))
        self.span = shared.span(self.dates)
        self.forces: tuple[str, ...] = shared(tuple(p["canonical"] for p in body["perpetrators"] if p["canonical"]))
        self.languages: tuple[str, ...] = shared(tuple(body.get("interrogation_languages") or ()))
        victim = body["victim"]
        self.victim: tuple[str, str | None] = shared((victim["who"], victim.get("name")))
        transfer = body.get("transfer")
        self.transfer = bool(transfer)
        countries = (transfer["from"].get("country"), transfer["to"].get("country")) if transfer else (None, None)
        self.crossing = None not in countries and countries[0] != countries[1]
        # What a denial denies: its allegations, detention as such, every method (ill-treatment as such)
        self.quote: str | None = body["evidence"][0]["quote"] if self.denial and body["evidence"] else None
        self.any_method = self.denial and ((self.act == "ill_treatment" and not body["methods"])
                                           or bool(TORTURE & set(body["violations"])))
        self.sites: tuple[str, ...] = ()

    def denied(self) -> set[str]:
        found = set(self.allegations)
        if self.act == "detention" and not self.methods:
            found.add("act:detention")
        return found


def fact_of(claim: ClaimIn, shared: Interner | None = None) -> Fact:
    return Fact(claim, shared if shared is not None else Interner())
