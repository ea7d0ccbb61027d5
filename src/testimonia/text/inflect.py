"""Candidate dictionary forms of inflected Russian and Ukrainian place names, and French
and English clitics.

`candidates("таганрозі", "uk")` → ["таганрозі", "таганрог", ...]: the word itself first,
then the nominatives that suffix rules allow, for nouns (Таганроге/Таганрозі → Таганрог,
Оленовке/Оленівці → Оленовка/Оленівка, Мелитополе → Мелитополь, Бучі → Буча, Киевом →
Киев, Маріуполя → Маріуполь, Харкова → Харків, Києві → Київ) and for adjectives
(Донецкой → Донецкая, Кривому → Кривий, Безыменном → Безыменное), after the lemmas pymorphy3's dictionaries
give (text/lemmas.py: Олешок → олешки, Ростові-на-Дону → ростов-на-дону). Rules of both
languages apply to any Cyrillic word (testimonies mix them); those of the text's
language come first. The gazetteer
looks every candidate up and keeps only those that name a place, so a wrong candidate
costs a dictionary lookup, not a false match.

`clitics("d'izium")` → (2, 0): the characters to skip before a name (French elision) and
after it (English possessive "'s").
"""

from __future__ import annotations

import functools
import re

from testimonia.text.lemmas import lemmas
from testimonia.text.textfold import is_cyrillic

__all__ = ["ELISIONS", "MAX_CANDIDATES", "MIN_STEM", "POSSESSIVE", "candidates", "clitics",
           "phrase_candidates"]

MAX_CANDIDATES = 10
MIN_STEM = 2
ELISIONS = ("jusqu'", "lorsqu'", "puisqu'", "qu'", "l'", "d'", "j'", "m'", "n'", "s'", "t'",
            "c'")
POSSESSIVE = "'s"

# (ending of the inflected form, ending of the nominative), longest endings first.
_SHARED: tuple[tuple[str, str], ...] = (
    ("ах", "ы"), ("ах", "и"), ("ях", "и"), ("ях", "і"), ("ами", "ы"), ("ами", "и"),
    ("ом", ""), ("ем", "ь"), ("ем", ""), ("а", ""), ("у", ""), ("я", "ь"), ("ю", "ь"),
    ("ой", "а"), ("ей", "я"), ("ей", "а"), ("ю", "я"), ("у", "а"),
)
_RUSSIAN: tuple[tuple[str, str], ...] = (
    ("ской", "ская"), ("цкой", "цкая"), ("ого", "ый"), ("ого", "ий"), ("ого", "ой"),
    ("ому", "ый"), ("ому", "ий"), ("ому", "ой"), ("ым", "ый"), ("им", "ий"),
    ("ом", "ой"), ("ом", "ый"), ("ом", "ий"), ("ном", "ное"), ("ском", "ское"), ("ой", "ая"),
    ("ую", "ая"), ("ей", "яя"),
    ("ии", "ия"), ("ией", "ия"), ("ию", "ия"), ("ее", "ея"), ("ьей", "ья"), ("ья", "ье"),
    ("ью", "ь"), ("ьем", "ье"), ("ца", "ец"), ("це", "ец"), ("цу", "ец"), ("цем", "ец"),
    ("ке", "ка"), ("ке", "ок"), ("ка", "ок"), ("е", ""), ("е", "ь"), ("е", "а"), ("е", "я"),
    ("ы", "а"), ("и", "а"), ("и", "ь"), ("и", "я"),
)
_UKRAINIAN: tuple[tuple[str, str], ...] = (
    ("ської", "ська"), ("ській", "ська"), ("цької", "цька"), ("цькій", "цька"),
    ("ого", "ий"), ("ому", "ий"), ("ім", "ий"), ("им", "ий"), ("ному", "не"), ("ському", "ське"),
    ("ої", "а"), ("ій", "а"),
    ("ою", "а"), ("ею", "а"), ("єю", "я"), ("ією", "ія"), ("ії", "ія"), ("ію", "ія"),
    ("еї", "ея"), ("ссю", "сь"), ("ттю", "ть"),
    ("ова", "ів"), ("ові", "ів"), ("овом", "ів"), ("ову", "ів"),
    ("єва", "їв"), ("єві", "їв"), ("євом", "їв"), ("єву", "їв"),
    ("зі", "г"), ("ці", "к"), ("сі", "х"), ("зі", "га"), ("ці", "ка"), ("сі", "ха"),
    ("ові", ""), ("еві", "ь"), ("і", ""), ("і", "ь"), ("і", "а"), ("і", "я"),
    ("и", "а"), ("ї", "я"), ("ям", "я"),
)
_CONSONANTS = frozenset("бвгґджзйклмнпрстфхцчшщ")
_CLOSING = frozenset({"", "г", "к", "х"})  # nominatives that close the last syllable
_IMPOSSIBLE = re.compile(r"(?:[гкхжшчщц]ь|[гкх][яыю]|[жшчщ]ы|[ьъйаеиоуяюєї]ь)$")


def clitics(folded: str) -> tuple[int, int]:
    """(characters of a leading French elision, of a trailing English "'s") in a folded
    Latin word: "d'izium" → (2, 0), "l'oblast" → (2, 0), "kharkiv's" → (0, 2)."""
    if "'" not in folded:
        return 0, 0  # both end in an apostrophe
    lead = next((len(e) for e in ELISIONS if folded.startswith(e) and len(folded) > len(e)), 0)
    trail = len(POSSESSIVE) if folded.endswith(POSSESSIVE) and len(folded) > lead + 3 else 0
    return lead, trail


def candidates(word: str, language: str = "ru") -> list[str]:
    """`word` (folded, lowercase) first, then its possible nominatives, at most
    MAX_CANDIDATES. Non-Cyrillic words are returned alone."""
    return list(_candidates(word, language))


@functools.lru_cache(maxsize=1 << 15)
def _candidates(word: str, language: str) -> tuple[str, ...]:
    if not is_cyrillic(word):
        return (word,)
    if "-" in word:
        return tuple(dict.fromkeys([*lemmas(word, "uk" if language == "uk" else "ru"), *_compound(word, language)]))
    found: dict[str, None] = {word: None}
    for lemma in lemmas(word, "uk" if language == "uk" else "ru"):
        found[lemma] = None  # the dictionary's lemma first: Олешок → олешки, Ростові-на-Дону
    for ending, nominative in _rules(language):
        if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
            stem = word[: len(word) - len(ending)]
            for form in _with_alternation(stem, nominative, _ukrainian(word, language)):
                found[form] = None
    return tuple(found)[:MAX_CANDIDATES]


def phrase_candidates(words: list[str], language: str = "ru", limit: int = 24) -> list[str]:
    """Candidates for a multi-word name, each word inflected on its own ("донецкой
    области" → "донецкая область" among others), as space-joined strings."""
    combos: list[str] = [""]
    for word in words:
        forms = candidates(word, language)[:4]
        combos = [f"{head} {form}".strip() for head in combos for form in forms][:limit]
    return combos


def _rules(language: str) -> tuple[tuple[str, str], ...]:
    if language == "uk":
        return _UKRAINIAN + _SHARED + _RUSSIAN
    return _RUSSIAN + _SHARED + _UKRAINIAN


def _ukrainian(word: str, language: str) -> bool:
    """Ukrainian spelling: Ukrainian-only letters, or a Ukrainian text and no Russian-only
    letters."""
    if any(c in "іїєґ'" for c in word):
        return True
    return language == "uk" and not any(c in "ыэъ" for c in word)


def _with_alternation(stem: str, nominative: str, ukrainian: bool) -> list[str]:
    """The nominative, plus (Ukrainian only) the о/е→і alternation in a closing syllable
    when the ending is dropped: Харкова → харків, Рогу → ріг, Львова → львів."""
    form = stem + nominative
    if _IMPOSSIBLE.search(form):
        return []
    forms = [form]
    if ukrainian and nominative in _CLOSING and len(form) >= 3 and form[-1] in _CONSONANTS and form[-2] in "ое":
        forms.append(form[:-2] + "і" + form[-1])
    return forms


def _compound(word: str, language: str) -> list[str]:
    """Hyphenated names: inflect the first part (Ростове-на-Дону) or the last one
    (Кот-д'Ивуаре), or both (Каменце-Подольском)."""
    parts = word.split("-")
    first = candidates(parts[0], language)
    last = candidates(parts[-1], language) if len(parts) > 1 else [parts[-1]]
    middle = parts[1:-1]
    found: dict[str, None] = {word: None}
    for head in first[:4]:
        for tail in last[:4]:
            found["-".join([head, *middle, tail])] = None
    return list(found)[:MAX_CANDIDATES]
