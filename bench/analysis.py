"""Analysis at scale: synthetic claims at 100k, 1M (and 10M); time and peak memory.

Every step is blocked on keys (site key, source group, cell key), never all pairs of
claims, so time should grow about linearly with the number of claims. Each size runs in
a fresh process so that its peak RSS is its own. Synthetic claims: 2,000 places in two
conflicts, 8 facility types, 27 methods, one source per 10 claims, one relation per 5
sources, one denial per 50 claims, one transfer per 20.

The claims are made one at a time and handed to the analysis as they are made, as the
service hands it claims decrypted one batch at a time: the timed work is what the
service does with them — reduce each to a fact, resolve, corroborate, trace, compare,
and write the stored form (analysis/stored.py: compressed JSON lines, one finding at a
time). Making the claims is timed with it (about a fifth of the time). Wall-clock and CPU
seconds are both printed: on a machine shared with other work the CPU time is the one
to compare.

    .venv/bin/python bench/analysis.py [--sizes 100000 1000000 10000000]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

from testimonia.analysis.corroboration import Rules
from testimonia.analysis.inputs import ClaimIn, RelationIn
from testimonia.analysis.results import Analysis
from testimonia.analysis.stored import Stored, write
from testimonia.shapes import ReviewBasisJson
from testimonia.vocab import load_vocabulary

REVIEW: ReviewBasisJson = {"include_unreviewed": True, "counted": 0, "pending": 0, "pending_sources": 0,
                           "rejected": 0, "conflicts": 0, "withdrawn": 0}
FACILITIES = ["shipping_container", "military_camp", "basement", "pretrial_detention_centre",
              "penal_colony", "temporary_detention_facility", "pit", None]


def synthetic(count: int, seed: int = 7) -> tuple[Iterator[ClaimIn], list[RelationIn]]:
    """The claims (made as they are taken) and the relations between their sources."""
    rng = random.Random(seed)
    methods = sorted(load_vocabulary().methods)
    places = [_place(i, rng) for i in range(2000)]
    sources = [f"S{i}" for i in range(max(2, count // 10))]
    relations = [RelationIn(rng.choice(sources), rng.choice(sources), "relative_of")
                 for _ in range(len(sources) // 5)]
    claims = (_claim(i, rng, places, methods, sources) for i in range(count))
    return claims, [r for r in relations if r.a != r.b]


def _place(i: int, rng: random.Random) -> dict[str, Any]:
    country = "ML" if i % 2 else rng.choice(["UA", "RU"])
    return {"name": f"Place {i}", "id": f"geonames:{i}", "country": country,
            "lat": rng.uniform(-10, 60), "lon": rng.uniform(-10, 40), "precision": "settlement",
            "text": f"Place {i}", "parent_id": None, "facility_place": False}


def _claim(i: int, rng: random.Random, places: list[dict[str, Any]], methods: list[str],
           sources: list[str]) -> ClaimIn:
    source = rng.choice(sources)
    here = {**rng.choice(places), "facility": rng.choice(FACILITIES)}
    transfer = i % 20 == 0
    there = {**rng.choice(places), "facility": rng.choice(FACILITIES)}
    year = rng.choice(["2021", "2022", "2023", "2024"])
    body = {"act": "transfer" if transfer else "ill_treatment",
            "methods": [] if transfer else rng.sample(methods, rng.randint(1, 3)),
            "violations": [], "places": [here, there] if transfer else [here],
            "perpetrators": [{"name": "X", "canonical": rng.choice(["fsb", "wagner_group", "fama"])}],
            "period": {"start": f"{year}-03-01", "end": f"{year}-03-31"},
            "victim": {"who": rng.choice(["self", "other", "group"]), "count": None},
            "first_hand": rng.random() < 0.7, "denial": i % 50 == 0,
            "interrogation_languages": ["ru"] if rng.random() < 0.1 else [],
            "evidence": [{"start": 0, "end": 10, "quote": "…"}],
            "transfer": {"from": here, "to": there} if transfer else None}
    return ClaimIn(i, f"doc{i // 8}", source, "survivor", body)


def run_one(count: int) -> dict[str, float]:
    started = time.perf_counter()
    claims, relations = synthetic(count)
    analysis = Analysis(relations, [], Rules())
    for claim in claims:
        analysis.add(claim)
    packed = write(analysis, REVIEW)
    seconds = time.perf_counter() - started
    used = resource.getrusage(resource.RUSAGE_SELF)
    stored = Stored(packed)
    return {"claims": count, "seconds": round(seconds, 2), "cpu_seconds": round(used.ru_utime + used.ru_stime, 2),
            "sites": len(stored.head["sites"]),
            "findings": sum(1 for _ in stored.findings()), "stored_mb": round(len(packed) / 2**20, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0].replace("\n", " "))
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one)))
        return
    rows = []
    for n in args.sizes:
        done = subprocess.run([sys.executable, __file__, "--one", str(n)], check=True,
                              capture_output=True, text=True)
        rows.append(json.loads(done.stdout))
        r = rows[-1]
        print(f"{r['claims']:>10,} claims  {r['seconds']:>7.2f} s (CPU {r['cpu_seconds']:.2f} s)"
              f"  {r['claims'] / r['seconds']:>9,.0f} claims/s"
              f"  {r['sites']:>6} sites  {r['findings']:>8} findings  stored {r['stored_mb']} MB"
              f"  peak RSS {r['peak_rss_mb']} MB", flush=True)
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        more = last["claims"] / first["claims"]
        print(f"time per claim at {last['claims']:,} vs {first['claims']:,}: "
              f"{last['seconds'] / first['seconds'] / more:.2f}x wall-clock, "
              f"{last['cpu_seconds'] / first['cpu_seconds'] / more:.2f}x CPU")


if __name__ == "__main__":
    main()
