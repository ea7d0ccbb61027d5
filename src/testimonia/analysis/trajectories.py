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
from collections.abc import Sequence
from dataclasses import dataclass, field

from testimonia.analysis.inputs import ClaimIn
from testimonia.analysis.persons import PersonLink, person_of
from testimonia.analysis.sites import Resolution
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
            its_claims.sort(key=lambda c: ((c.body.get("period") or {}).get("start") or "9999",
                                           c.document_id, c.id))
        labels = sorted({c.label for c in its_claims})
        trajectory = Trajectory(victim, "; ".join(labels) if victim in linked else its_claims[0].label)
        for claim in its_claims:
            sites = resolution.of_claim.get(claim.id, [])
            if claim.body.get("transfer") and len(sites) == 2:
                trajectory.transfers.append((sites[0], sites[1], claim.id))
            for site in sites:
                _visit(trajectory, site, claim)
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


def _visit(trajectory: Trajectory, site: str, claim: ClaimIn) -> None:
    last = trajectory.stops[-1] if trajectory.stops else None
    if last is not None and last.site == site:
        last.claims.append(claim.id)
        last.period = last.period or claim.body.get("period")
        return
    trajectory.stops.append(Stop(site, claim.body.get("period"), [claim.id]))


def by_site(edges: Sequence[Edge]) -> dict[str, dict[str, list[Edge]]]:
    """For a dossier: each site's transfers in and out."""
    out: dict[str, dict[str, list[Edge]]] = defaultdict(lambda: {"in": [], "out": []})
    for edge in edges:
        out[edge.origin]["out"].append(edge)
        out[edge.destination]["in"].append(edge)
    return out
