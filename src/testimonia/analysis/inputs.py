"""What the analysis reads: claims with their source, and how sources are related."""

from __future__ import annotations

from dataclasses import dataclass, field

from testimonia.shapes import ClaimJson


@dataclass(frozen=True)
class ClaimIn:
    id: int
    document_id: str
    source: str | None  # pseudonym
    source_kind: str | None
    body: ClaimJson  # the documented claim JSON
    label: str = field(init=False)  # how the source is shown: pseudonym only, never an identity

    def __post_init__(self) -> None:
        object.__setattr__(self, "label", self.source or f"document {self.document_id[:8]}")


@dataclass(frozen=True)
class RelationIn:
    a: str
    b: str
    relation: str
