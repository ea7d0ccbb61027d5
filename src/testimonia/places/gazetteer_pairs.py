"""A compact filter of word pairs: the first two words of every multi-word key of the
gazetteer's index, exact or skeleton, so that the longer spans of a text are only tried
where a name of several words can begin (gazetteer_scan.Starts).

One bit per hashed pair: `may_hold` may answer yes for a pair that was never added (about
one pair in sixty), never no for one that was, so no name is missed. The hashes are
Python's own, fixed for the life of the process, like the filter.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["BITS_PER_PAIR", "PairFilter"]

BITS_PER_PAIR = 64  # at least this many bits per pair: about 1.5% of other pairs read as present
MIN_BITS = 1 << 10


class PairFilter:
    """A set of word pairs that answers "maybe" or "no"."""

    def __init__(self, pairs: Iterable[tuple[str, str]], expected: int) -> None:
        self._mask = max(MIN_BITS, 1 << (expected * BITS_PER_PAIR).bit_length()) - 1
        self._bits = bytearray((self._mask + 1) // 8)
        for pair in pairs:
            bit = hash(pair) & self._mask
            self._bits[bit >> 3] |= 1 << (bit & 7)

    @classmethod
    def of_keys(cls, keys: Iterable[str]) -> PairFilter:
        """The first two words of every key of two or more words (words joined by one space)."""
        firsts = [key.split(" ", 2) for key in keys if " " in key]
        return cls(((words[0], words[1]) for words in firsts), len(firsts))

    def may_hold(self, first: str, second: str) -> bool:
        bit = hash((first, second)) & self._mask
        return bool(self._bits[bit >> 3] & (1 << (bit & 7)))

    @property
    def size(self) -> int:
        """Bytes held."""
        return len(self._bits)
