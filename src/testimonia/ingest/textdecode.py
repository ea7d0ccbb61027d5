"""Shared decoding and clean-up for text formats.

UTF-8 (with or without a byte-order mark) and UTF-16 or UTF-32 with a byte-order
mark are decoded exactly. Otherwise, in this order: UTF-16 without a byte-order
mark when the bytes clearly are UTF-16; UTF-8 with a few stray NUL bytes, which are
removed; and the older single-byte encodings of English, French, Russian and
Ukrainian texts (see `LEGACY_ENCODINGS`), detected with charset-normalizer. Every
such repair is described in `DecodedText.repairs`, so custody can record it.
Every reader passes its final text through `finish_text`, so all working copies
are NFC with "\\n" newlines.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING

from charset_normalizer import from_bytes

from testimonia.errors import UnreadableFile
from testimonia.ingest.language import MAX_CHARS, function_word_share

if TYPE_CHECKING:  # importing it at run time would import every reader, which import this
    from testimonia.ingest.readers.base import ReadLimits

RESAVE_HINT = "re-save the file as UTF-8 (in most editors: Save As, Encoding: UTF-8)"
BINARY_REASON = "binary data, not text; check that this is the right file"
EMPTY_REASON = "contains no text (the file is empty or holds only whitespace)"

# Python codec name -> the name people know it by.
LEGACY_ENCODINGS: dict[str, str] = {
    "cp1252": "Windows-1252",
    "iso8859-1": "Latin-1 (ISO-8859-1)",
    "iso8859-15": "Latin-9 (ISO-8859-15)",
    "cp1251": "Windows-1251",
    "koi8-r": "KOI8-R",
    "koi8-u": "KOI8-U",
    "iso8859-5": "ISO-8859-5",
    "mac-cyrillic": "Mac Cyrillic",
    "cp866": "DOS Cyrillic (CP866)",
}
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")  # all but \t \n \r \f
_CONTROL_BYTES = re.compile(b"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_BINARY_CONTROL_SHARE = 0.10
_STRAY_NULS_HANDFUL = 8  # this many NULs are stray if they are under 10% of the bytes
_STRAY_NULS_PER_BYTE = 1 / 1000  # any number under this share is stray
_UTF16_PLAUSIBLE_SHARE = 0.98
_DETECTION_SAMPLE_BYTES = 4 * MAX_CHARS
_MIN_LETTER_SHARE = 0.5  # of the visible characters, for a legacy decoding to count as text
_LETTER_RUN = re.compile(r"[^\W\d_]+")
_LATIN_LETTER = re.compile("[a-zA-Z\u00c0-\u024f]")
_CYRILLIC_LETTER = re.compile("[\u0400-\u04ff]")


@dataclass(frozen=True)
class DecodedText:
    """Decoded, normalised text, the codec used and any repairs made on the way."""

    text: str
    encoding: str  # a Python codec name: "utf-8", "utf-16-le", "cp1251", ...
    repairs: tuple[str, ...] = ()

    def as_metadata(self) -> dict[str, str | list[str]]:
        """{"encoding": ...} plus "repairs" when there were any."""
        metadata: dict[str, str | list[str]] = {"encoding": self.encoding}
        if self.repairs:
            metadata["repairs"] = list(self.repairs)
        return metadata


def decode_text(data: bytes, file_name: str, declared: str | None = None) -> DecodedText:
    """Decode `data` and normalise it; raise UnreadableFile if it is not text.

    `declared` is a character set the file names for itself (an HTML <meta charset>);
    it is used only when the bytes are not UTF-8 and it is one of LEGACY_ENCODINGS.
    """
    decoded = _decode(data, file_name, declared)
    if looks_binary(decoded.text):
        raise UnreadableFile(file_name, BINARY_REASON)
    return DecodedText(normalize_text(decoded.text), decoded.encoding, decoded.repairs)


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
    controls = sum(1 for _ in _CONTROLS.finditer(text))
    return controls > _BINARY_CONTROL_SHARE * len(text)


def looks_binary_bytes(data: bytes) -> bool:
    """Byte-level version of `looks_binary`, for formats decoded later (email)."""
    if not data:
        return False
    if b"\x00" in data:
        return True
    controls = sum(1 for _ in _CONTROL_BYTES.finditer(data))
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


def _decode(data: bytes, file_name: str, declared: str | None) -> DecodedText:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _decode_exactly(data, codec, file_name)
    if b"\x00" in data:
        return _decode_with_nuls(data, file_name)
    try:
        return DecodedText(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        if looks_binary_bytes(data):
            raise UnreadableFile(file_name, BINARY_REASON) from None
        legacy = _decode_legacy(data, declared)
        if legacy is None:
            raise UnreadableFile(file_name, _decode_reason(data, "utf-8", exc)) from None
        return legacy


def _decode_exactly(data: bytes, codec: str, file_name: str) -> DecodedText:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise UnreadableFile(file_name, _decode_reason(data, codec, exc)) from None
    return DecodedText(text, codec)


def _decode_with_nuls(data: bytes, file_name: str) -> DecodedText:
    """UTF-16 without a byte-order mark, or UTF-8 with a few stray NULs; else refuse."""
    utf16 = _decode_utf16_without_bom(data)
    if utf16 is not None:
        return utf16
    nuls = data.count(0)
    if _are_stray(nuls, len(data)):
        try:
            text = data.replace(b"\x00", b"").decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            plural = "" if nuls == 1 else "s"
            return DecodedText(text, "utf-8", (f"removed {nuls} NUL byte{plural}",))
    raise UnreadableFile(file_name, _nul_reason(data))


def _are_stray(nuls: int, size: int) -> bool:
    if nuls <= _STRAY_NULS_PER_BYTE * size:
        return True
    return nuls <= _STRAY_NULS_HANDFUL and nuls <= _BINARY_CONTROL_SHARE * size


def _decode_utf16_without_bom(data: bytes) -> DecodedText | None:
    """Decode as UTF-16 if the NULs all sit on one side and the text is plausible."""
    if len(data) % 2:
        return None
    even_nuls = data[0::2].count(0)
    odd_nuls = data[1::2].count(0)
    half = len(data) // 2
    if min(even_nuls, odd_nuls) > 0.01 * half or max(even_nuls, odd_nuls) < 0.05 * half:
        return None
    codec, order = ("utf-16-le", "little") if odd_nuls > even_nuls else ("utf-16-be", "big")
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    if not _plausible_utf16_text(text):
        return None
    repair = f"decoded as UTF-16 ({order}-endian) without a byte-order mark"
    return DecodedText(text, codec, (repair,))


def _plausible_utf16_text(text: str) -> bool:
    """Mostly Latin or Cyrillic letters and punctuation, and not binary."""
    if looks_binary(text):
        return False
    plausible = sum(
        1 for char in text if ord(char) < 0x0530 or 0x2000 <= ord(char) < 0x2200
    )
    return plausible >= _UTF16_PLAUSIBLE_SHARE * len(text)


def _decode_legacy(data: bytes, declared: str | None) -> DecodedText | None:
    """The legacy encoding whose text reads best; None when none reads well."""
    codec = _declared_legacy_codec(data, declared) or _detect_legacy_codec(data)
    if codec is None:
        return None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    return DecodedText(text, codec, (f"decoded as {LEGACY_ENCODINGS[codec]} (not UTF-8)",))


def _declared_legacy_codec(data: bytes, declared: str | None) -> str | None:
    if declared is None:
        return None
    try:
        codec = codecs.lookup(declared).name
    except LookupError:
        return None
    if codec not in LEGACY_ENCODINGS:
        return None
    try:
        data.decode(codec)
    except UnicodeDecodeError:
        return None
    return codec


def _detect_legacy_codec(data: bytes) -> str | None:
    """The charset-normalizer match that reads best: no control characters, the most
    function words of English, French, Russian or Ukrainian, the fewest odd words, the
    least mess (charset-normalizer's measure), and the commoner encoding."""
    matches = from_bytes(data, cp_isolation=list(LEGACY_ENCODINGS))
    priority = list(LEGACY_ENCODINGS)
    ranked: list[tuple[bool, float, float, float, int, str]] = []
    for match in matches:
        codec = codecs.lookup(match.encoding).name
        if codec not in LEGACY_ENCODINGS:
            continue
        sample = data[:_DETECTION_SAMPLE_BYTES].decode(codec, errors="replace")
        words = _LETTER_RUN.findall(sample)
        if not _mostly_letters(sample, words):
            continue
        share = round(function_word_share(sample), 2)
        odd = sum(1 for word in words if _odd_word(word)) / len(words)
        controls = _CONTROLS.search(sample) is not None
        ranked.append((controls, -share, odd, match.chaos, priority.index(codec), codec))
    return min(ranked)[-1] if ranked else None


def _mostly_letters(sample: str, words: list[str]) -> bool:
    visible = len(sample) - sum(1 for char in sample if char.isspace())
    return visible > 0 and sum(len(word) for word in words) >= _MIN_LETTER_SHARE * visible


def _odd_word(word: str) -> bool:
    """Latin and Cyrillic letters in one word, or a capital after a small letter
    ("frappй", "эХЮб"): what a wrong single-byte encoding produces."""
    if _LATIN_LETTER.search(word) and _CYRILLIC_LETTER.search(word):
        return True
    return any(a.islower() and b.isupper() for a, b in pairwise(word))


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
        where += (
            ", and not in an older encoding Testimonia recognises "
            "(Windows-1252, Latin-1, Windows-1251, KOI8-R, KOI8-U, ...)"
        )
    return f"not valid {label} ({where}); {RESAVE_HINT}"
