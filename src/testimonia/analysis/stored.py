"""The stored form of an analysis: JSON lines, compressed, written and read as a stream.

A million claims make about a million findings: held as one JSON document they cost
gigabytes to build and to parse. Stored, an analysis is instead

- a first line, the *head*: the documented results (docs/analysis.md) without the
  findings and the trajectories — sites, transfer edges, patterns, the review basis;
- then one line per finding (`F` and its JSON), in the documented order;
- then one line per trajectory (`T` and its JSON);

compressed with zlib as it is written. Writing holds one finding at a time; reading
gives the head at once and the findings and trajectories one at a time, so a command
that prints one site's findings parses only the lines of that site. `results` puts the
whole documented JSON back together for the readers that need all of it (the web
pages, the exports).
"""

from __future__ import annotations

import heapq
import json
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from testimonia.analysis.results import Analysis
from testimonia.shapes import FindingJson, ResultsJson, ReviewBasisJson, TrajectoryJson

__all__ = ["BEST", "Stored", "Summary", "write"]

FINDING, TRAJECTORY = b"F", b"T"
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


def write(analysis: Analysis, review: ReviewBasisJson, level: int = 6) -> bytes:
    """The stored form of an analysis (compressed JSON lines), built one finding and one
    trajectory at a time."""
    packer = zlib.compressobj(level)
    parts: list[bytes] = []

    def line(tag: bytes, value: object) -> None:
        parts.append(packer.compress(tag + json.dumps(value, ensure_ascii=False).encode("utf-8") + b"\n"))

    head = {"sites": analysis.sites(), "transfers": {"edges": analysis.edges()},
            "patterns": analysis.patterns(), "review": review}
    line(b"", head)
    del head
    for finding in analysis.findings():
        line(FINDING, finding)
    for trajectory in analysis.trajectories():
        line(TRAJECTORY, trajectory)
    parts.append(packer.flush())
    return b"".join(parts)


class Stored:
    """An analysis in its stored form: the head parsed, the rest read on demand."""

    def __init__(self, packed: bytes) -> None:
        self.packed = packed
        lines = self._lines()
        head = json.loads(next(lines))
        self.head: ResultsJson = {"sites": head["sites"], "findings": [],
                                  "transfers": {"edges": head["transfers"]["edges"], "trajectories": []},
                                  "patterns": head["patterns"]}
        if head.get("review") is not None:
            self.head["review"] = head["review"]

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
        lines = self._lines()
        next(lines)
        for text in lines:
            if text[:1] == tag and (test is None or test(text)):
                yield text[1:]

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

    def results(self) -> ResultsJson:
        """The whole documented JSON (docs/analysis.md)."""
        whole: ResultsJson = {**self.head, "findings": list(self.findings()),
                              "transfers": {"edges": self.head["transfers"]["edges"],
                                            "trajectories": list(self.trajectories())}}
        return whole
