"""Spelled-out ordinals that witnesses use for years and days in Russian and Ukrainian.

Speakers rarely say "2022": they say «в двадцать втором году», «у двадцять другому»,
«квітень двадцять другого», and «двадцать третьего августа» for a day. ``spell_out``
replaces each such phrase in a token list by one number token covering the same
characters ("2022", or "23" before a month name), so the grammar reads it as it reads
digits and the matched span still quotes the witness's own words.

A phrase becomes a year only where the words around it say so: a year noun follows
(«году», «року»), a month name comes before it, or a preposition comes before a locative
form that ends its clause («у двадцять другому, нас…»). Elsewhere it is left alone ("двадцать второго" alone may be
a day, a house number or a count).
"""

from __future__ import annotations

from testimonia.periods.expr import Token
from testimonia.periods.lexicon import Lexicon

__all__ = ["spell_out"]

_TENS = {"двадцат": 20, "двадцят": 20, "тридцат": 30, "тридцят": 30}
_TENS_HEADS = ("двадц", "тридц")  # what every form of a tens word begins with
_UNITS = {
    "перв": 1, "перш": 1, "втор": 2, "друг": 2, "трет": 3, "четверт": 4, "четвёрт": 4,
    "пят": 5, "п'ят": 5, "шест": 6, "шост": 6, "седьм": 7, "сьом": 7, "восьм": 8,
    "девят": 9, "дев'ят": 9,
}
_ENDINGS = ("ого", "ому", "ом", "ым", "ім", "им", "ий", "ый", "ой", "ое", "ая", "а", "е", "ее",
            "ьего", "ьему", "ьем", "ього", "ьому", "ьої", "ій", "ої", "ою", "є", "ье", "і", "ю", "ья", "ьей")
_LOCATIVE = ("ом", "ому", "ім", "ьем", "ьему", "ьому")
_PREPOSITIONS = frozenset({"в", "во", "у", "с", "з", "із", "зі", "до", "по", "на", "к"})


def _ordinal(word: str, stems: dict[str, int]) -> tuple[int, str] | None:
    """(value, ending) when ``word`` is an ordinal form of one of ``stems``."""
    for stem, value in stems.items():
        if word.startswith(stem) and word[len(stem):] in _ENDINGS:
            return value, word[len(stem):]
    return None


def _phrase(tokens: list[Token], i: int) -> tuple[int, int, str] | None:
    """(value, tokens used, ending) of a spelled ordinal 20–39 starting at ``i``:
    «двадцать второго» (tens cardinal + unit ordinal) or «двадцатом» (tens ordinal)."""
    word = tokens[i].norm
    for stem, tens in _TENS.items():
        if word in (stem + "ь", stem + "и"):  # cardinal tens: двадцать, двадцять
            if i + 1 < len(tokens):
                unit = _ordinal(tokens[i + 1].norm, _UNITS)
                if unit is not None:
                    return tens + unit[0], 2, unit[1]
            return None
    tens_ordinal = _ordinal(word, _TENS)
    if tens_ordinal is not None:
        return tens_ordinal[0], 1, tens_ordinal[1]
    return None


def spell_out(tokens: list[Token], lex: Lexicon) -> list[Token]:
    """``tokens`` with spelled-out years and days replaced by number tokens."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        # only a word that begins like a tens word can begin a phrase
        found = _phrase(tokens, i) if tokens[i].norm.startswith(_TENS_HEADS) else None
        if found is None:
            out.append(tokens[i])
            i += 1
            continue
        value, used, ending = found
        after = tokens[i + used].norm if i + used < len(tokens) else ""
        before = out[-1].norm if out else ""
        start, end = tokens[i].start, tokens[i + used - 1].end
        closes = not after[:1].isalnum()  # punctuation or the end of the text comes next
        if after in lex.months and value <= 31:
            out.append(Token(str(value), start, end, False))
        elif after in lex.year_words or before in lex.months or (
                before in _PREPOSITIONS and ending in _LOCATIVE and closes):
            out.append(Token(str(2000 + value), start, end, False))
        else:
            out.extend(tokens[i:i + used])
        i += used
    return out
