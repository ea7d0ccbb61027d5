"""Country outlines from a TopoJSON topology (the world-atlas `countries-50m.json` the web
workspace serves: Natural Earth 1:50m boundaries), decoded in Python for the report's map.

TopoJSON (https://github.com/topojson/topojson-specification) stores each shared border
once, as an *arc*; a polygon's ring is a list of arc indices (~i, that is -i-1, for arc i
walked backwards). In a quantized topology each arc's first position is absolute and the
others are deltas from the previous one, all in integers that `transform` scales and
translates back to longitude and latitude.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Sequence
from importlib import resources
from typing import Any

__all__ = ["COUNTRIES", "Ring", "countries", "decode_arcs", "rings"]

Ring = list[tuple[float, float]]  # (longitude, latitude), the first position repeated last

# Installed by `make install` from npm (Makefile, VENDOR), beside the web workspace's files.
COUNTRIES = ("web", "static", "vendor", "countries-50m.json")


def decode_arcs(topology: dict[str, Any]) -> list[Ring]:
    """Every arc of `topology` as (longitude, latitude) positions."""
    transform = topology.get("transform")
    if transform is None:
        return [[(float(x), float(y)) for x, y, *_ in arc] for arc in topology["arcs"]]
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        positions = []
        for dx, dy, *_ in arc:
            x, y = x + dx, y + dy
            positions.append((x * sx + tx, y * sy + ty))
        arcs.append(positions)
    return arcs


def rings(geometry: dict[str, Any], arcs: Sequence[Ring]) -> Iterator[Ring]:
    """The rings of a Polygon or MultiPolygon geometry (outer and holes alike), each
    joined from its arcs; other geometry types have none."""
    if geometry.get("type") == "Polygon":
        polygons = [geometry["arcs"]]
    elif geometry.get("type") == "MultiPolygon":
        polygons = geometry["arcs"]
    else:
        return
    for polygon in polygons:
        for indices in polygon:
            yield _ring(indices, arcs)


def _ring(indices: Sequence[int], arcs: Sequence[Ring]) -> Ring:
    ring: Ring = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(arc[1:] if ring else arc)  # an arc starts where the previous one ends
    return ring


@functools.cache
def countries() -> tuple[Ring, ...] | None:
    """Every ring of every country of the installed world atlas, or None when it is not
    installed (a checkout without `make install`)."""
    source = resources.files("testimonia").joinpath(*COUNTRIES)
    if not source.is_file():
        return None
    topology = json.loads(source.read_bytes())
    arcs = decode_arcs(topology)
    return tuple(ring for geometry in topology["objects"]["countries"]["geometries"]
                 for ring in rings(geometry, arcs))
