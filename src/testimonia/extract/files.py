"""Extraction without a workspace: loose files through the same pipeline, and the
reference date a document's relative time expressions resolve against."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from testimonia.errors import TestimoniaError, UnreadableFile, UnsupportedFormat
from testimonia.extract.document import ExtractDoc
from testimonia.extract.pipeline import extract_text
from testimonia.ingest.files import iter_files
from testimonia.ingest.readers import reader_for
from testimonia.ingest.readers.base import ReadLimits

__all__ = ["FileResult", "extract_files", "reference_date"]


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
