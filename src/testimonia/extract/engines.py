"""Where extraction runs: this process, a pool of worker processes, or Ray tasks.

An engine maps `extract_batch` over batches of `WorkItem`s and yields each batch's
results. It never sees the workspace: the driver (the process that opened it) reads and
decrypts the texts, hands the engine batches of (id, text, language, interview date),
and writes what comes back (service/extraction.py). Keys never leave the driver.

- `InProcess`: a loop in the driver; the library's default.
- `LocalPool`: N worker processes on this machine (the CLI's default, N = cores). They
  are spawned, each a fresh interpreter: a forked worker would start with a copy of the
  driver's memory, workspace and organisation keys included. Each loads the models once,
  on its first batch, with one BLAS/OpenMP thread (one worker per core; more threads
  only spin). Results come back in the order the batches went out, so a pool writes the
  same rows, ids included, as the loop. A worker that dies takes its batch with it: the
  pool is started again and the batches in flight are sent again, each at most
  `retries` more times, then reported as failed.
- `RayEngine` (extract/ray_engine.py): Ray tasks on a cluster, or on a local one.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections import deque
from collections.abc import Generator, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from itertools import islice
from typing import Protocol, cast

from testimonia.extract.pipeline import BatchResult, ItemResult, WorkItem, extract_batch

__all__ = ["THREAD_ENV", "WORKER_MEMORY", "Engine", "InProcess", "LocalPool", "available_cores",
           "default_workers", "lost_batch", "one_thread_per_worker"]

# Numerical libraries' thread pools, one thread each in a worker: a worker per core is
# the parallelism, and a second BLAS thread per worker only spins (docs/extraction.md).
THREAD_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
# What one worker may come to hold: the four languages' models, the gazetteer and the
# vocabularies take about 0.8 GB, and a long document's working memory comes on top.
WORKER_MEMORY = 1 << 30


class Engine(Protocol):
    """Runs `extract_batch` over batches, yielding one BatchResult per batch."""

    @property
    def name(self) -> str: ...

    @property
    def sends_to(self) -> str | None:
        """Where the texts go beyond this machine (a cluster's address), or None."""
        ...

    def run(self, batches: Iterator[Sequence[WorkItem]]) -> Generator[BatchResult]:
        """Each batch's results, taking batches from `batches` only as it has room for
        them (a bounded number in flight). Closing the iterator stops the work."""
        ...


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity), at least one."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def default_workers() -> int:
    """One worker per core, but no more than the memory now available holds
    (`WORKER_MEMORY` each): a machine with many cores and little memory would otherwise
    start swapping."""
    return max(1, min(available_cores(), _available_memory() // WORKER_MEMORY))


def _available_memory() -> int:
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return available_cores() * WORKER_MEMORY  # not on Linux: cores decide


def lost_batch(batch: Sequence[WorkItem], reason: str) -> BatchResult:
    """Error results for a batch the engine could not run."""
    return BatchResult(None, tuple(ItemResult(item.document_id, error=reason) for item in batch))


def one_thread_per_worker() -> None:
    """Limit a worker's numerical libraries to one thread: called before they load."""
    os.environ.update(THREAD_ENV)


@dataclass(frozen=True)
class InProcess:
    """One document after another in the driver."""

    name: str = "in-process"
    sends_to: str | None = None

    def run(self, batches: Iterator[Sequence[WorkItem]]) -> Generator[BatchResult]:
        for batch in batches:
            yield extract_batch(batch)


def _start_worker() -> None:
    # The driver handles Ctrl-C (it stops the pool); a worker that took it too would die
    # mid-batch with a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    one_thread_per_worker()


@dataclass
class LocalPool:
    """`workers` spawned processes on this machine."""

    workers: int
    retries: int = 3
    name: str = "local"
    sends_to: str | None = None

    def __post_init__(self) -> None:
        if self.workers < 1:
            raise ValueError(f"workers must be at least 1, not {self.workers}")

    def run(self, batches: Iterator[Sequence[WorkItem]]) -> Generator[BatchResult]:
        window: deque[tuple[Sequence[WorkItem], Future[BatchResult], int]] = deque()
        pool = self._pool()
        finished = False
        try:
            for batch in islice(batches, 2 * self.workers):
                window.append((batch, _submit(pool, batch), 0))
            while window:
                try:
                    result = window[0][1].result()
                except BrokenProcessPool:
                    _stop(pool)  # its surviving workers too, before their successors start
                    pool = self._pool()
                    window = self._resubmit(pool, window)
                    continue
                window.popleft()
                yield result
                for following in islice(batches, 1):
                    window.append((following, _submit(pool, following), 0))
            finished = True
        finally:
            if finished:
                pool.shutdown(wait=True)
            else:  # interrupted, or the driver failed
                _stop(pool)

    def _pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_start_worker)

    def _resubmit(self, pool: ProcessPoolExecutor,
                  window: deque[tuple[Sequence[WorkItem], Future[BatchResult], int]],
                  ) -> deque[tuple[Sequence[WorkItem], Future[BatchResult], int]]:
        """The batches in flight when a worker died, sent again; one that has been sent
        `retries` times more than once is given up (its documents reported as failed)."""
        again: deque[tuple[Sequence[WorkItem], Future[BatchResult], int]] = deque()
        for batch, _lost, tries in window:
            if tries >= self.retries:
                done: Future[BatchResult] = Future()
                done.set_result(lost_batch(batch, f"WorkerLost: a worker process died {tries + 1} "
                                                  "times while extracting this document's batch"))
                again.append((batch, done, tries))
            else:
                again.append((batch, _submit(pool, batch), tries + 1))
        return again


def _submit(pool: ProcessPoolExecutor, batch: Sequence[WorkItem]) -> Future[BatchResult]:
    """The batch sent to the pool; when a worker died since the last look (the pool then
    refuses work), a future holding that failure, which `run` meets in turn and answers
    by starting a new pool and sending the batches in flight again."""
    try:
        return pool.submit(extract_batch, batch)
    except BrokenProcessPool as exc:
        refused: Future[BatchResult] = Future()
        refused.set_exception(exc)
        return refused


def _stop(pool: ProcessPoolExecutor) -> None:
    """Stop the pool now: queued batches are dropped, running ones ended (their results
    were never written, so nothing is half-done), and every worker is reaped before this
    returns; one that ignores the terminate signal for five seconds is killed."""
    processes = list((pool._processes or {}).values())
    manager = cast(threading.Thread | None, pool._executor_manager_thread)  # typeshed has it wrong
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(5)
        if process.is_alive():
            process.kill()
    if manager is not None:
        # The pool's own thread reaps the workers as well; once it is gone, none is left.
        manager.join(30)
