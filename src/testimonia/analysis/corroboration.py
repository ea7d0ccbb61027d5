"""Corroboration: for each allegation cell (site × method, violation or act × period
bucket), who supports it, how independently, at first hand or not, and who contradicts it.

Independence: sources linked by any recorded relation (interviewed together, relative of,
same intermediary, derived from) form one group, counted once — union-find over the
relations, linear in their number. The same source twice counts once.

Period bucket: the year the claim's period starts in; an undated claim takes its
document's most frequent year (a testimony usually covers one stretch of time), else
"undated".

Status (rules in `Rules`, documented in docs/analysis.md):
- corroborated: at least `min_independent` independent groups, at least one at first hand;
- single source: one independent group (or several at hearsay only);
- contested: contradicting groups are at least `contested_ratio` × supporting groups.
Contradictions are denials at the same site naming the same allegation (or denying
detention there outright), whatever their period unless both are dated and apart.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from testimonia.analysis.inputs import ClaimIn, RelationIn
from testimonia.analysis.sites import Resolution
from testimonia.shapes import ClaimJson, FindingJson

CELL_ACTS = ("detention", "killing", "disappearance")  # acts that are allegations in themselves


@dataclass(frozen=True)
class Rules:
    min_independent: int = 2
    contested_ratio: float = 1.0
    relations: tuple[str, ...] = ("interviewed_together", "relative_of", "same_intermediary",
                                  "derived_from")


class Groups:
    """Union-find over sources: related sources share a root."""

    def __init__(self, relations: Iterable[RelationIn], kinds: Sequence[str]) -> None:
        self.parent: dict[str, str] = {}
        self.cache: dict[str, str] = {}
        for r in relations:
            if r.relation in kinds:
                self.union(r.a, r.b)

    def find(self, source: str) -> str:
        known = self.cache.get(source)
        if known is not None:
            return known
        root = source
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while self.parent.get(source, source) != root:
            self.parent[source], source = root, self.parent[source]
        self.cache[source] = root
        return root

    def union(self, a: str, b: str) -> None:
        self.cache.clear()
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)
        self.cache.clear()


@dataclass
class Finding:
    site: str
    allegation: str  # a method or violation id, or "act:detention"
    bucket: str
    support: list[ClaimIn] = field(default_factory=list)
    against: list[ClaimIn] = field(default_factory=list)
    status: str = ""
    rationale: str = ""
    independent: int = 0
    first_hand: int = 0
    groups: list[list[str]] = field(default_factory=list)

    def to_json(self) -> FindingJson:
        return {
            "site": self.site, "allegation": self.allegation, "period": self.bucket,
            "status": self.status, "rationale": self.rationale,
            "independent_sources": self.independent, "first_hand_sources": self.first_hand,
            "sources": sorted(label for group in self.groups for label in group),
            "source_kinds": sorted({c.source_kind or "unknown" for c in self.support}),
            "groups": self.groups,
            "claims": [c.id for c in self.support],
            "contradicted_by": [{"claim": c.id, "source": c.label, "kind": c.source_kind,
                                 "quote": c.body["evidence"][0]["quote"]} for c in self.against],
        }


def corroborate(claims: Sequence[ClaimIn], resolution: Resolution, groups: Groups,
                rules: Rules = Rules()) -> list[Finding]:
    years = _document_years(claims)
    cells: dict[tuple[str, str, str], Finding] = {}
    denials: dict[str, list[ClaimIn]] = defaultdict(list)
    for claim in claims:
        sites = resolution.of_claim.get(claim.id, [])
        if claim.body["denial"]:
            for site in sites:
                denials[site].append(claim)
            continue
        bucket = _bucket(claim, years)
        for site in sites:
            for allegation in allegations(claim.body):
                key = (site, allegation, bucket)
                cell = cells.get(key)
                if cell is None:
                    cell = cells[key] = Finding(site, allegation, bucket)
                cell.support.append(claim)
    findings = []
    for finding in cells.values():
        finding.against = [d for d in denials.get(finding.site, []) if _denies(d, finding)]
        deniers = {d.label for d in finding.against}
        finding.support = [c for c in finding.support if c.label not in deniers]
        if finding.support:  # a source's denial outweighs its own passing mentions
            _judge(finding, groups, rules)
            findings.append(finding)
    return sorted(findings, key=lambda f: (f.site, f.allegation, f.bucket))


def allegations(body: ClaimJson) -> list[str]:
    named = [*body["methods"], *body["violations"]]
    return named + ([f"act:{body['act']}"] if body["act"] in CELL_ACTS else [])


def _denies(denial: ClaimIn, finding: Finding) -> bool:
    denied = allegations(denial.body)
    if finding.allegation not in denied and not (
            finding.allegation == "act:detention" and not denial.body["methods"]):
        return False
    year = ((denial.body.get("period") or {}).get("start") or "")[:4]
    return not year or finding.bucket in ("undated", year)


def _judge(f: Finding, groups: Groups, rules: Rules) -> None:
    support = _grouped(f.support, groups)
    first_hand = _grouped([c for c in f.support if c.body["first_hand"]], groups)
    against = _grouped(f.against, groups)
    f.independent, f.first_hand = len(support), len(first_hand)
    f.groups = [sorted(members) for members in support.values()]
    if against and len(against) >= rules.contested_ratio * len(support):
        f.status = "contested"
    elif f.independent >= rules.min_independent and f.first_hand >= 1:
        f.status = "corroborated"
    else:
        f.status = "single source"
    f.rationale = _rationale(f, support, first_hand, against)


def _rationale(f: Finding, support: dict[str, set[str]], first_hand: dict[str, set[str]],
               against: dict[str, set[str]]) -> str:
    count = f"{f.independent} independent source" + ("s" if f.independent != 1 else "")
    hand = f"{f.first_hand} at first hand" if f.first_hand else "none at first hand"
    names = "; ".join(" + ".join(sorted(members)) + (" (related, counted once)" if len(members) > 1 else "")
                      for members in support.values())
    text = f"{count} ({hand}): {names}"
    if against:
        kinds = Counter(c.source_kind or "source" for c in f.against)
        who = ", ".join(sorted({c.label for c in f.against}))
        text += f"; contradicted by {who} ({', '.join(f'{k} denial' for k in kinds)})"
    else:
        text += "; contradicted by none"
    return text


def _grouped(claims: Iterable[ClaimIn], groups: Groups) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for claim in claims:
        out[groups.find(claim.label)].add(claim.label)
    return dict(out)


def _document_years(claims: Sequence[ClaimIn]) -> dict[str, str]:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for claim in claims:
        year = (claim.body.get("period") or {}).get("start")
        if year:
            counts[claim.document_id][year[:4]] += 1
    return {doc: c.most_common(1)[0][0] for doc, c in counts.items()}


def _bucket(claim: ClaimIn, years: dict[str, str]) -> str:
    start = (claim.body.get("period") or {}).get("start")
    return start[:4] if start else years.get(claim.document_id, "undated")
