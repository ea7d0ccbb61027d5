"""Case and accent folding with exact offsets, and a word tokenizer on top of it.

`fold` lowercases, strips diacritics from Latin letters (é→e, ç→c, ï→i), maps ё→е, keeps
the Ukrainian letters і ї є ґ and й as they are, turns every apostrophe-like mark into "'"
and every hyphen or dash into "-". It maps one character to one character, so offsets in
the folded string are offsets in the original. Decomposed input (a letter followed by a
combining accent) is the one case that needs `fold_with_offsets`, which drops the accent
and returns, for each folded character, the index of the original character it came from.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

__all__ = ["APOSTROPHES", "HYPHENS", "JOINING_HYPHENS", "Token", "fold", "fold_with_offsets",
           "is_cyrillic", "is_latin", "tokens", "word_sections"]

APOSTROPHES = "'’ʼ`′‘ʹ"
HYPHENS = "-‐‑‒–—―−\u00ad"
JOINING_HYPHENS = frozenset("-‐‑\u00ad")  # a hyphen inside a word; dashes split words
_EXTRA = {"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "ı": "i", "ħ": "h"}
_LATIN_RANGES = ((0x00C0, 0x024F), (0x1E00, 0x1EFF))
_TOKEN = re.compile(r"[^\W_]+(?:['-][^\W_]+)*")
_COMBINING = re.compile(r"[\u0300-\u036f]")


class Token(NamedTuple):
    """A word of the original text: `text[start:end]`, and its folded form. (A named tuple:
    a text has many, made faster than a frozen dataclass and no work for the collector.)"""

    start: int
    end: int
    folded: str


def _base_letter(char: str) -> str:
    decomposed = unicodedata.normalize("NFD", char)
    base = decomposed[0]
    if len(base) == 1 and base.isascii() and all(unicodedata.combining(c) for c in decomposed[1:]):
        return base
    return char


def _build_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for low, high in _LATIN_RANGES:
        for code in range(low, high + 1):
            base = _base_letter(chr(code))
            if base != chr(code):
                table[code] = base
    for char in APOSTROPHES:
        table[ord(char)] = "'"
    for char in HYPHENS:
        table[ord(char)] = "-"
    table[ord("ё")] = "е"
    table[ord("Ё")] = "Е"
    table.update({ord(k): v for k, v in _EXTRA.items()})
    table[0x0130] = "I"  # İ: its lowercase is two characters
    return table


_TABLE = _build_table()


def fold(text: str) -> str:
    """Folded `text`, character for character (`len(fold(t)) == len(t)`)."""
    return text.translate(_TABLE).lower()


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """Folded `text` without combining accents, and the original index of each folded
    character, plus one final entry `len(text)`: folded[i] came from text[offsets[i]]."""
    if not _COMBINING.search(text):
        return fold(text), list(range(len(text) + 1))
    chars: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        if unicodedata.combining(char) and chars:
            if is_cyrillic(chars[-1]):  # й, ї, ё written as a letter plus a combining mark
                composed = unicodedata.normalize("NFC", chars[-1] + char)
                chars[-1] = fold(composed) if len(composed) == 1 else chars[-1]
            continue
        chars.append(fold(char))
        offsets.append(index)
    offsets.append(len(text))
    return "".join(chars), offsets


def tokens(text: str) -> list[Token]:
    """Words of `text`: letters and digits, with apostrophes and hyphens inside a word
    ("l'eau", "Слов'янськ", "СИЗО-2"). A dash (– —) between two words splits them."""
    if _COMBINING.search(text) is None:  # folded character for character: same offsets
        folded, offsets = fold(text), None
    else:
        folded, offsets = fold_with_offsets(text)
    found: list[Token] = []
    for match in _TOKEN.finditer(folded):
        start, end = match.span()
        if folded.find("-", start, end) >= 0:
            for cut in _dash_cuts(text, folded, offsets, start, end):
                found.append(_token(folded, offsets, start, cut))
                start = cut + 1
        found.append(_token(folded, offsets, start, end) if offsets is not None
                     else _new(Token, (start, end, folded[start:end])))
    return found


_new = tuple.__new__  # Token(...) without its Python-level __new__, for the loop over a text's words


def _token(folded: str, offsets: list[int] | None, start: int, end: int) -> Token:
    if offsets is None:
        return Token(start, end, folded[start:end])
    return Token(offsets[start], offsets[end], folded[start:end])


def _dash_cuts(text: str, folded: str, offsets: list[int] | None, start: int, end: int) -> list[int]:
    """Positions of "-" in folded[start:end] that were dashes, not hyphens, in `text`."""
    return [i for i in range(start, end)
            if folded[i] == "-" and text[i if offsets is None else offsets[i]] not in JOINING_HYPHENS]


def is_cyrillic(word: str) -> bool:
    """True when the first letter of `word` is Cyrillic."""
    for char in word:
        if char.isalpha():
            return "\u0400" <= char <= "\u052f"
    return False


def is_latin(word: str) -> bool:
    """True when the first letter of `word` is Latin."""
    for char in word:
        if char.isalpha():
            return char.isascii() or "\u00c0" <= char <= "\u024f" or "\u1e00" <= char <= "\u1eff"
    return False


def word_sections(text: str) -> dict[str, set[str]]:
    """A word-list file's words, folded, by section: `[name]` opens a section, words before
    the first one are in section "", `#` starts a comment, words are separated by spaces."""
    sections: dict[str, set[str]] = {}
    current = sections.setdefault("", set())
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], set())
        else:
            current.update(fold(word) for word in line.split())
    return sections
