"""Dictionary forms (lemmas) of Russian and Ukrainian words, from pymorphy3 with its
Russian (OpenCorpora) and Ukrainian (VESUM) dictionaries.

`lemmas("пакетом", "ru")` → ("пакет",); `lemmas("дроти", "uk")` → ("дріт",). The word
is a folded token (textfold.fold); the lemmas are folded the same way (ё→е), every
reading's, most likely first. Other languages and non-Cyrillic words have none. Each
word form is analysed once per process (an LRU cache), the analysers are loaded on
first use (~0.1 s each).
"""

from __future__ import annotations

import functools
from typing import Any

from testimonia.text.textfold import fold, is_cyrillic

__all__ = ["LANGUAGES", "lemmas"]

LANGUAGES = frozenset({"ru", "uk"})


@functools.cache
def _analyzer(language: str) -> Any:
    import pymorphy3  # a dictionary of ~15 MB per language: loaded only where needed

    return pymorphy3.MorphAnalyzer(lang=language)


@functools.lru_cache(maxsize=1 << 16)
def lemmas(word: str, language: str) -> tuple[str, ...]:
    """The dictionary forms of a folded word, most likely first; () when the language has
    no dictionary here or the word is not Cyrillic."""
    if language not in LANGUAGES or not is_cyrillic(word):
        return ()
    return tuple(dict.fromkeys(fold(p.normal_form) for p in _analyzer(language).parse(word)))
