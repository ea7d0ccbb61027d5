"""What the extraction components share: the document being read and the plug interface."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from testimonia.extract.sentences import Sentence
from testimonia.model import Claim, Mention
from testimonia.text.textfold import Token


@dataclass
class ExtractDoc:
    """One document on its way through the pipeline. Components fill it in order."""

    text: str
    language: str
    reference: date | None = None  # the interview date, for relative expressions
    sentences: list[Sentence] = field(default_factory=list)
    tokens: list[Token] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    cues: list[Mention] = field(default_factory=list)  # qualifiers; not published as mentions
    claims: list[Claim] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)  # context, most mentioned first

    def of_kind(self, *kinds: str) -> list[Mention]:
        return [m for m in self.mentions if m.kind in kinds]

    def covered(self, start: int, end: int) -> bool:
        """True when a dictionary mention already covers part of [start, end)."""
        return any(m.start < end and start < m.end for m in self.mentions)

    def to_json(self) -> dict[str, Any]:
        transfers = [{"from": c.transfer["from"], "to": c.transfer["to"],
                      "evidence": [e.to_json() for e in c.evidence]}
                     for c in self.claims if c.transfer is not None]
        return {"language": self.language, "claims": [c.to_json() for c in self.claims],
                "transfers": transfers, "mentions": [m.to_json() for m in self.mentions]}


class Component(Protocol):
    """A pipeline step: declares what it reads and writes; its name@version is recorded
    on everything it produces."""

    @property
    def name(self) -> str: ...

    @property
    def version(self) -> str: ...

    @property
    def reads(self) -> tuple[str, ...]: ...

    @property
    def writes(self) -> tuple[str, ...]: ...

    def __call__(self, doc: ExtractDoc) -> None: ...
