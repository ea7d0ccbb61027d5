"""Ingest: files → Documents, each in one transaction with its custody entries.

For each file: read and hash the bytes, skip it if the same bytes are already in the
workspace, extract the working-copy text with the reader for its format, detect the
language, resolve the source, then, in one transaction holding the database's write
lock, check again that no other process stored the same bytes, seal the unaltered
original (store/originals.py) and write the document, its text and two signed custody
entries (received, text_extracted). A file that fails is reported with its reason and
leaves nothing behind; nothing ever removes an original after a failure: files no
committed row references (a killed run's) are collected at the start of the next
ingest, under the write lock. A full disk or an I/O error stops the batch (every file
before it is kept). Documents belong to the acting user's organisation; a file whose
source belongs to another organisation is left for that organisation to ingest (so a
shared drop folder can be ingested by each).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from testimonia.crypto import envelope
from testimonia.errors import (
    IntegrityError,
    InvalidValue,
    StorageFailure,
    TestimoniaError,
    UnreadableFile,
    UnsupportedFormat,
    WorkspaceBusy,
)
from testimonia.ingest.files import iter_files
from testimonia.ingest.frontmatter import read_sidecar
from testimonia.ingest.language import SUPPORTED_LANGUAGES, detect_language
from testimonia.ingest.readers import reader_for
from testimonia.ingest.readers.base import ReadLimits, ReadResult
from testimonia.model import Document, Source, SourceKind, parse_choice
from testimonia.service import doccrypt
from testimonia.service.policy import User, requires
from testimonia.service.workspace import Workspace
from testimonia.store import records

__all__ = ["AlreadyHeld", "ForAnotherOrganisation", "IngestOptions", "IngestReport", "MIB", "Outcome",
           "collect_garbage", "ingest_paths"]

MIB = 1024 * 1024


@dataclass(frozen=True)
class Outcome:
    """What happened to one file."""

    path: Path
    status: str  # ingested | duplicate | failed | skipped | elsewhere (another organisation's source)
    detail: str = ""
    document_id: str | None = None


@dataclass
class IngestReport:
    """Counts per status; only the exceptions (failures, duplicates) are kept one by one,
    so memory stays flat however many files are ingested."""

    counts: Counter[str] = field(default_factory=Counter)
    failed: list[Outcome] = field(default_factory=list)
    duplicates: list[Outcome] = field(default_factory=list)
    new_sources: list[str] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        self.counts[outcome.status] += 1
        if outcome.status == "failed":
            self.failed.append(outcome)
        elif outcome.status == "duplicate":
            self.duplicates.append(outcome)

    def count(self, status: str) -> int:
        return self.counts[status]


@dataclass(frozen=True)
class IngestOptions:
    source: str | None = None  # pseudonym for every file (overrides the source map)
    language: str | None = None  # force a language code
    source_map: dict[str, str] = field(default_factory=dict)  # file name -> pseudonym


class ForAnotherOrganisation(TestimoniaError):
    """The file belongs to a source of another organisation: that organisation ingests it."""


class AlreadyHeld(TestimoniaError):
    """This organisation already sees a document with the same bytes."""

    def __init__(self, known: Document) -> None:
        self.known = known
        super().__init__(f"same bytes as {known.short_id} ({known.file_name})")


Progress = Callable[[Outcome], None]


@requires('ingest')
def ingest_paths(ws: Workspace, paths: Iterable[Path], options: IngestOptions,
                 progress: Progress | None = None) -> IngestReport:
    """Ingest files and folders (recursively); one bad file never stops the batch."""
    if options.language is not None and options.language not in SUPPORTED_LANGUAGES:
        raise InvalidValue(f"Unknown language '{options.language}'.",
                           fix=f"Use one of: {', '.join(SUPPORTED_LANGUAGES)}.")
    report = IngestReport()
    collect_garbage(ws)
    for path, explicit in iter_files(paths):
        outcome = _ingest_one(ws, path, explicit, options, report)
        report.add(outcome)
        if progress is not None:
            progress(outcome)
    return report


@requires('ingest')
def collect_garbage(ws: Workspace) -> int:
    """Remove sealed originals that no committed document references (left by a killed
    run); under the write lock, so no other process is between writing one and
    committing its row."""
    with ws.transaction() as conn:
        return ws.originals.collect_garbage(records.iter_document_ids(conn))


def _ingest_one(ws: Workspace, path: Path, explicit: bool, options: IngestOptions,
                report: IngestReport) -> Outcome:
    try:
        reader = reader_for(path)
    except UnsupportedFormat as exc:
        return Outcome(path, "failed" if explicit else "skipped", exc.reason)
    try:
        data = _read_bytes(path, ws.config["max_file_mb"])
        document_id = hashlib.sha256(data).hexdigest()
        with ws.engine.connect() as conn:
            refusal = _held(ws, conn, document_id)
        if refusal is not None:  # raised once the connection is back in the pool
            raise refusal
        result = reader.read(data, path.name, _limits(ws))
        if not result.metadata.get("front_matter") and (side := read_sidecar(path)) is not None:
            result.metadata["front_matter"] = side.as_metadata()
        _store(ws, path, data, document_id, result, options, report)
    except UnreadableFile as exc:
        return Outcome(path, "failed", exc.reason)
    except ForAnotherOrganisation as exc:
        return Outcome(path, "elsewhere", str(exc))
    except AlreadyHeld as exc:
        return Outcome(path, "duplicate", _duplicate(exc.known, path, options), document_id)
    except (StorageFailure, IntegrityError, WorkspaceBusy):
        raise  # the workspace refused the write: the next file would fail the same way
    except TestimoniaError as exc:
        return Outcome(path, "failed", str(exc))
    except Exception as exc:  # a reader bug must not stop the batch; report it
        return Outcome(path, "failed", f"unexpected {type(exc).__name__}: {exc}")
    return Outcome(path, "ingested", document_id=document_id)


def _duplicate(known: Document, path: Path, options: IngestOptions) -> str:
    """Why nothing was ingested; how to re-attribute when another source was meant."""
    said = f"same bytes as {known.short_id} ({known.file_name})"
    meant = options.source or options.source_map.get(path.name)
    if meant and meant.lower() != (known.source or "").lower():
        return (f"{said}, filed under {known.source or 'no source'}; to attribute it to {meant}: "
                f"`testimonia correct {known.short_id} --source {meant} --reason \"…\"`")
    return said


def _held(ws: Workspace, conn: Connection, document_id: str) -> TestimoniaError | None:
    """What refuses these bytes when the workspace already holds them: AlreadyHeld if this
    organisation sees them, ForAnotherOrganisation if only another one does."""
    known = records.document_exists(conn, document_id)
    if known is None:
        return None
    if not ws.scope(conn).document_ids(conn, only=known.id):
        return ForAnotherOrganisation("the same bytes are held by another organisation")
    return AlreadyHeld(known)


def _read_bytes(path: Path, max_mb: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_mb * MIB:
            raise UnreadableFile(path, f"{size / MIB:.1f} MiB is over the {max_mb} MiB limit; "
                                 "raise max_file_mb in testimonia.toml if this file is expected")
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(path, f"cannot read the file ({exc.strerror or exc})") from exc
    if not data:
        raise UnreadableFile(path, "the file is empty")
    return data


def _limits(ws: Workspace) -> ReadLimits:
    return ReadLimits(max_uncompressed_bytes=ws.config["max_docx_uncompressed_mb"] * MIB)


def _store(ws: Workspace, path: Path, data: bytes, document_id: str, result: ReadResult,
           options: IngestOptions, report: IngestReport) -> None:
    front = result.metadata.get("front_matter", {})
    guess = detect_language(result.text)
    language = options.language or front.get("language") or guess.code
    data_key = envelope.new_data_key()
    inner = doccrypt.seal_original(data_key, document_id, data)
    doc = _document(path, data, document_id, result, language, guess.code, guess.confidence)
    with ws.transaction() as conn:
        source, org_id, new_source = _attribution(conn, path, front, options, ws.user)
        if (refusal := _held(ws, conn, document_id)) is not None:
            raise refusal  # another process stored it meanwhile; nothing written yet
        ws.originals.put(document_id, inner)
        records.insert_document(conn, doc, doccrypt.seal_text(data_key, document_id, result.text),
                                source.id if source else None, org_id)
        doccrypt.wrap_new(conn, document_id, data_key, doccrypt.recipients(
            conn, org_id, source.pseudonym if source else None, document_id, doc.metadata))
        ws.record(conn, "received", document_id, {
            "sha256": document_id, "size": len(data), "file_name": path.name,
            "media_type": result.media_type, "organization": ws.user.organization,
            "source": source.pseudonym if source else None})
        ws.record(conn, "text_extracted", document_id, {
            "reader": result.reader, "text_sha256": doc.text_sha256,
            "chars": len(result.text), "language": language,
            **{key: result.metadata[key] for key in ("encoding", "repairs")
               if result.metadata.get(key)}})
    if new_source:
        report.new_sources.append(new_source)


def _attribution(conn: Connection, path: Path, front: dict[str, Any], options: IngestOptions,
                 me: User) -> tuple[Source | None, int, str | None]:
    """(source, organisation id, pseudonym of a source created from the front matter).
    Everything is filed under the acting user's organisation; a file of another
    organisation's source is left to that organisation."""
    named = front.get("source")
    if options.source and named and named.lower() != options.source.lower():
        raise UnreadableFile(path, f"front matter names source '{named}' but --source is "
                             f"'{options.source}'; remove one of them")
    pseudonym = options.source or named or options.source_map.get(path.name)
    source = records.find_source(conn, pseudonym) if pseudonym else None
    created = None
    if pseudonym and source is None:
        source = _new_source_from_front_matter(conn, path, pseudonym, front, me.organization)
        created = source.pseudonym
    if source is not None and source.organization != me.organization:
        raise ForAnotherOrganisation(f"source {source.pseudonym} belongs to {source.organization}, "
                                     "which ingests it")
    return source, me.organization_id, created


def _new_source_from_front_matter(conn: Connection, path: Path, pseudonym: str,
                                  front: dict[str, Any], organization: str) -> Source:
    kind = front.get("source_kind")
    if not kind:
        raise UnreadableFile(path, f"unknown source '{pseudonym}'; add it first with "
                             f"`testimonia source add {pseudonym} --kind KIND`, or give "
                             "source_kind in the front matter")
    return records.add_source(conn, pseudonym, parse_choice(SourceKind, kind, "source kind"),
                              organization)


def _document(path: Path, data: bytes, document_id: str, result: ReadResult, language: str,
              detected: str, confidence: float) -> Document:
    return Document(
        id=document_id, file_name=path.name, size=len(data), media_type=result.media_type,
        received_at=records.now(), language=language, language_detected=detected,
        language_confidence=round(confidence, 3), source=None, organization="",
        state="ingested", text_sha256=hashlib.sha256(result.text.encode("utf-8")).hexdigest(),
        reader=result.reader, metadata=result.metadata)
