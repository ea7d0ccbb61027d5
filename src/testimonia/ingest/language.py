"""Offline language detection among the supported languages (en, fr, ru, uk).

Evidence: the script (Latin or Cyrillic), letters found in only one language
(Ukrainian і ї є ґ and the in-word apostrophe, Russian ы э ё and ъ before a
vowel) and frequent function words. Neighbouring languages (German, Spanish,
Bulgarian, Belarusian, ...) are scored too, so they come out "und" instead of
being forced into a supported one. Only the first 20,000 characters are used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SUPPORTED_LANGUAGES = ("en", "fr", "ru", "uk")
UNDETERMINED = "und"
MAX_CHARS = 20_000
MIN_WORDS = 3
MIN_FUNCTION_WORD_DENSITY = 0.08  # Latin script: share of words that are function words

_FUNCTION_WORDS: dict[str, str] = {
    "en": "the and of to a in was were is are be been it he she they we i me my us our him his "
    "her them their with for on at by from had have has not this that there which who would "
    "could did do after when into but or as an what then because about said told you your no "
    "all so if out up",
    "fr": "le la les de des du un une et est était étaient été que qui dans pour pas ne n il elle "
    "ils elles nous vous je j me m moi mon ma mes on au aux avec sur par se s ce c cette ces a "
    "ont avait avaient en y l d qu leur sont mais ou où très après lui sans chez tout plus son "
    "sa ses",
    "es": "el la los las de del y que en un una por con no se su sus para es al lo como más pero "
    "fue me mi estaba estaban nos fueron había sin durante muy le les ya cuando donde este esta "
    "eso yo él ella ellos a",
    "it": "il lo la gli le di del della che e è un una non per con sono mi ci ha era erano nel "
    "nella alla al si anche come ma dopo io lui lei noi loro questo quando dove ho hanno stato "
    "a in",
    "pt": "o os a as um uma do da dos das não em no na com por para que e é foi eu me se ao mas "
    "ele ela eles eram estava muito nós seu sua quando onde depois",
    "de": "der die das und ist nicht ich mit ein eine einen einem zu den von sie es auf dem wurde "
    "wurden wir nach im bei aus war waren auch hat haben sich mich uns dass zum zur vom wie aber "
    "oder an in so",
    "nl": "de het een en van ik niet is dat op te zijn met voor was ze wij we hij maar werd bij "
    "naar ook mij ons er die in",
    "ru": "и в во не на я с со что он она они мы меня мне нас нам их его её ее был была были было "
    "когда после чтобы но или там тут тоже также уже очень без для про через от до из к по за у "
    "же бы только где всё все это как так который которые потом даже ещё еще нет",
    "uk": "і й та в у не на я з із зі що він вона вони ми мене мені нас нам їх його її був була "
    "були було коли після щоб але або там тут теж також вже дуже без для про через від до по за "
    "же б би лише тільки де все це як так який які потім навіть ще ні немає нього цього",
    "bg": "че са това бях беше ме като ще се тя той които който която във със само ни им да "
    "и в на не от за по с до из след без",
    "be": "гэта што быў яго мяне яны пасля калі ад ці яшчэ і у не на з па за да",
    "sr": "је да од био била су али кад се ме и у на не за по с са из до",
}
_LATIN_CANDIDATES = ("en", "fr", "es", "it", "pt", "de", "nl", "xx")
_CYRILLIC_CANDIDATES = ("ru", "uk", "bg", "be", "sr")
_LATIN_LETTERS: dict[str, tuple[str, float]] = {
    "fr": ("œùûîïëèêàçâô", 0.3),
    "es": ("ñ¿¡", 1.0),
    "de": ("ßäöü", 1.0),
    "pt": ("ãõ", 1.0),
    "xx": ("ąęłśźżřěůışğșțăåøæ", 1.0),  # Polish, Czech, Turkish, Romanian, Nordic
}
_CYRILLIC_LETTER_WEIGHT = 3.0
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'"})
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[a-z\u00c0-\u024f]")
_RU_HARD_SIGN = re.compile(r"ъ(?=[еёюя])")
_BG_HARD_SIGN = re.compile(r"ъ(?![еёюя])")


def _build_weights() -> dict[str, tuple[tuple[str, float], ...]]:
    owners: dict[str, list[str]] = {}
    for language, words in _FUNCTION_WORDS.items():
        for word in words.split():
            owners.setdefault(word, []).append(language)
    return {
        word: tuple((lang, 1.0 / len(langs)) for lang in langs) for word, langs in owners.items()
    }


_WEIGHTS = _build_weights()
_SUPPORTED_FUNCTION_WORDS = frozenset(
    word for language in SUPPORTED_LANGUAGES for word in _FUNCTION_WORDS[language].split()
)


@dataclass(frozen=True)
class LanguageGuess:
    """A language code ("en", "fr", "ru", "uk" or "und") and a confidence in 0..1."""

    code: str
    confidence: float


UNKNOWN = LanguageGuess(UNDETERMINED, 0.0)


def detect_language(text: str) -> LanguageGuess:
    """Guess the language of `text`; "und" (confidence 0) when unsure or unsupported."""
    sample = text[:MAX_CHARS].lower().translate(_APOSTROPHES)
    words: list[str] = _WORD.findall(sample)
    if len(words) < MIN_WORDS:
        return UNKNOWN
    letters = sum(len(word) for word in words)
    cyrillic = len(_CYRILLIC.findall(sample))
    latin = len(_LATIN.findall(sample))
    if cyrillic > latin and cyrillic >= letters / 2:
        return _cyrillic_guess(sample, words, cyrillic)
    if latin >= letters / 2:
        return _latin_guess(sample, words)
    return UNKNOWN


def function_word_share(text: str) -> float:
    """Share of the words in `text` (first MAX_CHARS characters) that are frequent
    function words of a supported language: high when text was decoded right."""
    words: list[str] = _WORD.findall(text[:MAX_CHARS].lower().translate(_APOSTROPHES))
    if not words:
        return 0.0
    hits = sum(1 for word in words if any(part in _SUPPORTED_FUNCTION_WORDS for part in word.split("'")))
    return hits / len(words)


def _word_scores(words: list[str], split_apostrophes: bool) -> dict[str, float]:
    scores: dict[str, float] = {}
    for word in words:
        parts = word.split("'") if split_apostrophes and "'" in word else (word,)
        for part in parts:
            for language, weight in _WEIGHTS.get(part, ()):
                scores[language] = scores.get(language, 0.0) + weight
    return scores


def _latin_guess(sample: str, words: list[str]) -> LanguageGuess:
    scores = _word_scores(words, split_apostrophes=True)
    best_words = max(scores.get("en", 0.0), scores.get("fr", 0.0))
    if best_words < MIN_FUNCTION_WORD_DENSITY * len(words):
        return UNKNOWN
    for language, (letters, weight) in _LATIN_LETTERS.items():
        hits = sum(sample.count(letter) for letter in letters)
        scores[language] = scores.get(language, 0.0) + weight * hits
    return _decide(scores, _LATIN_CANDIDATES)


def _cyrillic_guess(sample: str, words: list[str], cyrillic: int) -> LanguageGuess:
    uk = sum(sample.count(letter) for letter in "іїєґ") + _apostrophe_words(words)
    ru = sum(sample.count(letter) for letter in "ыэё") + len(_RU_HARD_SIGN.findall(sample))
    if min(uk, ru) >= 3 and min(uk, ru) >= 0.2 * (uk + ru):
        return UNKNOWN  # both alphabets' own letters: mixed text, or Belarusian
    scores = _word_scores(words, split_apostrophes=False)
    letters = {
        "uk": uk,
        "ru": ru,
        "bg": len(_BG_HARD_SIGN.findall(sample)),
        "be": sample.count("ў"),
        "sr": sum(sample.count(letter) for letter in "јљњћђџѓќѕ"),
    }
    for language, count in letters.items():
        scores[language] = scores.get(language, 0.0) + _CYRILLIC_LETTER_WEIGHT * count
    if uk == 0:  # і is among the commonest Ukrainian letters; its absence points to Russian
        scores["ru"] = scores.get("ru", 0.0) + min(3.0, cyrillic / 20)
    return _decide(scores, _CYRILLIC_CANDIDATES)


def _apostrophe_words(words: list[str]) -> int:
    return sum(1 for word in words if "'" in word and "\u0400" <= word[0] <= "\u04ff")


def _decide(scores: dict[str, float], candidates: tuple[str, ...]) -> LanguageGuess:
    ranked = sorted((scores.get(lang, 0.0) for lang in candidates), reverse=True)
    total = sum(ranked)
    best = max(candidates, key=lambda lang: scores.get(lang, 0.0))
    if best not in SUPPORTED_LANGUAGES or total <= 0 or ranked[0] < 1.5 * ranked[1]:
        return UNKNOWN
    share = ranked[0] / total
    evidence = min(1.0, total / 10)
    return LanguageGuess(best, round(share * (0.5 + 0.5 * evidence), 2))
