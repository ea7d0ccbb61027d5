"""How long a command takes before it does anything: `testimonia --help`, `version` and
`config` against `python -c pass`, in the same run (median of N runs each).

Commands that need no model and no key derivation should start in under 0.3 s; heavy
modules (spaCy, natasha, the gazetteer index, SQLAlchemy) load only in the commands that
use them.

    .venv/bin/python bench/startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "testimonia --help": [sys.executable, "-m", "testimonia", "--help"],
    "testimonia version": [sys.executable, "-m", "testimonia", "version"],
    "testimonia config": [sys.executable, "-m", "testimonia", "config"],
}


def median_seconds(argv: list[str], runs: int, cwd: Path) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(argv, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        baseline = median_seconds(COMMANDS["python -c pass"], args.runs, Path(tmp))
        print(f"{'command':<22} {'median s':>9} {'× python':>9}")
        for name, argv in COMMANDS.items():
            seconds = median_seconds(argv, args.runs, Path(tmp))
            print(f"{name:<22} {seconds:>9.3f} {seconds / baseline:>9.1f}")


if __name__ == "__main__":
    main()
