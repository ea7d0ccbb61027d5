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

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from testimonia.analysis.corroboration import period_span, span_of
from testimonia.analysis.inputs import ClaimIn
from testimonia.analysis.persons import PersonLink, person_of
from testimonia.analysis.sites import Resolution, town_of
from testimonia.shapes import EdgeJson, PeriodJson, TrajectoryJson


@dataclass
class Stop:
    site: str
    period: PeriodJson | None
    claims: list[int] = field(default_factory=list)


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
    """Each victim's stops and transfers. A person a reviewer linked across documents
    (analysis/persons.py) has one trajectory from all of them, in the order of the
    periods; anyone else's follows the order their one document tells."""
    told: dict[str, list[ClaimIn]] = defaultdict(list)
    linked: set[str] = set()
    for claim in sorted(claims, key=lambda c: (c.document_id, c.id)):
        if claim.body["denial"]:
            continue
        person = person_of(claim, links)
        victim = person or _victim(claim)
        if victim is not None:
            told[victim].append(claim)
            if person:
                linked.add(victim)
    found = []
    for victim, its_claims in told.items():
        if victim in linked:
            its_claims.sort(key=_when(its_claims, resolution))
        labels = sorted({c.label for c in its_claims})
        trajectory = Trajectory(victim, "; ".join(labels) if victim in linked else its_claims[0].label)
        for claim in its_claims:
            sites = [_within_last(trajectory, site) for site in resolution.of_claim.get(claim.id, [])]
            moved = bool(claim.body.get("transfer")) and len(sites) == 2
            if moved:
                trajectory.transfers.append((sites[0], sites[1], claim.id))
            for i, site in enumerate(sites):
                _visit(trajectory, site, claim, dates=not (moved and i == 0))
        if trajectory.stops:
            found.append(trajectory)
    return found


def network(claims: Sequence[ClaimIn], resolution: Resolution) -> list[Edge]:
    edges: dict[tuple[str, str], Edge] = {}
    for claim in claims:
        sites = resolution.of_claim.get(claim.id, [])
        transfer = claim.body.get("transfer")
        if claim.body["denial"] or not transfer or len(sites) != 2:
            continue
        origin, destination = sites
        countries = (transfer["from"].get("country"), transfer["to"].get("country"))
        crossing = None not in countries and countries[0] != countries[1]
        edge = edges.setdefault((origin, destination), Edge(origin, destination, crossing))
        edge.documents.add(claim.document_id)
        edge.sources.add(claim.label)
        edge.claims.append(claim.id)
    return sorted(edges.values(), key=lambda e: (-len(e.documents), e.origin, e.destination))


def _victim(claim: ClaimIn) -> str | None:
    victim = claim.body["victim"]
    if victim["who"] in ("self", "group") and claim.body["first_hand"] and claim.source:
        return claim.source
    if victim["who"] == "other" and victim.get("name"):
        return f"{claim.label}: {victim['name']}"
    return None


DATED_DAYS = 31  # a period of a month or less orders a person's stops by itself; a season does not


def _when(claims: Sequence[ClaimIn], resolution: Resolution) -> Callable[[ClaimIn], tuple[date, str, int]]:
    """The order of one person's claims told in several documents: a date (a month or
    less) where there is one; else the date of a transfer the claim's site is an
    end of (held at the origin before it, at the destination after it); else the start of
    a loose period; undated last. A loose "autumn 2022" at the destination of a transfer
    on 27 October is after it, not on 1 September."""
    moved: dict[str, list[tuple[date, bool]]] = defaultdict(list)  # site -> (day, as origin)
    for claim in claims:
        sites, span = resolution.of_claim.get(claim.id, []), span_of(claim.body)
        if claim.body.get("transfer") and len(sites) == 2 and span is not None:
            moved[sites[0]].append((span.start, True))
            moved[sites[1]].append((span.start, False))

    def key(claim: ClaimIn) -> tuple[date, str, int]:
        span = span_of(claim.body)
        if span is not None and (span.days <= DATED_DAYS or claim.body.get("transfer")):
            return span.start, claim.document_id, claim.id
        for site in resolution.of_claim.get(claim.id, []):
            for day, origin in moved.get(site, []):
                return day + timedelta(days=-1 if origin else 1), claim.document_id, claim.id
        return (span.start if span else date.max), claim.document_id, claim.id
    return key


def _within_last(trajectory: Trajectory, site: str) -> str:
    """A town named where the last stop was a place in that town ("taken from Melitopol"
    after the Melitopol police station) is that place."""
    last = trajectory.stops[-1].site if trajectory.stops else ""
    return last if site == town_of(site) != last and town_of(last) == site else site


def _visit(trajectory: Trajectory, site: str, claim: ClaimIn, dates: bool = True) -> None:
    """Add a claim to the stop it continues, or start one; a stop keeps the most precise
    period its claims give (a transfer's date is when it ended, not when it began:
    `dates` is False for the origin of a transfer)."""
    last = trajectory.stops[-1] if trajectory.stops else None
    period = claim.body.get("period")
    if last is not None and last.site == site:
        last.claims.append(claim.id)
        if (dates and _width(period) < _width(last.period)) or last.period is None:
            last.period = period
        return
    trajectory.stops.append(Stop(site, period, [claim.id]))


def _width(period: PeriodJson | None) -> int:
    span = period_span(period)
    return span.days if span is not None else 1 << 30


def by_site(edges: Sequence[Edge]) -> dict[str, dict[str, list[Edge]]]:
    """For a dossier: each site's transfers in and out."""
    out: dict[str, dict[str, list[Edge]]] = defaultdict(lambda: {"in": [], "out": []})
    for edge in edges:
        out[edge.origin]["out"].append(edge)
        out[edge.destination]["in"].append(edge)
    return out
