"""Who an act was done to: the speaker, a named person, a group (with a count when the
text gives one), or someone unspecified."""

from __future__ import annotations

import re
from typing import Any

from testimonia.extract.document import ExtractDoc
from testimonia.extract.sentences import Sentence
from testimonia.model import Mention

NUMBER_WORDS = {
    # en
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "thirty": 30, "dozen": 12,
    # fr
    "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7, "huit": 8, "neuf": 9, "dix": 10,
    "onze": 11, "douze": 12, "vingt": 20, "trente": 30, "douzaine": 12,
    # ru
    "два": 2, "две": 2, "двое": 2, "двоих": 2, "три": 3, "трое": 3, "троих": 3, "четыре": 4,
    "четверо": 4, "пять": 5, "пятеро": 5, "шесть": 6, "шестеро": 6, "семь": 7, "семеро": 7,
    "восемь": 8, "десять": 10, "десятеро": 10, "двадцать": 20, "тридцать": 30,
    # uk (два, три, четверо, десять, десятеро are spelled as in Russian, above)
    "дві": 2, "троє": 3, "чотири": 4, "п'ять": 5, "п'ятеро": 5, "шість": 6,
    "сім": 7, "вісім": 8, "двадцять": 20, "тридцять": 30,
}
_NUMBER = re.compile(r"\b(\d{1,4})\b(?![.,:/-]?\d)")
WINDOW = 60  # characters around the act in which a count is looked for


def victim_of(doc: ExtractDoc, s: Sentence, term: Mention, cues: list[Mention]) -> dict[str, Any]:
    """From the cues that say who (already narrowed to the act's clause by the caller):
    a witness or someone else named → other; "us" → group; "me" → self."""
    kinds = {str(c.value["cue"]) for c in cues}
    if ("witness" in kinds and _before(cues, "witness", term)) or "third_person" in kinds:
        return _other(doc, s, term)
    if "group" in kinds:
        return {"who": "group", "count": _count(doc, s, term)}
    if "first_person" in kinds:
        return {"who": "self", "count": None}
    return _other(doc, s, term)


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
    """A number close to the act that is not part of a date, time or identifier."""
    lo, hi = max(s.start, term.start - WINDOW), min(s.end, term.end + WINDOW)
    periods = [m for m in doc.of_kind("period", "place", "facility") if m.start < hi and lo < m.end]
    for token in doc.tokens:
        if lo <= token.start and token.end <= hi and not any(
                p.start <= token.start < p.end for p in periods):
            value = NUMBER_WORDS.get(token.folded)
            if value is None and _NUMBER.fullmatch(token.folded):
                value = int(token.folded)
            if value is not None and 1 < value < 10_000 and not 1900 <= value <= 2100:
                return value
    return None


def _before(cues: list[Mention], kind: str, term: Mention) -> bool:
    return any(str(c.value["cue"]) == kind and c.start < term.start for c in cues)
