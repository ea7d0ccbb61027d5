"""PDF files: the text layer, read with pypdf (no OCR).

Pages are joined with a blank line. A PDF protected only by an owner password
(an empty user password) is read; one that needs a password to open is not.
"""

from __future__ import annotations

import io
import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pypdf

from testimonia.errors import UnreadableFile
from testimonia.ingest.readers.base import ReadLimits, ReadResult
from testimonia.ingest.textdecode import finish_text, normalize_text, too_long_reason

_MAGIC = b"%PDF-"
_EOF_MARKER = b"%%EOF"
_SCAN_BYTES = 1024
_DAMAGED = "damaged PDF ({detail}); get a fresh copy or re-save it with a PDF viewer (Print to PDF)"
_ENCRYPTED = (
    "the PDF is encrypted and needs a password; "
    "open it with the password and save an unprotected copy"
)
_NO_TEXT = "no text layer — is it a scan? OCR is not supported; run OCR first or type the text"


@contextmanager
def quiet_pypdf() -> Iterator[None]:
    """Silence pypdf's log messages and warnings for the duration."""
    logger = logging.getLogger("pypdf")
    previous = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(previous)


class PdfReader:
    """Reads the text layer of .pdf files."""

    name: str = "pdf"
    version: str = "1"
    media_type: str = "application/pdf"
    extensions: tuple[str, ...] = (".pdf",)

    def read(self, data: bytes, file_name: str, limits: ReadLimits) -> ReadResult:
        """Return page texts joined by "\\n\\n"; metadata: page_count, title."""
        _check_envelope(data, file_name)
        with quiet_pypdf():
            try:
                text, metadata = _extract(data, file_name, limits)
            except UnreadableFile:
                raise
            except Exception as exc:  # pypdf raises many types on hostile input
                raise UnreadableFile(file_name, _DAMAGED.format(detail=_short(exc))) from None
        text = finish_text(text, file_name, limits)
        return ReadResult(
            text=text,
            media_type=self.media_type,
            reader=f"{self.name}@{self.version}",
            metadata=metadata,
        )


def _check_envelope(data: bytes, file_name: str) -> None:
    if not data:
        raise UnreadableFile(file_name, "the file is empty")
    if _MAGIC not in data[:_SCAN_BYTES]:
        raise UnreadableFile(
            file_name, "not a PDF file (no %PDF- header); check the file or its extension"
        )
    if _EOF_MARKER not in data[-_SCAN_BYTES:]:
        raise UnreadableFile(
            file_name,
            "the PDF is truncated (no %%EOF end marker); "
            "it was probably cut off in transfer — get a complete copy",
        )


def _extract(data: bytes, file_name: str, limits: ReadLimits) -> tuple[str, dict[str, Any]]:
    document = pypdf.PdfReader(io.BytesIO(data), strict=False)
    _unlock(document, file_name)
    page_count = len(document.pages)
    if page_count > limits.max_pdf_pages:
        raise UnreadableFile(
            file_name,
            f"the PDF has {page_count:,} pages, "
            f"more than the limit of {limits.max_pdf_pages:,}; split it",
        )
    text = _page_texts(document, file_name, limits)
    if not text.strip():
        raise UnreadableFile(file_name, _NO_TEXT)
    metadata: dict[str, Any] = {"page_count": page_count}
    title = _title(document)
    if title:
        metadata["title"] = title
    return text, metadata


def _unlock(document: pypdf.PdfReader, file_name: str) -> None:
    if not document.is_encrypted:
        return
    try:
        unlocked = document.decrypt("") != pypdf.PasswordType.NOT_DECRYPTED
    except pypdf.errors.DependencyError:
        unlocked = False
    if not unlocked:
        raise UnreadableFile(file_name, _ENCRYPTED)


def _page_texts(document: pypdf.PdfReader, file_name: str, limits: ReadLimits) -> str:
    texts: list[str] = []
    total = 0
    for page in document.pages:
        page_text = page.extract_text() or ""
        total += len(page_text) + 2
        if total > limits.max_text_chars:
            raise UnreadableFile(file_name, too_long_reason(limits))
        texts.append(page_text)
    return "\n\n".join(texts)


def _title(document: pypdf.PdfReader) -> str | None:
    info = document.metadata
    title = info.title if info is not None else None
    if isinstance(title, str) and title.strip():
        return normalize_text(" ".join(title.split()))
    return None


def _short(exc: Exception) -> str:
    detail = str(exc).strip() or type(exc).__name__
    return detail[:120]
