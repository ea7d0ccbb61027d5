"""Proof that nothing protected remains in produced files.

Redaction happens where text is produced. This scan checks the result: every file under
an export folder, and every file and folder name, is searched with the same `Redactor`
that redacted it. Redacted output therefore scans clean. An unlisted e-mail address or
phone-like number still counts as a leak. Each format is also read the way its reader
will see it. JSON is parsed, so "\\u041e..." escapes and keys are checked (JSON lines,
FollowTheMoney's `.ftm.json` among them, line by line). In HTML the
entities are decoded and the attributes (alt, title) and comments are checked. In a PDF
the text layer, the document information (/Author...), the XMP metadata and the bookmark
titles are checked. Any other file is checked as UTF-8 text, plus UTF-16 when it starts
with a byte-order mark.

A file that cannot be checked (broken JSON or PDF, an encrypted PDF, a compressed
archive, an unreadable file) is reported as a leak of kind "unreadable". An export that
cannot be checked must not pass as clean.

A leak report must not leak either. `Leak.shown` masks the hit ("O******** K********"),
and the path and location are themselves redacted ("[witness]_statement.json").
"""

from __future__ import annotations

import bisect
import json
import os
import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.generic import StreamObject

from testimonia.export.redact import Hit, Protected, Redactor
from testimonia.text.textfold import fold

__all__ = ["BesideEvidence", "Leak", "UNREADABLE", "mask", "scan_file", "scan_text", "scan_tree"]

UNREADABLE = "unreadable"
_BOMS = (b"\xff\xfe", b"\xfe\xff")
_JSON_LINES = (".ftm.json", ".jsonl", ".ndjson")  # FollowTheMoney's entity files are JSON lines
_ARCHIVES = (b"PK\x03\x04", b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!")  # zip (docx, xlsx), gzip...
_BLOCK_TAGS = frozenset("p div br li tr td th h1 h2 h3 h4 h5 h6 table ul ol section article "
                        "header footer title blockquote pre".split())
_CAMEL = re.compile(r"(?<=[a-zа-яёіїєґ])(?=[A-ZА-ЯЁІЇЄҐ])")


@dataclass(frozen=True)
class Leak:
    """One protected identifier, or one file that could not be checked."""

    path: str  # relative to the scanned folder, itself redacted
    where: str  # "text offset 120", "file name", "PDF metadata /Author", "JSON key at $"
    kind: str  # kind of the protected identifier, or "unreadable"
    shown: str  # the hit masked: "O******** K********"; never the clear value


def scan_text(text: str, redactor: Redactor) -> list[Hit]:
    """Every protected identifier in `text` (the same hits `redactor.redact` removes)."""
    return redactor.find(text)


def scan_tree(folder: Path, redactor: Redactor, skip: Collection[str] = ()) -> list[Leak]:
    """Leaks in every file under `folder` and in every file and folder name. The content
    of the files and folders `skip` (relative: "data/originals") is not read; their names
    are."""
    leaks: list[Leak] = []
    for current, dirs, files in os.walk(folder):
        dirs.sort()
        here = Path(current)
        for name in sorted(dirs):
            leaks += _name_leaks(here / name, folder, redactor, "folder name")
        for name in sorted(files):
            leaks += _name_leaks(here / name, folder, redactor, "file name")
            where = (here / name).relative_to(folder).as_posix()
            if not any(where == s or where.startswith(f"{s}/") for s in skip):
                leaks += scan_file(here / name, redactor, folder)
    return leaks


class BesideEvidence(Redactor):
    """Finds what a Redactor finds, except words that the evidence texts an export holds
    verbatim contain (the evidence bundle's originals): the export holds them anyway, and
    its other files quote those texts. A name an analyst typed, that no original holds,
    is still found."""

    def __init__(self, protected: Iterable[Protected], evidence: Iterable[str]) -> None:
        self._evidence = "\n".join(fold(text) for text in evidence)
        super().__init__(protected)

    def find(self, text: str) -> list[Hit]:
        return [hit for hit in super().find(text) if fold(text[hit.start:hit.end]) not in self._evidence]


def scan_file(path: Path, redactor: Redactor, root: Path) -> list[Leak]:
    """Leaks in the content of one file (its name is checked by `scan_tree`)."""
    rel = _shown_path(path, root, redactor)
    try:
        data = path.read_bytes()
        if data.startswith(_ARCHIVES):
            return [Leak(rel, "compressed archive: contents not checked", UNREADABLE, "")]
        return [Leak(rel, where, hit_kind, shown)
                for where, hit_kind, shown in _content_leaks(path, data, redactor)]
    except Exception as exc:  # any failure to read or parse: the file cannot be checked
        return [Leak(rel, f"cannot be read ({type(exc).__name__})", UNREADABLE, "")]


def mask(clear: str) -> str:
    """First letter of each word, the rest as asterisks. Digits are always masked."""
    return " ".join(_mask_word(word) for word in clear.split())


def _mask_word(word: str) -> str:
    head = word[0] if word[0].isalpha() else "*"
    return head + "*" * max(len(word) - 1, 2)


_LEAF_GAP = "\n\n¶leaf¶\n\n"  # a word between leaves, so that no match runs from one into the next

# --- one file ------------------------------------------------------------------------

Found = Iterator[tuple[str, str, str]]  # (where, kind, shown)


def _content_leaks(path: Path, data: bytes, redactor: Redactor) -> Found:
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        yield from _pdf_leaks(path, redactor)
        return
    if path.name.lower().endswith(_JSON_LINES):  # one JSON value a line; `$[n]`: the value of the n-th line, from 0
        yield from _json_leaks([json.loads(line) for line in data.splitlines() if line.strip()], redactor)
        return
    if suffix == ".json":  # every key and value, decoded (\u escapes included), covers the text
        yield from _json_leaks(json.loads(data), redactor)
        return
    for label, text in _decoded(data):
        yield from _text_leaks(label, text, redactor)
    if suffix in (".html", ".htm"):
        yield from _html_leaks(data.decode("utf-8", errors="replace"), redactor)


def _decoded(data: bytes) -> list[tuple[str, str]]:
    texts = [("text", data.decode("utf-8", errors="replace"))]
    if data.startswith(_BOMS):
        texts.append(("UTF-16 text", data.decode("utf-16", errors="replace")))
    return texts


def _text_leaks(label: str, text: str, redactor: Redactor, offsets: bool = True) -> Found:
    for hit in scan_text(text, redactor):
        where = f"{label} offset {hit.start}" if offsets else label
        yield where, hit.kind, mask(text[hit.start:hit.end])


def _json_leaks(document: Any, redactor: Redactor) -> Found:
    """Every key and every string or number value of a parsed JSON document, scanned in
    one pass (leaves joined by a separating word; a hit is reported at the leaf it starts in,
    with the leaf's path redacted like everything else)."""
    leaves: list[tuple[str, str, str]] = []  # (key | value, path, text)
    _json_leaves(document, "$", leaves)
    starts, parts, position = [], [], 0
    for _label, _path, text in leaves:
        starts.append(position)
        parts.append(text)
        position += len(text) + len(_LEAF_GAP)
    joined = _LEAF_GAP.join(parts)
    for hit in scan_text(joined, redactor):
        index = bisect.bisect_right(starts, hit.start) - 1
        label, path, text = leaves[index]
        offset = "" if label == "key" else f" offset {hit.start - starts[index]}"
        yield (f"JSON {label} at {redactor.redact(path)}{offset}", hit.kind,
               mask(joined[hit.start:hit.end]))


def _json_leaves(node: Any, path: str, leaves: list[tuple[str, str, str]]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            leaves.append(("key", path, key))
            _json_leaves(value, f"{path}.{key}", leaves)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _json_leaves(value, f"{path}[{index}]", leaves)
    elif isinstance(node, (str, int, float)) and not isinstance(node, bool):
        leaves.append(("value", path, str(node)))


class _HtmlText(HTMLParser):
    """Text of an HTML page with tags stripped and entities decoded, plus its attribute
    values and comments."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.extras: list[tuple[str, str]] = []  # (where, text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_endtag(tag)
        self.extras += [(f"HTML attribute {name}", value) for name, value in attrs if value]

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_comment(self, data: str) -> None:
        self.extras.append(("HTML comment", data))


def _html_leaks(page: str, redactor: Redactor) -> Found:
    parser = _HtmlText()
    parser.feed(page)
    parser.close()
    yield from _text_leaks("HTML text", "".join(parser.parts), redactor)
    for where, text in parser.extras:
        yield from _text_leaks(redactor.redact(where), text, redactor, offsets=False)


def _pdf_leaks(path: Path, redactor: Redactor) -> Found:
    reader = PdfReader(path)
    if reader.is_encrypted and not reader.decrypt(""):
        raise ValueError("encrypted PDF")
    for number, page in enumerate(reader.pages, start=1):
        yield from _text_leaks(f"PDF page {number} text", page.extract_text(), redactor)
    for key, value in (reader.metadata or {}).items():
        where = redactor.redact(f"PDF metadata {key}")
        yield from _text_leaks(where, str(value), redactor, offsets=False)
    metadata = reader.root_object.get("/Metadata")
    stream = metadata.get_object() if metadata is not None else None
    if isinstance(stream, StreamObject):  # raw bytes: a malformed XMP packet is still read
        xmp = stream.get_data().decode("utf-8", errors="replace")
        yield from _text_leaks("PDF XMP metadata", xmp, redactor)
    for title in _outline_titles(reader.outline):
        yield from _text_leaks("PDF bookmark", title, redactor, offsets=False)


def _outline_titles(outline: Any) -> Iterator[str]:
    for item in outline:
        if isinstance(item, list):
            yield from _outline_titles(item)
        else:
            yield str(item.title or "")


# --- names ---------------------------------------------------------------------------

def _name_leaks(path: Path, root: Path, redactor: Redactor, where: str) -> list[Leak]:
    """A protected identifier in a file or folder name, also written in CamelCase or
    with underscores and dots between the words."""
    rel = _shown_path(path, root, redactor)
    for name in (_spaced(path.name), path.name):
        hits = scan_text(name, redactor)
        if hits:
            return [Leak(rel, where, hit.kind, mask(name[hit.start:hit.end])) for hit in hits]
    return []


def _spaced(name: str) -> str:
    return _CAMEL.sub(" ", re.sub(r"[_.]+", " ", name))


def _shown_path(path: Path, root: Path, redactor: Redactor) -> str:
    """The relative path, each name redacted (in its spaced form where only that form
    shows the identifier)."""
    shown = []
    for part in path.relative_to(root).parts:
        safe = redactor.redact(part)
        shown.append(redactor.redact(_spaced(safe)) if redactor.find(_spaced(safe)) else safe)
    return "/".join(shown)
