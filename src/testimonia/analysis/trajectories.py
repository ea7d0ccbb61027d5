"""Custody trajectories and the transfer network.

A victim is the speaker (a source's own first-hand account, alone or in a group) or a
person a source names; each victim's stops are the sites of their claims in the order
the document tells them, with the period of each, and the transfers between them.
Unnamed others ("a man from Mariupol") have no trajectory of their own, but their
transfers still count in the network. The network's edges are site → site with the
number of victims (a document counts once per edge); an edge is cross-border when its two
ends lie in different countries (occupied Ukrainian territory is Ukraine).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from operator import attrgetter

from testimonia.analysis.facts import Fact
from testimonia.analysis.inputs import ClaimIn
from testimonia.analysis.persons import PersonLink, linked_names, person_called
from testimonia.analysis.sites import Resolution, town_of
from testimonia.shapes import EdgeJson, PeriodJson, TrajectoryJson

UNDATED = 1 << 30  # the width of a stop with no period: any dated claim is more precise


@dataclass
class Stop:
    site: str
    period: PeriodJson | None
    claims: list[int] = field(default_factory=list)
    width: int = UNDATED  # days its period covers


@dataclass
class Trajectory:
    victim: str
    source: str
    stops: list[Stop] = field(default_factory=list)
    transfers: list[tuple[str, str, int]] = field(default_factory=list)  # from, to, claim

    def to_json(self) -> TrajectoryJson:
        return {"victim": self.victim, "source": self.source,
                "stops": [{"site": s.site, "period": s.period, "claims": s.claims} for s in self.stops],
                "transfers": [{"from": a, "to": b, "claim": c} for a, b, c in self.transfers]}


@dataclass
class Edge:
    origin: str
    destination: str
    cross_border: bool
    documents: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)
    claims: list[int] = field(default_factory=list)

    def to_json(self) -> EdgeJson:
        return {"from": self.origin, "to": self.destination, "count": len(self.documents),
                "cross_border": self.cross_border, "sources": sorted(self.sources),
                "claims": self.claims}


def trajectories(claims: Sequence[ClaimIn], resolution: Resolution,
                 links: Sequence[PersonLink] = ()) -> list[Trajectory]:
    """Each victim's stops and transfers (see `each_trajectory`)."""
    return list(each_trajectory(resolution.facts_for(claims), links))


def each_trajectory(facts: Sequence[Fact], links: Sequence[PersonLink] = ()) -> Iterator[Trajectory]:
    """Each victim's stops and transfers, one trajectory at a time. A person a reviewer
    linked across documents (analysis/persons.py) has one trajectory from all of them, in
    the order of the periods; anyone else's follows the order their one document tells."""
    told: dict[str, list[Fact]] = defaultdict(list)
    linked: set[str] = set()
    names = linked_names(links)
    by_id = sorted(facts, key=attrgetter("id"))  # then by document, stably: no key tuple per claim
    for fact in sorted(by_id, key=attrgetter("document_id")):
        if fact.denial:
            continue
        person = person_called(fact.victim, names)
        victim = person or _victim(fact)
        if victim is not None:
            told[victim].append(fact)
            if person:
                linked.add(victim)
    for victim in list(told):
        its_claims = told.pop(victim)
        if victim in linked:
            its_claims.sort(key=_when(its_claims))
        labels = sorted({c.label for c in its_claims})
        trajectory = Trajectory(victim, "; ".join(labels) if victim in linked else its_claims[0].label)
        for claim in its_claims:
            sites = [_within_last(trajectory, site) for site in claim.sites]
            moved = claim.transfer and len(sites) == 2
            if moved:
                trajectory.transfers.append((sites[0], sites[1], claim.id))
            for i, site in enumerate(sites):
                _visit(trajectory, site, claim, dates=not (moved and i == 0))
        if trajectory.stops:
            yield trajectory


def network(claims: Sequence[ClaimIn], resolution: Resolution) -> list[Edge]:
    return edges_of(resolution.facts_for(claims))


def edges_of(facts: Sequence[Fact]) -> list[Edge]:
    """The transfer network: site -> site, each edge with the documents that report it."""
    edges: dict[tuple[str, str], Edge] = {}
    for fact in facts:
        sites = fact.sites
        if fact.denial or not fact.transfer or len(sites) != 2:
            continue
        origin, destination = sites
        edge = edges.setdefault((origin, destination), Edge(origin, destination, fact.crossing))
        edge.documents.add(fact.document_id)
        edge.sources.add(fact.label)
        edge.claims.append(fact.id)
    return sorted(edges.values(), key=lambda e: (-len(e.documents), e.origin, e.destination))


def _victim(fact: Fact) -> str | None:
    who, name = fact.victim
    if who in ("self", "group") and fact.first_hand and fact.source:
        return fact.source
    if who == "other" and name:
        return f"{fact.label}: {name}"
    return None


DATED_DAYS = 31  # a period of a month or less orders a person's stops by itself; a season does not


def _when(claims: Sequence[Fact]) -> Callable[[Fact], tuple[date, str, int]]:
    """The order of one person's claims told in several documents: a date (a month or
    less) where there is one; else the date of a transfer the claim's site is an
    end of (held at the origin before it, at the destination after it); else the start of
    a loose period; undated last. A loose "autumn 2022" at the destination of a transfer
    on 27 October is after it, not on 1 September."""
    moved: dict[str, list[tuple[date, bool]]] = defaultdict(list)  # site -> (day, as origin)
    for claim in claims:
        sites, span = claim.sites, claim.span
        if claim.transfer and len(sites) == 2 and span is not None:
            moved[sites[0]].append((span.start, True))
            moved[sites[1]].append((span.start, False))

    def key(claim: Fact) -> tuple[date, str, int]:
        span = claim.span
        if span is not None and (span.days <= DATED_DAYS or claim.transfer):
            return span.start, claim.document_id, claim.id
        for site in claim.sites:
            for day, origin in moved.get(site, []):
                return day + timedelta(days=-1 if origin else 1), claim.document_id, claim.id
        return (span.start if span else date.max), claim.document_id, claim.id
    return key


def _within_last(trajectory: Trajectory, site: str) -> str:
    """A town named where the last stop was a place in that town ("taken from Melitopol"
    after the Melitopol police station) is that place."""
    last = trajectory.stops[-1].site if trajectory.stops else ""
    return last if site == town_of(site) != last and town_of(last) == site else site


def _visit(trajectory: Trajectory, site: str, claim: Fact, dates: bool = True) -> None:
    """Add a claim to the stop it continues, or start one; a stop keeps the most precise
    period its claims give (a transfer's date is when it ended, not when it began:
    `dates` is False for the origin of a transfer)."""
    last = trajectory.stops[-1] if trajectory.stops else None
    width = claim.span.days if claim.span is not None else UNDATED
    if last is not None and last.site == site:
        last.claims.append(claim.id)
        if (dates and width < last.width) or last.period is None:
            last.period, last.width = _period(claim), width
        return
    trajectory.stops.append(Stop(site, _period(claim), [claim.id], width))


def _period(claim: Fact) -> PeriodJson | None:
    """The claim's period as it writes it."""
    period: PeriodJson | None = json.loads(claim.period) if claim.period is not None else None
    return period


def by_site(edges: Sequence[Edge]) -> dict[str, dict[str, list[Edge]]]:
    """For a dossier: each site's transfers in and out."""
    out: dict[str, dict[str, list[Edge]]] = defaultdict(lambda: {"in": [], "out": []})
    for edge in edges:
        out[edge.origin]["out"].append(edge)
        out[edge.destination]["in"].append(edge)
    return out
