"""Running the pipeline: over a workspace's pending documents, or over loose files.

In a workspace, a document is (re)read only when its text or the pipeline version
changed since its last extraction; each document's results replace its previous ones in
one transaction together with an `extracted` custody entry. One failing document is
reported and the batch goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from testimonia.errors import TestimoniaError, UnreadableFile, UnsupportedFormat
from testimonia.extract.document import ExtractDoc
from testimonia.extract.pipeline import extract_text, pipeline_version
from testimonia.ingest.readers import reader_for
from testimonia.ingest.readers.base import ReadLimits
from testimonia.service import doccrypt
from testimonia.service.ingest import iter_files
from testimonia.service.workspace import Workspace
from testimonia.store import extractions

BATCH = 32


@dataclass
class ExtractReport:
    version: str
    documents: int = 0
    mentions: int = 0
    claims: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (document, reason)


def count_pending(ws: Workspace) -> int:
    with ws.engine.connect() as conn:
        return extractions.count_pending(conn, pipeline_version())


def extract_workspace(ws: Workspace, progress: Callable[[str], None] | None = None) -> ExtractReport:
    report = ExtractReport(version=pipeline_version())
    failed: set[str] = set()
    while batch := _next_batch(ws, report.version, failed):
        for item, data_key, text in batch:
            _extract_one(ws, item, data_key, text, report, failed)
            if progress is not None:
                progress(item.document_id)
    return report


def _next_batch(ws: Workspace, version: str,
                failed: set[str]) -> list[tuple[extractions.Pending, bytes, str]]:
    """The next documents to extract, with their keys and texts opened: those in the
    acting user's scope only."""
    with ws.engine.connect() as conn:
        visible = ws.scope(conn).document_ids(conn)
        batch = []
        for item in extractions.pending(conn, version):
            if item.document_id not in failed and item.document_id in visible:
                data_key = doccrypt.key_for(ws, conn, item.document_id)
                batch.append((item, data_key,
                              doccrypt.open_text(data_key, item.document_id, item.sealed)))
            if len(batch) == BATCH:
                break
        return batch


def _extract_one(ws: Workspace, item: extractions.Pending, data_key: bytes, text: str,
                 report: ExtractReport, failed: set[str]) -> None:
    try:
        doc = extract_text(text, item.language, reference_date(item.metadata))
    except Exception as exc:  # one document must never stop the batch
        failed.add(item.document_id)
        report.failed.append((item.document_id[:12], f"{type(exc).__name__}: {exc}"))
        return
    with ws.transaction() as conn:
        extractions.replace_results(conn, item.document_id, report.version, item.text_sha256,
                                    doc.mentions, doc.claims,
                                    doccrypt.sealer(data_key, item.document_id))
        ws.record(conn, "extracted", item.document_id, {
            "pipeline_version": report.version, "text_sha256": item.text_sha256,
            "mentions": len(doc.mentions), "claims": len(doc.claims)})
    report.documents += 1
    report.mentions += len(doc.mentions)
    report.claims += len(doc.claims)


def reference_date(metadata: dict[str, Any]) -> date | None:
    """The interview date from the front matter (YYYY, YYYY-MM or YYYY-MM-DD), if any."""
    value = str(metadata.get("front_matter", {}).get("interview_date") or "")
    parts = [int(p) for p in value.split("-") if p.isdigit()]
    if not parts:
        return None
    try:
        return date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        return None


@dataclass(frozen=True)
class FileResult:
    path: Path
    doc: ExtractDoc | None
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        if self.doc is None:
            return {"file": str(self.path), "error": self.error}
        return {"file": str(self.path), **self.doc.to_json()}


def extract_files(paths: Iterable[Path], language: str | None = None) -> Iterator[FileResult]:
    """The same pipeline on loose files, without a workspace (models load once)."""
    for path, explicit in iter_files(paths):
        try:
            result = reader_for(path).read(path.read_bytes(), path.name, ReadLimits())
        except UnsupportedFormat as exc:
            if explicit:
                yield FileResult(path, None, exc.reason)
            continue
        except UnreadableFile as exc:
            yield FileResult(path, None, exc.reason)
            continue
        except OSError as exc:
            yield FileResult(path, None, f"cannot read the file ({exc.strerror or exc})")
            continue
        front = result.metadata.get("front_matter", {})
        lang = language or front.get("language")
        try:
            yield FileResult(path, extract_text(result.text, lang, reference_date(result.metadata)))
        except TestimoniaError as exc:
            yield FileResult(path, None, str(exc))

