"""The re-identification gate: k-anonymity over declared quasi-identifiers, or refusal.

Why: a published finding about torture has to say where and when, yet an anonymous
witness is easy to single out from a few ordinary facts: "the only woman over seventy
from Moura held at the gendarmerie in March 2022". Before records about witnesses leave
the investigation, the gate counts, for every combination of quasi-identifiers (site,
period, age band, sex, ethnicity, occupation, home...), how many records share it. A
combination held by fewer than k records points at fewer than k people, so it is either
made coarser or nothing is published. The gate is pure (no I/O); the caller builds the
hierarchies and decides what happens to a refusal.

Values and levels. Each value is a `Chain`, from most specific to most general, e.g.
("Moura", "Djenné Cercle", "Mopti Region", "Mali"); an unknown value is the empty chain.
For an attribute whose longest chain has n elements the levels are 0..n: level L shows
`chain[min(L, len(chain) - 1)]`, level n shows SUPPRESSED ("*") for everyone, and an
unknown value is "*" at every level. Generalisation is full-domain, as in ARX: every
record of an attribute is shown at the same level. Records are grouped by the whole rest
of their chain from the shown element up (two villages both called Konna in different
cercles stay apart), which makes coarser levels only ever merge groups; because the
published strings can only merge groups further, `verify_published` re-counts them.

Choosing levels. Among the level vectors where every group has at least k records, the
gate picks the least weighted information loss, sum(weight * level / top level); ties
go to fewer total steps, then to keeping the attributes listed first more precise. The
search is exact: a branch and bound (Russian-doll search over the attribute suffixes)
that relies on monotonicity (if a vector fails, every less general one fails; if it
passes, every more general one passes). Most of its tests are settled from memoised
neighbours, or refuted in microseconds by "witnesses" (records recently seen in a group
below k, whose group at any vector is an AND of bitsets); only a few hundred of the up
to 5^7 vectors need a full count, one C-level Counter over integer keys. 7 attributes x
5 levels x 2,000 random records take 0.1 to 0.3 s. The records, the levels and the
search live in gate_lattice.py; this module decides and explains.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from testimonia.errors import InvalidValue
from testimonia.export.gate_lattice import (
    SUPPRESSED,
    Attribute,
    Chain,
    Layout,
    Node,
    Record,
    RiskGroup,
    Search,
    Table,
    costs,
)

__all__ = [
    "SUPPRESSED", "Attribute", "Chain", "Decision", "Record", "RiskGroup", "at_risk",
    "check", "equivalence_classes", "generalise", "levels_available", "smallest_class",
    "verify_published",
]


@dataclass(frozen=True)
class Decision:
    """What the gate decided. When refused, `records`, `published`, `levels` and
    `level_names` are empty: nothing may be published."""

    passed: bool
    k: int
    levels: Mapping[str, int]
    level_names: Mapping[str, str]
    records: list[Record]
    published: list[dict[str, str]]
    at_risk: list[RiskGroup]  # groups below k as recorded, before any generalisation
    reason: str
    smallest_group: int  # after generalisation when passed; as recorded when refused


# --- counting published rows ------------------------------------------------------------


def equivalence_classes(rows: Sequence[Mapping[str, str]],
                        attributes: Sequence[str]) -> dict[tuple[str, ...], list[int]]:
    """Row indices grouped by their combination of `attributes`, in order of first sight."""
    classes: dict[tuple[str, ...], list[int]] = {}
    for index, row in enumerate(rows):
        classes.setdefault(_combination(row, attributes, index), []).append(index)
    return classes


def smallest_class(rows: Sequence[Mapping[str, str]], attributes: Sequence[str]) -> int:
    """Rows in the smallest equivalence class (0 when there are no rows)."""
    return min(map(len, equivalence_classes(rows, attributes).values()), default=0)


def verify_published(published: Sequence[Mapping[str, str]], attributes: Sequence[str],
                     k: int) -> list[RiskGroup]:
    """Groups below k in what is actually written, recounted from its strings.

    A group's size is its number of distinct ids (rows without an "id" count once each),
    so one witness listed twice cannot make a group look bigger than it is."""
    _check_k(k)
    groups = []
    for combination, indices in equivalence_classes(published, attributes).items():
        ids = tuple(dict.fromkeys(_row_id(published[i], i) for i in indices))
        if len(ids) < k:
            groups.append(RiskGroup(dict(zip(attributes, combination, strict=True)), ids))
    return sorted(groups, key=lambda group: group.size)


def _combination(row: Mapping[str, str], attributes: Sequence[str], index: int) -> tuple[str, ...]:
    missing = [name for name in attributes if name not in row]
    if missing:
        raise InvalidValue(f"Row {_row_id(row, index)} has no {', '.join(missing)}.",
                           fix="Every published row needs one value per quasi-identifier.")
    return tuple(row[name] for name in attributes)


def _row_id(row: Mapping[str, str], index: int) -> str:
    return row.get("id", f"row {index + 1}")


# --- records, levels and what gets published ---------------------------------------------


def levels_available(records: Sequence[Record], name: str) -> int:
    """The top level of attribute `name`: its longest chain's length (that level is "*")."""
    return max((len(record.values.get(name, ())) for record in records), default=0)


def at_risk(records: Sequence[Record], attributes: Sequence[Attribute | str],
            k: int) -> list[RiskGroup]:
    """Groups of fewer than k records as recorded (level 0), smallest first."""
    _check_k(k)
    specs = _attributes(attributes)
    _check_records(records, specs)
    layout = Layout(records, specs)
    return layout.groups_below(layout.bottom, k)


def check(records: Sequence[Record], attributes: Sequence[Attribute | str], k: int,
          level_names: Mapping[str, Sequence[str]] | None = None) -> Decision:
    """Pass only if every group already has at least k records, publishing as recorded."""
    layout, risky = _prepare(records, attributes, k, level_names)
    if not records:
        return _nothing_to_publish(layout, k)
    if risky:
        smallest = min(group.size for group in risky)
        return _refused(k, risky, smallest, _risk_reason(risky, k, layout))
    return _publish(layout, layout.bottom, k, risky)


def generalise(records: Sequence[Record], attributes: Sequence[Attribute | str], k: int,
               level_names: Mapping[str, Sequence[str]] | None = None) -> Decision:
    """The least lossy full-domain generalisation with every group of at least k records."""
    layout, risky = _prepare(records, attributes, k, level_names)
    if not records:
        return _nothing_to_publish(layout, k)
    if len(records) < k:
        return _refused(k, risky, len(records), _too_few_reason(len(records), k))
    if not risky:  # as recorded already passes, and nothing loses less
        return _publish(layout, layout.bottom, k, risky)
    node = Search(Table(layout, k), costs(layout)).optimum()
    return _publish(layout, node, k, risky)


def _prepare(records: Sequence[Record], attributes: Sequence[Attribute | str], k: int,
             level_names: Mapping[str, Sequence[str]] | None) -> tuple[Layout, list[RiskGroup]]:
    _check_k(k)
    specs = _attributes(attributes)
    _check_records(records, specs)
    layout = Layout(records, specs, _check_level_names(level_names, specs))
    return layout, layout.groups_below(layout.bottom, k)


# --- decisions and their reasons --------------------------------------------------------


def _publish(layout: Layout, node: Node, k: int, risky: list[RiskGroup]) -> Decision:
    """The decision for `node`, after recounting the strings that would be written."""
    published = layout.rows(node)
    recount = verify_published(published, layout.names, k)
    if recount:  # cannot happen while the grouping above is sound; never trust it blindly
        return _refused(k, risky, min(group.size for group in recount),
                        "refused: the final re-count of the published values found "
                        f"{len(recount)} group(s) below k={k}; nothing is published")
    smallest = smallest_class(published, layout.names)
    levels = dict(zip(layout.names, node, strict=True))
    names = {name: layout.level_name(i, node[i]) for i, name in enumerate(layout.names)}
    return Decision(passed=True, k=k, levels=levels, level_names=names,
                    records=layout.published_records(node), published=published,
                    at_risk=risky, reason=_pass_reason(layout, node, smallest),
                    smallest_group=smallest)


def _nothing_to_publish(layout: Layout, k: int) -> Decision:
    levels = dict(zip(layout.names, layout.bottom, strict=True))
    names = {name: layout.level_name(i, 0) for i, name in enumerate(layout.names)}
    return Decision(passed=True, k=k, levels=levels, level_names=names, records=[],
                    published=[], at_risk=[], reason="no records to publish",
                    smallest_group=0)


def _refused(k: int, risky: list[RiskGroup], smallest: int, reason: str) -> Decision:
    return Decision(passed=False, k=k, levels={}, level_names={}, records=[], published=[],
                    at_risk=risky, reason=reason, smallest_group=smallest)


def _pass_reason(layout: Layout, node: Node, smallest: int) -> str:
    generalised = [f"{name} to {layout.level_name(i, node[i])}"
                   for i, name in enumerate(layout.names) if 0 < node[i] < layout.tops[i]]
    suppressed = [name for i, name in enumerate(layout.names)
                  if node[i] > 0 and node[i] >= layout.tops[i]]
    parts = []
    if generalised:
        parts.append("generalised " + ", ".join(generalised))
    if suppressed:
        parts.append("suppressed " + ", ".join(suppressed))
    done = "; ".join(parts) if parts else "published as recorded"
    return f"{done}; smallest group {smallest}"


def _risk_reason(risky: list[RiskGroup], k: int, layout: Layout) -> str:
    ids = [record_id for group in risky for record_id in group.ids]
    return (f"refused: {len(ids)} record(s) are in groups of fewer than {k} records by "
            f"{', '.join(layout.names)} ({_some(ids)}); generalise, or leave them out")


def _too_few_reason(count: int, k: int) -> str:
    return (f"refused: only {count} record(s), and k={k} needs at least {k} records; "
            "even with every quasi-identifier suppressed they would form a group of "
            f"{count}")


def _some(ids: Sequence[str], shown: int = 10) -> str:
    if len(ids) <= shown:
        return ", ".join(ids)
    return f"{', '.join(ids[:shown])} and {len(ids) - shown} more"


# --- validation ------------------------------------------------------------------------


def _check_k(k: int) -> None:
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise InvalidValue(f"k must be a whole number of at least 1, got {k!r}.",
                           fix="Use the smallest group a witness may hide in, e.g. k=5 "
                               "(k=1 checks nothing).")


def _attributes(attributes: Sequence[Attribute | str]) -> list[Attribute]:
    specs = [a if isinstance(a, Attribute) else Attribute(a) for a in attributes]
    names = [spec.name for spec in specs]
    for spec in specs:
        if not spec.name or spec.name == "id" or names.count(spec.name) > 1:
            raise InvalidValue(f"Quasi-identifier name {spec.name!r} is empty, reserved "
                               "or declared twice.",
                               fix="Declare each attribute once, under a name other than 'id'.")
        if not math.isfinite(spec.weight) or spec.weight < 0:
            raise InvalidValue(f"Weight {spec.weight!r} of {spec.name} is not a finite "
                               "number of at least 0.", fix="Use e.g. 1 (default) or 10.")
    return specs


def _check_records(records: Sequence[Record], attributes: Sequence[Attribute]) -> None:
    seen: set[str] = set()
    for record in records:
        if record.id in seen:
            raise InvalidValue(f"Record id {record.id!r} appears twice; a group of k records "
                               "could then hold fewer than k people.",
                               fix="Pass one record per witness.")
        seen.add(record.id)
        for attribute in attributes:
            _check_chain(record, attribute.name)


def _check_chain(record: Record, name: str) -> None:
    if name not in record.values:
        raise InvalidValue(f"Record {record.id} has no value for {name}.",
                           fix="Give an empty chain () for an unknown value.")
    chain = record.values[name]
    if not isinstance(chain, tuple) or any(not isinstance(v, str) or v in ("", SUPPRESSED)
                                           for v in chain):
        raise InvalidValue(f"Record {record.id} has {name} {chain!r}, not a chain of "
                           "non-empty strings.",
                           fix=f'Pass a tuple such as ("Moura", "Mali"); "{SUPPRESSED}" '
                               "is reserved for suppressed values, () means unknown.")


def _check_level_names(level_names: Mapping[str, Sequence[str]] | None,
                       attributes: Sequence[Attribute]) -> Mapping[str, Sequence[str]]:
    declared = {attribute.name for attribute in attributes}
    for name, names in (level_names or {}).items():
        if name not in declared or isinstance(names, str):
            raise InvalidValue(f"Level names for {name!r} do not match a declared "
                               "quasi-identifier, or are not a list.",
                               fix='Pass e.g. {"period": ["month", "quarter", "year"]}.')
    return level_names or {}


