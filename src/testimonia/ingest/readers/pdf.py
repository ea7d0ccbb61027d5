"""PDF files: the text layer, read with PDFium through pypdfium2 (no OCR).

Pages are joined with a blank line. A PDF protected only by an owner password
(an empty user password) is read; one that needs a password to open is not.
PDFium, like every PDF viewer, rebuilds a damaged cross-reference table; when
the table does not match the file, metadata["repairs"] says so. The engine and
its version are recorded in metadata["pdf_engine"].
"""

from __future__ import annotations

import re
from importlib.metadata import version
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw

from testimonia.errors import UnreadableFile
from testimonia.ingest.readers.base import ReadLimits, ReadResult
from testimonia.ingest.textdecode import finish_text, normalize_text, too_long_reason

PDF_ENGINE = f"pypdfium2 {version('pypdfium2')}"
XREF_REPAIR = "the cross-reference table did not match the file; PDFium rebuilt it"
_MAGIC = b"%PDF-"
_EOF_MARKER = b"%%EOF"
_SCAN_BYTES = 1024
_DAMAGED = "damaged PDF ({detail}); get a fresh copy or re-save it with a PDF viewer (Print to PDF)"
_ENCRYPTED = (
    "the PDF is encrypted and needs a password; "
    "open it with the password and save an unprotected copy"
)
_NO_TEXT = "no text layer — is it a scan? OCR is not supported; run OCR first or type the text"
_STARTXREF = re.compile(rb"startxref\s+(\d{1,12})\s+%%EOF")
_XREF_STREAM_OBJECT = re.compile(rb"\s*\d{1,10}\s+\d{1,5}\s+obj\b")
_XREF_IN_USE = re.compile(rb"(\d{10}) \d{5} n")
_OBJECT_AT = re.compile(rb"\d{1,10}\s+\d{1,5}\s+obj\b")
_MAX_CHECKED_ENTRIES = 100_000


class PdfReader:
    """Reads the text layer of .pdf files."""

    name: str = "pdf"
    version: str = "2"
    media_type: str = "application/pdf"
    extensions: tuple[str, ...] = (".pdf",)

    def read(self, data: bytes, file_name: str, limits: ReadLimits) -> ReadResult:
        """Return page texts joined by "\\n\\n"; metadata: page_count, title, pdf_engine."""
        _check_envelope(data, file_name)
        try:
            text, metadata = _extract(data, file_name, limits)
        except UnreadableFile:
            raise
        except Exception as exc:  # a damaged file can fail in many ways
            raise UnreadableFile(file_name, _DAMAGED.format(detail=_short(exc))) from None
        text = finish_text(text, file_name, limits)
        metadata["pdf_engine"] = PDF_ENGINE
        if not xref_matches(data):
            metadata["repairs"] = [XREF_REPAIR]
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
    document = _open(data, file_name)
    try:
        page_count = len(document)
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
    finally:
        document.close()


def _open(data: bytes, file_name: str) -> pdfium.PdfDocument:
    """Open with the empty user password; refuse a PDF that needs a real one."""
    try:
        # The empty user password: owner-only protection opens, a real password does not.
        return pdfium.PdfDocument(data, password="")  # nosec B106
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == pdfium_raw.FPDF_ERR_PASSWORD:
            raise UnreadableFile(file_name, _ENCRYPTED) from None
        raise


def _page_texts(document: pdfium.PdfDocument, file_name: str, limits: ReadLimits) -> str:
    texts: list[str] = []
    total = 0
    for index in range(len(document)):
        page_text = _page_text(document, index)
        total += len(page_text) + 2
        if total > limits.max_text_chars:
            raise UnreadableFile(file_name, too_long_reason(limits))
        texts.append(page_text)
    return "\n\n".join(texts)


def _page_text(document: pdfium.PdfDocument, index: int) -> str:
    page = document[index]
    try:
        text_page = page.get_textpage()
        try:
            return str(text_page.get_text_range())
        finally:
            text_page.close()
    finally:
        page.close()


def _title(document: pdfium.PdfDocument) -> str | None:
    title = document.get_metadata_dict().get("Title")
    if isinstance(title, str) and title.strip():
        return normalize_text(" ".join(title.split()))
    return None


def xref_matches(data: bytes) -> bool:
    """True if the last startxref points at a cross-reference section whose entries
    point at objects; False if PDFium had to rebuild the table to read the file."""
    found = list(_STARTXREF.finditer(data, max(0, len(data) - _SCAN_BYTES)))
    if not found:
        return False
    offset = int(found[-1].group(1))
    if offset >= len(data):
        return False
    if data.startswith(b"xref", offset):
        return _table_entries_match(data, offset)
    return _XREF_STREAM_OBJECT.match(data, offset) is not None


def _table_entries_match(data: bytes, offset: int) -> bool:
    end = data.find(b"trailer", offset)
    table_end = end if end >= 0 else len(data)
    for checked, entry in enumerate(_XREF_IN_USE.finditer(data, offset, table_end)):
        if checked >= _MAX_CHECKED_ENTRIES:
            break
        position = int(entry.group(1))
        if _OBJECT_AT.match(data, position) is None:
            return False
    return True


def _short(exc: Exception) -> str:
    detail = str(exc).strip() or type(exc).__name__
    return detail[:120]
