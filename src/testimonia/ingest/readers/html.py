"""HTML pages (.html, .htm) turned into plain text with the standard library.

Script, style, template and head content is dropped; block elements become
line breaks; entities are unescaped; runs of blank lines collapse to one. A page
that is not UTF-8 is decoded with the older encoding its <meta> declares, if
textdecode recognises it, else with the one textdecode detects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from testimonia.errors import UnreadableFile
from testimonia.ingest.readers.base import ReadLimits, ReadResult
from testimonia.ingest.textdecode import decode_text, finish_text, normalize_text

_SKIP = frozenset({"script", "style", "template", "noscript", "svg"})
_HEAD_TAGS = frozenset({"title", "meta", "link", "style", "script", "base", "noscript", "template"})
_PARAGRAPH = frozenset(
    "p h1 h2 h3 h4 h5 h6 blockquote pre ul ol dl table hr section article header footer main "
    "aside nav figure form fieldset address details".split()
)
_LINE = frozenset("div li tr dt dd figcaption summary caption legend body".split())
_CELL = frozenset({"td", "th"})
_SPACES = re.compile(r"[ \t\n\r\f\v]+")
_BLANK_RUNS = re.compile(r"\n{3,}")
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([-\w:.]{1,40})""", re.I)
_META_SCAN_BYTES = 2048


@dataclass(frozen=True)
class HtmlText:
    """Visible text of an HTML document and its <title>, if any."""

    text: str
    title: str | None


class _TextExtractor(HTMLParser):
    """Collects visible text; call `result()` after `close()`."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title_parts: list[str] = []
        self.skip_depth = 0
        self.in_head = False
        self.in_title = False
        self.pre_depth = 0
        self.pending_breaks = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip_depth += 1
        if self.skip_depth:
            return
        if tag == "head":
            self.in_head = True
        elif self.in_head and tag not in _HEAD_TAGS:
            self.in_head = False
        if tag == "title":
            self.in_title = True
        elif tag == "br":
            self._emit("\n")
        else:
            self._break_for(tag, opening=True)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP and self.skip_depth:
            self.skip_depth -= 1
            return
        if self.skip_depth:
            return
        if tag == "head":
            self.in_head = False
        elif tag == "title":
            self.in_title = False
        else:
            self._break_for(tag, opening=False)

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        if self.in_title:
            self.title_parts.append(data)
        elif not self.in_head:
            text = data if self.pre_depth else _SPACES.sub(" ", data)
            if self.pre_depth or text.strip() or not self.pending_breaks:
                self._emit(text)

    def _emit(self, text: str) -> None:
        if self.pending_breaks and self.parts:
            self.parts.append("\n" * self.pending_breaks)
        self.pending_breaks = 0
        self.parts.append(text)

    def _break_for(self, tag: str, *, opening: bool) -> None:
        if tag == "pre":
            self.pre_depth = max(0, self.pre_depth + (1 if opening else -1))
        if tag in _PARAGRAPH:
            self.pending_breaks = 2
        elif tag in _LINE:
            self.pending_breaks = max(self.pending_breaks, 1)
        elif tag in _CELL and not opening:
            self._emit("\t")

    def result(self) -> HtmlText:
        title = normalize_text(_SPACES.sub(" ", "".join(self.title_parts)).strip())
        return HtmlText(text=_tidy("".join(self.parts)), title=title or None)


def html_to_text(markup: str) -> HtmlText:
    """Visible text of `markup`; raises ValueError if the parser gives up."""
    parser = _TextExtractor()
    try:
        parser.feed(markup)
        parser.close()
    except AssertionError as exc:  # html.parser signals some malformed input this way
        raise ValueError(str(exc)) from None
    return parser.result()


def _tidy(text: str) -> str:
    text = text.replace("\xa0", " ").replace("\r", "\n")
    lines = [line.strip(" \t") for line in text.split("\n")]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip("\n")


class HtmlReader:
    """Reads .html and .htm files."""

    name: str = "html"
    version: str = "2"
    media_type: str = "text/html"
    extensions: tuple[str, ...] = (".html", ".htm")

    def read(self, data: bytes, file_name: str, limits: ReadLimits) -> ReadResult:
        """Return the visible text; the <title> goes to metadata["title"]."""
        decoded = decode_text(data, file_name, declared=_declared_charset(data))
        try:
            converted = html_to_text(decoded.text)
        except ValueError as exc:
            raise UnreadableFile(
                file_name,
                f"the HTML is too malformed to read ({exc}); "
                "open and re-save it in a browser or editor",
            ) from None
        text = finish_text(converted.text, file_name, limits)
        metadata: dict[str, object] = {"title": converted.title} if converted.title else {}
        metadata.update(decoded.as_metadata())
        return ReadResult(
            text=text,
            media_type=self.media_type,
            reader=f"{self.name}@{self.version}",
            metadata=metadata,
        )


def _declared_charset(data: bytes) -> str | None:
    """The charset a <meta> tag near the top declares, if any."""
    found = _META_CHARSET.search(data[:_META_SCAN_BYTES])
    return found.group(1).decode("ascii") if found else None
