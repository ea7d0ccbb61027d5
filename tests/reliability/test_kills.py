"""Kill harness: ingest and extraction killed (SIGKILL) or interrupted (SIGINT) at random
moments, again and again, on one workspace.

After every kill: each file the user was told is stored is in the database and its
original opens with its data key, byte for byte; `verify` finds nothing wrong; SQLite's
integrity check says "ok". At the end one run to completion must leave every file
ingested once and nothing stray. TESTIMONIA_KILL_ITERATIONS (default 50) is the number
of kills, four fifths of them during ingest; TESTIMONIA_KILL_SEED replays a run (the
seed is in every failure message).
"""

from __future__ import annotations

import os
import random
import signal
import time
from collections import Counter
from pathlib import Path

import pytest
from battery import (
    Investigation,
    Timing,
    acks,
    claims_per_document,
    document_ids,
    half_written,
    interrupted,
    new_investigation,
    problems,
    raised,
    run_to_end,
    stray_originals,
    timed_run,
    unreadable_acks,
    write_testimonies,
)

from testimonia.service.ingest import IngestOptions, ingest_paths

KILLS = int(os.environ.get("TESTIMONIA_KILL_ITERATIONS", "50"))
INGEST_KILLS = KILLS - KILLS // 5
EXTRACT_KILLS = KILLS // 5
SIGNALS = (signal.SIGKILL, signal.SIGINT)
BATCH = 10  # new testimonies per ingest kill
EXTRACT_BATCH = 4  # new documents per extraction kill: one per language, so every model loads
# How a child may end: killed, interrupted (130 from child.py, -2 before it handles
# SIGINT), or done before the signal came; and the only exception it may show: an
# interrupt that lands while a connection closes is logged by SQLAlchemy's pool.
ENDINGS = {signal.SIGKILL: {-signal.SIGKILL, 0}, signal.SIGINT: {130, -signal.SIGINT, 0}}
SHOWN = {signal.SIGKILL: set(), signal.SIGINT: {"KeyboardInterrupt"}}


def seeded() -> tuple[int, random.Random]:
    seed = int(os.environ.get("TESTIMONIA_KILL_SEED") or random.randrange(2**32))
    return seed, random.Random(seed)


def kill_moment(rng: random.Random, timing: Timing, i: int) -> float:
    """Half the kills anywhere from start-up on, half once the work has begun."""
    return rng.uniform(0 if i // 2 % 2 == 0 else timing.first_ack * 0.9, timing.end)


def kill(args: list[str], signum: int, delay: float, timing: Timing) -> tuple[int, str, str, Timing]:
    """Run and signal a child; a run that ended before the signal (a warm disk cache makes
    runs faster than the first) shortens the span later kills are drawn from."""
    began = time.monotonic()
    code, out, err = interrupted(args, signum, delay)
    if code == 0:
        timing = Timing(timing.first_ack, min(timing.end, time.monotonic() - began))
    return code, out, err, timing


def outcome(what: str, signum: int, code: int) -> str:
    """The figure a kill counts in: survived, or came after the run had ended."""
    return f"{what} {signal.Signals(signum).name} {'kills survived' if code != 0 else 'signals too late'}"


def calibrate_ingest(base: Path) -> Timing:
    """One uninterrupted ingest of a batch in a workspace of its own."""
    inv = new_investigation(base)
    write_testimonies(base / "incoming", 0, BATCH)
    return timed_run(inv.args("ingest", base / "incoming"))


@pytest.mark.slow
def test_ingest_killed_at_random_moments_loses_nothing(tmp_path: Path, figures: Counter[str],
                                                      seeds: dict[str, int]) -> None:
    seed, rng = seeded()
    seeds["ingest kills"] = seed
    timing = calibrate_ingest(tmp_path / "calibration")
    inv = new_investigation(tmp_path / "killed")
    folder = tmp_path / "incoming"
    for i in range(INGEST_KILLS):
        write_testimonies(folder, i * BATCH, BATCH)
        signum, delay = SIGNALS[i % 2], kill_moment(rng, timing, i)
        code, out, err, timing = kill(inv.args("ingest", folder), signum, delay, timing)
        where = f"seed {seed}, kill {i}: {signal.Signals(signum).name} after {delay:.3f} s"
        assert (code in ENDINGS[signum], raised(err) <= SHOWN[signum]) == (True, True), f"{where}: exit {code}\n{err}"
        figures[outcome("ingest", signum, code)] += 1
        with inv.open() as ws:
            assert unreadable_acks(ws, acks(out), folder) == [], where
            assert problems(ws) == [], where
    code, out, err = run_to_end(inv.args("ingest", folder))
    assert (code, err, "FAILED" in out) == (0, "", False), f"seed {seed}"
    with inv.open() as ws:
        assert len(document_ids(ws)) == INGEST_KILLS * BATCH, f"seed {seed}"
        assert sorted(name for _id, name in acks(out)) == sorted(p.name for p in folder.iterdir())
        assert unreadable_acks(ws, acks(out), folder) == [], f"seed {seed}"
        assert (problems(ws), half_written(ws), stray_originals(ws)) == ([], [], []), f"seed {seed}"
        assert list(ws.paths.tmp.iterdir()) == [], f"seed {seed}"


def ingest_in_process(inv: Investigation, folder: Path) -> None:
    with inv.open() as ws:
        report = ingest_paths(ws, [folder], IngestOptions())
    assert report.count("failed") == 0


def reference_claims(base: Path, batches: list[Path]) -> tuple[dict[str, int], Timing]:
    """Claims per document from an uninterrupted extraction of the same files in a fresh
    workspace, and how long extracting one batch takes."""
    inv = new_investigation(base)
    ingest_in_process(inv, batches[0])
    timing = timed_run(inv.args("extract"))
    for batch in batches[1:]:
        ingest_in_process(inv, batch)
    assert run_to_end(inv.args("extract"))[0] == 0
    with inv.open() as ws:
        return claims_per_document(ws), timing


@pytest.mark.slow
def test_extraction_killed_at_random_moments_gives_the_same_claims(tmp_path: Path, figures: Counter[str],
                                                                   seeds: dict[str, int]) -> None:
    seed, rng = seeded()
    seeds["extraction kills"] = seed
    batches = [tmp_path / "batches" / f"{i:03d}" for i in range(EXTRACT_KILLS + 1)]
    for i, batch in enumerate(batches):  # each kill finds new documents to extract
        write_testimonies(batch, i * EXTRACT_BATCH, EXTRACT_BATCH)
    expected, timing = reference_claims(tmp_path / "reference", batches)
    inv = new_investigation(tmp_path / "killed")
    for i in range(EXTRACT_KILLS):
        ingest_in_process(inv, batches[i])
        signum, delay = SIGNALS[i % 2], kill_moment(rng, timing, i)
        code, out, err, timing = kill(inv.args("extract"), signum, delay, timing)
        where = f"seed {seed}, kill {i}: {signal.Signals(signum).name} after {delay:.3f} s"
        assert (code in ENDINGS[signum], raised(err) <= SHOWN[signum]) == (True, True), f"{where}: exit {code}\n{err}"
        figures[outcome("extraction", signum, code)] += 1
        with inv.open() as ws:
            done = {name: count for name, count in claims_per_document(ws).items() if count}
            assert problems(ws) == [], where
        assert done == {name: expected[name] for name in done}, where  # committed whole or not at all
    ingest_in_process(inv, batches[-1])
    code, out, err = run_to_end(inv.args("extract"))
    assert (code, err, "FAILED" in out) == (0, "", False), f"seed {seed}"
    with inv.open() as ws:
        assert claims_per_document(ws) == expected, f"seed {seed}"
        assert problems(ws) == [], f"seed {seed}"
