"""The whole analysis, a pure function of its inputs, and look-ups in its results
(the documented JSON of docs/analysis.md): reviewed claims in, sites, findings,
transfers and patterns out."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from testimonia.analysis.corroboration import Groups, Rules, findings
from testimonia.analysis.facts import Interner
from testimonia.analysis.inputs import ClaimIn, RelationIn
from testimonia.analysis.patterns import Patterns
from testimonia.analysis.persons import PersonLink
from testimonia.analysis.sites import Judgement, Resolution, SiteReader, make_site_id, town_of
from testimonia.analysis.trajectories import each_trajectory, edges_of
from testimonia.errors import NotFound, did_you_mean
from testimonia.places.gazetteer import get_gazetteer
from testimonia.shapes import EdgeJson, FindingJson, ResultsJson, SiteJson, TrajectoryJson
from testimonia.text.textfold import fold

__all__ = ["Analysis", "analyze", "find_site", "findings_at", "site_family"]


class Analysis:
    """The whole analysis of claims read one at a time (`add`), given out piece by piece
    so that a caller can write each piece and let it go: the claims are held only as
    compact facts (analysis/facts.py), the findings and trajectories are made one at a
    time (`findings`, `trajectories`)."""

    def __init__(self, relations: Iterable[RelationIn], judgements: Sequence[Judgement], rules: Rules,
                 links: Sequence[PersonLink] = ()) -> None:
        self.rules, self.judgements, self.links = rules, judgements, links
        self.groups = Groups(relations, rules.relations)
        self.reader = SiteReader(Interner())
        self._resolution: Resolution | None = None

    def add(self, claim: ClaimIn) -> None:
        if self._resolution is not None:
            raise RuntimeError("claims added after the analysis was resolved")
        self.reader.add(claim)

    @property
    def resolution(self) -> Resolution:
        if self._resolution is None:
            self._resolution = self.reader.resolve(self.judgements)
        return self._resolution

    def sites(self) -> Iterator[SiteJson]:
        """The sites, the most reported first."""
        ranked = sorted(self.resolution.sites.values(), key=lambda s: (-len(s.claims), s.id))
        return (s.to_json() for s in ranked)

    def findings(self) -> Iterator[FindingJson]:
        names = {s.id: s.name for s in self.resolution.sites.values()}
        for f in findings(self.resolution.facts, self.resolution, self.groups, self.rules):
            yield f.to_json(names[f.site])

    def edges(self) -> list[EdgeJson]:
        names = {s.id: s.name for s in self.resolution.sites.values()}
        return [{**e.to_json(), "from_name": names[e.origin], "to_name": names[e.destination]}
                for e in edges_of(self.resolution.facts)]

    def trajectories(self) -> Iterator[TrajectoryJson]:
        return (t.to_json() for t in each_trajectory(self.resolution.facts, self.links))

    def patterns(self) -> Patterns:
        """The patterns, one site profile at a time (analysis/patterns.py)."""
        return Patterns(self.resolution.facts, self.resolution, self.groups)


def analyze(claims: Iterable[ClaimIn], relations: list[RelationIn], judgements: list[Judgement],
            rules: Rules, links: Sequence[PersonLink] = ()) -> ResultsJson:
    """The whole analysis as documented JSON (docs/analysis.md): a pure function, every
    finding in memory (the service writes them out one at a time instead: analysis/stored.py)."""
    analysis = Analysis(relations, judgements, rules, links)
    for claim in claims:
        analysis.add(claim)
    patterns = analysis.patterns()
    return {"sites": list(analysis.sites()), "findings": list(analysis.findings()),
            "transfers": {"edges": analysis.edges(), "trajectories": list(analysis.trajectories())},
            "patterns": {"sites": list(patterns.sites()), **patterns.rest()}}


def find_site(results: ResultsJson, query: str) -> SiteJson:
    """A site by id, else by name, else by any alias (any script; case and accents
    ignored), else by part of its name, else by the gazetteer place the query names in
    any spelling or script ("Таганрог" finds the SIZO the texts call "Taganrog"); the
    most reported when several match. None: the closest names are suggested."""
    wanted = fold(query.strip())
    sites = results["sites"]
    named: list[SiteJson] = []
    for test in (lambda s: s["id"] == query.strip(),
                 lambda s: fold(s["name"]) == wanted,
                 lambda s: wanted in {fold(a) for a in s["aliases"]},
                 lambda s: bool(wanted) and wanted in fold(s["name"])):
        named = named or [s for s in sites if test(s)]
    if not named and wanted:
        places = {make_site_id(p.id) for p in get_gazetteer().lookup(query.strip(), "und")[:3]}
        named = [s for s in sites if town_of(s["id"]) in places or town_of(s["parent"] or "") in places]
    if not named:
        known = {fold(n): n for s in sites for n in (s["name"], *s["aliases"])}
        basis: dict[str, Any] = dict(results.get("review") or {})
        pending = "" if basis.get("include_unreviewed") or not basis.get("pending") else (
            f"{basis['pending']} claim(s) are not reviewed yet and count only with --include-unreviewed "
            "(or review them: `testimonia review`). ")
        raise NotFound(f"No site matches '{query}'.",
                       fix=did_you_mean(wanted, known) + pending + "See `testimonia sites` for names and ids.")
    return max(named, key=lambda s: s["claim_count"])


def site_family(results: ResultsJson, site_id: str) -> set[str]:
    """A site and the sites inside it (the containers of a camp)."""
    return {site_id} | {s["id"] for s in results["sites"] if s["parent"] == site_id}


def findings_at(results: ResultsJson, query: str | None) -> list[FindingJson]:
    """The findings of a site and of the sites inside it; all of them without a query."""
    if query is None:
        return list(results["findings"])
    family = site_family(results, str(find_site(results, query)["id"]))
    return [f for f in results["findings"] if f["site"] in family]
