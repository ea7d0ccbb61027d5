"""Extraction on engines: a pool of worker processes gives the same rows as the loop in
the driver, a worker killed mid-run loses and doubles nothing, an interrupted run leaves
nothing half-written and the same command finishes it; results are written only for the
text they were read from, and only under the driver's pipeline version."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import open_as
from tests.pgserver import copy_workspaces
from tests.service.conftest import Stored, stored

from testimonia.crypto.keys import KeyMaterial
from testimonia.errors import ConfigError
from testimonia.extract.engines import InProcess, LocalPool
from testimonia.extract.pipeline import BatchResult, ItemResult, WorkItem, extract_batch
from testimonia.service import doccrypt, extraction
from testimonia.service.ingest import IngestOptions, ingest_paths
from testimonia.service.workspace import Workspace
from testimonia.store import extractions, logs
from testimonia.store.schema import document_texts


@pytest.fixture
def fresh(sample_root: Path, tmp_path: Path) -> Callable[[], Workspace]:
    """A copy of the unextracted sample workspace (and of its database), opened by its creator."""
    copy = tmp_path / "copy"
    copy_workspaces(sample_root, copy)
    return lambda: open_as(copy / "ws", KeyMaterial(key_file=copy / "k.key"))


def _without_custody_order(found: Stored) -> Stored:
    return {**found, "custody": sorted(json.dumps(c, sort_keys=True) for c in found["custody"])}


@pytest.mark.slow
def test_a_local_pool_stores_the_same_rows_as_the_loop(fresh: Callable[[], Workspace],
                                                        reference: Stored) -> None:
    with fresh() as ws:
        report = extraction.extract_workspace(ws, engine=LocalPool(2), batch=3)
        assert (report.documents, report.failed, report.engine) == (21, [], "local")
        assert stored(ws) == reference  # ids and custody order included: batches come back in order
        assert extraction.extract_workspace(ws, engine=LocalPool(2)).documents == 0


@pytest.mark.slow
def test_a_killed_pool_worker_loses_and_doubles_nothing(fresh: Callable[[], Workspace],
                                                        reference: Stored) -> None:
    killed: list[int] = []

    def kill_one(_document: str) -> None:
        if not killed:
            worker = multiprocessing.active_children()[0]
            assert worker.pid is not None
            os.kill(worker.pid, signal.SIGKILL)
            killed.append(worker.pid)

    with fresh() as ws:
        report = extraction.extract_workspace(ws, progress=kill_one, engine=LocalPool(2), batch=2)
        assert killed and (report.documents, report.failed, report.duplicates) == (21, [], 0)
        assert stored(ws) == reference


@pytest.mark.slow
def test_a_worker_dying_between_batches_loses_nothing() -> None:
    """A worker that dies while the driver is between two results: the pool refuses the
    next batch, and that batch and the one in flight are sent again to a new pool."""
    items = [WorkItem(f"d{n}", f"Soldiers beat witness {n} in the basement in Kherson.", "en", None)
             for n in range(6)]

    def batches() -> Iterator[list[WorkItem]]:
        yield [items[0]]
        yield [items[1]]
        (worker,) = multiprocessing.active_children()  # the pool's one worker
        assert worker.pid is not None
        os.kill(worker.pid, signal.SIGKILL)
        for _ in range(300):  # until the pool has seen it die
            if worker not in multiprocessing.active_children():
                break
            time.sleep(0.1)
        time.sleep(1)
        yield from ([item] for item in items[2:])

    results = [item for result in LocalPool(1).run(batches()) for item in result.items]
    assert sorted(r.document_id for r in results) == [f"d{n}" for n in range(6)]
    assert all(r.error is None and r.claims for r in results)
    assert multiprocessing.active_children() == []


@pytest.mark.slow
def test_an_interrupted_run_is_finished_by_running_it_again(fresh: Callable[[], Workspace],
                                                            reference: Stored) -> None:
    done: list[str] = []

    def interrupt(document: str) -> None:
        done.append(document)
        if len(done) == 5:
            raise KeyboardInterrupt

    with fresh() as ws:
        with pytest.raises(KeyboardInterrupt):
            extraction.extract_workspace(ws, progress=interrupt, engine=LocalPool(2), batch=2)
        assert multiprocessing.active_children() == []  # the workers are stopped
        partial = stored(ws)
        written = [row[0] for row in partial["rows"]]  # whole batches, each document whole
        assert set(done) <= set(written) and len(written) == 6
        assert written == sorted(subject for subject, _ in partial["custody"])
        assert extraction.count_pending(ws) == 21 - 6
        report = extraction.extract_workspace(ws, engine=LocalPool(2), batch=2)
        assert report.documents == 21 - 6
        assert _without_custody_order(stored(ws)) == _without_custody_order(reference)


def test_results_are_written_only_for_the_text_read_and_only_once(ws: Workspace, testimony_dir: Path) -> None:
    ingest_paths(ws, [testimony_dir], IngestOptions())
    with ws.engine.connect() as conn:
        pending = next(extractions.pending(conn, "v1"))
    seal = doccrypt.sealer(b"k" * 32, pending.document_id)
    with ws.transaction() as conn:
        assert extractions.replace_results(conn, pending.document_id, "v1", "0" * 64, [], [], seal) == "changed"
        assert extractions.replace_results(conn, pending.document_id, "v1", pending.text_sha256,
                                           [], [], seal) == "written"
        assert extractions.replace_results(conn, pending.document_id, "v1", pending.text_sha256,
                                           [], [], seal) == "duplicate"
        assert extractions.replace_results(conn, pending.document_id, "v2", pending.text_sha256,
                                           [], [], seal) == "written"
        assert extractions.replace_results(conn, "f" * 64, "v2", pending.text_sha256, [], [], seal) == "changed"
        assert extractions.count_pending(conn, "v2") == 2
        assert [p.document_id for p in extractions.pending(conn, "v2", after=pending.document_id)] == [
            p.document_id for p in extractions.pending(conn, "v2") if p.document_id > pending.document_id]


def test_a_text_changed_while_extracting_stays_pending(ws: Workspace, testimony_dir: Path) -> None:
    ingest_paths(ws, [testimony_dir], IngestOptions())

    class Editing:
        """In-process, but the first document's text changes while its batch runs."""

        name, sends_to = "editing", None

        def run(self, batches: Iterator[Sequence[WorkItem]]) -> Generator[BatchResult]:
            for batch in batches:
                with ws.transaction() as conn:
                    conn.execute(document_texts.update()
                                 .where(document_texts.c.document_id == batch[0].document_id)
                                 .values(text_sha256="e" * 64))
                yield extract_batch(batch)

    report = extraction.extract_workspace(ws, engine=Editing())
    assert (report.documents, report.changed) == (2, 1)
    assert extraction.count_pending(ws) == 1


def test_results_of_another_pipeline_version_are_refused(ws: Workspace, testimony_dir: Path) -> None:
    ingest_paths(ws, [testimony_dir], IngestOptions())

    class Elsewhere:
        name, sends_to = "elsewhere", None

        def run(self, batches: Iterator[Sequence[WorkItem]]) -> Generator[BatchResult]:
            for batch in batches:
                yield BatchResult("0-000000000000", tuple(ItemResult(i.document_id) for i in batch))

    with pytest.raises(extraction.PipelineMismatch, match="0-000000000000"):
        extraction.extract_workspace(ws, engine=Elsewhere())
    assert extraction.count_pending(ws) == 3


def test_a_cluster_elsewhere_needs_trust_and_is_audited(ws: Workspace, testimony_dir: Path) -> None:
    ingest_paths(ws, [testimony_dir], IngestOptions())

    cluster = InProcess(sends_to="ray://10.0.0.5:10001")  # runs here, says it sends elsewhere
    with pytest.raises(ConfigError, match="--trust-cluster"):
        extraction.extract_workspace(ws, engine=cluster)
    assert extraction.count_pending(ws) == 3
    assert extraction.extract_workspace(ws, engine=cluster, cluster_trusted=True).documents == 3
    with ws.engine.connect() as conn:
        from testimonia.store.schema import audit_events
        sent = [e for e in logs.iter_entries(conn, audit_events) if e.action == "texts_sent_to_cluster"]
    assert [(e.subject, e.details) for e in sent] == [("ray://10.0.0.5:10001", {"engine": "in-process"})]


def test_one_failing_document_is_reported_and_the_batch_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    from testimonia.extract import pipeline
    real = pipeline.extract_text

    def fussy(text: str, *args: Any) -> Any:
        if "poison" in text:
            raise ValueError("cannot read this")
        return real(text, *args)

    monkeypatch.setattr(pipeline, "extract_text", fussy)
    result = extract_batch([WorkItem("a", "poison", "en", None),
                            WorkItem("b", "They beat me in Bamako.", "en", None)])
    assert [(r.document_id, r.error) for r in result.items] == [("a", "ValueError: cannot read this"),
                                                                 ("b", None)]
    assert result.items[1].claims and result.version == pipeline.pipeline_version()


def test_the_default_pool_fits_the_cores_and_the_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    from testimonia.extract import engines
    monkeypatch.setattr(engines, "available_cores", lambda: 16)
    monkeypatch.setattr(engines, "_available_memory", lambda: 5 * engines.WORKER_MEMORY + 1)
    assert engines.default_workers() == 5
    monkeypatch.setattr(engines, "_available_memory", lambda: 64 * engines.WORKER_MEMORY)
    assert engines.default_workers() == 16
    monkeypatch.setattr(engines, "_available_memory", lambda: 0)
    assert engines.default_workers() == 1
    with pytest.raises(ValueError, match="at least 1"):
        LocalPool(0)
