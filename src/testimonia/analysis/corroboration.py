"""Corroboration: for each allegation (site × method, violation or act) over the period
its claims cover, who supports it, how independently, at first hand or not, and who
contradicts it.

Independence: sources linked by any recorded relation (interviewed together, relative of,
same intermediary, derived from) form one group, counted once — union-find over the
relations, linear in their number. The same source twice counts once. Only a group with a
first-hand account is an independent source: a group that repeats what it was told is
listed (`hearsay_sources`) but not counted, since two people repeating one detainee's
words are one origin. A document with no source is listed but never counted: nobody can
say whom it is independent of.

Episodes (not calendar years): the claims of one site and allegation make one finding
unless their periods are far apart. Claims dated to three months or less are grouped
where their periods overlap or lie less than `Rules.episode_gap_days` (three months)
apart — a practice at a site goes on, and witnesses held there weeks apart corroborate
it; a loosely dated claim (a season, a year) joins the episode
it overlaps most, or starts one of its own; an undated claim joins the episode its own
document's dated claims fall in, else the only episode there is, else a finding of its
own ("undated"). A claim at a container, hangar or pit inside a camp also supports the
camp's finding, keeping its own.

Status (rules in `Rules`, documented in docs/analysis.md):
- corroborated: at least `min_independent` independent (first-hand) groups;
- single source: one;
- hearsay only: none at first hand, but told at second hand;
- unattributed: only documents with no source support it;
- contested: contradicting groups are at least `contested_ratio` × supporting groups.
Contradictions are denials at the same site (or a site it contains, or naming only the
town it is in: "nobody was beaten in Berdiansk" covers the police station there) of the same
allegation — a denial of ill-treatment as such ("nobody was mistreated", "no torture")
denies every method; a denial of detention denies detention — whose period can overlap
the finding's.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from testimonia.analysis.facts import CELL_ACTS, PRECISE_DAYS, TORTURE, Fact, Span, allegations, period_span
from testimonia.analysis.inputs import ClaimIn, RelationIn
from testimonia.analysis.sites import CONTAINED, HOSTS, Resolution, town_of
from testimonia.shapes import ClaimJson, FindingJson

__all__ = ["CELL_ACTS", "PRECISE_DAYS", "TORTURE", "Finding", "Groups", "Rules", "Span", "allegations",
           "corroborate", "findings", "period_span", "span_of"]

@dataclass(frozen=True)
class Rules:
    min_independent: int = 2
    contested_ratio: float = 1.0
    episode_gap_days: int = 92  # dated claims further apart than this are separate episodes
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
    span: Span | None  # the period its dated claims cover; None: undated
    support: list[Fact] = field(default_factory=list)
    against: list[Fact] = field(default_factory=list)
    status: str = ""
    rationale: str = ""
    independent: int = 0
    first_hand: int = 0
    groups: list[list[str]] = field(default_factory=list)  # independent: with a first-hand account
    hearsay: list[list[str]] = field(default_factory=list)  # groups that only repeat, not counted
    unattributed: list[str] = field(default_factory=list)  # documents with no source

    @property
    def bucket(self) -> str:
        return _written(self.span)[0]

    def to_json(self, site_name: str | None = None) -> FindingJson:
        """The documented JSON (docs/analysis.md); with the site's name last when given."""
        period, start, end = _written(self.span)
        found: FindingJson = {
            "site": self.site, "allegation": self.allegation, "period": period,
            "period_start": start, "period_end": end,
            "status": self.status, "rationale": self.rationale,
            "independent_sources": self.independent, "first_hand_sources": self.first_hand,
            "sources": sorted(label for group in self.groups for label in group),
            "hearsay_sources": sorted(label for group in self.hearsay for label in group),
            "source_kinds": sorted({c.source_kind or "unknown" for c in self.support if c.source}),
            "groups": self.groups, "unattributed_documents": self.unattributed,
            "claims": [c.id for c in self.support],
            "contradicted_by": [{"claim": c.id, "source": c.label, "kind": c.source_kind,
                                 "quote": c.quote} for c in self.against],
        }
        if site_name is not None:
            found["site_name"] = site_name
        return found


_WRITTEN: dict[tuple[date, date], tuple[str, str, str]] = {}
_WRITTEN_MAX = 100_000  # periods kept written (a few thousand distinct ones are usual)


def _written(span: Span | None) -> tuple[str, str | None, str | None]:
    """A finding's period as written: its label, its first and its last day (the same few
    periods recur across findings: each is written once)."""
    if span is None:
        return "undated", None, None
    key = (span.start, span.end)
    found = _WRITTEN.get(key)
    if found is None:
        if len(_WRITTEN) >= _WRITTEN_MAX:
            _WRITTEN.clear()
        found = _WRITTEN[key] = (span.label(), span.start.isoformat(), span.end.isoformat())
    return found


def corroborate(claims: Sequence[ClaimIn], resolution: Resolution, groups: Groups,
                rules: Rules = Rules()) -> list[Finding]:
    """The findings of these claims (resolved in `resolution`), in order."""
    return list(findings(resolution.facts_for(claims), resolution, groups, rules))


def findings(facts: Sequence[Fact], resolution: Resolution, groups: Groups,
             rules: Rules = Rules()) -> Iterator[Finding]:
    """The findings, by site, allegation and period, made one site at a time: only that
    site's cells (allegation -> claims) are held, never every finding at once."""
    members: dict[str, list[Fact]] = defaultdict(list)
    denials: dict[str, list[Fact]] = defaultdict(list)
    enclosing: dict[tuple[str, ...], list[str]] = {}
    for fact in facts:
        around = enclosing.get(fact.sites)
        if around is None:
            around = enclosing[fact.sites] = _enclosing(resolution, fact.sites)
        for site in around:
            (denials if fact.denial else members)[site].append(fact)
    hints = _document_spans(facts)
    gap = timedelta(days=rules.episode_gap_days)
    for site in sorted(members):
        cells: dict[str, list[Fact]] = defaultdict(list)
        for fact in members.pop(site):
            for allegation in fact.allegations:
                cells[allegation].append(fact)
        town = town_of(site)  # a denial naming only the town covers its places
        said = denials.get(site, []) + (denials.get(town, []) if town != site else [])
        for allegation in sorted(cells):
            found = []
            for span, supporting in _episodes(cells[allegation], hints, gap):
                finding = Finding(site, allegation, span, supporting)
                if said:
                    finding.against = [d for d in said if _denies(d, finding)]
                if finding.against:
                    deniers = {d.label for d in finding.against}
                    finding.support = [c for c in finding.support if c.label not in deniers]
                if finding.support:  # a source's denial outweighs its own passing mentions
                    _judge(finding, groups, rules)
                    found.append(finding)
            yield from sorted(found, key=lambda f: (f.span is None, f.span.start if f.span else date.min))


def _enclosing(resolution: Resolution, site_ids: Iterable[str]) -> list[str]:
    """The claim's sites, and the camp (or base, colony, prison) a container, pit or
    hangar lies in. A police station is not inside its town in this sense: the town's
    findings are not the sum of its places of detention."""
    out: list[str] = []
    for site_id in site_ids:
        if site_id not in resolution.sites or site_id in out:
            continue
        out.append(site_id)
        site = resolution.sites[site_id]
        host = resolution.sites.get(site.parent or "")
        if site.facility in CONTAINED and host is not None and host.facility in HOSTS \
                and host.id not in out:
            out.append(host.id)
    return out


def span_of(body: ClaimJson) -> Span | None:
    return period_span(body.get("period"))


def _document_spans(facts: Sequence[Fact]) -> dict[str, list[Span]]:
    """Each document's dated claims: where its undated ones most likely belong."""
    found: dict[str, list[Span]] = defaultdict(list)
    for fact in facts:
        span = fact.span
        if span is not None and span.days <= PRECISE_DAYS:
            found[fact.document_id].append(span)
    return found


def _episodes(claims: list[Fact], hints: dict[str, list[Span]],
              gap: timedelta) -> list[tuple[Span | None, list[Fact]]]:
    """Claims of one site and allegation, grouped into episodes more than `gap` apart."""
    if len(claims) == 1 and claims[0].span is not None:  # (what the steps below make of it)
        return [(claims[0].span, claims)]
    dated = sorted(((span, c) for c in claims if (span := c.span) is not None),
                   key=lambda x: (x[0].days > PRECISE_DAYS, x[0].start, x[1].id))
    episodes: list[tuple[Span, list[Fact]]] = []
    for span, claim in dated:
        if span.days <= PRECISE_DAYS:
            if episodes and span.start <= episodes[-1][0].end + gap:
                last, members = episodes[-1]
                episodes[-1] = (Span(last.start, max(last.end, span.end)), [*members, claim])
            else:
                episodes.append((span, [claim]))
            continue
        best = max(range(len(episodes)), key=lambda i: (episodes[i][0].overlap(span), -i), default=None)
        if best is not None and episodes[best][0].overlap(span):
            episodes[best][1].append(claim)
        else:
            episodes.append((span, [claim]))
    undated = [c for c in claims if c.span is None]
    undated_alone: list[Fact] = []
    for claim in sorted(undated, key=lambda c: not hints.get(c.document_id)):  # hinted ones first
        own = hints.get(claim.document_id, [])
        scores = [sum(e.near(s, gap) for s in own) for e, _ in episodes]
        if scores and max(scores) > 0:
            episodes[scores.index(max(scores))][1].append(claim)
        elif own:  # its document dates it, apart from the episodes there are
            episodes.append((Counter(own).most_common(1)[0][0], [claim]))
        elif len(episodes) == 1:
            episodes[0][1].append(claim)
        else:
            undated_alone.append(claim)
    result: list[tuple[Span | None, list[Fact]]] = [(span, sorted(m, key=lambda c: c.id))
                                                       for span, m in episodes]
    if undated_alone:
        result.append((None, undated_alone))
    return result


def _denies(denial: Fact, finding: Finding) -> bool:
    """Whether a denial contradicts a finding: the same allegation (ill-treatment as such
    denies every method), and periods that can overlap."""
    if not (finding.allegation in denial.denied()
            or (denial.any_method and not finding.allegation.startswith("act:"))):
        return False
    span = denial.span
    return span is None or finding.span is None or span.overlap(finding.span) > 0


def _judge(f: Finding, groups: Groups, rules: Rules) -> None:
    """Independent sources are groups with a first-hand account. A group that only repeats
    what it was told is listed but not counted: two people repeating one detainee's words
    are one origin, not two sources."""
    support: dict[str, set[str]] = {}
    seen: dict[str, None] = {}  # roots with a first-hand account, in the order of the first one
    told: set[str] = set()  # labels of the first-hand accounts
    unattributed: set[str] = set()
    for c in f.support:
        if not c.source:
            unattributed.add(c.label)
            continue
        root = groups.find(c.label)
        support.setdefault(root, set()).add(c.label)
        if c.first_hand:
            seen.setdefault(root)
            told.add(c.label)
    f.unattributed = sorted(unattributed)
    first_hand = {root: support[root] for root in seen}
    hearsay = {root: members for root, members in support.items() if root not in seen}
    against = _grouped(f.against, groups) if f.against else {}
    f.independent = f.first_hand = len(first_hand)
    f.groups = [sorted(members) for members in first_hand.values()]
    f.hearsay = [sorted(members) for members in hearsay.values()]
    if against and len(against) >= rules.contested_ratio * max(1, f.independent):
        f.status = "contested"
    elif f.independent >= rules.min_independent:
        f.status = "corroborated"
    elif f.independent == 1:
        f.status = "single source"
    elif hearsay:
        f.status = "hearsay only"
    else:
        f.status = "unattributed"
    f.rationale = _rationale(f, first_hand, hearsay, against, told)


def _rationale(f: Finding, first_hand: dict[str, set[str]], hearsay: dict[str, set[str]],
               against: dict[str, set[str]], seen: set[str]) -> str:
    count = f"{f.independent} independent source" + ("s" if f.independent != 1 else "")
    names = "; ".join(_members(members, seen) for members in first_hand.values())
    text = f"{count} at first hand" + (f": {names}" if names else "")
    if hearsay:
        text += ("; told at second hand by " + "; ".join(_members(m) for m in hearsay.values())
                 + " (not counted: the same account may reach several people)")
    if f.unattributed:
        n = len(f.unattributed)
        text += f"; not counted: {n} document{'s' if n != 1 else ''} with no source"
    if against:
        kinds = Counter(c.source_kind or "source" for c in f.against)
        who = ", ".join(sorted({c.label for c in f.against}))
        text += f"; contradicted by {who} ({', '.join(f'{k} denial' for k in kinds)})"
    else:
        text += "; contradicted by none"
    return text


def _members(members: set[str], seen: set[str] | None = None) -> str:
    """A group in words; with `seen`, those who only repeat are named apart ("Marko (with
    Olena: related, counted once)"), so that nobody reads as first-hand who is not."""
    if seen is None or members <= seen:
        return " + ".join(sorted(members)) + (" (related, counted once)" if len(members) > 1 else "")
    told = sorted(members - seen)
    return (" + ".join(sorted(members & seen)) + f" (with {' + '.join(told)}: related, counted once)")


def _grouped(claims: Iterable[Fact], groups: Groups) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for claim in claims:
        out[groups.find(claim.label)].add(claim.label)
    return dict(out)
