"""`--format geojson`: sites and transfers as an RFC 7946 FeatureCollection, `sites.geojson`,
for QGIS, Leaflet, kepler.gl or a newsroom's map.

- A site is a Point at [longitude, latitude] (WGS 84, six decimals): name, facility type,
  country, region, precision (the analysis's word and the codebook's 1-5 code), the
  strongest status of its findings, counts (claims, independent sources, first-hand
  sources), its allegations, the forces reported there, and when it was first and last
  reported (as precisely as the audience may read dates). A site the gazetteer cannot
  place has a null geometry (RFC 7946 §3.2).
- A transfer is a LineString from one site to another, with its count (documents that
  tell it) and whether it crosses a border. A line that crosses the antimeridian is cut
  there into a MultiLineString (RFC 7946 §3.1.9), so that no map draws it the long way
  round the world.

No quotes, for any audience: a map layer carries facts about places. Sources are named by
pseudonym only where the audience may read pseudonyms.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from testimonia.export.published import (
    Context,
    Output,
    SiteCounts,
    claims_basis,
    date_level,
    place_fields,
    site_counts,
    transfer_edges,
    widen,
)
from testimonia.shapes import EdgeJson, SiteJson
from testimonia.vocab import load_vocabulary

__all__ = ["FILE", "build", "line", "point"]

FILE = "sites.geojson"
DIGITS = 6  # about 0.1 m: finer than any place the gazetteer knows

Position = list[float]


def build(ctx: Context) -> Output:
    counts = site_counts(ctx)
    edges = transfer_edges(ctx)
    shown = set(counts) | {e["from"] for e in edges} | {e["to"] for e in edges}
    sites = [ctx.sites[i] for i in ctx.sites if i in shown]  # in the analysis's order
    features = [_site(ctx, site, counts.get(site["id"], SiteCounts())) for site in sites]
    features += [_transfer(ctx, edge) for edge in edges]
    collection = {
        "type": "FeatureCollection",
        # Foreign members (RFC 7946 §6.1): what the file is, for whom, and on what basis.
        "audience": ctx.audience.name, "generated": datetime.now(UTC).strftime("%Y-%m"),
        "claims": claims_basis(ctx),
        "features": features,
    }
    keys = {"site": ("name", "country", "admin1", "first_reported", "last_reported"),
            "transfer": ("from_name", "to_name")}
    facts = {str(value) for f in features for key in keys[f["properties"]["kind"]]
             if (value := f["properties"][key])}
    data = json.dumps(collection, ensure_ascii=False, indent=1).encode()
    return Output({FILE: data}, len(features), "features", facts=frozenset(facts))


def point(lon: float, lat: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": _position(lon, lat)}


def line(start: Position, end: Position) -> dict[str, Any]:
    """A LineString from `start` to `end` ([lon, lat]) the short way, or, when that way
    crosses the antimeridian, a MultiLineString cut at ±180° (RFC 7946 §3.1.9)."""
    (lon1, lat1), (lon2, lat2) = start, end
    if abs(lon2 - lon1) <= 180:
        return {"type": "LineString", "coordinates": [_position(lon1, lat1), _position(lon2, lat2)]}
    edge = 180.0 if lon1 > 0 else -180.0  # the side of the start
    unwrapped = lon2 + 360 if lon1 > 0 else lon2 - 360
    share = (edge - lon1) / (unwrapped - lon1)
    lat = lat1 + share * (lat2 - lat1)
    return {"type": "MultiLineString", "coordinates": [
        [_position(lon1, lat1), _position(edge, lat)],
        [_position(-edge, lat), _position(lon2, lat2)]]}


def _site(ctx: Context, site: SiteJson, counts: SiteCounts) -> dict[str, Any]:
    place = place_fields(site)
    first, last = widen(site.get("first_reported"), site.get("last_reported"), date_level(ctx))
    properties: dict[str, Any] = {
        "kind": "site", "name": place["name"], "facility": place["facility"],
        "country": place["country"], "country_code": place["country_code"],
        "admin1": place["admin1"], "precision": place["precision"],
        "geo_precision": place["geo_precision"], "inside": site.get("parent"),
        "status": counts.status, "findings": len(counts.findings), "claims": len(counts.claims),
        "independent_sources": counts.independent, "first_hand_sources": counts.independent,
        "allegations": counts.allegations,
        "corroborated": sorted({f.get("allegation", "") for f in counts.findings
                                if f.get("status") == "corroborated"}),
        "forces": _forces(site), "first_reported": first, "last_reported": last,
    }
    if ctx.audience.pseudonyms:
        properties["sources"] = sorted({s for f in counts.findings
                                        for s in (*f.get("sources", []), *f.get("hearsay_sources", []))})
    located = place["lat"] is not None and place["lon"] is not None
    return {"type": "Feature", "id": site["id"],
            "geometry": point(place["lon"], place["lat"]) if located else None,
            "properties": properties}


def _transfer(ctx: Context, edge: EdgeJson) -> dict[str, Any]:
    ends = [place_fields(ctx.sites[edge["from"]]), place_fields(ctx.sites[edge["to"]])]
    located = all(end["lat"] is not None and end["lon"] is not None for end in ends)
    properties: dict[str, Any] = {
        "kind": "transfer", "from": edge["from"], "to": edge["to"],
        "from_name": ends[0]["name"], "to_name": ends[1]["name"],
        "count": edge.get("count", 0), "cross_border": bool(edge.get("cross_border")),
        "claims": len([c for c in edge.get("claims", []) if c in ctx.inputs.claims]),
    }
    if ctx.audience.pseudonyms:
        properties["sources"] = sorted(edge.get("sources", []))
    geometry = line([ends[0]["lon"], ends[0]["lat"]], [ends[1]["lon"], ends[1]["lat"]]) if located else None
    return {"type": "Feature", "id": f"{edge['from']}->{edge['to']}", "geometry": geometry,
            "properties": properties}


def _forces(site: SiteJson) -> list[str]:
    known = load_vocabulary().perpetrators
    return [known[f["canonical"]].name for f in site.get("forces", [])
            if f.get("canonical") in known]


def _position(lon: float, lat: float) -> Position:
    return [round(float(lon), DIGITS), round(float(lat), DIGITS)]
