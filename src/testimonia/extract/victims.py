"""Who an act was done to: the speaker, a named person, a group (with a count when the
text gives one), or someone unspecified.

A number is a count only when it counts people ("at least 40 men", "thirty of us",
«человек двадцать», «шестеро»), not hours, kilos or ribs ("for six hours", «два зуба»)."""

from __future__ import annotations

import bisect
import re
from itertools import pairwise
from typing import Any

from testimonia.extract.document import ExtractDoc
from testimonia.extract.sentences import Sentence
from testimonia.model import Mention

NUMBER_WORDS = {
    # en
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "hundred": 100, "dozen": 12,
    # fr
    "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7, "huit": 8, "neuf": 9, "dix": 10,
    "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "vingt": 20,
    "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60, "cent": 100, "douzaine": 12,
    "dizaine": 10, "vingtaine": 20, "trentaine": 30, "quarantaine": 40, "cinquantaine": 50,
    "centaine": 100,
    # ru
    "два": 2, "две": 2, "двух": 2, "три": 3, "трех": 3, "трёх": 3, "четыре": 4, "пять": 5,
    "шесть": 6, "семь": 7, "восемь": 8, "десять": 10, "двадцать": 20, "тридцать": 30,
    "сорок": 40, "пятьдесят": 50, "сто": 100,
    # uk (два, три, десять, сорок, сто are spelled as in Russian, above)
    "дві": 2, "двох": 2, "трьох": 3, "чотири": 4, "чотирьох": 4, "п'ять": 5, "п'ятьох": 5,
    "шість": 6, "сім": 7, "вісім": 8, "двадцять": 20, "тридцять": 30, "п'ятдесят": 50,
}
# Collective numerals count people by themselves («их было шестеро»), unless a unit of
# time follows («трое суток»).
COLLECTIVE = {"двое": 2, "двоих": 2, "трое": 3, "троих": 3, "четверо": 4, "четверых": 4,
              "пятеро": 5, "пятерых": 5, "шестеро": 6, "семеро": 7, "десятеро": 10,
              "двоє": 2, "троє": 3, "п'ятеро": 5}
NOT_PEOPLE = frozenset({"суток", "сутки", "діб", "доби"})
COUNTED = frozenset({"человек", "чоловік", "осіб", "людей", "душ"})  # "человек двадцать"
_NUMBER = re.compile(r"\b(\d{1,4})\b(?![.,:/-]?\d)")
WINDOW = 60  # characters around the act in which a count is looked for
REACH = 3  # words between a number and the people it counts ("six of its citizens")
AGENTS = frozenset({"by", "par"})  # "detained by armed men", "arrêté par des hommes"
_AND = re.compile(r"^\W*(?:and|et|и|і|й|та|з|с)\W*$", re.IGNORECASE)


def victim_of(doc: ExtractDoc, s: Sentence, term: Mention, cues: list[Mention]) -> dict[str, Any]:
    """From the cues that say who (already narrowed to the act's clause by the caller):
    a witness or someone else named → other; "us" → group; "me" → self; "me and my
    neighbour", "me and other detainees", "detainees" → group."""
    cues = [c for c in cues if not _actor(doc, c, cues)]
    kinds = {_kind(c) for c in cues}
    if ("witness" in kinds and _before(cues, "witness", term)) or "third_person" in kinds:
        if _joined(doc, cues):
            return {"who": "group", "count": _count(doc, s, term)}
        return _other(doc, s, term)
    if "group" in kinds:
        return {"who": "group", "count": _count(doc, s, term)}
    if "first_person" in kinds:
        me = min(c.start for c in cues if _kind(c) == "first_person")
        if any(_kind(c) == "people" and c.start > me for c in cues):
            return {"who": "group", "count": _count(doc, s, term)}
        return {"who": "self", "count": None}
    if "people" in kinds:
        return {"who": "group", "count": _count(doc, s, term)}
    return _other(doc, s, term)


def _actor(doc: ExtractDoc, c: Mention, cues: list[Mention]) -> bool:
    """Words for people that name who acted: "un homme m'a attaché", "a man hit me"
    (right before the speaker's pronoun; in Russian and Ukrainian that is a possessive,
    «сина мого»), "by armed men", "par des hommes en civil"."""
    if _kind(c) == "third_person" and doc.language in ("en", "fr") and any(
            _kind(o) == "first_person" and 0 <= o.start - c.end <= 1 for o in cues):
        return True
    before = doc.text[max(0, c.start - 12):c.start].lower().split()
    return _kind(c) in ("people", "third_person") and bool(before) and (
        before[-1] in AGENTS or (len(before) > 1 and before[-2] in AGENTS))


def _joined(doc: ExtractDoc, cues: list[Mention]) -> bool:
    """"me and my neighbour", «отца и брата»: the speaker and someone else, or two others,
    together."""
    others = [c for c in cues if _kind(c) == "third_person"]
    mine = [c for c in cues if _kind(c) == "first_person"  # not the "my" of "my brother"
            and not any(o.start <= c.start and c.end <= o.end for o in others)]
    ordered = sorted(others + mine, key=lambda c: c.start)
    return any(_AND.match(doc.text[a.end:b.start]) for a, b in pairwise(ordered))


def _other(doc: ExtractDoc, s: Sentence, term: Mention) -> dict[str, Any]:
    count = _count(doc, s, term)
    if count is not None:
        return {"who": "group", "count": count}
    people = [m for m in doc.of_kind("person") if s.start <= m.start and m.end <= s.end]
    if people:
        nearest = min(people, key=lambda m: abs(m.start - term.start))
        return {"who": "other", "count": None, "name": nearest.text}
    return {"who": "other", "count": None}


def _count(doc: ExtractDoc, s: Sentence, term: Mention) -> int | None:
    """A number close to the act that counts people and is not part of a date, time or
    identifier."""
    lo, hi = max(s.start, term.start - WINDOW), min(s.end, term.end + WINDOW)
    tokens = doc.tokens
    # the tokens within [lo, hi) (they follow each other, so they are one run) that may
    # count: the others are passed over below whatever surrounds them
    first = bisect.bisect_left(tokens, lo, key=lambda t: t.start)
    last = bisect.bisect_right(tokens, hi, key=lambda t: t.end)
    numbers = [i for i in range(first, last) if tokens[i].folded in COLLECTIVE
               or tokens[i].folded in NUMBER_WORDS or _NUMBER.fullmatch(tokens[i].folded)]
    if not numbers:
        return None
    periods = [m for m in doc.of_kind("period", "place", "facility") if m.start < hi and lo < m.end]
    people = {c.start for c in doc.cues if _kind(c) in ("people", "group")}
    for i in numbers:
        token = tokens[i]
        if any(p.start <= token.start < p.end for p in periods):
            continue
        after = tokens[i + 1:i + 1 + REACH]
        if token.folded in COLLECTIVE:
            if not after or after[0].folded not in NOT_PEOPLE:
                return COLLECTIVE[token.folded]
            continue
        value = NUMBER_WORDS.get(token.folded)
        if value is None and _NUMBER.fullmatch(token.folded):
            value = int(token.folded)
        if value is None or not 1 < value < 10_000 or 1900 <= value <= 2100:
            continue
        counted = any(t.start in people or t.folded in COUNTED for t in after) or (
            i > 0 and tokens[i - 1].folded in COUNTED)
        if counted:
            return value
    return None


def _kind(c: Mention) -> str:
    return str(c.value["cue"])


def _before(cues: list[Mention], kind: str, term: Mention) -> bool:
    return any(_kind(c) == kind and c.start < term.start for c in cues)
