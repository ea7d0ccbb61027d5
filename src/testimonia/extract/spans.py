"""Positions in a document: tokens between two offsets, clause breaks, the word before a
mention, the mentions inside a sentence. Shared by claim assembly and its helpers."""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from testimonia.extract.document import ExtractDoc
from testimonia.extract.sentences import Sentence
from testimonia.model import Mention

CLAUSE_CHARS = ",;:()—–"
CLAUSE_WORDS = frozenset({"but", "mais", "но", "але", "однак", "однако", "whereas", "tandis",
                          "cependant", "pourtant"})


class TokenIndex:
    def __init__(self, doc: ExtractDoc) -> None:
        self.doc = doc
        self.starts = [t.start for t in doc.tokens]

    def distance(self, start: int, end: int) -> int:
        """Tokens lying between two character offsets."""
        return bisect.bisect_left(self.starts, end) - bisect.bisect_left(self.starts, start)

    def clause_break(self, start: int, end: int) -> bool:
        """Is there a clause boundary (punctuation or "but") between two offsets?"""
        if start >= end:
            return False
        if any(ch in self.doc.text[start:end] for ch in CLAUSE_CHARS):
            return True
        first, last = bisect.bisect_left(self.starts, start), bisect.bisect_left(self.starts, end)
        return any(self.doc.tokens[i].folded in CLAUSE_WORDS for i in range(first, last))

    def same_clause(self, a: Mention, b: Mention) -> bool:
        return not self.clause_break(min(a.end, b.start), max(a.start, b.end))

    def word_before(self, mention: Mention) -> str:
        i = bisect.bisect_left(self.starts, mention.start)
        return self.doc.tokens[i - 1].folded if i > 0 else ""

    def word_after(self, mention: Mention) -> str:
        i = bisect.bisect_left(self.starts, mention.end)
        return self.doc.tokens[i].folded if i < len(self.doc.tokens) else ""

    def inside(self, s: Sentence, pool: Sequence[Mention], *kinds: str) -> list[Mention]:
        return [m for m in pool if s.start <= m.start and m.end <= s.end
                and (not kinds or m.kind in kinds)]
