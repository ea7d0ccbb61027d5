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

import functools
import itertools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml

from testimonia.analysis.corroboration import Groups, allegations
from testimonia.analysis.facts import Fact
from testimonia.analysis.inputs import ClaimIn
from testimonia.analysis.sites import Resolution
from testimonia.shapes import ClaimJson

MIN_SITE_ALLEGATIONS = 2  # sites with fewer are left out of site-to-site similarity
SIMILAR_SITES = 200  # site-to-site similarity among this many most reported sites (pairs grow as n²)
TOP_PAIRS = 100  # most similar site pairs reported


@dataclass
class Profile:
    key: str
    label: str
    practices: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # -> sources
    sites: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # practice -> sites


def patterns(claims: Sequence[ClaimIn], resolution: Resolution, groups: Groups) -> dict[str, Any]:
    return patterns_of(resolution.facts_for(claims), resolution, groups)


def patterns_of(facts: Sequence[Fact], resolution: Resolution, groups: Groups) -> dict[str, Any]:
    by_site: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    pairs: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    countries = {site_id: site.country for site_id, site in resolution.sites.items()}
    conflicts_of = {site_id: conflict_of(country) for site_id, country in countries.items()}
    for fact in facts:
        if fact.denial:
            continue
        for site_id in fact.sites:
            country = countries[site_id]
            practices_here = by_site[site_id]
            for practice in _practices(fact, country):
                reported = practices_here[practice]
                if fact.source:  # a document with no source is no independent source
                    reported.add(fact.label)
            conflict = conflicts_of[site_id]
            if conflict:
                for pair in itertools.combinations(fact.methods, 2):
                    pairs[pair][conflict].add(site_id)
    sites = {site_id: _site_profile(site_id, resolution.sites[site_id].name, found)
             for site_id, found in by_site.items()}
    conflicts = _conflict_profiles(sites, resolution)
    return {
        "sites": [_profile_json(p, groups) for p in sites.values()],
        "conflicts": [_profile_json(p, groups) for p in conflicts.values()],
        "site_similarity": _similarities(_most_reported(sites))[:TOP_PAIRS],
        "conflict_similarity": _similarities(list(conflicts.values())),
        "shared": _shared(conflicts, groups),
        "shared_sequences": [{"methods": list(pair), "conflicts": {c: sorted(s) for c, s in by.items()}}
                             for pair, by in sorted(pairs.items()) if len(by) >= 2],
    }


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
            conflict = conflicts[key] = Profile(key, _conflicts()[key]["label"])
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
        local = _languages().get(country or "", [])
        for language in spoken:
            found.append(f"interrogation_language:{language}")
            if local and language not in local:
                found.append("foreign_language_interrogation")
    return found


def conflict_label(key: str) -> str:
    """A conflict's name as vocab/conflicts.yaml gives it."""
    return str(_conflicts()[key]["label"])


def conflict_of(country: str | None) -> str | None:
    for key, conflict in _conflicts().items():
        if country in conflict["countries"]:
            return key
    return None


def _profile_json(p: Profile, groups: Groups) -> dict[str, Any]:
    return {"id": p.key, "label": p.label, "practices": [
        {"practice": practice, "independent_sources": len({groups.find(s) for s in sources}),
         "sources": sorted(sources), "sites": sorted(p.sites[practice])}
        for practice, sources in sorted(p.practices.items())]}


def _most_reported(sites: dict[str, Profile]) -> list[Profile]:
    eligible = [p for p in sites.values() if len(p.practices) >= MIN_SITE_ALLEGATIONS]
    eligible.sort(key=lambda p: (-sum(len(s) for s in p.practices.values()), p.key))
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


@functools.cache
def _data() -> dict[str, Any]:
    text = resources.files("testimonia.vocab").joinpath("conflicts.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def _conflicts() -> dict[str, dict[str, Any]]:
    conflicts: dict[str, dict[str, Any]] = _data()["conflicts"]
    return conflicts


def _languages() -> dict[str, list[str]]:
    languages: dict[str, list[str]] = _data()["languages"]
    return languages


