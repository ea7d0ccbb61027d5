"""Plain-text and Markdown testimonies, with optional YAML front matter.

The working copy is the body after the front-matter block, kept as written
(Markdown markup is not removed). The metadata records the encoding the file was
decoded from and any repairs (see textdecode).
"""

from __future__ import annotations

from testimonia.errors import UnreadableFile
from testimonia.ingest.frontmatter import split_front_matter
from testimonia.ingest.readers.base import ReadLimits, ReadResult
from testimonia.ingest.textdecode import decode_text, finish_text


def read_with_front_matter(
    data: bytes, file_name: str, limits: ReadLimits, media_type: str, reader: str
) -> ReadResult:
    """Decode, split off the front matter, and check the body."""
    decoded = decode_text(data, file_name)
    front, body = split_front_matter(decoded.text, file_name)
    if front is not None and not body.strip():
        raise UnreadableFile(
            file_name, "contains front matter but no testimony text after the closing '---'"
        )
    body = finish_text(body, file_name, limits)
    metadata = {"front_matter": front.as_metadata() if front else {}, **decoded.as_metadata()}
    return ReadResult(text=body, media_type=media_type, reader=reader, metadata=metadata)


class PlainTextReader:
    """Reads .txt files."""

    name: str = "text"
    version: str = "2"
    media_type: str = "text/plain"
    extensions: tuple[str, ...] = (".txt",)

    def read(self, data: bytes, file_name: str, limits: ReadLimits) -> ReadResult:
        """Return the body text; front matter goes to metadata["front_matter"]."""
        return read_with_front_matter(
            data, file_name, limits, self.media_type, f"{self.name}@{self.version}"
        )


class MarkdownReader:
    """Reads .md and .markdown files (markup is kept in the working copy)."""

    name: str = "markdown"
    version: str = "2"
    media_type: str = "text/markdown"
    extensions: tuple[str, ...] = (".md", ".markdown")

    def read(self, data: bytes, file_name: str, limits: ReadLimits) -> ReadResult:
        """Return the body text; front matter goes to metadata["front_matter"]."""
        return read_with_front_matter(
            data, file_name, limits, self.media_type, f"{self.name}@{self.version}"
        )
