"""The report's map as plain shapes for an inline SVG: country outlines clipped to the box
around the sites, a circle per placed site and an arrow per transfer between two of them.

Projection: equirectangular, x scaled by the cosine of the box's middle latitude, so that
shapes near the middle are not stretched; the box is the sites' extent plus a margin,
widened to a readable height-to-width ratio. Outlines are clipped to the box
(Sutherland–Hodgman) and written in whole pixels, positions that fall on the same pixel
merged, so that the drawing stays small whatever the boundaries' resolution. A box that would cross the
antimeridian is not handled: it runs the long way round (docs/exports.md).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from testimonia.export.topojson import Ring

__all__ = ["Box", "MapRoute", "MapSite", "MapView", "Placed", "digits", "draw", "fit_box"]

WIDTH = 900.0
MIN_RATIO, MAX_RATIO = 0.5, 1.0  # height / width
MARGIN = 0.12  # of the sites' extent, on each side
MIN_HALF_SPAN = 3.0  # degrees: a single town still shows its country around it
SITE_R, VAGUE_R = 7.0, 11.0  # a site at a point; one known to a district, region or country
SPREAD = 2.6  # sites nearer than this many radii are set apart around their centre
VAGUE = frozenset({"district", "region", "country"})


@dataclass(frozen=True)
class Box:
    west: float
    south: float
    east: float
    north: float


@dataclass(frozen=True)
class Placed:
    """A site as the map is given it."""

    id: str
    number: int  # its section's number in the report
    name: str
    lat: float
    lon: float
    precision: str
    status: str


@dataclass(frozen=True)
class MapSite:
    site: Placed
    x: float
    y: float
    r: float
    vague: bool  # known only to a district, region or country: drawn as a dashed ring
    anchor: tuple[float, float] | None  # its true position when set apart from others there


@dataclass(frozen=True)
class MapRoute:
    source: str
    target: str
    path: str
    count: int
    cross_border: bool
    label_x: float
    label_y: float


@dataclass(frozen=True)
class MapView:
    width: float
    height: float
    land: list[str]  # SVG path data, one per ring kept
    sites: list[MapSite]
    routes: list[MapRoute]
    box: Box
    outside: list[Placed]  # sites not drawn: outside the box the others fit in


def fit_box(points: Sequence[tuple[float, float]]) -> tuple[Box, float]:
    """The box around (lon, lat) `points` with a margin, at a readable ratio; and the
    height the map then has at WIDTH."""
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    half_lon = max((max(lons) - min(lons)) * (0.5 + MARGIN), MIN_HALF_SPAN)
    half_lat = max((max(lats) - min(lats)) * (0.5 + MARGIN), MIN_HALF_SPAN)
    mid_lon, mid_lat = (max(lons) + min(lons)) / 2, (max(lats) + min(lats)) / 2
    squeeze = math.cos(math.radians(mid_lat))
    ratio = half_lat / (half_lon * squeeze)
    if ratio < MIN_RATIO:
        half_lat = MIN_RATIO * half_lon * squeeze
    elif ratio > MAX_RATIO:
        half_lon = half_lat / (MAX_RATIO * squeeze)
    south, north = max(mid_lat - half_lat, -85.0), min(mid_lat + half_lat, 85.0)
    box = Box(mid_lon - half_lon, south, mid_lon + half_lon, north)
    return box, round(WIDTH * (north - south) / ((box.east - box.west) * squeeze), 1)


def draw(sites: Sequence[Placed], edges: Sequence[tuple[str, str, int, bool]],
         outlines: Sequence[Ring] | None) -> MapView:
    """The map of `sites` (at least one), with `edges` (from id, to id, count, cross-border)
    between two of them, over `outlines` (country rings; None: none installed). The box
    fits the sites known to a district or better (all of them when there are none): a
    country's centre, far from where anything happened, would shrink the rest to a dot.
    A site outside the box is listed (`outside`), not drawn."""
    fitted = [s for s in sites if s.precision not in VAGUE] or list(sites)
    box, height = fit_box([(s.lon, s.lat) for s in fitted])
    sx = WIDTH / (box.east - box.west)
    sy = height / (box.north - box.south)

    def project(lon: float, lat: float) -> tuple[float, float]:
        return (lon - box.west) * sx, (box.north - lat) * sy

    inside = [s for s in sites if box.west <= s.lon <= box.east and box.south <= s.lat <= box.north]
    land = [d for ring in outlines or () if (d := _path(_clip(ring, box), project))]
    drawn = _spread([(s, *project(s.lon, s.lat)) for s in inside])
    at = {m.site.id: m for m in drawn}
    pairs = {(a, b) for a, b, _, _ in edges}
    routes = [_route(at[a], at[b], count, border, (b, a) in pairs) for a, b, count, border in edges
              if a in at and b in at and _apart(at[a], at[b])]
    return MapView(WIDTH, height, land, drawn, routes, box, [s for s in sites if s not in inside])


def _apart(a: MapSite, b: MapSite) -> bool:
    """Whether an arrow between two sites would show (not two circles side by side)."""
    return math.hypot(a.x - b.x, a.y - b.y) > a.r + b.r + 8


# --- outlines ---------------------------------------------------------------------------

def _clip(ring: Ring, box: Box) -> Ring:
    """The part of a ring inside the box (Sutherland–Hodgman, one edge at a time)."""
    lons = [p[0] for p in ring]
    lats = [p[1] for p in ring]
    if max(lons) < box.west or min(lons) > box.east or max(lats) < box.south or min(lats) > box.north:
        return []
    edges = ((0, box.west, True), (0, box.east, False), (1, box.south, True), (1, box.north, False))
    points = ring
    for axis, limit, keep_above in edges:
        if not points:
            break
        points = _clip_edge(points, axis, limit, keep_above)
    return points


def _clip_edge(points: Ring, axis: int, limit: float, keep_above: bool) -> Ring:
    def inside(p: tuple[float, float]) -> bool:
        return p[axis] >= limit if keep_above else p[axis] <= limit

    out: Ring = []
    previous = points[-1]
    for current in points:
        if inside(current) != inside(previous):
            share = (limit - previous[axis]) / (current[axis] - previous[axis])
            crossing = (previous[0] + share * (current[0] - previous[0]),
                        previous[1] + share * (current[1] - previous[1]))
            out.append(crossing)
        if inside(current):
            out.append(current)
        previous = current
    return out


def _path(ring: Ring, project: Callable[[float, float], tuple[float, float]]) -> str:
    """SVG path data of a projected ring, in whole pixels relative to the previous
    position; "" when too small to see. Numbers are separated by commas, never spaces:
    a run of numbers and spaces reads as a phone number to the leak scan."""
    kept: list[tuple[int, int]] = []
    for lon, lat in ring:
        x, y = project(lon, lat)
        point = (round(x), round(y))
        if not kept or point != kept[-1]:
            kept.append(point)
    xs, ys = [p[0] for p in kept], [p[1] for p in kept]
    if len(kept) < 3 or (max(xs) - min(xs)) * (max(ys) - min(ys)) < 2:
        return ""
    steps = ",".join(f"{x - px},{y - py}" for (px, py), (x, y) in itertools.pairwise(kept))
    return f"M{kept[0][0]},{kept[0][1]}l{steps}z"


# --- sites and routes -------------------------------------------------------------------

def _spread(projected: list[tuple[Placed, float, float]]) -> list[MapSite]:
    """Sites drawn where they are, except that sites on top of each other (several
    facilities of one town) are set around their common point, each with a line to it."""
    groups: list[list[tuple[Placed, float, float]]] = []
    for item in projected:
        near = next((g for g in groups if math.hypot(item[1] - g[0][1], item[2] - g[0][2]) < SPREAD * SITE_R), None)
        if near is None:
            groups.append([item])
        else:
            near.append(item)
    drawn = []
    for group in groups:
        cx, cy = group[0][1], group[0][2]
        ring = SITE_R * max(1.6, len(group) * 2.4 / math.pi)  # room for every circle around the point
        for n, (site, x, y) in enumerate(group):
            vague = site.precision in VAGUE
            r = VAGUE_R if vague else SITE_R
            if len(group) == 1:
                drawn.append(MapSite(site, round(x, 1), round(y, 1), r, vague, None))
                continue
            angle = 2 * math.pi * n / len(group) - math.pi / 2
            drawn.append(MapSite(site, round(cx + ring * math.cos(angle), 1),
                                 round(cy + ring * math.sin(angle), 1), r, vague, (round(cx, 1), round(cy, 1))))
    return drawn


def _route(a: MapSite, b: MapSite, count: int, cross_border: bool, both_ways: bool) -> MapRoute:
    """An arrow from a to b, bent to its right so that a route back is drawn apart; its
    ends at the circles' edges."""
    dx, dy = b.x - a.x, b.y - a.y
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    bend = length * (0.18 if both_ways else 0.1)
    cx, cy = (a.x + b.x) / 2 - uy * bend, (a.y + b.y) / 2 + ux * bend
    sx, sy = _towards(a, cx, cy, a.r + 1)
    ex, ey = _towards(b, cx, cy, b.r + 3)
    label_x, label_y = 0.25 * sx + 0.5 * cx + 0.25 * ex, 0.25 * sy + 0.5 * cy + 0.25 * ey
    return MapRoute(a.site.id, b.site.id, f"M{sx:.1f},{sy:.1f}Q{cx:.1f},{cy:.1f},{ex:.1f},{ey:.1f}",
                    count, cross_border, round(label_x, 1), round(label_y, 1))


def _towards(site: MapSite, x: float, y: float, distance: float) -> tuple[float, float]:
    dx, dy = x - site.x, y - site.y
    length = math.hypot(dx, dy) or 1.0
    return site.x + dx / length * distance, site.y + dy / length * distance


# --- numbers drawn, not written ----------------------------------------------------------

# Seven segments: a top, b top right, c bottom right, d bottom, e bottom left, f top left,
# g middle; each from one corner of a 1 × 2 box to another (x, y: 0 left/top, 1 right, 2 bottom).
_SEGMENTS = {"a": ((0, 0), (1, 0)), "b": ((1, 0), (1, 1)), "c": ((1, 1), (1, 2)), "d": ((0, 2), (1, 2)),
             "e": ((0, 1), (0, 2)), "f": ((0, 0), (0, 1)), "g": ((0, 1), (1, 1))}
_DIGITS = {"0": "abcdef", "1": "bc", "2": "abged", "3": "abgcd", "4": "fgbc", "5": "afgcd",
           "6": "afgedc", "7": "abc", "8": "abcdefg", "9": "abcdfg"}


def digits(number: int, x: float, y: float, height: float = 7.0) -> str:
    """SVG path data drawing `number` in seven-segment strokes, centred on (x, y).

    The map's and the network's numbers are drawn rather than written: printed to PDF,
    labels that happen to sit side by side ("12" "13" "14" "15") would read as one long
    number in the text layer, which the leak scan takes for a phone number."""
    unit = height / 2
    text = str(number)
    gap = unit * 0.6
    left = x - (len(text) * unit + (len(text) - 1) * gap) / 2
    top = y - height / 2
    moves = []
    for n, char in enumerate(text):
        origin = left + n * (unit + gap) - (unit / 2 if char == "1" else 0)  # a 1 in the middle
        for segment in _DIGITS.get(char, ""):
            (x1, y1), (x2, y2) = _SEGMENTS[segment]
            moves.append(f"M{origin + x1 * unit:.1f},{top + y1 * unit:.1f}"
                         f"L{origin + x2 * unit:.1f},{top + y2 * unit:.1f}")
    return "".join(moves)
