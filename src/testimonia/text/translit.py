"""Transliteration between Cyrillic and Latin, and a spelling skeleton for index keys.

`to_latin` romanises Russian or Ukrainian text by one of three systems:

* "uk": the Ukrainian national system (Cabinet resolution 55 of 2010): Харків → Kharkiv,
  Ізюм → Izium, Таганрог → Tahanroh, Миколаїв → Mykolaiv, Запоріжжя → Zaporizhzhia.
* "ru": BGN/PCGN-style English romanisation of Russian: Харьков → Kharkov,
  Изюм → Izyum, Николаев → Nikolayev, Оленовка → Olenovka.
* "fr": French transcription: Буча → Boutcha, Изюм → Izioum, Житомир → Jitomir.

`to_cyrillic` is a best-effort inverse for Latin spellings of Russian or Ukrainian names.

`skeleton` maps any spelling, Latin or Cyrillic, to a lossy key in which the usual
variants meet: Izium/Izyum/Izioum/Ізюм, Kherson/Herson/Херсон, Bucha/Boutcha/Буча,
Nikolaev/Nikolayev, Douentza/Дуэнца, Tombouctou/Томбукту, Sévaré/Севаре. The Cyrillic
letter г gives two skeletons (g for Russian, h for Ukrainian): Taganrog and Tahanroh.
The gazetteer indexes skeletons as a fallback behind exact folded names.
"""

from __future__ import annotations

import functools
import re

from testimonia.text.textfold import fold

__all__ = ["SYSTEMS", "has_cyrillic", "skeleton", "skeletons", "to_cyrillic", "to_latin",
           "variants"]

SYSTEMS = ("uk", "ru", "fr")

_COMMON = {
    "а": "a", "б": "b", "в": "v", "д": "d", "з": "z", "к": "k", "л": "l", "м": "m",
    "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "ф": "f", "ъ": "", "ь": "",
}
_UK = {**_COMMON, "г": "h", "ґ": "g", "е": "e", "є": "ie", "ж": "zh", "и": "y", "і": "i",
       "ї": "i", "й": "i", "у": "u", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
       "ю": "iu", "я": "ia", "ы": "y", "э": "e", "ё": "io", "'": "", "ь": ""}
_UK_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}
_RU = {**_COMMON, "г": "g", "ґ": "g", "е": "e", "є": "ye", "ж": "zh", "и": "i", "і": "i",
       "ї": "yi", "й": "y", "у": "u", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
       "ю": "yu", "я": "ya", "ы": "y", "э": "e", "ё": "yo", "'": ""}
_RU_YE = {"е": "ye"}  # at the start of a word and after a vowel, ь or ъ
_FR = {**_COMMON, "г": "g", "ґ": "g", "е": "e", "є": "ie", "ж": "j", "и": "i", "і": "i",
       "ї": "ï", "й": "ï", "у": "ou", "х": "kh", "ц": "ts", "ч": "tch", "ш": "ch", "щ": "chtch",
       "ю": "iou", "я": "ia", "ы": "y", "э": "e", "ё": "io", "'": ""}
_TABLES = {"uk": _UK, "ru": _RU, "fr": _FR}
_VOWELS = "аеєиіїоуыэюяёьъ'"
_WORD_START = re.compile(r"(?<![^\W\d_])([єїйюяе])", re.IGNORECASE)
_RU_AFTER_VOWEL = re.compile(r"(?<=[аеиоуыэюяёьъ])е", re.IGNORECASE)
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def has_cyrillic(text: str) -> bool:
    return _CYRILLIC.search(text) is not None


def to_latin(text: str, system: str = "uk") -> str:
    """Romanise the Cyrillic letters of `text` (other characters are kept); capitals are
    kept on the first letter of each word."""
    if system not in _TABLES:
        raise ValueError(f"unknown transliteration system {system!r}; use one of {SYSTEMS}")
    table = _TABLES[system]
    out: list[str] = []
    for index, char in enumerate(text):
        low = char.lower()
        if low not in table:
            out.append(char)
            continue
        latin = _contextual(text, index, low, system) or table[low]
        out.append(latin[:1].upper() + latin[1:].lower() if char != low else latin)
    return "".join(out)


def _contextual(text: str, index: int, low: str, system: str) -> str | None:
    first = index == 0 or not text[index - 1].isalpha()
    if system == "uk":
        if first and low in _UK_INITIAL:
            return _UK_INITIAL[low]
        if low == "г" and index > 0 and text[index - 1].lower() == "з":
            return "gh"  # зг → zgh (Згурівка → Zghurivka)
    if system == "ru" and low == "е":
        if first or text[index - 1].lower() in _VOWELS:
            return _RU_YE[low]
    return None


_LATIN_TO_CYR_RU = [
    ("shch", "щ"), ("sch", "щ"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"), ("ch", "ч"),
    ("sh", "ш"), ("yu", "ю"), ("iu", "ю"), ("ya", "я"), ("ia", "я"), ("yo", "ё"),
    ("ye", "е"), ("ie", "е"), ("ou", "у"), ("yy", "ый"), ("iy", "ий"), ("yi", "ый"),
    ("a", "а"), ("b", "б"), ("c", "к"), ("d", "д"), ("e", "е"), ("f", "ф"), ("g", "г"),
    ("h", "х"), ("i", "и"), ("j", "й"), ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"),
    ("o", "о"), ("p", "п"), ("q", "к"), ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"),
    ("v", "в"), ("w", "в"), ("x", "кс"), ("y", "ы"), ("z", "з"), ("'", "ь"),
]
_LATIN_TO_CYR_UK = [
    ("shch", "щ"), ("zgh", "зг"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"), ("ch", "ч"),
    ("sh", "ш"), ("yu", "ю"), ("iu", "ю"), ("ya", "я"), ("ia", "я"), ("ye", "є"), ("ie", "є"),
    ("yi", "ї"), ("yy", "ий"), ("iy", "ий"), ("ou", "у"),
    ("a", "а"), ("b", "б"), ("c", "к"), ("d", "д"), ("e", "е"), ("f", "ф"), ("g", "ґ"),
    ("h", "г"), ("i", "і"), ("j", "й"), ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"),
    ("o", "о"), ("p", "п"), ("q", "к"), ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"),
    ("v", "в"), ("w", "в"), ("x", "кс"), ("y", "и"), ("z", "з"), ("'", "ь"),
]


def to_cyrillic(text: str, language: str = "ru") -> str:
    """Best-effort Cyrillic spelling of a romanised Russian ("ru") or Ukrainian ("uk")
    name, lowercase: "Taganrog" → "таганрог", "Kharkiv" → "харків" (uk)."""
    pairs = _LATIN_TO_CYR_UK if language == "uk" else _LATIN_TO_CYR_RU
    source = fold(text)
    out: list[str] = []
    index = 0
    while index < len(source):
        for latin, cyrillic in pairs:
            if source.startswith(latin, index):
                out.append(cyrillic)
                index += len(latin)
                break
        else:
            out.append(source[index])
            index += 1
    return "".join(out)


def variants(name: str) -> list[str]:
    """Latin spellings of `name` under every system (the name itself first, if Latin)."""
    if not has_cyrillic(name):
        return [name]
    seen: dict[str, None] = {}
    for system in SYSTEMS:
        seen[to_latin(name, system)] = None
    return list(seen)


# --- skeleton -------------------------------------------------------------------------

_CYR_SKELETON = str.maketrans({
    "а": "a", "б": "b", "в": "v", "ґ": "g", "д": "d", "е": "e", "є": "e", "ж": "J", "з": "z",
    "и": "i", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "H", "ц": "C", "ч": "S",
    "ш": "S", "щ": "S", "ъ": "", "ы": "i", "ь": "", "э": "e", "ю": "iu", "я": "ia", "ё": "e",
    "'": "", "-": " ",
})
_LATIN_STEPS = (
    (re.compile(r"['\u02bc]"), ""),
    (re.compile(r"-"), " "),
    (re.compile(r"shch|tsch|sch|tch|ch|sh"), "S"),
    (re.compile(r"dzh|dj|zh|j"), "J"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"kh|h"), "H"),
    (re.compile(r"ts|tz"), "C"),
    (re.compile(r"c(?=[eiy])"), "s"),
    (re.compile(r"ck|c|q"), "k"),
    (re.compile(r"x"), "ks"),
    (re.compile(r"w"), "v"),
)
_VOWEL_STEPS = (
    (re.compile(r"ou"), "u"),
    (re.compile(r"y"), "i"),
    (re.compile(r"ie"), "e"),
    (re.compile(r"(.)\1+"), r"\1"),
)


def skeleton(text: str) -> str:
    """Lossy spelling key of a Latin or Cyrillic name; for a Cyrillic г it uses g
    (see `skeletons` for both readings)."""
    return skeletons(text)[0]


@functools.lru_cache(maxsize=1 << 16)
def skeletons(text: str) -> tuple[str, ...]:
    """Spelling keys of `text`: one, or two when it has a Cyrillic г (g and h)."""
    folded = fold(text).replace("дж", "J")
    readings = [folded.replace("г", "g"), folded.replace("г", "H")] if "г" in folded else [folded]
    return tuple(dict.fromkeys(_latin_skeleton(r.translate(_CYR_SKELETON)) for r in readings))


def _latin_skeleton(text: str) -> str:
    for pattern, replacement in _LATIN_STEPS:
        text = pattern.sub(replacement, text)
    for pattern, replacement in _VOWEL_STEPS:
        text = pattern.sub(replacement, text)
    return " ".join(text.lower().split())
