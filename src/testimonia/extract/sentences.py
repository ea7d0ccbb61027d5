"""Sentence and paragraph spans, by rule: fast, the same for every language, and exact
offsets into the text (no model; spaCy's parser would cost more than the whole rest).

A paragraph ends at a blank line. A sentence ends at . ! ? … (with closing quotes or
brackets) followed by space and a capital, digit, quote or dash — unless the word before
the full stop is a known abbreviation or an initial. A single line break also ends a
sentence when the line ends with punctuation or the next line starts a new speaker turn
or list item; otherwise it is a wrapped line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PARAGRAPH = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_END = re.compile(r"[.!?…]+[\"'»”’)\]]*\s+(?=[\"'«“‘(\[—–-]?\s*[^\W_a-zà-ÿа-яёіїєґ])|"
                  r"(?<=[.!?…:;\"'»”’)\]])[ \t]*\n(?=\s*\S)|"
                  r"\n(?=\s*(?:[-–—•*]|\d+[.)]\s|[A-ZА-ЯЁІЇЄҐ][\w .'-]{0,20}:))")
_ABBREVIATIONS = frozenset("""
mr mrs ms dr st no nos vs etc approx fig p pp cf e.g i.e jan feb mar apr jun jul aug sep sept oct nov dec
m mme mlle me ste av bd env
г гг ул им т.е т.д т.п д с стр рис обл р-н ок пер просп вул ім див
""".split())


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    paragraph: int


def split_sentences(text: str) -> list[Sentence]:
    sentences: list[Sentence] = []
    for number, (p_start, p_end) in enumerate(_paragraphs(text)):
        start = p_start
        for match in _END.finditer(text, p_start, p_end):
            if _is_abbreviation(text, p_start, match.start()):
                continue
            sentences += _trimmed(text, start, match.end(), number)
            start = match.end()
        sentences += _trimmed(text, start, p_end, number)
    return sentences


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in _PARAGRAPH.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def _is_abbreviation(text: str, floor: int, stop: int) -> bool:
    if stop >= len(text) or text[stop] != ".":
        return False
    word_start = stop
    while word_start > floor and (text[word_start - 1].isalpha() or text[word_start - 1] == "."):
        word_start -= 1
    word = text[word_start:stop].lower().rstrip(".")
    return word in _ABBREVIATIONS or (len(word) == 1 and text[word_start].isupper())


def _trimmed(text: str, start: int, end: int, paragraph: int) -> list[Sentence]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return [Sentence(start, end, paragraph)] if end > start else []
