"""What the web workspace's graph pages show of an analysis (docs/web.md): the transfer
network (sites as nodes placed by longitude and latitude, transfers as directed edges
with counts), the patterns across sites and conflicts with names for ids, and a small
graph of related sources. Pure functions of the documented results (docs/analysis.md)
and of plain lists; the templates draw them as SVG."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from testimonia.analysis.overview import best_status
from testimonia.shapes import ResultsJson

__all__ = ["Edge", "Network", "Node", "SourceGraph", "network", "pattern_view", "source_graph"]

WIDTH, HEIGHT, MARGIN, UNPLACED_ROW = 900.0, 560.0, 70.0, 50.0
NODE_GAP = 34.0  # nodes nearer than this are pushed apart (several sites in one town)


@dataclass(frozen=True)
class Node:
    id: str
    name: str
    country: str | None
    x: float
    y: float
    placed: bool  # False: no known position (drawn in a row under the map)
    status: str  # strongest status of its findings ("" when none)
    claims: int
    r: float  # drawn radius: grows with the documents transferred through it


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    source_name: str
    target_name: str
    count: int
    cross_border: bool
    sources: int
    path: str  # SVG path data, shortened at both ends so that the arrowhead shows
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Network:
    nodes: list[Node]
    edges: list[Edge]
    width: float = WIDTH
    height: float = HEIGHT


def network(results: ResultsJson) -> Network:
    """Sites that a transfer touches, placed by the order of their longitudes (x) and
    latitudes (y) — west to east, north to south, evenly spread, so that two conflicts
    far apart stay readable; sites of unknown place in a row at the bottom."""
    edges = results["transfers"]["edges"]
    sites = {s["id"]: s for s in results["sites"]}
    ids = sorted(i for i in {e["from"] for e in edges} | {e["to"] for e in edges} if i in sites)
    statuses: dict[str, list[str]] = {}
    for f in results["findings"]:
        statuses.setdefault(f["site"], []).append(f["status"])
    through: dict[str, int] = {}
    for e in edges:
        through[e["from"]] = through.get(e["from"], 0) + e["count"]
        through[e["to"]] = through.get(e["to"], 0) + e["count"]
    placed = [i for i in ids if sites[i]["lat"] is not None and sites[i]["lon"] is not None]
    unplaced = [i for i in ids if i not in placed]
    height = HEIGHT if placed else MARGIN + UNPLACED_ROW
    at: dict[str, tuple[float, float]] = {}
    if placed:  # by the order of longitudes and latitudes: far-apart conflicts do not crush each other
        inner_w, inner_h = WIDTH - 2 * MARGIN, height - 2 * MARGIN - UNPLACED_ROW
        by_lon = sorted(placed, key=lambda i: (float(sites[i]["lon"] or 0), i))
        by_lat = sorted(placed, key=lambda i: (-float(sites[i]["lat"] or 0), i))
        last = max(len(placed) - 1, 1)
        for i in placed:
            at[i] = (MARGIN + inner_w * by_lon.index(i) / last, MARGIN + inner_h * by_lat.index(i) / last)
        _spread(at, placed)
    for n, i in enumerate(unplaced):
        at[i] = (MARGIN + n * (WIDTH - 2 * MARGIN) / max(len(unplaced), 1), height - MARGIN / 2)
    nodes = [Node(i, sites[i]["name"], sites[i]["country"], round(at[i][0], 1), round(at[i][1], 1),
                  i in placed, best_status(statuses[i]) if i in statuses else "", sites[i]["claim_count"],
                  round(6 + 3 * math.sqrt(through.get(i, 1)), 1)) for i in ids]
    radius = {n.id: n.r for n in nodes}
    pairs = {(e["from"], e["to"]) for e in edges}
    drawn = []
    for e in sorted(edges, key=lambda e: (-e["count"], e["from"], e["to"])):
        if e["from"] not in at or e["to"] not in at:
            continue
        path, lx, ly = _arc(at[e["from"]], at[e["to"]], radius[e["from"]], radius[e["to"]] + 3,
                            (e["to"], e["from"]) in pairs)
        drawn.append(Edge(e["from"], e["to"], sites[e["from"]]["name"], sites[e["to"]]["name"], e["count"],
                          e["cross_border"],
                          len(e["sources"]), path, lx, ly))
    return Network(nodes, drawn, WIDTH, height)


def _spread(at: dict[str, tuple[float, float]], ids: Sequence[str]) -> None:
    """Push apart nodes nearer than NODE_GAP (a few rounds; deterministic)."""
    for _ in range(40):
        moved = False
        for n, a in enumerate(ids):
            for b in ids[n + 1:]:
                (ax, ay), (bx, by) = at[a], at[b]
                dx, dy = bx - ax, by - ay
                distance = math.hypot(dx, dy)
                if distance >= NODE_GAP:
                    continue
                if distance < 1e-6:  # the same place: apart along a fixed direction
                    dx, dy, distance = 1.0, 0.6, math.hypot(1.0, 0.6)
                push = (NODE_GAP - distance) / 2
                ux, uy = dx / distance * push, dy / distance * push
                at[a], at[b] = (ax - ux, ay - uy), (bx + ux, by + uy)
                moved = True
        if not moved:
            break
    for i in ids:  # (keep inside the drawing)
        x, y = at[i]
        at[i] = (min(max(x, 12.0), WIDTH - 12.0), max(y, 12.0))


def _arc(a: tuple[float, float], b: tuple[float, float], cut_a: float, cut_b: float,
         both_ways: bool) -> tuple[str, float, float]:
    """A line from a to b (a curve when the route runs both ways, each its own side),
    shortened by the nodes' radii; and where its label goes (its middle)."""
    (ax, ay), (bx, by) = a, b
    dx, dy = bx - ax, by - ay
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    bend = 28.0 if both_ways else 0.0
    cx, cy = (ax + bx) / 2 - uy * bend, (ay + by) / 2 + ux * bend  # control point, to the right
    sx, sy = ax + ux * cut_a, ay + uy * cut_a
    ex, ey = bx - ux * cut_b, by - uy * cut_b
    if not bend:
        return f"M{sx:.1f},{sy:.1f} L{ex:.1f},{ey:.1f}", round((sx + ex) / 2, 1), round((sy + ey) / 2, 1)
    lx, ly = 0.25 * sx + 0.5 * cx + 0.25 * ex, 0.25 * sy + 0.5 * cy + 0.25 * ey
    return f"M{sx:.1f},{sy:.1f} Q{cx:.1f},{cy:.1f} {ex:.1f},{ey:.1f}", round(lx, 1), round(ly, 1)


def pattern_view(results: ResultsJson) -> dict[str, Any]:
    """`patterns` of the results with each site's and conflict's name beside its id."""
    found = results["patterns"]
    names = {s["id"]: s["name"] for s in results["sites"]}
    conflicts = {c["id"]: c["label"] for c in found.get("conflicts", [])}

    def site(i: str) -> dict[str, str]:
        return {"id": i, "name": names.get(i, i)}

    return {
        "conflicts": [{"id": c["id"], "label": c["label"], "practices": sorted(
            c["practices"], key=lambda p: (-p["independent_sources"], p["practice"]))}
            for c in found.get("conflicts", [])],
        "conflict_similarity": [{**s, "a_label": conflicts.get(s["a"], s["a"]),
                                 "b_label": conflicts.get(s["b"], s["b"])}
                                for s in found.get("conflict_similarity", [])],
        "shared": [{"practice": s["practice"], "conflicts": [
            {"id": c, "label": conflicts.get(c, c), "sites": [site(i) for i in v["sites"]],
             "sources": v["sources"], "independent_sources": v["independent_sources"]}
            for c, v in sorted(s["conflicts"].items())]} for s in found.get("shared", [])],
        "shared_sequences": [{"methods": s["methods"], "conflicts": [
            {"id": c, "label": conflicts.get(c, c), "sites": [site(i) for i in v]}
            for c, v in sorted(s["conflicts"].items())]} for s in found.get("shared_sequences", [])],
        "site_similarity": [{**s, "a": site(s["a"]), "b": site(s["b"])}
                            for s in found.get("site_similarity", [])[:30]],
    }


@dataclass(frozen=True)
class SourceGraph:
    """Related sources on a circle: (pseudonym, x, y) and (a, b, relation, path)."""

    nodes: list[tuple[str, float, float]]
    edges: list[tuple[str, str, str, str, float, float]]  # a, b, relation, path, label x, y
    size: float


def source_graph(relations: Sequence[tuple[str, str, str]], size: float = 360.0) -> SourceGraph:
    """The sources that a relation names, on a circle, each relation a line with its kind."""
    names = sorted({a for a, _, _ in relations} | {b for _, b, _ in relations})
    centre, radius = size / 2, size / 2 - 60
    at = {}
    for n, name in enumerate(names):
        angle = 2 * math.pi * n / max(len(names), 1) - math.pi / 2
        at[name] = (round(centre + radius * math.cos(angle), 1), round(centre + radius * math.sin(angle), 1))
    edges = [(a, b, kind, f"M{at[a][0]},{at[a][1]} L{at[b][0]},{at[b][1]}",
              round((at[a][0] + at[b][0]) / 2, 1), round((at[a][1] + at[b][1]) / 2, 1))
             for a, b, kind in relations]
    return SourceGraph([(n, *at[n]) for n in names], edges, size)
