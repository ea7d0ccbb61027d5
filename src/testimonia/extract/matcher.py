"""Multi-word term matching over folded tokens, for the vocabularies' term syntax.

A term is one or more words, lowercase (diacritics are folded on both sides). A word
ending in `*` matches any ending ("избива*" matches "избивали"); `~` between two words
lets up to three other words stand between them ("ne ~ pas"). French elision is looked
through: the word "eau" matches the token "l'eau". In Russian and Ukrainian a word written
in its dictionary form matches every form of it, in every language ("пакет на голова"
matches "пакетом на голове", «дріт» matches «дроти», "detain" matches "detained", "take
~ away" matches "taken away"; text/lemmas.py), while a word written inflected matches
that form only ("ногами" is kicking, "ноги" is not; "held" is not "holds"). Matching costs one dictionary lookup
per token plus the few terms that start with it, and a lemma lookup (cached per word form)
only for tokens that begin like a dictionary-form word of some term; each matcher keeps
what it read in the words it saw last (`TermMatcher.reading`).
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from testimonia.text.lemmas import LANGUAGES as LEMMA_LANGUAGES
from testimonia.text.lemmas import lemmas
from testimonia.text.textfold import Token, fold

GAP = 3  # words that `~` may skip
PREFIX_KEY = 3  # prefix terms are bucketed by their first letters
LEMMA_KEY = 2  # a token is lemmatised only when it begins like a dictionary-form term word
WORD_CACHE = 1 << 13  # words whose reading each matcher keeps
_NUMBERED = re.compile(r"([^\W\d_]{2,})-?\d+")
ELISIONS = ("l'", "d'", "j'", "m'", "n'", "s'", "t'", "c'", "qu'", "jusqu'", "lorsqu'", "puisqu'")
# English and French words that a term means as written: "la faim" is not "le faim", "a
# bowl" not "an bowl", "on était" not "nous étions". (Each would also make every article
# or pronoun of a text a candidate for many terms.)
FUNCTION_WORDS = frozenset(fold(w) for w in """the a an to of in on at by for with from into onto out off up over under
me us him her them my his their our your its i we he she they it is are was were be been being
have has had do does did not no never there this that these those and or but as if so than then
le la les un une des de du d' l' à au aux en dans sur sous par pour avec sans chez vers entre
me te se nous vous il elle ils elles on je j' m' t' s' ne n' pas plus jamais que qui qu' ce c'
ça cet cette ces mon ma mes ton ta tes son sa ses notre nos leur leurs y est sont était étaient
a ai as avons avez ont avait avaient être été et ou mais si""".split())


@dataclass(frozen=True)
class Word:
    text: str
    prefix: bool
    gap_before: bool
    lemma: bool = False  # written in its dictionary form: matches every form of it

    def matches(self, token: str, token_lemmas: tuple[str, ...] = ()) -> bool:
        return self.accepts(_forms(token), token_lemmas)

    def accepts(self, forms: tuple[str, ...], token_lemmas: tuple[str, ...]) -> bool:
        """`matches`, given the token's forms (`_forms`) and lemmas."""
        if self.prefix:
            for form in forms:
                if form.startswith(self.text):
                    return True
        elif self.text in forms:
            return True
        return self.lemma and self.text in token_lemmas


@dataclass(frozen=True)
class Pattern:
    key: str  # what the match means, e.g. "method:beating"
    words: tuple[Word, ...]
    term: str
    # The second word when it must come right after the first and match it whole (no "~",
    # no "*"): tested on the next token before the rest of the term is tried.
    then: Word | None = None


@dataclass(frozen=True)
class Reading:
    """What a matcher reads in one word, the same wherever it stands: its forms (`_forms`),
    its lemmas and the patterns that may start at it."""

    forms: tuple[str, ...]
    lemmas: tuple[str, ...]
    candidates: tuple[Pattern, ...]


@dataclass(frozen=True)
class TermMatch:
    key: str
    term: str
    first: int  # token indexes, inclusive
    last: int
    start: int  # character offsets into the text
    end: int


class TermMatcher:
    def __init__(self, terms: Iterable[tuple[str, str]], language: str | None = None) -> None:
        """`terms`: (key, term) pairs; `language`: the text's, for dictionary forms."""
        self.exact: dict[str, list[Pattern]] = defaultdict(list)
        self.prefixed: dict[str, list[Pattern]] = defaultdict(list)
        self.language = language if language in LEMMA_LANGUAGES else None
        self.lemma_keys: set[str] = set()
        for key, term in terms:
            pattern = compile_term(key, term, self.language)
            self.lemma_keys |= {w.text[:LEMMA_KEY] for w in pattern.words if w.lemma}
            head = pattern.words[0]
            if head.prefix:
                self.prefixed[head.text[:PREFIX_KEY]].append(pattern)
            else:
                self.exact[head.text].append(pattern)
        self.reading = functools.lru_cache(maxsize=WORD_CACHE)(self._reading)

    def find(self, tokens: Sequence[Token]) -> list[TermMatch]:
        """Every match, all keys, overlapping allowed; see `longest` to resolve overlaps."""
        found: list[TermMatch] = []
        readings = list(map(self.reading, [t.folded for t in tokens]))
        for i in [i for i, reading in enumerate(readings) if reading.candidates]:
            token = tokens[i]
            following = readings[i + 1] if i + 1 < len(readings) else None
            for pattern in readings[i].candidates:
                then = pattern.then
                if then is not None and (following is None or not (
                        then.text in following.forms or (then.lemma and then.text in following.lemmas))):
                    continue  # what _match_rest would find first, without trying the rest
                last = _match_rest(pattern.words, readings, i)
                if last is not None:
                    found.append(TermMatch(pattern.key, pattern.term, i, last,
                                           token.start, tokens[last].end))
        return found

    def _reading(self, folded: str) -> Reading:
        token_lemmas = self._lemmas(folded)
        return Reading(_forms(folded), token_lemmas, tuple(self._candidates(folded, token_lemmas)))

    def _lemmas(self, folded: str) -> tuple[str, ...]:
        if self.language is None:
            return ()
        return tuple(dict.fromkeys(lemma for form in _forms(folded) if form[:LEMMA_KEY] in self.lemma_keys
                                   for lemma in lemmas(form, self.language)))

    def _candidates(self, folded: str, token_lemmas: tuple[str, ...] = ()) -> list[Pattern]:
        out: list[Pattern] = []
        for form in _forms(folded):
            out += self.exact.get(form, [])
            out += [p for p in self.prefixed.get(form[:PREFIX_KEY], []) if p.words[0].matches(form)]
        for lemma in token_lemmas:
            if lemma not in _forms(folded):
                out += [p for p in self.exact.get(lemma, []) if p.words[0].lemma]
        return out


def compile_term(key: str, term: str, language: str | None = None) -> Pattern:
    """A term's words; with a language that has lemmas, those written in their dictionary
    form match every form of themselves."""
    words: list[Word] = []
    gap = False
    for raw in fold(term).split():
        if raw == "~":
            gap = True
            continue
        text, prefix = raw.rstrip("*"), raw.endswith("*")
        dictionary_form = not prefix and language is not None and text not in FUNCTION_WORDS and \
            text in lemmas(text, language)
        words.append(Word(text, prefix, gap, dictionary_form))
        gap = False
    if not words:
        raise ValueError(f"empty term for {key}")
    then = words[1] if len(words) > 1 and not words[1].prefix and not words[1].gap_before else None
    return Pattern(key, tuple(words), term, then)


def longest(matches: Iterable[TermMatch],
            rank: Callable[[TermMatch], int] = lambda m: 0) -> list[TermMatch]:
    """Non-overlapping matches, longest first, then the lowest `rank` (the more specific
    of two terms covering the same words), then leftmost; returned in text order."""
    chosen: list[TermMatch] = []
    taken: set[int] = set()
    for m in sorted(matches, key=lambda m: (-(m.last - m.first), -(m.end - m.start), rank(m), m.first)):
        span = set(range(m.first, m.last + 1))
        if not span & taken:
            chosen.append(m)
            taken |= span
    return sorted(chosen, key=lambda m: m.first)


def _match_rest(words: Sequence[Word], readings: Sequence[Reading], first: int) -> int | None:
    position = first
    for word in words[1:]:
        reach = GAP + 1 if word.gap_before else 1
        for step in range(1, reach + 1):
            at = position + step
            if at < len(readings) and word.accepts(readings[at].forms, readings[at].lemmas):
                position += step
                break
        else:
            return None
    return position


@functools.lru_cache(maxsize=65536)
def _forms(token: str) -> tuple[str, ...]:
    """The token, and the word inside it: after an elision (l'eau → eau), before a
    number (сізо-2 → сізо)."""
    for elision in ELISIONS:
        if token.startswith(elision) and len(token) > len(elision):
            return token, token[len(elision):]
    numbered = _NUMBERED.fullmatch(token)
    return (token, numbered.group(1)) if numbered else (token,)
