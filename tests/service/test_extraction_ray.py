"""Extraction as Ray tasks on a local cluster of two workers, one of them killed mid-run:
every document ends with exactly one result, the same as the loop in the driver stores."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from tests.conftest import open_as
from tests.pgserver import copy_workspaces
from tests.service.conftest import Stored, stored

from testimonia.crypto.keys import KeyMaterial
from testimonia.extract.ray_engine import RayEngine
from testimonia.service import extraction

pytest.importorskip("ray", reason="the `ray` extra is not installed")
pytestmark = pytest.mark.slow

TASK = "ray::extract_batch"  # the title Ray gives a worker process while it runs the task


def _descendants(root: int) -> list[int]:
    """Every process under `root` (the cluster this test started is under it)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="utf-8") as stat:
                    parents[int(entry)] = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    found, frontier = [], [root]
    while frontier:
        children = [pid for pid, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def _busy_worker() -> int | None:
    """A worker process of this test's cluster that is running an extraction task."""
    for pid in _descendants(os.getpid()):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                if cmdline.read().startswith(TASK.encode()):
                    return pid
        except OSError:
            continue
    return None


def test_a_killed_ray_worker_loses_and_doubles_nothing(sample_root: Path, tmp_path: Path,
                                                       reference: Stored) -> None:
    copy = tmp_path / "copy"
    copy_workspaces(sample_root, copy)
    killed: list[int] = []

    def kill_one_busy_worker(_document: str) -> None:
        deadline = time.monotonic() + 10
        while not killed and time.monotonic() < deadline:
            pid = _busy_worker()
            if pid is not None:
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
            else:
                time.sleep(0.05)

    with open_as(copy / "ws", KeyMaterial(key_file=copy / "k.key")) as ws:
        report = extraction.extract_workspace(ws, progress=kill_one_busy_worker,
                                              engine=RayEngine(cpus=2), batch=2)
        assert killed, "no worker was running a task"
        assert (report.documents, report.failed, report.duplicates, report.engine) == (21, [], 0, "ray")
        found = stored(ws)
    assert sorted(row[0] for row in found["rows"]) == sorted({s for s, _ in found["custody"]})
    assert len(found["custody"]) == 21  # one `extracted` entry per document
    # Tasks end in any order: the same rows, ids aside, and the same custody entries.
    assert _by_document(found) == _by_document(reference)


def _by_document(found: Stored) -> dict[str, object]:
    return {"claims": sorted((document, body) for _id, document, body in found["claims"]),
            "mentions": found["mentions"], "rows": found["rows"],
            "custody": sorted(str(entry) for entry in found["custody"])}


def test_ray_missing_is_named_with_its_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    from testimonia.errors import ConfigError
    from testimonia.extract.ray_engine import LOOPBACK, import_ray
    real = builtins.__import__
    for name, value in LOOPBACK.items():
        monkeypatch.setenv(name, value)  # import_ray sets them: restored after the test

    def without_ray(name: str, *args: object, **kwargs: object) -> object:
        if name == "ray":
            raise ImportError("No module named 'ray'")
        return real(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", without_ray)
    with pytest.raises(ConfigError, match=r"pip install 'testimonia\[ray\]'"):
        import_ray(local=True)
