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


@dataclass
class Resolution:
    sites: dict[str, Site]
    of_claim: dict[int, list[str]]  # claim id -> site ids, in the claim's place order


def resolve_sites(claims: Iterable[ClaimIn], judgements: Sequence[Judgement] = ()) -> Resolution:
    sites: dict[str, Site] = {}
    of_claim: dict[int, list[str]] = defaultdict(list)
    kept: list[ClaimIn] = []
    for claim in claims:
        kept.append(claim)
        for place in claim.body["places"]:
            site = _site_for(sites, place)
            if site.id not in of_claim[claim.id]:
                of_claim[claim.id].append(site.id)
    _link_parents(sites)
    _attach_to_main_facility(sites, of_claim)
    resolution = Resolution(sites, dict(of_claim))
    for judgement in judgements:
        _apply(resolution, judgement, kept)
    for claim in kept:
        for site_id in resolution.of_claim.get(claim.id, []):
            _describe(resolution.sites[site_id], claim)
    return resolution


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


def _attach_to_main_facility(sites: dict[str, Site], of_claim: dict[int, list[str]]) -> None:
    """A claim naming only the town goes to the town's main place of detention: a camp,
    base, colony, prison or SIZO reported at least twice as often as any other facility
    there (containers counting for their camp): "held in Taganrog" is the Taganrog SIZO
    when that is what the accounts describe. Otherwise it stays at the town level."""
    uses: Counter[str] = Counter(i for ids in of_claim.values() for i in ids)
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
    for claim_id, ids in of_claim.items():
        moved = [i for i in ids if i in main]
        of_claim[claim_id] = list(dict.fromkeys(main.get(i, i) for i in ids))
        for town in moved:
            sites[main[town]].from_town.append(claim_id)
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
    emptied = (set(main) & set(sites)) - {i for ids in of_claim.values() for i in ids}
    for site in sites.values():
        if site.parent in emptied:
            site.parent = None
    for town in emptied:
        sites[main[town]].aliases |= sites[town].aliases
        del sites[town]


def _describe(site: Site, claim: ClaimIn) -> None:
    site.claims.append(claim.id)
    site.sources.add(claim.label)
    site.forces.update(p["canonical"] for p in claim.body["perpetrators"] if p["canonical"])
    period = claim.body.get("period") or {}
    start, end = period.get("start"), period.get("end")
    if start and (site.first_reported is None or start < site.first_reported):
        site.first_reported = start
    if end and (site.last_reported is None or end > site.last_reported):
        site.last_reported = end


def _apply(resolution: Resolution, j: Judgement, claims: list[ClaimIn]) -> None:
    sites, of_claim = resolution.sites, resolution.of_claim
    if j.site not in sites:
        return  # the site no longer exists (e.g. its documents were removed); nothing to do
    if j.kind == "rename":
        sites[j.site].name = j.name
    elif j.kind == "merge" and j.other in sites and j.other != j.site:
        sites[j.site].aliases |= sites[j.other].aliases
        for claim_id, ids in of_claim.items():
            of_claim[claim_id] = list(dict.fromkeys(j.site if i == j.other else i for i in ids))
        for site in sites.values():
            if site.parent == j.other:
                site.parent = j.site
        del sites[j.other]
    elif j.kind == "split":
        _split(resolution, j, claims)


def _split(resolution: Resolution, j: Judgement, claims: list[ClaimIn]) -> None:
    original = resolution.sites[j.site]
    new_id = f"{j.site}~{j.other[:12]}"
    moved = [c.id for c in claims if c.document_id.startswith(j.other)
             and j.site in resolution.of_claim.get(c.id, [])]
    if not moved:
        return
    resolution.sites[new_id] = Site(new_id, j.name or f"{original.name} (as {j.other[:8]} reports it)",
                                    original.anchor, original.facility, original.country,
                                    original.lat, original.lon, original.precision, original.parent,
                                    set(original.aliases))
    for claim_id in moved:
        resolution.of_claim[claim_id] = [new_id if i == j.site else i
                                         for i in resolution.of_claim[claim_id]]
