"""The format readers, looked up by file extension."""

from __future__ import annotations

from pathlib import Path

from testimonia.errors import UnsupportedFormat
from testimonia.ingest.readers.base import Reader
from testimonia.ingest.readers.docx import DocxReader
from testimonia.ingest.readers.eml import EmlReader
from testimonia.ingest.readers.html import HtmlReader
from testimonia.ingest.readers.pdf import PdfReader
from testimonia.ingest.readers.text import MarkdownReader, PlainTextReader

READERS: tuple[Reader, ...] = (
    PlainTextReader(),
    MarkdownReader(),
    HtmlReader(),
    PdfReader(),
    DocxReader(),
    EmlReader(),
)
_BY_EXTENSION: dict[str, Reader] = {ext: reader for reader in READERS for ext in reader.extensions}
SUPPORTED_EXTENSIONS: tuple[str, ...] = tuple(sorted(_BY_EXTENSION))


def reader_for(path: Path) -> Reader:
    """The reader for `path`'s extension (case-insensitive); UnsupportedFormat if none."""
    extension = path.suffix.lower()
    reader = _BY_EXTENSION.get(extension)
    if reader is None:
        raise UnsupportedFormat(path, _unsupported_reason(extension))
    return reader


def _unsupported_reason(extension: str) -> str:
    supported = ", ".join(SUPPORTED_EXTENSIONS)
    what = f"unsupported file type '{extension}'" if extension else "no file extension"
    return f"{what}; supported: {supported}. Save or export the file in one of these formats"
