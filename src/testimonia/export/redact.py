"""Removal of protected identifiers from text that leaves the workspace.

A published finding, a shared export or a report must never identify a witness or a
victim who asked for anonymity: not their name, phone, e-mail, home village or the date
that singles them out. A value is recorded in one spelling, but testimonies and their
translations use many: Олександр Коваленко, Oleksandr KOVALENKO, "Коваленка"
(genitive), "d'Aminata", "Aminata's", "O. Kovalenko". A redactor that finds only the
recorded spelling leaks all the others. So matching reuses the project's own language
layers: `textfold` (case, accents, offsets), `translit.skeletons` (one spelling key
for Latin and Cyrillic) and `inflect` (Russian and Ukrainian case endings, French
elision, English possessive). Person names also get a stem comparison (Коваленко vs.
Коваленка or Коваленком), which the place-name rules of `inflect` do not give.

Any part of a person's name with 3+ letters identifies on its own, except particles
(de, van, bin...). A common word ("Grace", "Мира") counts only when it is capitalised.
A place counts only as a whole name. Phone numbers are compared as digit strings. Any
phone-like number and any e-mail address is removed, listed or not. Dates are matched
in the usual written forms of the four languages.

`find` returns sorted, non-overlapping hits with offsets in the original text.
Overlapping matches become one hit (so no part of either is left in clear), named after
the longest. `redact` replaces them. leakscan.py uses the same `find` to check that an export is clean.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from testimonia.places.gazetteer import load_common_words
from testimonia.text.inflect import candidates, clitics
from testimonia.text.textfold import Token, fold, fold_with_offsets, is_cyrillic, tokens
from testimonia.text.translit import skeletons

__all__ = ["Hit", "LISTED_PHONE_TAIL", "MAX_PASSES", "MIN_ALONE", "MIN_LISTED_PHONE", "MIN_STEM",
           "MIN_STEM_LOWER", "NAME_KINDS", "PARTICLES", "PATRONYMICS", "Protected", "Redactor",
           "private_persons"]

NAME_KINDS = frozenset({"name", "person"})
MIN_ALONE = 3  # letters a name part needs to identify on its own
MIN_STEM = 4  # letters a stem needs (capitalised word) before endings are compared
MIN_STEM_LOWER = 6  # ... and in a lowercase word, where a short stem is too often a noun
MIN_PHONE, MAX_PHONE = 8, 15  # digits of an unlisted phone-like number
MAX_PASSES = 8  # redaction passes (one, in practice)
LISTED_PHONE_TAIL = 9  # a listed number is found by its last digits (no country prefix)
MIN_LISTED_PHONE = 6
PARTICLES = ("de la le les du des da di do dos das del della van von der den ter ten bin "
             "ben ibn bint binti al el ould ag ap abu")
PATRONYMICS = ("ович", "евич", "івна", "ївна", "овна", "евна", "ична", "ovych", "ovich",
               "evich", "ivna", "ovna", "evna")
_TEXT_ENDINGS = ("ові", "еві", "єві", "ого", "ому", "ою", "ею", "єю", "ої", "ій", "ом", "ем",
                 "єм", "ым", "им", "ой", "ей", "ую", "а", "я", "у", "ю", "і", "и", "ы", "е", "є")
_FINAL_VOWELS = frozenset("аоеєяиіуюыйaeiouy")
_MONTHS = {  # folded; ru/uk with genitive and locative ("12 мая", "в мае", "у травні")
    "en": ("january jan", "february feb", "march mar", "april apr", "may", "june jun",
           "july jul", "august aug", "september sept sep", "october oct", "november nov",
           "december dec"),
    "fr": ("janvier janv", "fevrier fevr fev", "mars", "avril avr", "mai", "juin",
           "juillet juil", "aout", "septembre sept", "octobre oct", "novembre nov",
           "decembre dec"),
    "ru": ("январь января январе", "февраль февраля феврале", "март марта марте",
           "апрель апреля апреле", "май мая мае", "июнь июня июне", "июль июля июле",
           "август августа августе", "сентябрь сентября сентябре", "октябрь октября октябре",
           "ноябрь ноября ноябре", "декабрь декабря декабре"),
    "uk": ("січень січня січні", "лютий лютого лютому", "березень березня березні",
           "квітень квітня квітні", "травень травня травні", "червень червня червні",
           "липень липня липні", "серпень серпня серпні", "вересень вересня вересні",
           "жовтень жовтня жовтні", "листопад листопада листопаді", "грудень грудня грудні"),
}
_ORDINAL = r"(?:st|nd|rd|th|er|re|e|-?го|-?е)?"
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")
_GROUP = r"(?:\(\d{1,5}\)|\d)"
_PHONE_RUN = re.compile(rf"(?<![\w+])\+?{_GROUP}(?:[ \u00a0.\-/]{{0,2}}{_GROUP})*(?!\w)")
_NOT_PHONE = re.compile(  # dates, year ranges, decimals, thousands ("12 000 000")
    r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{4}\s?[-/]\s?\d{4}|\d{1,3}\.\d+"
    r"|[1-9]\d{0,2}(?:[ \u00a0.]\d{3})+")
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_INITIALS = re.compile(r"(?:(?<![^\W\d_])[^\W\d_]\.\s*){1,2}\Z")


@dataclass(frozen=True)
class Protected:
    """One identifier that must not appear in anything published."""

    value: str  # as recorded: "Oleksandr Kovalenko", "+380 67 123 45 67", "2024-05-12"
    kind: str  # "name" | "person" | "phone" | "email" | "place" | "date" (else: literal)
    placeholder: str  # replacement text: "[witness]", "[phone]"; never the value itself


@dataclass(frozen=True)
class Hit:
    """A protected identifier at text[start:end] (offsets in the original text)."""

    start: int
    end: int
    kind: str
    placeholder: str


class _Cand(NamedTuple):
    start: int
    end: int
    owner: int  # index into Redactor._owners


@dataclass(frozen=True)
class _Word:
    """One spelling of a text token: the whole token, the token without clitics, or one
    part of a hyphenated token. `forms` and `stems` are spelling keys (skeletons)."""

    start: int
    end: int
    forms: frozenset[str]  # the word and its possible nominatives
    stems: frozenset[str]  # Cyrillic word without its case ending
    capital: bool
    common: bool


@dataclass(frozen=True)
class _Part:
    """One word of a protected name."""

    keys: frozenset[str]
    stems: frozenset[str]  # the name without its final vowel (Коваленко → коваленк)
    common: bool

    def matches(self, word: _Word) -> bool:
        return bool(self.keys & word.forms or (self.keys | self.stems) & word.stems)


class _Index:
    """Name parts by spelling key, to look up the parts a text word may be."""

    def __init__(self) -> None:
        self._keys: dict[str, list[tuple[int, _Part]]] = defaultdict(list)
        self._stems: dict[str, list[tuple[int, _Part]]] = defaultdict(list)

    def add(self, owner: int, part: _Part) -> None:
        for key in part.keys:
            self._keys[key].append((owner, part))
        for key in part.stems:
            self._stems[key].append((owner, part))

    def lookup(self, word: _Word) -> list[tuple[int, _Part]]:
        found = [entry for key in word.forms for entry in self._keys.get(key, ())]
        for key in word.stems:
            found += [*self._keys.get(key, ()), *self._stems.get(key, ())]
        return found


class Redactor:
    """Finds and replaces every protected identifier, in any spelling it knows."""

    def __init__(self, protected: Iterable[Protected]) -> None:
        self._protected = list(protected)
        self._owners = [(p.kind, p.placeholder) for p in self._protected]
        self._owners += [("phone", "[phone]"), ("email", "[email]")]
        self._generic_phone, self._generic_email = len(self._owners) - 2, len(self._owners) - 1
        self._singles, self._firsts = _Index(), _Index()
        self._sequences: dict[int, tuple[_Part, ...]] = {}
        self._phones: list[tuple[int, str]] = []
        self._patterns: list[tuple[int, re.Pattern[str]]] = []
        for owner, item in enumerate(self._protected):
            self._add(owner, item)
        for item in self._protected:
            if self.find(item.placeholder):
                raise ValueError(f"placeholder {item.placeholder!r} of a protected "
                                 f"{item.kind} would itself be redacted")

    def _add(self, owner: int, item: Protected) -> None:
        if item.kind in NAME_KINDS or item.kind == "place":
            sequence, singles = _name_parts(item.value)
            if not sequence:
                raise ValueError(f"a protected {item.kind} without letters")
            self._sequences[owner] = sequence
            self._firsts.add(owner, sequence[0])
            for part in singles if item.kind in NAME_KINDS else ():
                self._singles.add(owner, part)
        elif item.kind == "phone":
            digits = re.sub(r"\D", "", item.value)
            if len(digits) < MIN_LISTED_PHONE:
                raise ValueError("a protected phone number needs at least 6 digits")
            self._phones.append((owner, digits[-LISTED_PHONE_TAIL:]))
        elif item.kind == "date":
            self._patterns.append((owner, _date_pattern(item.value)))
        else:  # e-mail and any other kind: the folded value, as written
            self._patterns.append((owner, _literal_pattern(item.value)))

    def find(self, text: str) -> list[Hit]:
        """Protected identifiers in `text`: sorted and non-overlapping. Overlapping matches
        are merged into one hit, and the longest one gives it its kind and placeholder."""
        folded, offsets = fold_with_offsets(text)
        found = [*self._name_cands(text), *self._phone_cands(text), *self._email_cands(text)]
        for owner, pattern in self._patterns:
            found += [_Cand(offsets[m.start()], offsets[m.end()], owner)
                      for m in pattern.finditer(folded)]
        chosen = _merge(text, self._with_initials(text, _select(found)))
        return [Hit(c.start, c.end, *self._owners[c.owner]) for c in chosen]

    def redact(self, text: str) -> str:
        """`text` with each hit replaced by its placeholder. Replacing can expose a new
        match (a number that was glued to a redacted date), so it repeats until clean."""
        for _ in range(MAX_PASSES):
            hits = self.find(text)
            if not hits:
                break
            text = _replaced(text, hits)
        return text

    def _name_cands(self, text: str) -> Iterator[_Cand]:
        words = [_spellings(text, t) for t in tokens(text) if any(c.isalpha() for c in t.folded)]
        for index, spellings in enumerate(words):
            for word in spellings:
                for owner, part in self._singles.lookup(word):
                    if word.capital or not (part.common or word.common):
                        yield _Cand(word.start, word.end, owner)
                for owner in {owner for owner, _ in self._firsts.lookup(word)}:
                    span = _sequence_at(text, words, index, self._sequences[owner])
                    if span is not None:
                        yield _Cand(*span, owner)

    def _phone_cands(self, text: str) -> Iterator[_Cand]:
        for match in _PHONE_RUN.finditer(text):
            digits = re.sub(r"\D", "", match.group())
            for owner, tail in self._phones:
                if tail in digits:
                    yield _Cand(match.start(), match.end(), owner)
            if MIN_PHONE <= len(digits) <= MAX_PHONE and not _NOT_PHONE.fullmatch(match.group()):
                yield _Cand(match.start(), match.end(), self._generic_phone)

    def _email_cands(self, text: str) -> Iterator[_Cand]:
        for match in _EMAIL.finditer(text):
            yield _Cand(match.start(), match.end(), self._generic_email)

    def _with_initials(self, text: str, chosen: list[_Cand]) -> list[_Cand]:
        """Name hits extended over the initials before them ("O. Kovalenko")."""
        out: list[_Cand] = []
        for cand in chosen:
            if self._owners[cand.owner][0] in NAME_KINDS:
                floor = max(out[-1].end if out else 0, cand.start - 12)
                match = _INITIALS.search(text, floor, cand.start)
                if match and all(c.isupper() for c in match.group() if c.isalpha()):
                    cand = _Cand(match.start(), cand.end, cand.owner)
            out.append(cand)
        return out


def private_persons(mentions: Iterable[tuple[str, str]], public: Iterable[str]) -> list[Protected]:
    """A Protected ("person", "[name]") for each person mention that is not one of the
    `public` names (public figures, perpetrators who may be named). A mention is public
    when every word of it, but particles and patronymics, matches the same public name."""
    known = Redactor(Protected(name, "name", "[public]") for name in public if _has_letters(name))
    found: dict[str, Protected] = {}
    for kind, text in mentions:
        words = [t for t in tokens(text) if _significant(t)]
        if kind == "person" and words and not _is_public(known, text, words):
            found.setdefault(fold(" ".join(text.split())), Protected(text, "person", "[name]"))
    return list(found.values())


def _is_public(known: Redactor, text: str, words: list[Token]) -> bool:
    spans: dict[int, list[_Cand]] = defaultdict(list)
    for cand in known._name_cands(text):
        spans[cand.owner].append(cand)
    return any(all(any(c.start < w.end and w.start < c.end for c in cands) for w in words)
               for cands in spans.values())


def _significant(token: Token) -> bool:
    return (sum(c.isalpha() for c in token.folded) >= 2 and not token.folded.endswith(PATRONYMICS)
            and not set(skeletons(token.folded)) & _particle_keys())


def _has_letters(text: str) -> bool:
    return any(c.isalpha() for c in text)


# --- names -------------------------------------------------------------------------------

def _name_parts(value: str) -> tuple[tuple[_Part, ...], tuple[_Part, ...]]:
    """The words of a name in order, and those that identify alone (hyphenated words
    also by each half: "Jean-Pierre" → "Pierre")."""
    words = [t.folded for t in tokens(value) if _has_letters(t.folded)]
    sequence = tuple(_part(word) for word in words)
    halves = [half for word in words if "-" in word for half in word.split("-")]
    singles = [p for w, p in zip(words, sequence, strict=True) if _alone(w, p)]
    singles += [_part(half) for half in halves if _alone(half, _part(half))]
    return sequence, tuple(singles)


def _part(folded: str) -> _Part:
    keys = frozenset(k for key in skeletons(folded) for k in _adjective_forms(key))
    stems = frozenset(skeletons(folded[:-1])) if (
        folded[-1] in _FINAL_VOWELS and len(folded) - 1 >= MIN_STEM) else frozenset()
    return _Part(keys, stems, bool(keys & _common_words()[1]))


def _adjective_forms(key: str) -> tuple[str, ...]:
    """A spelling key and its Russian/Ukrainian adjective counterpart: Нова/Новая
    (nova/novaia), Нове/Новое (nove/novoe), Кравецька/Кравецкая."""
    if key.endswith("aia"):
        return key, key[:-2]
    if key.endswith("oe"):
        return key, key[:-2] + "e"
    if key.endswith("a"):
        return key, key + "ia"
    if key.endswith("e"):
        return key, key[:-1] + "oe"
    return (key,)


def _alone(folded: str, part: _Part) -> bool:
    return sum(c.isalpha() for c in folded) >= MIN_ALONE and not part.keys & _particle_keys()


def _spellings(text: str, token: Token) -> list[_Word]:
    """The token, the token without clitics (d'Aminata, Aminata's), the halves of a
    hyphenated token; each with its original offsets."""
    return [_Word(token.start + w.start, token.start + w.end, w.forms, w.stems, w.capital, w.common)
            for w in _token_words(text[token.start:token.end])]


@functools.lru_cache(maxsize=1 << 16)
def _token_words(raw: str) -> tuple[_Word, ...]:
    """`_spellings` of one token, with offsets relative to it (the same word recurs
    thousands of times in a long text)."""
    folded, offsets = fold_with_offsets(raw)
    spans = [(0, len(folded))]
    lead, trail = clitics(folded)
    if lead or trail:
        spans.append((lead, len(folded) - trail))
    if "-" in folded:
        spans += [(m.start(), m.end()) for m in re.finditer(r"[^-]+", folded)]
    return tuple(_word(raw, offsets[a], offsets[b], folded[a:b]) for a, b in spans)


def _word(text: str, start: int, end: int, folded: str) -> _Word:
    capital = text[start].isupper()
    stems = _stems(folded, MIN_STEM if capital else MIN_STEM_LOWER)
    return _Word(start, end, _forms(folded), stems, capital, folded in _common_words()[0])


@functools.lru_cache(maxsize=1 << 15)
def _forms(folded: str) -> frozenset[str]:
    words = {folded, *candidates(folded, "ru"), *candidates(folded, "uk")}
    return frozenset(key for word in words for key in skeletons(word))


@functools.lru_cache(maxsize=1 << 15)
def _stems(folded: str, min_stem: int) -> frozenset[str]:
    if not is_cyrillic(folded):
        return frozenset()
    return frozenset(key for ending in _TEXT_ENDINGS
                     if folded.endswith(ending) and len(folded) - len(ending) >= min_stem
                     for key in skeletons(folded[:-len(ending)]))


def _sequence_at(text: str, words: list[list[_Word]], index: int,
                 sequence: tuple[_Part, ...]) -> tuple[int, int] | None:
    """Span of the whole name starting at words[index], its words separated by spaces."""
    if index + len(sequence) > len(words):
        return None
    matched: list[_Word] = []
    for offset, part in enumerate(sequence):
        spellings = words[index + offset]
        if matched and text[words[index + offset - 1][0].end:spellings[0].start].strip():
            return None
        word = next((w for w in spellings if part.matches(w)), None)
        if word is None:
            return None
        matched.append(word)
    if all(p.common for p in sequence) and not matched[0].capital:
        return None
    return matched[0].start, matched[-1].end


@functools.lru_cache(maxsize=1)
def _common_words() -> tuple[frozenset[str], frozenset[str]]:
    """Common words of the four languages (folded) and their spelling keys."""
    lists = load_common_words()
    words = lists.latin | lists.cyrillic
    return words, frozenset(key for word in words for key in skeletons(word))


@functools.lru_cache(maxsize=1)
def _particle_keys() -> frozenset[str]:
    return frozenset(key for word in PARTICLES.split() for key in skeletons(word))


# --- hits ----------------------------------------------------------------------------------

def _select(found: list[_Cand]) -> list[_Cand]:
    """Non-overlapping hits, sorted. Overlapping candidates become one hit that covers
    them all, so no part of a shorter match is left in clear. The longest candidate
    (then listed before generic) gives the hit its kind and placeholder."""
    clusters: list[list[_Cand]] = []
    end = -1
    for cand in sorted(c for c in found if c.end > c.start):
        if clusters and cand.start < end:
            clusters[-1].append(cand)
            end = max(end, cand.end)
        else:
            clusters.append([cand])
            end = cand.end
    return [_Cand(cluster[0].start, max(c.end for c in cluster),
                  min(cluster, key=lambda c: (c.start - c.end, c.owner)).owner)
            for cluster in clusters]


def _replaced(text: str, hits: list[Hit]) -> str:
    out: list[str] = []
    last = 0
    for hit in hits:
        out += [text[last:hit.start], hit.placeholder]
        last = hit.end
    return "".join([*out, text[last:]])


def _merge(text: str, chosen: list[_Cand]) -> list[_Cand]:
    """Adjacent hits of the same identifier, separated by spaces only, as one hit
    ("Kovalenko Oleksandr" → one placeholder)."""
    out: list[_Cand] = []
    for cand in chosen:
        if out and out[-1].owner == cand.owner and not text[out[-1].end:cand.start].strip():
            out[-1] = _Cand(out[-1].start, cand.end, cand.owner)
        else:
            out.append(cand)
    return out


# --- dates and literals ---------------------------------------------------------------

def _date_pattern(value: str) -> re.Pattern[str]:
    """Written forms of an ISO date (YYYY-MM-DD), or of any day of an ISO month (YYYY-MM)."""
    match = _ISO_DATE.fullmatch(value.strip())
    if match is None:
        raise ValueError("a protected date must be written YYYY-MM or YYYY-MM-DD")
    year, month = match[1], int(match[2])
    names = {form for table in _MONTHS.values() for form in fold(table[month - 1]).split()}
    mon = rf"(?<![^\W\d_])(?:{'|'.join(sorted(names, key=len, reverse=True))})(?![^\W\d_])\.?"
    mm, years = rf"0?{month}", rf"(?:{year}|{year[2:]})"
    if match[3] is None:
        dd = r"\d{1,2}"
        forms = [rf"{year}[-/.]{mm}(?:[-/.]{dd})?", rf"(?:{dd}[./-])?{mm}[./-]{year}",
                 rf"(?:{dd}{_ORDINAL}\s+(?:of\s+)?)?{mon},?\s+(?:of\s+)?{year}",
                 rf"{mon}\s+{dd}{_ORDINAL},?\s+{year}"]
    else:
        dd = rf"0?{int(match[3])}"
        forms = [rf"{year}[-/.]{mm}[-/.]{dd}", rf"{dd}[./-]{mm}[./-]{years}",
                 rf"{mm}[./-]{dd}[./-]{years}", rf"{dd}{_ORDINAL}\s+(?:of\s+)?{mon},?\s+{year}",
                 rf"{mon}\s+{dd}{_ORDINAL},?\s+{year}"]
    return re.compile(rf"(?<!\d)(?:{'|'.join(forms)})(?!\d)")


def _literal_pattern(value: str) -> re.Pattern[str]:
    """The folded value as written, not inside a longer word."""
    folded = fold(value.strip())
    if not folded:
        raise ValueError("an empty protected value")
    before = r"(?<!\w)" if folded[0].isalnum() else ""
    after = r"(?!\w)" if folded[-1].isalnum() else ""
    return re.compile(before + re.escape(folded) + after)
