"""Names nobody listed: people, organisations and places found by NER, kept only where
the dictionaries found nothing. A place is confirmed against the gazetteer, or kept
unresolved (no coordinates) only after a preposition of place ("в Безіменному"), never
from a nationality or a crowd ("les Russes")."""

from __future__ import annotations

import functools
import re
from importlib import resources

from testimonia.extract.dateline import dateline_end
from testimonia.extract.document import ExtractDoc
from testimonia.extract.ner import Entity, ner_model
from testimonia.extract.place_roles import aside, names_a_region_or_body, names_no_place
from testimonia.extract.places import OPENING_ARTICLES, is_address, origin, place_value
from testimonia.extract.spans import TokenIndex
from testimonia.extract.whereabouts import PLACE_WORDS
from testimonia.model import Mention
from testimonia.places.gazetteer import Place, get_gazetteer
from testimonia.places.gazetteer_index import FOCUS_COUNTRIES
from testimonia.text.lemmas import common_word
from testimonia.text.textfold import fold, word_sections


class NamesComponent:
    name, version = "names", "8"
    reads = ("text", "sentences", "tokens", "mentions", "cues", "countries")
    writes = ("mentions:person", "mentions:organization", "mentions:place")

    def __call__(self, doc: ExtractDoc) -> None:
        model = ner_model(doc.language)
        if model is None:
            return
        label = f"{self.name}@{self.version}:{model.name}"
        sentence_starts = {s.start for s in doc.sentences}
        found = model.entities(doc.text, [(s.start, s.end) for s in doc.sentences
                                          if not name_free(doc.text, s.start, s.end, doc.language)])
        languages = [c for c in doc.cues if c.value.get("cue") == "language"]
        index = TokenIndex(doc)
        published = dateline_end(doc.text)
        for entity in found:
            if entity.label == "place" and entity.start < published:
                continue  # where the text was written, not where its acts happened
            if (doc.covered(entity.start, entity.end)
                    or any(c.start < entity.end and entity.start < c.end for c in languages)
                    or not _plausible(entity, doc.language, sentence_starts)):
                continue
            mention = self._mention(doc, index, entity, label, sentence_starts)
            if mention is not None:
                doc.mentions.append(mention)

    def _mention(self, doc: ExtractDoc, index: TokenIndex, e: Entity, label: str,
                 sentence_starts: set[int]) -> Mention | None:
        if e.label == "person":
            return Mention("person", e.start, e.end, e.text, {"name": e.text}, label)
        if e.label == "organization":
            return Mention("organization", e.start, e.end, e.text,
                           {"name": e.text, "canonical": None}, label)
        if e.label == "place":
            words = e.text.split()
            bare = " ".join(words[1:] if len(words) > 1 and words[0].lower() in OPENING_ARTICLES else words)
            if get_gazetteer().never_a_place(bare) or is_address(e.text) \
                    or names_no_place(doc.text, e.start, e.end):
                return None  # «la Défense» (a ministry's), "Riga-based", «installée par Moscou»
            places = get_gazetteer().lookup(e.text, doc.language, doc.countries)
            if names_a_region_or_body(doc.text, e.start, e.end, places[0] if places else None):
                return None  # «Херсонській ОВА», «Рязанской области»
            # "a trader from Mopti"; "…, a source told AFP in Dakar"
            where_from = {**origin(doc.text, e.start), **aside(doc.text, e.start)}
            if places and _lone_opening_word(e, places[0], doc.countries, sentence_starts):
                return None
            if places:
                return Mention("place", e.start, e.end, e.text,
                               {**place_value(places[0]), **where_from}, label)
            if index.word_before(_as_mention(e)) == "на" and _STREET.match(e.text):
                return None  # «в здании на Университетской»: a street (улица is feminine)
            if index.word_before(_as_mention(e)) in PLACE_WORDS:  # "в Безіменному"
                return Mention("place", e.start, e.end, e.text,
                               {"name": e.text, "precision": "unknown", **where_from}, label)
        return None


def name_free(text: str, start: int, end: int, language: str) -> bool:
    """No name this component keeps can lie in `text[start:end]`, so the NER model is not
    asked about it. Every name kept starts with a capital letter (`_plausible`), and there
    is none there but, at most, the first letter of the first word, a word that is never a
    name nor the first word of one: by a closed list in English and French
    (vocab/name_free_openers.txt; English "I" is not counted as a capital), by the
    dictionary in Russian and Ukrainian (`lemmas.common_word`)."""
    first = _WORD.search(text, start, end)
    if first is None:
        return True
    rest = text[first.end():end]
    if language == "en":
        rest = _PRONOUN_I.sub("", rest)
    if rest != rest.lower():
        return False
    word = first.group()
    if word.islower():
        return True
    if len(word) > 1 and not word[1:].islower():
        return False  # "SBU", "McKenzie", «СИЗО»
    return fold(word) in _openers().get(language, ()) or common_word(word.lower(), language)


_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_PRONOUN_I = re.compile(r"\bI\b")


@functools.cache
def _openers() -> dict[str, frozenset[str]]:
    """vocab/name_free_openers.txt by language, folded."""
    text = resources.files("testimonia.vocab").joinpath("name_free_openers.txt").read_text(encoding="utf-8")
    return {language: frozenset(words) for language, words in word_sections(text).items() if language}


def _lone_opening_word(e: Entity, place: Place, countries: list[str], sentence_starts: set[int]) -> bool:
    """One word opening a sentence ("Le Blanc a pris…") names a GeoNames town only in one
    of the countries the text's other places lie in (see places.lone_opening_word)."""
    words = e.text.split()
    words = words[1:] if words[0].lower() in OPENING_ARTICLES else words
    return (e.start in sentence_starts and len(words) == 1 and place.source == "geonames"
            and place.kind == "settlement" and place.country not in countries
            and place.country not in FOCUS_COUNTRIES)


_STREET = re.compile(r"^[А-ЯЁІЇЄҐ][а-яёіїєґ'’-]+(?:ой|ей|ій)$")


def _as_mention(e: Entity) -> Mention:
    return Mention(e.label, e.start, e.end, e.text, {}, "")


def _plausible(e: Entity, language: str, sentence_starts: set[int]) -> bool:
    """A name starts with a capital. On Ukrainian, natasha (trained on Russian) tags
    capitalised common words at a sentence start as names ("Колишні", "Мене"), so there
    a one-word name is kept only inside a sentence."""
    if not e.text[:1].isupper() or len(e.text) < 2:
        return False
    return language != "uk" or " " in e.text or e.start not in sentence_starts
