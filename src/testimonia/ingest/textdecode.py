"""Shared decoding and clean-up for text formats.

Accepted encodings: UTF-8 (with or without a byte-order mark), and UTF-16 or
UTF-32 with a byte-order mark. Every reader passes its final text through
`finish_text`, so all working copies are NFC with "\\n" newlines.
"""

from __future__ import annotations

import codecs
import unicodedata

from testimonia.errors import UnreadableFile
from testimonia.ingest.readers.base import ReadLimits

RESAVE_HINT = "re-save the file as UTF-8 (in most editors: Save As, Encoding: UTF-8)"
BINARY_REASON = "binary data, not text; check that this is the right file"
EMPTY_REASON = "contains no text (the file is empty or holds only whitespace)"

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_ALLOWED_CONTROLS = frozenset("\t\n\r\f")
_CONTROL_CHARS = [
    cp for cp in (*range(0x20), *range(0x7F, 0xA0)) if chr(cp) not in _ALLOWED_CONTROLS
]
_DELETE_CONTROLS: dict[int, None] = {cp: None for cp in _CONTROL_CHARS}
_DELETE_CONTROL_BYTES = bytes(cp for cp in _CONTROL_CHARS if cp < 0x80)
_BINARY_CONTROL_SHARE = 0.10


def decode_text(data: bytes, file_name: str) -> str:
    """Decode `data` as UTF-8/16/32 and normalise it; raise UnreadableFile otherwise."""
    codec = _codec_for(data)
    if codec == "utf-8" and b"\x00" in data:
        raise UnreadableFile(file_name, _nul_reason(data))
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise UnreadableFile(file_name, _decode_reason(data, codec, exc)) from None
    if looks_binary(text):
        raise UnreadableFile(file_name, BINARY_REASON)
    return normalize_text(text)


def normalize_text(text: str) -> str:
    """Turn "\\r\\n" and "\\r" into "\\n" and compose to Unicode NFC."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


def looks_binary(text: str) -> bool:
    """True if `text` holds NUL or more than 10% control characters."""
    if not text:
        return False
    if "\x00" in text:
        return True
    controls = len(text) - len(text.translate(_DELETE_CONTROLS))
    return controls > _BINARY_CONTROL_SHARE * len(text)


def looks_binary_bytes(data: bytes) -> bool:
    """Byte-level version of `looks_binary`, for formats decoded later (email)."""
    if not data:
        return False
    if b"\x00" in data:
        return True
    controls = len(data) - len(data.translate(None, _DELETE_CONTROL_BYTES))
    return controls > _BINARY_CONTROL_SHARE * len(data)


def finish_text(text: str, file_name: str, limits: ReadLimits) -> str:
    """Normalise a reader's final text and refuse empty or oversized text."""
    text = normalize_text(text)
    if not text.strip():
        raise UnreadableFile(file_name, EMPTY_REASON)
    if len(text) > limits.max_text_chars:
        raise UnreadableFile(file_name, too_long_reason(limits))
    return text


def too_long_reason(limits: ReadLimits) -> str:
    """The reason given when a text exceeds limits.max_text_chars."""
    return (
        f"text is longer than the limit of {limits.max_text_chars:,} characters; "
        "split the file into smaller parts"
    )


def _codec_for(data: bytes) -> str:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec
    return "utf-8"


def _nul_reason(data: bytes) -> str:
    even_nuls = data[0::2].count(0)
    odd_nuls = data[1::2].count(0)
    half = max(len(data) // 2, 1)
    if max(even_nuls, odd_nuls) > 0.4 * half and min(even_nuls, odd_nuls) < 0.05 * half:
        return f"looks like UTF-16 without a byte-order mark; {RESAVE_HINT}"
    return BINARY_REASON


def _decode_reason(data: bytes, codec: str, exc: UnicodeDecodeError) -> str:
    if codec == "utf-8" and looks_binary_bytes(data):
        return BINARY_REASON
    label = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "utf-16": "UTF-16"}.get(codec, "UTF-32")
    offset = exc.start + (len(codecs.BOM_UTF8) if codec == "utf-8-sig" else 0)
    where = f"byte 0x{data[offset]:02x} at offset {offset}"
    if label == "UTF-8":
        where += ", perhaps an older encoding such as Windows-1251 or Latin-1"
    return f"not valid {label} ({where}); {RESAVE_HINT}"
