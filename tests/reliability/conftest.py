"""The figures of the reliability battery (kills survived, faults injected, concurrent
runs), counted by the tests through the `figures` fixture and shown at the end of the
run, with the seeds that replay it."""

from __future__ import annotations

from collections import Counter

import pytest

FIGURES: Counter[str] = Counter()
SEEDS: dict[str, int] = {}


@pytest.fixture
def figures() -> Counter[str]:
    return FIGURES


@pytest.fixture
def seeds() -> dict[str, int]:
    return SEEDS


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not FIGURES:
        return
    terminalreporter.write_sep("-", "reliability figures")
    for name, count in sorted(FIGURES.items()):
        terminalreporter.write_line(f"{name}: {count}")
    for test, seed in sorted(SEEDS.items()):
        terminalreporter.write_line(f"seed of {test}: {seed} (TESTIMONIA_KILL_SEED={seed} replays it)")
