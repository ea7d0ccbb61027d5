"""The lattice the re-identification gate searches (protect/gate.py): records and their
chains, how a vector of levels shows them, and the exact search for the least lossy
vector where every group has at least k records.

See gate.py for the rules (levels, grouping by whole chains, information loss, ties).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import islice
from operator import add

SUPPRESSED = "*"

Chain = tuple[str, ...]
Node = tuple[int, ...]  # one level per attribute, in the attributes' order
Key = list[int]  # one integer per record naming its group
Score = tuple[int, int, Node]  # (scaled information loss, total steps, levels)


@dataclass(frozen=True)
class Record:
    """One record about to be published: an export-local id and its quasi-identifiers."""

    id: str
    values: Mapping[str, Chain]


@dataclass(frozen=True)
class Attribute:
    """A declared quasi-identifier; `weight` is the cost of generalising it all the way.

    Give the point of a finding (usually the site) a high weight so that the other
    attributes are generalised first. How many levels it has comes from the records
    (`levels_available`)."""

    name: str
    weight: float = 1.0


@dataclass(frozen=True)
class RiskGroup:
    """A combination shared by fewer than k records, and which records share it."""

    combination: Mapping[str, str]
    ids: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.ids)


class Layout:
    """The records' chains per attribute, and how a vector of levels shows them."""

    def __init__(self, records: Sequence[Record], attributes: Sequence[Attribute],
                 level_names: Mapping[str, Sequence[str]] | None = None) -> None:
        self.records = list(records)
        self.attributes = list(attributes)
        self.names = [attribute.name for attribute in attributes]
        self.chains = [[record.values[name] for record in records] for name in self.names]
        self.tops: Node = tuple(max(map(len, chains), default=0) for chains in self.chains)
        self.bottom: Node = tuple(0 for _ in self.names)
        self._level_names = level_names or {}

    def shown(self, attribute: int, level: int, chain: Chain) -> Chain:
        """The chain cut to `level`: the shown element and what is above it; () for "*"."""
        if not chain or level >= self.tops[attribute]:
            return ()
        return chain[min(level, len(chain) - 1):]

    def rows(self, node: Node) -> list[dict[str, str]]:
        return [{"id": record.id, **self._strings(node, index)}
                for index, record in enumerate(self.records)]

    def published_records(self, node: Node) -> list[Record]:
        return [Record(record.id, {name: self.shown(i, node[i], self.chains[i][index])
                                   for i, name in enumerate(self.names)})
                for index, record in enumerate(self.records)]

    def groups_below(self, node: Node, k: int) -> list[RiskGroup]:
        """Groups under k, grouping by whole cut chains (never coarser than the strings)."""
        groups: dict[tuple[Chain, ...], list[int]] = {}
        for index in range(len(self.records)):
            cut = tuple(self.shown(i, node[i], self.chains[i][index]) for i in range(len(node)))
            groups.setdefault(cut, []).append(index)
        below = [RiskGroup(self._strings(node, members[0]),
                           tuple(self.records[m].id for m in members))
                 for members in groups.values() if len(members) < k]
        return sorted(below, key=lambda group: group.size)

    def level_name(self, attribute: int, level: int) -> str:
        if level >= self.tops[attribute]:
            return "suppressed"
        names = self._level_names.get(self.names[attribute], ())
        if level < len(names):
            return names[level]
        return "as recorded" if level == 0 else f"level {level}"

    def _strings(self, node: Node, index: int) -> dict[str, str]:
        strings = {}
        for i, name in enumerate(self.names):
            cut = self.shown(i, node[i], self.chains[i][index])
            strings[name] = cut[0] if cut else SUPPRESSED
        return strings


# --- the search ------------------------------------------------------------------------


def costs(layout: Layout) -> list[list[int]]:
    """weight * level / top level for every attribute and level, as exact integers.

    Exact arithmetic keeps ties ties (then fewer steps, then attribute order decide)."""
    exact = [[Fraction(a.weight) * level / top if top else Fraction(0)
              for level in range(top + 1)]
             for a, top in zip(layout.attributes, layout.tops, strict=True)]
    scale = math.lcm(*(cost.denominator for row in exact for cost in row))
    return [[int(cost * scale) for cost in row] for row in exact]


class Table:
    """Answers "does every group have at least k records at this vector of levels?".

    Cheapest first:
    1. a memoised answer, or one inferred by monotonicity from a neighbour one step more
       general (that failed) or one step more specific (that passed). Levels that group
       the records alike (a top value everyone shares, like "Mali", groups as "*" does)
       are asked as the highest of them, so they share answers;
    2. witnesses: a record's group is the AND of one bitset per attribute, so checking
       whether records recently found in a group below k still are takes microseconds;
    3. a full count: summing one pre-multiplied code column per attribute gives every
       group a distinct integer, and a Counter counts them in C.
    """

    _PARTIALS = 256  # cached sums for prefixes of vectors (the search reuses them)
    _WITNESSES = 128
    _NEW_WITNESSES = 8  # taken from each failed full count, one per small group

    def __init__(self, layout: Layout, k: int) -> None:
        self.k = k
        self.size = len(layout.records)
        self.tops = layout.tops
        self.columns = _columns(layout)
        self.same = [_same_partition(column) for column in self.columns]
        self._everyone = (1 << self.size) - 1
        self._answers: dict[Node, bool] = {}
        self._partials: dict[Node, Key | None] = {}
        self._witnesses: list[int] = []  # record indices, most recently useful first

    def passes(self, node: Node) -> bool:
        node = tuple(self.same[i][level] for i, level in enumerate(node))
        answer = self._answers.get(node)
        if answer is None:
            answer = self._inferred(node)
        if answer is None:
            answer = not self._witnessed_failure(node) and self._count(node)
        self._answers[node] = answer
        return answer

    def _inferred(self, node: Node) -> bool | None:
        for i, level in enumerate(node):
            if level < self.tops[i]:
                if self._answers.get(_with(node, i, self.same[i][level + 1])) is False:
                    return False
            if level > 0:
                if self._answers.get(_with(node, i, self.same[i][level - 1])) is True:
                    return True
        return None

    def _witnessed_failure(self, node: Node) -> bool:
        layers = [column.groups for column in self._used_columns(node)]
        for position, record in enumerate(self._witnesses):
            group = self._everyone
            for layer in layers:
                group &= layer[record]
            if group.bit_count() < self.k:
                self._witness(self._witnesses.pop(position))
                return True
        return False

    def _used_columns(self, node: Node) -> Iterator[_Column]:
        for i, level in enumerate(node):
            column = self.columns[i][level]
            if column is not None:
                yield column

    def _witness(self, record: int) -> None:
        self._witnesses.insert(0, record)
        del self._witnesses[self._WITNESSES:]

    def _count(self, node: Node) -> bool:
        key = self._key(node)
        if key is None:
            return self.size >= self.k
        counts = Counter(key)
        if min(counts.values()) >= self.k:
            return True
        small = (group for group, count in counts.items() if count < self.k)
        for group in list(islice(small, self._NEW_WITNESSES))[::-1]:
            self._witness(key.index(group))
        return False

    def _key(self, node: Node) -> Key | None:
        """The sum of the node's columns, starting from the longest prefix already summed
        and remembering the next one (the search usually descends into it)."""
        cut = len(node)
        while cut and node[:cut] not in self._partials:
            cut -= 1
        key = self._partials[node[:cut]] if cut else None
        for i in range(cut, len(node)):
            column = self.columns[i][node[i]]
            if column is not None:
                key = column.scaled if key is None else list(map(add, key, column.scaled))
            if i == cut:
                self._remember(node[:i + 1], key)
        return key

    def _remember(self, prefix: Node, key: Key | None) -> None:
        if len(self._partials) >= self._PARTIALS:
            del self._partials[next(iter(self._partials))]
        self._partials[prefix] = key


@dataclass(frozen=True)
class _Column:
    """One attribute at one level: each record's code times the attribute's stride (for
    keys), and for each record the bitset of the records sharing its value."""

    scaled: Key
    groups: list[int]
    values: int  # how many distinct groups this level makes


def _columns(layout: Layout) -> list[list[_Column | None]]:
    """Per attribute and level; None at the top level, where everyone is "*" and the
    attribute splits nothing."""
    columns: list[list[_Column | None]] = []
    stride = 1
    for i, chains in enumerate(layout.chains):
        distinct = {chain: n for n, chain in enumerate(dict.fromkeys(chains))}
        ids = [distinct[chain] for chain in chains]
        levels = [_codes([layout.shown(i, level, chain) for chain in distinct])
                  for level in range(layout.tops[i])]
        per_level: list[_Column | None] = [_column([codes[d] for d in ids], stride)
                                            for codes in levels]
        columns.append(per_level + [None])
        stride *= max((max(codes) + 1 for codes in levels), default=1)
    return columns


def _same_partition(columns: list[_Column | None]) -> list[int]:
    """For each level, the highest level that splits the records the same way.

    A level where everyone shares one value (say "Mali") groups like suppression; testing
    the higher twin shares memoised answers and skips a column."""
    sizes = [column.values if column else 1 for column in columns]
    same = list(range(len(columns)))
    for level in reversed(range(len(columns) - 1)):
        if sizes[level] == sizes[level + 1]:
            same[level] = same[level + 1]
    return same


def _column(codes: list[int], stride: int) -> _Column:
    members = [0] * (max(codes, default=-1) + 1)
    for record, code in enumerate(codes):
        members[code] |= 1 << record
    return _Column([code * stride for code in codes], [members[code] for code in codes],
                   len(members))


def _codes(cuts: Iterable[Chain]) -> list[int]:
    numbers: dict[Chain, int] = {}
    return [numbers.setdefault(cut, len(numbers)) for cut in cuts]


def _with(node: Node, attribute: int, level: int) -> Node:
    return node[:attribute] + (level,) + node[attribute + 1:]


class Search:
    """Exact branch and bound for the passing vector with the lowest Score.

    Russian-doll search: first solve the problem for the last attribute alone (all others
    suppressed), then for the last two, and so on. The optimum for attributes d.. with
    the earlier ones suppressed bounds from below any completion from d on (suppressing
    more only helps), which prunes the depth-first search of the next, larger problem.
    Within a problem, each attribute's levels are cut by the loss budget left, and one
    test of the most general vector still within budget keeps or drops a whole subtree.
    Levels are tried from the most precise up and each child tests itself: failures are
    cheap (witnesses), passes cost a full count, so only the last attribute is
    binary-searched. A level that groups like the one below it is never worth trying.
    """

    def __init__(self, table: Table, costs: list[list[int]]) -> None:
        self.table = table
        self.costs = costs
        self.tops = table.tops
        width = len(self.tops)
        self.bounds: list[Score] = [(0, 0, ())] * (width + 1)  # bounds[width]: nothing left
        self.best: Score = (0, 0, ())
        self.head: Node = ()

    def optimum(self) -> Node:
        for first in reversed(range(len(self.tops))):
            self.bounds[first] = self._solve_from(first)
        return self.bounds[0][2]

    def _solve_from(self, first: int) -> Score:
        """The best levels for attributes first.. while the ones before are suppressed."""
        self.head = self.tops[:first]
        top, after = self.tops[first], self.bounds[first + 1]
        self.best = (self.costs[first][top] + after[0], top + after[1], (top,) + after[2])
        self._descend(first, (), 0, 0)
        return self.best

    def _descend(self, depth: int, prefix: Node, loss: int, steps: int) -> None:
        if depth == len(self.tops):
            self.best = min(self.best, (loss, steps, prefix))
            return
        highest = self._highest_worth_trying(depth, prefix, loss, steps)
        if highest < 0:
            return
        caps = self._caps(depth + 1, loss)
        if not self.table.passes(self.head + prefix + (highest,) + caps):
            return
        last = depth == len(self.tops) - 1
        lowest = self._lowest_passing(prefix, highest, caps) if last else 0
        for level in range(lowest, highest + 1):
            if self._bound(depth, prefix, loss, steps, level) >= self.best:
                break
            if level and self.table.same[depth][level - 1] == self.table.same[depth][level]:
                continue  # groups as the level below, at a higher cost
            self._descend(depth + 1, prefix + (level,), loss + self.costs[depth][level],
                          steps + level)

    def _bound(self, depth: int, prefix: Node, loss: int, steps: int, level: int) -> Score:
        """No completion of prefix + (level,) scores lower than this."""
        after = self.bounds[depth + 1]
        return (loss + self.costs[depth][level] + after[0], steps + level + after[1],
                prefix + (level,) + after[2])

    def _highest_worth_trying(self, depth: int, prefix: Node, loss: int, steps: int) -> int:
        level = self.tops[depth]
        while level >= 0 and self._bound(depth, prefix, loss, steps, level) >= self.best:
            level -= 1
        return level

    def _caps(self, start: int, loss: int) -> Node:
        """For attributes start.., the highest level whose cost alone stays within the
        best loss so far: any vector above one of these caps scores worse."""
        room = self.best[0] - loss
        caps = []
        for attribute in range(start, len(self.tops)):
            level = self.tops[attribute]
            while level > 0 and self.costs[attribute][level] > room:
                level -= 1
            caps.append(level)
        return tuple(caps)

    def _lowest_passing(self, prefix: Node, highest: int, caps: Node) -> int:
        """Binary search for the lowest level of the next attribute that passes."""
        low, high = 0, highest
        while low < high:
            middle = (low + high) // 2
            if self.table.passes(self.head + prefix + (middle,) + caps):
                high = middle
            else:
                low = middle + 1
        return low
