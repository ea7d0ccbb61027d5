"""Patterns: the same practices at several sites, or in two conflicts.

- A site's profile is the set of allegations reported there (methods, violations,
  features such as an interrogation in a foreign language), each with its independent
  sources; a conflict's profile is the union of its sites' (vocab/conflicts.yaml maps
  countries to conflicts).
- Similarity between two profiles is their Jaccard index (shared / either); between
  sites, among the 200 most reported (pairs grow as the square), the 100 closest pairs.
- Shared practices are those found in two or more conflicts, with the sites and sources
  behind each; shared sequences are pairs of methods reported together in one account at
  one site, in two or more conflicts ("the same sequence of beatings and waterboarding").
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from testimonia.analysis.corroboration import Groups, allegations
from testimonia.analysis.facts import Fact
from testimonia.analysis.inputs import ClaimIn
from testimonia.analysis.sites import Resolution
from testimonia.shapes import ClaimJson
from testimonia.vocab.conflicts import conflict_label, conflict_of, local_languages

MIN_SITE_ALLEGATIONS = 2  # sites with fewer are left out of site-to-site similarity
SIMILAR_SITES = 200  # site-to-site similarity among this many most reported sites (pairs grow as n²)
TOP_PAIRS = 100  # most similar site pairs reported


@dataclass
class Profile:
    key: str
    label: str
    practices: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # -> sources
    sites: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # practice -> sites
    weight: int = 0  # a site's: how many (practice, source) it has, for choosing the most reported


def patterns(claims: Sequence[ClaimIn], resolution: Resolution, groups: Groups) -> dict[str, Any]:
    return patterns_of(resolution.facts_for(claims), resolution, groups)


def patterns_of(facts: Sequence[Fact], resolution: Resolution, groups: Groups) -> dict[str, Any]:
    found = Patterns(facts, resolution, groups)
    return {"sites": list(found.sites()), **found.rest()}


class Patterns:
    """The patterns, made one site profile at a time: `sites` gives each site's profile
    (in the order the claims first name the sites) and folds it into its conflict's;
    `rest` then gives the conflicts, the similarities and what they share. Only the
    conflicts' profiles and what similarity needs of each site (its practices) are kept."""

    def __init__(self, facts: Sequence[Fact], resolution: Resolution, groups: Groups) -> None:
        self.resolution, self.groups = resolution, groups
        self.at: dict[str, list[Fact]] = defaultdict(list)
        self.pairs: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        conflicts_of = {site_id: conflict_of(site.country) for site_id, site in resolution.sites.items()}
        for fact in facts:
            if fact.denial:
                continue
            for site_id in fact.sites:
                self.at[site_id].append(fact)
                conflict = conflicts_of[site_id]
                if conflict:
                    for pair in itertools.combinations(fact.methods, 2):
                        self.pairs[pair][conflict].add(site_id)
        self.conflicts: dict[str, Profile] = {}
        self.profiles: list[Profile] = []  # each site's practices (without their sources), for similarity

    def sites(self) -> Iterator[dict[str, Any]]:
        for site_id in list(self.at):
            site = self.resolution.sites[site_id]
            found: dict[str, set[str]] = defaultdict(set)
            for fact in self.at.pop(site_id):
                for practice in _practices(fact, site.country):
                    reported = found[practice]
                    if fact.source:  # a document with no source is no independent source
                        reported.add(fact.label)
            profile = _site_profile(site_id, site.name, found)
            yield _profile_json(profile, self.groups)
            self._fold(profile, conflict_of(site.country))
            self.profiles.append(Profile(site_id, site.name, dict.fromkeys(found, _NONE),
                                         weight=sum(len(s) for s in found.values())))

    def _fold(self, site: Profile, key: str | None) -> None:
        if key is None:
            return
        conflict = self.conflicts.get(key)
        if conflict is None:
            conflict = self.conflicts[key] = Profile(key, conflict_label(key))
        for practice, sources in site.practices.items():
            conflict.practices[practice] |= sources
            conflict.sites[practice].add(site.key)

    def rest(self) -> dict[str, Any]:
        conflicts = self.conflicts
        return {
            "conflicts": [_profile_json(p, self.groups) for p in conflicts.values()],
            "site_similarity": _similarities(_most_reported(self.profiles))[:TOP_PAIRS],
            "conflict_similarity": _similarities(list(conflicts.values())),
            "shared": _shared(conflicts, self.groups),
            "shared_sequences": [{"methods": list(pair), "conflicts": {c: sorted(s) for c, s in by.items()}}
                                 for pair, by in sorted(self.pairs.items()) if len(by) >= 2],
        }


_NONE: set[str] = set()  # a site's practice kept for similarity: its sources are not needed there


def _site_profile(site_id: str, name: str, found: dict[str, set[str]]) -> Profile:
    profile = Profile(site_id, name)
    for practice, sources in found.items():
        profile.practices[practice] = sources
        profile.sites[practice] = {site_id}
    return profile


def _conflict_profiles(sites: dict[str, Profile], resolution: Resolution) -> dict[str, Profile]:
    conflicts: dict[str, Profile] = {}
    for site_id, site in sites.items():
        key = conflict_of(resolution.sites[site_id].country)
        if key is None:
            continue
        conflict = conflicts.get(key)
        if conflict is None:
            conflict = conflicts[key] = Profile(key, conflict_label(key))
        for practice, sources in site.practices.items():
            conflict.practices[practice] |= sources
            conflict.sites[practice].add(site_id)
    return conflicts


def practices(body: ClaimJson, country: str | None) -> list[str]:
    return _spoken(allegations(body), body.get("interrogation_languages") or (), country)


def _practices(fact: Fact, country: str | None) -> list[str]:
    return _spoken(list(fact.allegations), fact.languages, country) if fact.languages else list(fact.allegations)


def _spoken(found: list[str], spoken: Sequence[str], country: str | None) -> list[str]:
    """The allegations, and what the languages of the interrogations say."""
    if spoken:
        local = local_languages().get(country or "", [])
        for language in spoken:
            found.append(f"interrogation_language:{language}")
            if local and language not in local:
                found.append("foreign_language_interrogation")
    return found


def _profile_json(p: Profile, groups: Groups) -> dict[str, Any]:
    return {"id": p.key, "label": p.label, "practices": [
        {"practice": practice, "independent_sources": len({groups.find(s) for s in sources}),
         "sources": sorted(sources), "sites": sorted(p.sites[practice])}
        for practice, sources in sorted(p.practices.items())]}


def _most_reported(sites: list[Profile]) -> list[Profile]:
    eligible = [p for p in sites if len(p.practices) >= MIN_SITE_ALLEGATIONS]
    eligible.sort(key=lambda p: (-p.weight, p.key))
    return eligible[:SIMILAR_SITES]


def _similarities(profiles: list[Profile]) -> list[dict[str, Any]]:
    out = []
    for a, b in itertools.combinations(sorted(profiles, key=lambda p: p.key), 2):
        shared = set(a.practices) & set(b.practices)
        either = set(a.practices) | set(b.practices)
        if shared:
            out.append({"a": a.key, "b": b.key, "jaccard": round(len(shared) / len(either), 3),
                        "shared": sorted(shared)})
    return sorted(out, key=lambda s: (-s["jaccard"], s["a"], s["b"]))


def _shared(conflicts: dict[str, Profile], groups: Groups) -> list[dict[str, Any]]:
    practices_in = defaultdict(list)
    for profile in conflicts.values():
        for practice in profile.practices:
            practices_in[practice].append(profile)
    return [{"practice": practice, "conflicts": {
        p.key: {"sites": sorted(p.sites[practice]), "sources": sorted(p.practices[practice]),
                "independent_sources": len({groups.find(s) for s in p.practices[practice]})}
        for p in profiles}}
        for practice, profiles in sorted(practices_in.items()) if len(profiles) >= 2]




