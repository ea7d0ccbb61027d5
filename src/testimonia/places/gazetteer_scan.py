"""Reading a text for the gazetteer: its words, the spellings of each word (as written,
French elision and English possessive removed, Russian and Ukrainian inflection undone)
and the facts the acceptance rules look at (capitals, sentence start, the word before:
a locative preposition or a title, the word after: a surname), and what the index says
may begin at a word (`Starts`)."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from testimonia.places import gazetteer_index as gi
from testimonia.places.gazetteer_index import name_key
from testimonia.places.gazetteer_pairs import key_filters
from testimonia.text.inflect import candidates, clitics
from testimonia.text.textfold import Token, fold, is_cyrillic, is_latin, tokens
from testimonia.text.translit import skeletons

MAX_WORDS = 5
MAX_COMBOS = 24
MIN_SKELETON_KEY = 4
ACRONYM_LENGTH = 4  # "NGO", "DES": all-capital words this short are not settlements
WORD_CACHE = 1 << 15  # entries of each of a gazetteer's caches by word (its starts, its index hits)

_SURNAME = re.compile(r"(?:enko|chuk|[iy]uk|ov|ova|ev|eva|ina|sk[yi]|skyi|ska|skaya|[oe]?vych|"
                      r"[oe]?vich|енко|чук|юк|ов|ова|ев|ева|іна|ина|ський|ська|ский|ская|[ое]?вич)$")
_OPENERS = "\"'«»“”‘’([{—–-•*"
_BOUNDARIES = ".!?…:;>"


@dataclass(frozen=True)
class Form:
    key: str
    lead: int  # characters skipped at the start of the token (French elision)
    trail: int  # characters skipped at the end ("'s")
    inflected: bool


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    single: bool  # one token
    capital: bool  # its first letter is a capital
    any_capital: bool
    initial: bool  # at the start of a sentence
    surface: str  # folded key of the text as written
    person_like: bool  # "Sofia Petrenko": a name before a surname
    titled: bool  # "Mr Bucha": a name after a title
    locative: bool  # after "in", "à", "в", "під"... or an elided "d'"
    acronym: bool  # all capitals, at most ACRONYM_LENGTH letters


@dataclass(frozen=True)
class Opening:
    """One spelling of a word as the start of a name of several words: its first word and,
    when the spelling has two or more ("сизо 2"), its second. `exact_head`: the first word
    begins an exact key of several words; `heads`: its skeletons that begin a skeleton key
    of several words. Skeletons are None where one has no word or several: no pair can be
    told from it."""

    word: str
    second: str | None
    exact_head: bool
    heads: tuple[str, ...] | None
    second_skeletons: tuple[str, ...] | None


@dataclass(frozen=True)
class Follower:
    """One spelling of a word as the second word of a name: its first word when that comes
    second in an exact key (`exact`), its skeletons that come second in a skeleton key
    (None: see Opening)."""

    word: str
    exact: bool
    skeletons: tuple[str, ...] | None


class Starts:
    """An index, and what it says may begin at a word, cached by word: how many words a
    name that starts there may have, and whether a name of several words may start with
    two given words (gazetteer_pairs' filters of the first two words of every multi-word
    key). Skeletons are made word by word (no step of translit.skeletons reaches across a
    space), so a multi-word key's skeleton begins with skeletons of its first two words."""

    def __init__(self, index: gi.Index) -> None:
        self.index = index
        self.exact_pairs, self.exact_seconds = key_filters(index.exact)
        self.skeleton_pairs, self.skeleton_seconds = key_filters(index.skeleton)
        self.reach = functools.lru_cache(maxsize=WORD_CACHE)(self._reach)
        self._openings = functools.lru_cache(maxsize=WORD_CACHE)(self._openings_of)
        self._followers = functools.lru_cache(maxsize=WORD_CACHE)(self._followers_of)

    def may_start(self, first: str, second: str, language: str) -> bool:
        """False when no key of several words, exact or skeleton, begins with a spelling of
        the folded word `first` followed by one of `second`."""
        for opening in self._openings(first, language):
            if opening.heads is None:
                return True
            if opening.second is not None:  # a spelling of two words: it has its own pair
                if self._pair(opening, opening.second, True, opening.second_skeletons):
                    return True
                continue
            for follower in self._followers(second, language):
                if self._pair(opening, follower.word, follower.exact, follower.skeletons):
                    return True
        return False

    def _pair(self, opening: Opening, word: str, exact: bool,
              word_skeletons: tuple[str, ...] | None) -> bool:
        if exact and opening.exact_head and self.exact_pairs.may_hold((opening.word, word)):
            return True
        return bool(opening.heads) and (word_skeletons is None or any(
            self.skeleton_pairs.may_hold((head, tail))
            for head in opening.heads or () for tail in word_skeletons))

    def _reach(self, folded: str, language: str) -> tuple[int, int]:
        """The most words of a key whose first word is a spelling of `folded`: exact keys,
        skeleton keys (1: no key of several words)."""
        exact = skeleton = 1
        for form in word_forms(folded, language):
            head = form.key.split(" ")[0]
            exact = max(exact, self.index.heads.get(head, 1))
            if len(head) >= MIN_SKELETON_KEY:
                skeleton = max(skeleton, *(self.index.skeleton_heads.get(s.split(" ")[0], 1)
                                           for s in skeletons(head)))
        return exact, skeleton

    def _openings_of(self, folded: str, language: str) -> tuple[Opening, ...]:
        """The spellings that may begin a key of several words."""
        openings = []
        for form in word_forms(folded, language):
            words = form.key.split(" ")
            second = words[1] if len(words) > 1 else None
            first_skeletons = _word_skeletons(words[0])
            heads = None if first_skeletons is None else tuple(
                s for s in first_skeletons if self.index.skeleton_heads.get(s, 1) > 1)
            exact_head = self.index.heads.get(words[0], 1) > 1
            if exact_head or heads != ():
                openings.append(Opening(words[0], second, exact_head, heads,
                                        None if second is None else _word_skeletons(second)))
        return tuple(openings)

    def _followers_of(self, folded: str, language: str) -> tuple[Follower, ...]:
        """The spellings whose first word may come second in a key of several words."""
        followers = []
        for form in word_forms(folded, language):
            word = form.key.split(" ")[0]
            found = _word_skeletons(word)
            tails = None if found is None else tuple(
                s for s in found if self.skeleton_seconds.may_hold(s))
            exact = self.exact_seconds.may_hold(word)
            if exact or tails != ():
                followers.append(Follower(word, exact, tails))
        return tuple(followers)


def _word_skeletons(word: str) -> tuple[str, ...] | None:
    found = skeletons(word)
    return None if any(not s or " " in s for s in found) else found


class Scan:
    """One text's tokens and, computed on demand, each token's spellings."""

    def __init__(self, text: str, language: str, starts: Starts,
                 toks: Sequence[Token] | None = None) -> None:
        self.text = text
        self.language = language
        self.starts = starts
        self.toks = [t for t in (tokens(text) if toks is None else toks)
                     if t.folded.isalpha() or any(c.isalpha() for c in t.folded)]
        self._forms: dict[int, list[Form]] = {}
        self._capitals: dict[int, bool] = {}
        self.memo: dict[tuple[int, int, bool], Any] = {}  # index hits, reused by a second pass
        # (first, size) → the first pass's place, and the countries its words may name
        self.matched: dict[tuple[int, int], tuple[Any, frozenset[str]]] = {}
        self._tries: list[tuple[int, list[int]]] | None = None
        self._spans: dict[tuple[int, int, int, int], Span] = {}

    def capital(self, position: int) -> bool:
        if position not in self._capitals:
            token = self.toks[position]
            lead = clitics(token.folded)[0] if "'" in token.folded and is_latin(token.folded) else 0
            self._capitals[position] = self.text[token.start + lead:token.start + lead + 1].isupper()
        return self._capitals[position]

    def forms(self, position: int) -> list[Form]:
        if position not in self._forms:
            self._forms[position] = token_forms(self.toks[position], self.language)
        return self._forms[position]

    def tries(self) -> list[tuple[int, list[int]]]:
        """Each token where a name may begin, with the token counts worth trying there
        (`sizes`), made once for every reading of the text."""
        if self._tries is None:
            self._tries = []
            for first, token in enumerate(self.toks):
                if self.starts.reach(token.folded, self.language) == (1, 1):  # most words: `sizes`, shortly
                    if self.text[token.start].isupper() if "'" not in token.folded else self.capital(first):
                        self._tries.append((first, [1]))
                elif sizes := self.sizes(first):
                    self._tries.append((first, sizes))
        return self._tries

    def sizes(self, first: int) -> list[int]:
        """Token counts worth trying from `first`, longest first."""
        folded = self.toks[first].folded
        exact, skeleton = self.starts.reach(folded, self.language)
        capital = self.capital(first)
        longest = max(exact, skeleton) if capital else exact
        if longest == 1:  # most words: no name of several words starts with them
            return [1] if capital else []
        longest = min(longest, MAX_WORDS, len(self.toks) - first)
        for size in range(2, longest + 1):
            if not joinable(self.text, self.toks[first + size - 2], self.toks[first + size - 1]):
                longest = size - 1
                break
        if longest > 1 and not self.starts.may_start(folded, self.toks[first + 1].folded,
                                                     self.language):
            longest = 1
        sizes = list(range(longest, 1, -1))
        return sizes + [1] if capital else sizes

    def combos(self, first: int, size: int) -> list[Form]:
        """Spellings of the span: one form per token, joined; lead from the first token,
        trail from the last."""
        last = first + size - 1
        combos = [f for f in self.forms(first) if size == 1 or f.trail == 0]
        for position in range(first + 1, last + 1):
            forms = [f for f in self.forms(position) if f.lead == 0
                     and (position == last or f.trail == 0)][:4]
            combos = [Form(f"{c.key} {f.key}", c.lead, f.trail, c.inflected or f.inflected)
                      for c in combos for f in forms][:MAX_COMBOS]
        return combos

    def span(self, first: int, size: int, lead: int, trail: int) -> Span:
        """The facts the acceptance rules read about a span (made once for both readings)."""
        key = (first, size, lead, trail)
        if key not in self._spans:
            self._spans[key] = self._read_span(first, size, lead, trail)
        return self._spans[key]

    def _read_span(self, first: int, size: int, lead: int, trail: int) -> Span:
        toks = self.toks[first:first + size]
        start, end = toks[0].start + lead, toks[-1].end - trail
        surface = name_key(self.text[start:end])
        capitals = [self.text[start].isupper()] + [self.text[t.start].isupper() for t in toks[1:]]
        initial = lead == 0 and sentence_initial(self.text, start)
        before = self._before(first)
        locative = lead > 0 or before in _LOCATIVES or before in _SETTLEMENT_WORDS or before in _AREA_WORDS or (
            before in ("of", "de", "d'") and first > 0 and self._before(first - 1) in _AREA_WORDS)
        titled = before in _TITLES
        return Span(start, end, size == 1, capitals[0], any(capitals), initial, surface,
                    size == 1 and self._person_like(first), titled, locative,
                    len(surface) <= ACRONYM_LENGTH and self.text[start:end].isupper())

    def _before(self, position: int) -> str:
        """The folded word just before a token, across spaces or an abbreviation's full
        stop ("г. Изюм", "Mr. Bucha"); "" when there is none."""
        if position == 0:
            return ""
        before = self.toks[position - 1]
        gap = self.text[before.end:self.toks[position].start]
        if joinable(self.text, before, self.toks[position]) or (
                gap[:1] == "." and gap[1:].isspace() and before.folded in _ABBREVIATIONS):
            return before.folded
        return ""

    def _person_like(self, position: int) -> bool:
        after = self.toks[position + 1] if position + 1 < len(self.toks) else None
        return (after is not None and joinable(self.text, self.toks[position], after)
                and self.text[after.start].isupper() and _SURNAME.search(after.folded) is not None)


_LOCATIVES = frozenset(
    "in at from to near into inside outside towards toward via through around "
    "a au aux de du des en dans vers pres depuis par sur jusqu'a "
    "в во на из с со до под около возле у через к "
    "у в на з із зі до під біля коло через поблизу від".split())
_SETTLEMENT_WORDS = frozenset(
    "г гор с пгт смт пос м село города город городе поселок посёлок місто міста місті "
    "селище селі".split())
# Words for the area around a place, before its name: «на окраине Мелитополя», «в околицях
# Оленівки», «на території», "on the outskirts of", "in the area of".
_AREA_WORDS = frozenset(
    "outskirts vicinity area environs surroundings suburbs territory region district "
    "abords environs alentours peripherie banlieue sortie territoire region "
    "окраине окраина окраины окрестностях окрестности районе района территории пригороде "
    "околиці околицях околиця території районі району передмісті".split())
_ABBREVIATIONS = frozenset("г гор с сел пгт смт м пос д ул вул просп обл р-н mr mrs ms dr "
                           "st mt ste ft m mme mlle".split())
_TITLES = frozenset(
    "mr mrs ms miss dr m mme mlle sir madame monsieur gen general col colonel capt captain "
    "major lt lieutenant sgt sergeant commander officer commandant capitaine colonel lieutenant "
    "adjudant sergent пан пані господин госпожа генерал полковник майор капитан капітан "
    "лейтенант сержант командир следователь слідчий товарищ".split())


def token_forms(token: Token, language: str) -> list[Form]:
    """The token as written, without its clitics, and (Cyrillic) its nominatives."""
    return list(word_forms(token.folded, language))


@functools.lru_cache(maxsize=200_000)
def word_forms(folded: str, language: str) -> tuple[Form, ...]:
    """A folded word's spellings (`token_forms`), cached by word: a corpus repeats the
    same words, and each costs inflection rules."""
    forms = [Form(folded.replace("-", " "), 0, 0, False)]
    if is_latin(folded):
        lead, trail = clitics(folded)
        if lead or trail:
            bare = folded[lead:len(folded) - trail]
            forms.append(Form(bare.replace("-", " "), lead, trail, False))
    elif is_cyrillic(folded):
        forms += [Form(c.replace("-", " "), 0, 0, True) for c in candidates(folded, language)[1:]]
    return tuple(forms)


def joinable(text: str, left: Token, right: Token) -> bool:
    """Two tokens may be words of one name: only spaces (at most one line break) between."""
    gap = text[left.end:right.start]
    return (gap.isspace() and gap.count("\n") <= 1) or gap == ""


def sentence_initial(text: str, start: int) -> bool:
    """Nothing but quotes, brackets, dashes and spaces between a sentence end or a line
    break and `start`."""
    position = start - 1
    while position >= 0 and (text[position] in _OPENERS or text[position].isspace()):
        if text[position] == "\n":
            return True
        position -= 1
    if position >= 0 and text[position] == ".":
        word = position
        while word > 0 and text[word - 1].isalpha():
            word -= 1
        if fold(text[word:position]) in _ABBREVIATIONS:
            return False
    return position < 0 or text[position] in _BOUNDARIES
