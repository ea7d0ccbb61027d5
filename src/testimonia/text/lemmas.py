"""Dictionary forms (lemmas) of words in the four languages.

Russian and Ukrainian: pymorphy3 with its Russian (OpenCorpora) and Ukrainian (VESUM)
dictionaries, every reading's lemma, most likely first: `lemmas("пакетом", "ru")` →
("пакет",); `lemmas("дроти", "uk")` → ("дріт",).

English and French: the form → lemma dictionaries of simplemma (built from Wiktionary and
other open lexicons; no part-of-speech tagger, so a form has one lemma): `lemmas("took",
"en")` → ("take",); `lemmas("arretes", "fr")` → ("arreter",). Both sides are folded
(textfold.fold: lowercase, no diacritics), as the matcher's tokens are. A lemma is also
its own dictionary form (`lemmas("detain", "en")` → ("detain",)), which is how a
vocabulary word is known to be written in its dictionary form.

A word the dictionary does not know has none. Each word form is analysed once per process
(an LRU cache); the dictionaries are loaded on first use (~0.1 s for each Cyrillic
language, ~0.5 s for English or French).
"""

from __future__ import annotations

import functools
from typing import Any

from testimonia.text.textfold import fold, is_cyrillic

__all__ = ["LANGUAGES", "common_word", "lemmas", "load"]

CYRILLIC = frozenset({"ru", "uk"})
# pymorphy3's marks of a proper name: first name, surname, patronymic, place, organisation,
# trademark.
NAME_GRAMMEMES = frozenset({"Name", "Surn", "Patr", "Geox", "Orgn", "Trad"})
LATIN = frozenset({"en", "fr"})
LANGUAGES = CYRILLIC | LATIN


@functools.cache
def _analyzer(language: str) -> Any:
    import pymorphy3  # a dictionary of ~15 MB per language: loaded only where needed

    return pymorphy3.MorphAnalyzer(lang=language)


@functools.cache
def _dictionary(language: str) -> dict[str, tuple[str, ...]]:
    """simplemma's form → lemma table, folded; each lemma maps to itself first. Folding
    merges a few forms ("pèche"/"pêche"): their lemmas are all kept."""
    from simplemma.strategies.dictionaries import DefaultDictionaryFactory

    table: dict[str, dict[str, None]] = {}
    for form, lemma in DefaultDictionaryFactory().get_dictionary(language).items():
        folded = fold(lemma)
        table.setdefault(folded, {})[folded] = None
        table.setdefault(fold(form), {})[folded] = None
    return {form: tuple(found) for form, found in table.items()}


@functools.lru_cache(maxsize=1 << 16)
def lemmas(word: str, language: str) -> tuple[str, ...]:
    """The dictionary forms of a folded word, most likely first; () when the language has
    no dictionary here or the dictionary does not know the word."""
    if language in CYRILLIC:
        if not is_cyrillic(word):
            return ()
        return tuple(dict.fromkeys(fold(p.normal_form) for p in _analyzer(language).parse(word)))
    if language in LATIN:
        return _dictionary(language).get(word, ())
    return ()


@functools.lru_cache(maxsize=1 << 14)
def common_word(word: str, language: str) -> bool:
    """Russian and Ukrainian: the dictionary knows the lowercase `word` and no reading of
    it is a proper name («потом», «били», «меня»; not «роза», which is also a first name,
    nor «херсон» or a word it does not know). False in other languages."""
    if language not in CYRILLIC or not is_cyrillic(word):
        return False
    analyzer = _analyzer(language)
    return bool(analyzer.word_is_known(word)) and not any(
        NAME_GRAMMEMES & parse.tag.grammemes for parse in analyzer.parse(word))


def load() -> None:
    """Load every language's dictionary now (~1.3 s in all), as a server does before its
    first search instead of during it."""
    for language in sorted(CYRILLIC):
        _analyzer(language)
    for language in sorted(LATIN):
        _dictionary(language)
