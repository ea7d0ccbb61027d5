"""Word documents (.docx) read with zipfile and defusedxml, never python-docx.

The archive is checked before anything is inflated (member count, declared
sizes, compression ratio) and inflation stops at the byte limit, because
declared sizes can lie. Author names are never read: they identify people.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterator
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree

from testimonia.errors import UnreadableFile
from testimonia.ingest.readers.base import ReadLimits, ReadResult
from testimonia.ingest.textdecode import finish_text, normalize_text

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DOCUMENT = "word/document.xml"
_CORE = "docProps/core.xml"
_CHUNK = 64 * 1024
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_SKIP = frozenset({_W + "pPr", _W + "rPr", _W + "sectPr", _MC + "Fallback"})
_INLINE = {_W + "tab": "\t", _W + "br": "\n", _W + "cr": "\n", _W + "noBreakHyphen": "-"}
_CORE_FIELDS = {
    "title": "{http://purl.org/dc/elements/1.1/}title",
    "created": "{http://purl.org/dc/terms/}created",
    "modified": "{http://purl.org/dc/terms/}modified",
}
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    struct.error,
    EOFError,
    OSError,
    ValueError,
    NotImplementedError,
    RuntimeError,
    KeyError,
    IndexError,
    OverflowError,
)
_XML_ERRORS = (ParseError, defusedxml.DefusedXmlException, RecursionError)


class InflationBudget:
    """Counts inflated bytes and refuses to go past the limit."""

    def __init__(self, limit: int, file_name: str) -> None:
        self.left = limit
        self.limit = limit
        self.file_name = file_name

    def take(self, count: int) -> None:
        """Spend `count` bytes; raise UnreadableFile when the limit is passed."""
        self.left -= count
        if self.left < 0:
            raise UnreadableFile(
                self.file_name, _bomb(f"it inflates to more than {self.limit:,} bytes")
            )


def read_member(archive: zipfile.ZipFile, name: str, budget: InflationBudget) -> bytes:
    """Inflate one member in chunks, charging every chunk to `budget`."""
    chunks: list[bytes] = []
    with archive.open(name) as member:
        while chunk := member.read(_CHUNK):
            budget.take(len(chunk))
            chunks.append(chunk)
    return b"".join(chunks)


class DocxReader:
    """Reads the body text of .docx files."""

    name: str = "docx"
    version: str = "1"
    media_type: str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    extensions: tuple[str, ...] = (".docx",)

    def read(self, data: bytes, file_name: str, limits: ReadLimits) -> ReadResult:
        """Return one line per paragraph; metadata: title, created, modified."""
        _check_magic(data, file_name)
        try:
            text, metadata = _read_archive(data, file_name, limits)
        except _ZIP_ERRORS as exc:
            raise UnreadableFile(
                file_name,
                f"damaged .docx ({str(exc)[:120] or type(exc).__name__}); "
                "re-save it from Word or LibreOffice",
            ) from None
        text = finish_text(text, file_name, limits)
        return ReadResult(
            text=text,
            media_type=self.media_type,
            reader=f"{self.name}@{self.version}",
            metadata=metadata,
        )


def _check_magic(data: bytes, file_name: str) -> None:
    if not data:
        raise UnreadableFile(file_name, "the file is empty")
    if data.startswith(_OLE_MAGIC):
        raise UnreadableFile(
            file_name,
            "this is an old Word .doc file or a password-protected .docx; "
            "open it in Word or LibreOffice and save it as .docx without a password",
        )
    if not data.startswith(_ZIP_MAGIC):
        raise UnreadableFile(
            file_name, "not a .docx file (no ZIP signature); check the file or its extension"
        )


def _read_archive(data: bytes, file_name: str, limits: ReadLimits) -> tuple[str, dict[str, Any]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        _check_archive(archive.infolist(), file_name, limits)
        names = set(archive.namelist())
        if _DOCUMENT not in names:
            raise UnreadableFile(
                file_name, "not a Word document (no word/document.xml inside); check the file"
            )
        budget = InflationBudget(limits.max_uncompressed_bytes, file_name)
        document = _parse(read_member(archive, _DOCUMENT, budget), file_name)
        core = read_member(archive, _CORE, budget) if _CORE in names else b""
    return document_text(document), core_metadata(core)


def _check_archive(infos: list[zipfile.ZipInfo], file_name: str, limits: ReadLimits) -> None:
    if len(infos) > limits.max_zip_members:
        raise UnreadableFile(
            file_name,
            _bomb(
                f"it has {len(infos):,} members, more than the limit of {limits.max_zip_members:,}"
            ),
        )
    declared = sum(info.file_size for info in infos)
    if declared > limits.max_uncompressed_bytes:
        raise UnreadableFile(
            file_name,
            _bomb(
                f"it declares {declared:,} bytes, "
                f"more than the limit of {limits.max_uncompressed_bytes:,}"
            ),
        )
    for info in infos:
        if info.file_size and (
            not info.compress_size
            or info.file_size / info.compress_size > limits.max_compression_ratio
        ):
            raise UnreadableFile(
                file_name,
                _bomb(
                    f"member {info.filename!r} compresses more than "
                    f"{limits.max_compression_ratio:g} to 1"
                ),
            )


def _bomb(detail: str) -> str:
    return (
        f"refused as a possible zip bomb: {detail}; "
        "if the document is genuine, re-save it or split it"
    )


def _parse(xml: bytes, file_name: str) -> Element:
    try:
        root: Element = defusedxml.ElementTree.fromstring(xml, forbid_dtd=True)
    except _XML_ERRORS as exc:
        raise UnreadableFile(
            file_name,
            f"damaged .docx: word/document.xml is not valid XML ({str(exc)[:120]}); "
            "re-save it from Word",
        ) from None
    return root


def document_text(root: Element) -> str:
    """One line per w:p, with w:t text, tabs and breaks."""
    lines: list[list[str]] = [[]]
    for element in _walk(root):
        if element.tag == _W + "p":
            lines.append([])
        elif element.tag == _W + "t":
            lines[-1].append(element.text or "")
        elif element.tag in _INLINE:
            lines[-1].append(_INLINE[element.tag])
    return "\n".join("".join(parts) for parts in lines).strip("\n")


def _walk(root: Element) -> Iterator[Element]:
    """Elements in document order, without property and fallback subtrees."""
    stack = [root]
    while stack:
        element = stack.pop()
        yield element
        if element.tag not in _SKIP:
            stack.extend(reversed(list(element)))


def core_metadata(core: bytes) -> dict[str, Any]:
    """title, created and modified from docProps/core.xml; {} if absent or unreadable."""
    if not core:
        return {}
    try:
        root: Element = defusedxml.ElementTree.fromstring(core, forbid_dtd=True)
    except _XML_ERRORS:
        return {}  # the properties are optional; the document text is what matters
    metadata: dict[str, Any] = {}
    for key, tag in _CORE_FIELDS.items():
        found = root.find(tag)
        value = " ".join((found.text or "").split()) if found is not None else ""
        if value:
            metadata[key] = normalize_text(value)
    return metadata
