"""Compact filters over the gazetteer's multi-word keys, exact or skeleton: the first two
words of every such key, and every word that comes second in one, so that the longer
spans of a text are only tried where a name of several words can begin
(gazetteer_scan.Starts).

One bit per hashed item: `may_hold` may answer yes for an item that was never added
(about one in sixty), never no for one that was, so no name is missed. The hashes are
Python's own, fixed for the life of the process, like the filters.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable

__all__ = ["BITS_PER_ITEM", "HashFilter", "key_filters"]

BITS_PER_ITEM = 64  # at least this many bits per item: about 1.5% of other items read as present
MIN_BITS = 1 << 10


class HashFilter:
    """A set that answers "maybe" or "no"."""

    def __init__(self, expected: int, items: Iterable[Hashable] = ()) -> None:
        self._mask = max(MIN_BITS, 1 << (expected * BITS_PER_ITEM).bit_length()) - 1
        self._bits = bytearray((self._mask + 1) // 8)
        for item in items:
            self.add(item)

    def add(self, item: Hashable) -> None:
        bit = hash(item) & self._mask
        self._bits[bit >> 3] |= 1 << (bit & 7)

    def may_hold(self, item: Hashable) -> bool:
        bit = hash(item) & self._mask
        return bool(self._bits[bit >> 3] & (1 << (bit & 7)))

    @property
    def size(self) -> int:
        """Bytes held."""
        return len(self._bits)


def key_filters(keys: Collection[str]) -> tuple[HashFilter, HashFilter]:
    """The first two words, as a pair, of every key of two or more words (words joined by
    one space), and the second words alone (the words are not kept)."""
    expected = sum(1 for key in keys if " " in key)
    pairs, seconds = HashFilter(expected), HashFilter(expected)
    for key in keys:
        if " " in key:
            first, second = key.split(" ", 2)[:2]
            pairs.add((first, second))
            seconds.add(second)
    return pairs, seconds
