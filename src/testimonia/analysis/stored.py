"""The stored form of an analysis: JSON lines, compressed, written and read as a stream.

A million claims make about a million findings, and sites and patterns that name every
source: held as one JSON document they cost gigabytes to build and to parse. Stored, an
analysis is instead one JSON value per line, each tagged by its first letter:

- `H` the head: the transfer edges and the review basis;
- `S` a site, one per line, the most reported first;
- `F` a finding, one per line, in the documented order;
- `T` a trajectory, one per line;
- `P` one site's pattern profile, one per line;
- `Q` the rest of the patterns: conflicts, similarities, shared practices and sequences;

compressed with zlib as it is written. Writing holds one site, finding, trajectory or
profile at a time; reading parses only the lines asked for (a command that prints one
site's findings parses only the lines that name that site). `results` puts the whole
documented JSON (docs/analysis.md) back together for the readers that need all of it
(the web pages, the exports).
"""

from __future__ import annotations

import heapq
import json
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from testimonia.analysis.results import Analysis
from testimonia.shapes import EdgeJson, FindingJson, ResultsJson, ReviewBasisJson, SiteJson, TrajectoryJson

__all__ = ["BEST", "Stored", "Summary", "write"]

HEAD, SITE, FINDING, TRAJECTORY, PROFILE, PATTERNS = b"H", b"S", b"F", b"T", b"P", b"Q"
BEST = 5  # best corroborated findings a summary names
CHUNK = 1 << 20  # bytes decompressed at a time when reading


@dataclass
class Summary:
    """What `testimonia analyze` prints of the findings, gathered as they pass."""

    findings: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    best: list[FindingJson] = field(default_factory=list)  # the BEST best corroborated

    @classmethod
    def of(cls, findings: Iterable[FindingJson]) -> Summary:
        summary = cls()
        corroborated = (f for f in summary._counted(findings) if f["status"] == "corroborated")
        summary.best = heapq.nsmallest(BEST, corroborated,
                                       key=lambda f: (-f["independent_sources"], -f["first_hand_sources"]))
        return summary

    def _counted(self, findings: Iterable[FindingJson]) -> Iterator[FindingJson]:
        for f in findings:
            self.findings += 1
            self.statuses[f["status"]] += 1
            yield f


LEVEL = 1  # zlib's fastest: a third larger than its default (6), and writing a third faster


def write(analysis: Analysis, review: ReviewBasisJson, level: int = LEVEL) -> bytes:
    """The stored form of an analysis (compressed JSON lines), written one piece at a time."""
    packer = zlib.compressobj(level)
    parts: list[bytes] = []

    def line(tag: bytes, value: object) -> None:
        parts.append(packer.compress(tag + json.dumps(value, ensure_ascii=False).encode("utf-8") + b"\n"))

    line(HEAD, {"edges": analysis.edges(), "review": review})
    for site in analysis.sites():
        line(SITE, site)
    for finding in analysis.findings():
        line(FINDING, finding)
    for trajectory in analysis.trajectories():
        line(TRAJECTORY, trajectory)
    patterns = analysis.patterns()
    for profile in patterns.sites():
        line(PROFILE, profile)
    line(PATTERNS, patterns.rest())
    parts.append(packer.flush())
    return b"".join(parts)


class Stored:
    """An analysis in its stored form; each reading decompresses it again and parses only
    the lines it needs."""

    def __init__(self, packed: bytes) -> None:
        self.packed = packed
        head = json.loads(next(self._tagged(HEAD)))
        self.edges: list[EdgeJson] = head["edges"]
        self.review: ReviewBasisJson | None = head["review"]
        self._sites: list[SiteJson] | None = None

    def _lines(self) -> Iterator[bytes]:
        unpacker = zlib.decompressobj()
        rest = b""
        for start in range(0, len(self.packed), CHUNK):
            rest += unpacker.decompress(self.packed[start:start + CHUNK])
            *whole, rest = rest.split(b"\n")
            yield from whole
        rest += unpacker.flush()
        if rest:
            yield rest

    def _tagged(self, tag: bytes, test: Callable[[bytes], bool] | None = None) -> Iterator[bytes]:
        for text in self._lines():
            if text[:1] == tag and (test is None or test(text)):
                yield text[1:]

    def sites(self) -> list[SiteJson]:
        """Every site, the most reported first (parsed once)."""
        if self._sites is None:
            self._sites = [json.loads(text) for text in self._tagged(SITE)]
        return self._sites

    @property
    def head(self) -> ResultsJson:
        """The results without the findings, the trajectories and the patterns (empty
        there): what finding a site, listing sites and the transfer network need."""
        head: ResultsJson = {"sites": self.sites(), "findings": [],
                             "transfers": {"edges": self.edges, "trajectories": []}, "patterns": {}}
        if self.review is not None:
            head["review"] = self.review
        return head

    def findings(self, sites: set[str] | None = None) -> Iterator[FindingJson]:
        """The findings, in order; only those of `sites` when given (a line that does not
        name one of them is not parsed)."""
        marks = None if sites is None else [json.dumps(s, ensure_ascii=False).encode() for s in sites]
        test = None if marks is None else (lambda text: any(m in text for m in marks))
        for text in self._tagged(FINDING, test):
            finding: FindingJson = json.loads(text)
            if sites is None or finding["site"] in sites:
                yield finding

    def trajectories(self) -> Iterator[TrajectoryJson]:
        for text in self._tagged(TRAJECTORY):
            trajectory: TrajectoryJson = json.loads(text)
            yield trajectory

    def patterns(self, profiles: bool = True) -> dict[str, Any]:
        """The patterns; without the sites' profiles (left empty) unless `profiles`."""
        found: dict[str, Any] = {"sites": []}
        for text in self._lines():
            if text[:1] == PROFILE and profiles:
                found["sites"].append(json.loads(text[1:]))
            elif text[:1] == PATTERNS:
                found.update(json.loads(text[1:]))
        return found

    def results(self) -> ResultsJson:
        """The whole documented JSON (docs/analysis.md), read in one pass."""
        parsed: dict[bytes, list[Any]] = {tag: [] for tag in (SITE, FINDING, TRAJECTORY, PROFILE, PATTERNS)}
        for text in self._lines():
            if text[:1] in parsed:
                parsed[text[:1]].append(json.loads(text[1:]))
        whole: ResultsJson = {"sites": parsed[SITE], "findings": parsed[FINDING],
                              "transfers": {"edges": self.edges, "trajectories": parsed[TRAJECTORY]},
                              "patterns": {"sites": parsed[PROFILE], **parsed[PATTERNS][0]}}
        if self.review is not None:
            whole["review"] = self.review
        return whole
