"""Positions in a document: tokens between two offsets, clause breaks, the word before a
mention, the mentions inside a sentence. Shared by claim assembly and its helpers."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from testimonia.extract.document import ExtractDoc
from testimonia.extract.sentences import Sentence
from testimonia.model import Mention

CLAUSE_CHARS = ",;:()—–"
_CLAUSE_CHAR = re.compile(f"[{re.escape(CLAUSE_CHARS)}]")
CLAUSE_WORDS = frozenset({"but", "mais", "но", "але", "однак", "однако", "whereas", "tandis",
                          "cependant", "pourtant"})


class TokenIndex:
    def __init__(self, doc: ExtractDoc) -> None:
        self.doc = doc
        self.starts = [t.start for t in doc.tokens]
        # (pool, kinds) → the pool's length, and its mentions of those kinds by start
        self._ordered: dict[tuple[int, tuple[str, ...]], tuple[int, list[int], list[Mention]]] = {}
        # answers of `of_kind`, kept: claim assembly asks the same many times
        self._kinds: dict[tuple[int, tuple[str, ...]], tuple[Mention, ...]] = {}

    def distance(self, start: int, end: int) -> int:
        """Tokens lying between two character offsets."""
        return bisect.bisect_left(self.starts, end) - bisect.bisect_left(self.starts, start)

    def clause_break(self, start: int, end: int) -> bool:
        """Is there a clause boundary (punctuation or "but") between two offsets?"""
        if start >= end:
            return False
        if _CLAUSE_CHAR.search(self.doc.text, start, end):
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

    def of_kind(self, *kinds: str) -> tuple[Mention, ...]:
        """The document's mentions of these kinds (`ExtractDoc.of_kind`), read once (and
        again if the mentions grew)."""
        key = (len(self.doc.mentions), kinds)
        if key not in self._kinds:
            self._kinds[key] = tuple(self.doc.of_kind(*kinds))
        return self._kinds[key]

    def inside(self, s: Sentence, pool: Sequence[Mention], *kinds: str) -> tuple[Mention, ...]:
        """The mentions of `pool` of these kinds (all with none) within a sentence, in text
        order: a slice of the pool's mentions of those kinds sorted by start (made once per
        pool and kinds, and again if the pool grew)."""
        key = (id(pool), kinds)
        known = self._ordered.get(key)
        if known is None or known[0] != len(pool):
            ordered = sorted((m for m in pool if not kinds or m.kind in kinds), key=lambda m: m.start)
            known = (len(pool), [m.start for m in ordered], ordered)
            self._ordered[key] = known
        _, starts, ordered = known
        end = s.end
        return tuple([m for m in ordered[bisect.bisect_left(starts, s.start):bisect.bisect_right(starts, end)]
                      if m.end <= end])
