"""Extraction as Ray tasks: `extract_batch` on the workers of a Ray cluster.

Ray is an optional extra (`pip install 'testimonia[ray]'`), imported only when this
engine runs. Each batch is one task (`num_cpus=1`: one per core), retried by Ray when
its worker dies (`max_retries`); a worker process keeps the models it loaded for the
tasks that follow. At most two tasks per CPU of the cluster are in flight, and each
batch's results come back to the driver as its task ends (`ray.wait`), to be written
there at once: a task retried after a lost worker was never written, so nothing is
lost and nothing doubles, and a driver that dies leaves written results written (the
next run takes up the rest).

Without an address, a cluster of this machine alone is started for the run and stopped
after it, bound to the loopback interface. With one, the driver joins that cluster
(`auto` or `host:6379` from a node of it; `ray://host:10001` through Ray Client, which
needs `ray[client]`); the cluster must run the same Testimonia and models (the results say which pipeline version
made them, and the driver refuses others: service/extraction.py). What crosses the
network is in docs/deployment.md.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from types import ModuleType
from typing import Any

from testimonia.errors import ConfigError
from testimonia.extract.engines import THREAD_ENV, default_workers, lost_batch
from testimonia.extract.pipeline import BatchResult, WorkItem, extract_batch

__all__ = ["RayEngine", "import_ray"]

# Ray reads this when imported: a cluster started here listens on loopback only (Ray
# otherwise takes the machine's outward address, and its ports are reachable from the
# network). A node of a real cluster is given its address by `ray start`.
LOOPBACK = {"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0"}


def import_ray(local: bool) -> ModuleType:
    """The `ray` module; ConfigError naming the extra when it is not installed."""
    if local:
        for name, value in LOOPBACK.items():
            os.environ.setdefault(name, value)
    try:
        import ray
    except ImportError as exc:
        raise ConfigError("`--engine ray` needs Ray, which is not installed here.",
                          fix="Install the extra: pip install 'testimonia[ray]' (the same "
                          "version on the cluster's nodes), or use `--engine local`.") from exc
    return ray


@dataclass
class RayEngine:
    """Ray tasks, on the cluster at `address`, or on one started here with `cpus` CPUs
    (default: this machine's cores, as many as its memory holds: engines.default_workers)."""

    address: str | None = None
    cpus: int | None = None
    retries: int = 3
    name: str = "ray"

    def __post_init__(self) -> None:
        if self.address is not None and self.cpus is not None:
            raise ConfigError("The number of workers is the cluster's when joining one "
                              f"(--address {self.address}).", fix="Leave out --workers.")

    @property
    def local(self) -> bool:
        return self.address is None

    @property
    def sends_to(self) -> str | None:
        return self.address

    def run(self, batches: Iterator[Sequence[WorkItem]]) -> Generator[BatchResult]:
        ray = import_ray(self.local)
        self._connect(ray)
        try:
            yield from self._run(ray, batches)
        finally:
            ray.shutdown()  # a cluster started here stops; a joined one only loses this driver

    def _connect(self, ray: ModuleType) -> None:
        options: dict[str, Any] = {
            "include_dashboard": False, "log_to_driver": False, "logging_level": logging.WARNING,
            "runtime_env": {"env_vars": dict(THREAD_ENV)}}
        if self.local:
            ray.init(address="local", num_cpus=self.cpus or default_workers(), **options)
        else:
            del options["include_dashboard"]  # the cluster's own setting
            ray.init(address=self.address, **options)

    def _run(self, ray: ModuleType, batches: Iterator[Sequence[WorkItem]]) -> Generator[BatchResult]:
        task = ray.remote(num_cpus=1, max_retries=self.retries)(extract_batch)
        room = 2 * max(1, int(ray.cluster_resources().get("CPU", 1)))
        flight: dict[Any, Sequence[WorkItem]] = {}
        try:
            for batch in islice(batches, room):
                flight[task.remote(batch)] = batch
            while flight:
                [ready], _ = ray.wait(list(flight), num_returns=1)
                batch = flight.pop(ready)
                try:
                    result: BatchResult = ray.get(ready)
                except ray.exceptions.RayError as exc:  # retries spent, or the cluster lost
                    result = lost_batch(batch, f"{type(exc).__name__}: the batch failed on the "
                                               f"cluster {self.retries + 1} times")
                yield result
                for following in islice(batches, 1):
                    flight[task.remote(following)] = following
        finally:
            for ref in flight:  # interrupted: what is still running is not wanted
                ray.cancel(ref, force=True)
