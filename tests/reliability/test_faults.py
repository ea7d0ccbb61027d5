"""A full disk and I/O errors at every write of a small ingest (three files).

Python level: every file-system write Testimonia makes through `testimonia.fsutil`
(opening the temporary file, fsync, rename, fsync of the folder) fails in turn with
ENOSPC, then with EIO. SQLite level: the ingest runs in a process whose files may not
grow past a limit (RLIMIT_FSIZE), stepped through the sizes of the database and its
write-ahead log. Each time the ingest stops cleanly, or reports the file, or (a failed
best-effort write) carries on; the workspace verifies, holds no half-written document,
and a run without the fault ingests everything.
"""

from __future__ import annotations

import errno
import os
import resource
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from battery import (
    Investigation,
    database_files,
    document_ids,
    half_written,
    new_investigation,
    problems,
    raised,
    run_to_end,
    stray_originals,
    write_testimonies,
)
from tests.pgserver import copy_workspaces

from testimonia import fsutil
from testimonia.errors import StorageFailure
from testimonia.service.ingest import IngestOptions, IngestReport, ingest_paths

FILES = 3
MESSAGES = {errno.ENOSPC: "Nothing of this change was kept: the disk is full.",
            errno.EIO: "Nothing of this change was kept: the disk refused a write ([Errno 5]"}


class FaultyOs:
    """`os` as testimonia.fsutil sees it: counts the calls that write, and fails the
    `fail_at`-th of them (1-based) with `code`."""

    WRITES = ("open", "fsync", "replace")

    def __init__(self, fail_at: int | None = None, code: int = errno.ENOSPC) -> None:
        self.fail_at, self.code, self.calls = fail_at, code, 0

    def __getattr__(self, name: str) -> Any:
        real = getattr(os, name)
        if name not in self.WRITES:
            return real

        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            if self.calls == self.fail_at:
                raise OSError(self.code, os.strerror(self.code))
            return real(*args, **kwargs)
        return call


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A new workspace (copied for each run) and a folder of three testimonies."""
    base = tmp_path_factory.mktemp("faults")
    new_investigation(base / "pristine")
    write_testimonies(base / "incoming", 0, FILES)
    return base / "pristine", base / "incoming"


def fresh_copy(pristine: Path, where: Path) -> Investigation:
    copy_workspaces(pristine, where)
    return Investigation(where / "ws", where / "workspace.key")


def ingest_with(inv: Investigation, folder: Path, faulty: FaultyOs,
                monkeypatch: pytest.MonkeyPatch) -> IngestReport | StorageFailure:
    with inv.open() as ws, monkeypatch.context() as patch:
        patch.setattr(fsutil, "os", faulty)
        try:
            return ingest_paths(ws, [folder], IngestOptions())
        except StorageFailure as exc:
            return exc


def writes_of_a_clean_ingest(pristine: tuple[Path, Path], where: Path,
                             monkeypatch: pytest.MonkeyPatch) -> int:
    counter = FaultyOs()
    report = ingest_with(fresh_copy(pristine[0], where), pristine[1], counter, monkeypatch)
    assert isinstance(report, IngestReport) and report.count("ingested") == FILES
    return counter.calls


def assert_whole_after_rerun(inv: Investigation, folder: Path, what: str) -> None:
    """No half-written document; then a run without the fault ingests everything."""
    with inv.open() as ws:
        assert (problems(ws), half_written(ws)) == ([], []), what
    with inv.open() as ws:
        report = ingest_paths(ws, [folder], IngestOptions())
        assert report.count("ingested") + report.count("duplicate") == FILES, what
        assert (len(document_ids(ws)), problems(ws), half_written(ws), stray_originals(ws)) == (FILES, [], [], []), what


@pytest.mark.slow
@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EIO], ids=["ENOSPC", "EIO"])
def test_a_fault_at_any_write_of_an_ingest_leaves_the_workspace_whole(
        pristine: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        figures: Counter[str], code: int) -> None:
    folder = pristine[1]
    writes = writes_of_a_clean_ingest(pristine, tmp_path / "clean", monkeypatch)
    assert writes >= 4 * FILES  # at least each original written and its folder synced
    seen: Counter[str] = Counter()
    for k in range(1, writes + 1):
        inv = fresh_copy(pristine[0], tmp_path / f"fault-{k}")
        faulty = FaultyOs(k, code)
        result = ingest_with(inv, folder, faulty, monkeypatch)
        what = f"{errno.errorcode[code]} at write {k} of {writes}"
        assert faulty.calls >= k, what  # the fault was injected
        if isinstance(result, StorageFailure):
            assert str(result).startswith(MESSAGES[code]), f"{what}: {result}"
            seen["stopped the batch"] += 1
        else:
            assert result.count("ingested") + result.count("failed") == FILES, what
            seen["reported" if result.count("failed") else "absorbed (best-effort write)"] += 1
        assert_whole_after_rerun(inv, folder, what)
    figures.update({f"faults injected: {errno.errorcode[code]} at an fsutil write, {outcome}": count
                    for outcome, count in seen.items()})
    assert seen["stopped the batch"] > 0, seen


def file_size_limit(limit: int) -> Any:
    return lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


CLEAN_FAILURES = ("Error: Nothing of this change was kept:", "Error: The database ")


@pytest.mark.slow
@pytest.mark.sqlite_only("the size limit is on the SQLite file and its write-ahead log")
def test_a_database_that_cannot_grow_fails_cleanly_and_recovers(
        pristine: tuple[Path, Path], tmp_path: Path, figures: Counter[str]) -> None:
    """Limits from one page to past the database's size: the write-ahead log (and the
    checkpoint into the database) fail at every point of the ingest."""
    folder = pristine[1]
    size = database_files(pristine[0] / "ws")["testimonia.db"]
    outcomes: Counter[str] = Counter()
    for limit in range(4096, size + 4 * 4096, 10_000):
        inv = fresh_copy(pristine[0], tmp_path / f"limit-{limit}")
        code, _out, err = run_to_end(inv.args("ingest", folder), limit=file_size_limit(limit))
        what = f"RLIMIT_FSIZE {limit} (database {size} bytes): exit {code}\n{err}"
        assert (code in (0, 1), raised(err)) == (True, set()), what
        assert code == 0 or err.startswith(CLEAN_FAILURES), what
        outcomes["completed" if code == 0 else "stopped cleanly"] += 1
        assert run_to_end(inv.args("ingest", folder))[0] == 0, what
        with inv.open() as ws:
            assert (len(document_ids(ws)), problems(ws), half_written(ws)) == (FILES, [], []), what
    figures.update({f"faults injected: file size limit on the database, {outcome}": count
                    for outcome, count in outcomes.items()})
    assert outcomes["stopped cleanly"] > 0 and outcomes["completed"] > 0, outcomes
