"""The small interface every format reader implements.

A reader turns the bytes of one file into a working-copy text plus metadata. It
never touches the workspace: the ingest step decides what is stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class ReadLimits:
    """Bounds that protect the machine from hostile or broken files."""

    max_text_chars: int = 100_000_000  # max_file_mb (100 MiB by default) bounds memory
    max_uncompressed_bytes: int = 200 * 1024 * 1024  # DOCX (zip) total after inflation
    max_compression_ratio: float = 200.0  # DOCX member uncompressed/compressed
    max_zip_members: int = 5_000
    max_pdf_pages: int = 5_000


@dataclass(frozen=True)
class ReadResult:
    """What a reader makes of one file."""

    text: str
    media_type: str
    reader: str  # "name@version", recorded in the custody log
    metadata: dict[str, Any] = field(default_factory=dict)


class Reader(Protocol):
    name: str
    version: str
    media_type: str
    extensions: tuple[str, ...]

    def read(self, data: bytes, file_name: str, limits: ReadLimits) -> ReadResult:
        """Return the text of `data`; raise UnreadableFile with a reason otherwise."""
        ...
