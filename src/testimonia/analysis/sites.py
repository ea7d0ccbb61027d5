"""Sites: one canonical place of detention per real place, resolved across documents.

Blocking, not pairs: every claim place is keyed once, so resolution grows linearly.
- The *anchor* of a place is its gazetteer id, or its parent's for a curated facility
  (the Sévaré military camp is anchored on Sévaré).
- A site is an anchor plus a facility type: "shipping containers at Sévaré" and "the
  military camp at Sévaré" are two sites; containers, pits and hangars have the camp,
  base or colony of the same place as parent when one is reported, else the town. A claim
  that names the town without a facility goes to the town's main place of detention when
  there is one (see `_attach_to_main_facility`), else to the town-level site, which is the
  parent of the facility sites there.
- A region or country is its own site at that precision, never forced onto a point; an
  unresolved name (no gazetteer entry) is a site of unknown precision.
Site ids are derived from those keys, so an analyst's merge, split and rename
(judgements) keep applying when the analysis is run again.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from testimonia.analysis.facts import Fact, Interner
from testimonia.analysis.inputs import ClaimIn
from testimonia.shapes import PlaceJson, SiteJson
from testimonia.text.textfold import fold

HOSTS = ("military_camp", "former_un_base", "filtration_camp", "penal_colony", "prison",
         "pretrial_detention_centre")  # facilities that contain others, widest first
CONTAINED = frozenset({"shipping_container", "pit", "airport_hangar"})  # found inside a host


@dataclass
class Site:
    id: str
    name: str
    anchor: str
    facility: str | None
    country: str | None
    lat: float | None
    lon: float | None
    precision: str
    parent: str | None = None
    aliases: set[str] = field(default_factory=set)
    claims: list[int] = field(default_factory=list)
    sources: set[str] = field(default_factory=set)
    forces: Counter[str] = field(default_factory=Counter)
    first_reported: str | None = None
    last_reported: str | None = None
    from_town: list[int] = field(default_factory=list)  # claims naming only the town, placed here
    note: str = ""  # why they were

    def to_json(self) -> SiteJson:
        return {"id": self.id, "name": self.name, "facility": self.facility,
                "country": self.country, "lat": self.lat, "lon": self.lon,
                "precision": self.precision, "parent": self.parent,
                "aliases": sorted(self.aliases), "first_reported": self.first_reported,
                "last_reported": self.last_reported,
                "forces": [{"canonical": k, "claims": n} for k, n in self.forces.most_common()],
                "sources": sorted(self.sources), "source_count": len(self.sources),
                "claim_count": len(self.claims), "from_town": self.from_town, "note": self.note}


@dataclass(frozen=True)
class Judgement:
    """An analyst's decision about sites, applied after every automatic resolution."""

    kind: str  # merge | split | rename
    site: str
    other: str = ""  # merge: the site folded into `site`; split: the document id moved out
    name: str = ""  # rename: the new name


class Resolution:
    """The sites, and each claim's sites (`Fact.sites`, in the claim's place order)."""

    def __init__(self, sites: dict[str, Site], facts: list[Fact]) -> None:
        self.sites = sites
        self.facts = facts
        self._by_id: dict[int, Fact] | None = None

    @property
    def of_claim(self) -> dict[int, list[str]]:
        """Claim id -> site ids, for the claims with a place."""
        return {f.id: list(f.sites) for f in self.facts if f.sites}

    def sites_of(self, claim_id: int) -> tuple[str, ...]:
        return self.facts_by_id()[claim_id].sites if claim_id in self.facts_by_id() else ()

    def facts_by_id(self) -> dict[int, Fact]:
        if self._by_id is None:
            self._by_id = {f.id: f for f in self.facts}
        return self._by_id

    def facts_for(self, claims: Iterable[ClaimIn]) -> list[Fact]:
        """The facts of these claims, in their order (for callers that hold the claims)."""
        known = self.facts_by_id()
        return [known[c.id] for c in claims if c.id in known]


class SiteReader:
    """Sites resolved from claims read one at a time: each claim's places are keyed as it
    is read and the claim kept as a `Fact`; `resolve` then links parents, places claims
    naming only a town, applies the judgements and describes each site."""

    def __init__(self, shared: Interner | None = None) -> None:
        self.shared = shared if shared is not None else Interner()
        self.sites: dict[str, Site] = {}
        self.facts: list[Fact] = []

    def add(self, claim: ClaimIn) -> Fact:
        fact = Fact(claim, self.shared)
        ids: list[str] = []
        for place in claim.body["places"]:
            site = _site_for(self.sites, place)
            if site.id not in ids:
                ids.append(site.id)
        fact.sites = self.shared(tuple(ids))
        self.facts.append(fact)
        return fact

    def resolve(self, judgements: Sequence[Judgement] = ()) -> Resolution:
        sites, facts = self.sites, self.facts
        _link_parents(sites)
        _attach_to_main_facility(sites, facts, self.shared)
        resolution = Resolution(sites, facts)
        for judgement in judgements:
            _apply(resolution, judgement, self.shared)
        for fact in facts:
            for site_id in fact.sites:
                _describe(sites[site_id], fact)
        return resolution


def resolve_sites(claims: Iterable[ClaimIn], judgements: Sequence[Judgement] = ()) -> Resolution:
    reader = SiteReader()
    for claim in claims:
        reader.add(claim)
    return reader.resolve(judgements)


def make_site_id(anchor: str, facility: str | None = None) -> str:
    """`site:<anchor>` for a town or a place, `site:<anchor>/<facility>` for a kind of
    place there: ids derive from keys, so judgements keep applying after re-extraction."""
    return f"site:{anchor}" + (f"/{facility}" if facility else "")


def town_of(site_id: str) -> str:
    """The site of the place a site is in, without its facility (itself for a town)."""
    return site_id.split("/")[0]


def _site_for(sites: dict[str, Site], place: PlaceJson) -> Site:
    anchor, facility, precision = _key(place)
    site_id = make_site_id(anchor, facility)
    site = sites.get(site_id)
    if site is None:
        site = Site(site_id, _name(place, facility), anchor, facility, place.get("country"),
                    place.get("lat"), place.get("lon"), precision)
        sites[site_id] = site
    site.aliases.add(str(place.get("text") or place.get("name")))
    site.aliases.add(str(place.get("name")))
    return site


def _key(place: PlaceJson) -> tuple[str, str | None, str]:
    precision = str(place.get("precision") or "unknown")
    if place.get("id") is None:
        return f"name:{fold(str(place.get('name')))}", place.get("facility"), "unknown"
    if precision in ("country", "region"):
        return str(place["id"]), None, precision
    anchor = place.get("parent_id") if place.get("facility_place") and place.get("parent_id") \
        else place["id"]
    return str(anchor), place.get("facility"), precision


def _name(place: PlaceJson, facility: str | None) -> str:
    """"shipping container, Sévaré"; a curated facility keeps its own name when it is of
    that type ("Sévaré military camp")."""
    name = str(place.get("name"))
    if not facility or fold(facility.split("_")[-1]) in fold(name):
        return name
    return f"{facility.replace('_', ' ')}, {name}"


def _link_parents(sites: dict[str, Site]) -> None:
    by_anchor: dict[str, list[Site]] = defaultdict(list)
    for site in sites.values():
        by_anchor[site.anchor].append(site)
    for anchor, group in by_anchor.items():
        town = sites.get(make_site_id(anchor))
        hosts = [s for s in group if s.facility in HOSTS]
        host = min(hosts, key=lambda s: HOSTS.index(str(s.facility)), default=None)
        for site in group:
            if site.facility is None:
                continue
            if host is not None and site.facility in CONTAINED:
                site.parent = host.id  # containers at the edge of the camp
            elif town is not None:
                site.parent = town.id


def _attach_to_main_facility(sites: dict[str, Site], facts: list[Fact], shared: Interner) -> None:
    """A claim naming only the town goes to the town's main place of detention: a camp,
    base, colony, prison or SIZO reported at least twice as often as any other facility
    there (containers counting for their camp): "held in Taganrog" is the Taganrog SIZO
    when that is what the accounts describe. Otherwise it stays at the town level."""
    uses: Counter[str] = Counter(i for f in facts for i in f.sites)
    weight = Counter(uses)
    for site in sites.values():
        if site.facility in CONTAINED and site.parent:
            weight[site.parent] += uses[site.id]  # containers count for their camp
    main: dict[str, str] = {}
    by_anchor: dict[str, list[Site]] = defaultdict(list)
    for site in sites.values():
        if site.facility is not None and not (site.facility in CONTAINED and site.parent):
            by_anchor[site.anchor].append(site)
    for anchor, facilities in by_anchor.items():
        ranked = sorted(facilities, key=lambda s: -weight[s.id])
        best = ranked[0]
        if best.facility in HOSTS and (len(ranked) == 1 or weight[best.id] >= 2 * weight[ranked[1].id]):
            main[make_site_id(anchor)] = best.id
    for fact in facts:
        moved = [i for i in fact.sites if i in main]
        if not moved:
            continue
        fact.sites = shared(tuple(dict.fromkeys(main.get(i, i) for i in fact.sites)))
        for town in moved:
            sites[main[town]].from_town.append(fact.id)
    for town, host in main.items():
        site = sites[host]
        if site.from_town:
            others = [s for s in by_anchor[site.anchor] if s.id != host]
            place = sites[town].name if town in sites else "the town"
            kind = (site.facility or "site").replace("_", " ")
            why = ("is the only place of detention reported there" if not others else
                   "is reported at least twice as often as any other place of detention there")
            site.note = (f"{len(site.from_town)} claims naming only {place} are placed here: the "
                         f"{kind} {why} (a reviewer can split them off: `testimonia site split`)")
    emptied = (set(main) & set(sites)) - {i for f in facts for i in f.sites}
    for site in sites.values():
        if site.parent in emptied:
            site.parent = None
    for town in emptied:
        sites[main[town]].aliases |= sites[town].aliases
        del sites[town]


def _describe(site: Site, fact: Fact) -> None:
    site.claims.append(fact.id)
    site.sources.add(fact.label)
    site.forces.update(fact.forces)
    start, end = fact.dates
    if start and (site.first_reported is None or start < site.first_reported):
        site.first_reported = start
    if end and (site.last_reported is None or end > site.last_reported):
        site.last_reported = end


def _apply(resolution: Resolution, j: Judgement, shared: Interner) -> None:
    sites = resolution.sites
    if j.site not in sites:
        return  # the site no longer exists (e.g. its documents were removed); nothing to do
    if j.kind == "rename":
        sites[j.site].name = j.name
    elif j.kind == "merge" and j.other in sites and j.other != j.site:
        sites[j.site].aliases |= sites[j.other].aliases
        for fact in resolution.facts:
            if j.other in fact.sites:
                fact.sites = shared(tuple(dict.fromkeys(j.site if i == j.other else i for i in fact.sites)))
        for site in sites.values():
            if site.parent == j.other:
                site.parent = j.site
        del sites[j.other]
    elif j.kind == "split":
        _split(resolution, j, shared)


def _split(resolution: Resolution, j: Judgement, shared: Interner) -> None:
    original = resolution.sites[j.site]
    new_id = f"{j.site}~{j.other[:12]}"
    moved = [f for f in resolution.facts if f.document_id.startswith(j.other) and j.site in f.sites]
    if not moved:
        return
    resolution.sites[new_id] = Site(new_id, j.name or f"{original.name} (as {j.other[:8]} reports it)",
                                    original.anchor, original.facility, original.country,
                                    original.lat, original.lon, original.precision, original.parent,
                                    set(original.aliases))
    for fact in moved:
        fact.sites = shared(tuple(new_id if i == j.site else i for i in fact.sites))
