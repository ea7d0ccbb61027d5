"""Running the pipeline over a workspace's pending documents, on an engine.

In a workspace, a document is (re)read only when its text or the pipeline version
changed since its last extraction. This process, the driver, walks the pending
documents once in id order, page by page, keeps those the acting user's organisation
sees, opens their texts and hands them in batches to the engine (extract/engines.py:
this process, a pool of worker processes, or Ray); keys never leave it. It writes each
batch's results as they come back, in one transaction: each document's whole, with its
`extracted` custody entry, and only if its text is still the one that was read
(store/extractions.py). One failing document is reported and the others go on; an
interrupted run leaves every document either written whole or pending, and running it
again does the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field

from sqlalchemy import Connection

from testimonia.errors import ConfigError, TestimoniaError
from testimonia.extract.engines import Engine, InProcess
from testimonia.extract.files import reference_date
from testimonia.extract.pipeline import BatchResult, ItemResult, WorkItem, pipeline_version
from testimonia.service import doccrypt
from testimonia.service.policy import Scope, requires
from testimonia.service.workspace import Workspace
from testimonia.store import extractions

__all__ = ["BATCH", "ExtractReport", "PipelineMismatch", "count_pending", "extract_workspace"]

BATCH = 32  # documents per unit of work handed to the engine


class PipelineMismatch(ConfigError):
    """A worker runs another pipeline version than the driver's."""


@dataclass
class ExtractReport:
    version: str
    engine: str = "in-process"
    documents: int = 0
    mentions: int = 0
    claims: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (document, reason)
    changed: int = 0  # texts changed while being extracted: left pending for the next run
    duplicates: int = 0  # results delivered twice (an engine's retry): written once


@dataclass(frozen=True)
class _Opened:
    """A document handed to the engine: what the driver keeps to write its results."""

    text_sha256: str
    data_key: bytes


@requires('extract')
def count_pending(ws: Workspace) -> int:
    with ws.engine.connect() as conn:
        return extractions.count_pending(conn, pipeline_version())


@requires('extract')
def extract_workspace(ws: Workspace, progress: Callable[[str], None] | None = None,
                      engine: Engine | None = None, batch: int = BATCH,
                      cluster_trusted: bool = False) -> ExtractReport:
    """Extract the pending documents the acting user's organisation sees, on `engine`
    (default: in this process). An engine that sends texts to other machines
    (`engine.sends_to`) runs only with `cluster_trusted`, and is audited first."""
    engine = engine or InProcess()
    if batch < 1:
        raise ConfigError(f"A batch must hold at least one document, not {batch}.")
    report = ExtractReport(version=pipeline_version(), engine=engine.name)
    _refuse_untrusted(ws, engine, cluster_trusted)
    opened: dict[str, _Opened] = {}
    with closing(engine.run(_batches(ws, report, opened, batch))) as results:
        for result in results:
            _check_version(result, report.version)
            _write(ws, result, opened, report, progress)
    return report


def _refuse_untrusted(ws: Workspace, engine: Engine, trusted: bool) -> None:
    if engine.sends_to is None:
        return
    if not trusted:
        raise ConfigError(
            f"Extraction on the cluster at {engine.sends_to} sends the documents' texts, in "
            "clear, to its machines (docs/deployment.md).",
            fix="Use only your organisation's own cluster, on a trusted network, with Ray's "
            "TLS on (RAY_USE_TLS=1), and say so with --trust-cluster.")
    with ws.transaction() as conn:
        ws.audit(conn, "texts_sent_to_cluster", engine.sends_to, {"engine": engine.name})


def _batches(ws: Workspace, report: ExtractReport, opened: dict[str, _Opened],
             size: int) -> Iterator[list[WorkItem]]:
    """The pending documents the acting user's organisation sees, opened, `size` at a
    time: one walk in id order, each page read in a short read of its own."""
    after: str | None = None
    with ws.engine.connect() as conn:
        scope = ws.scope(conn)
    while True:
        with ws.engine.connect() as conn:
            page = list(extractions.pending(conn, report.version, after, size))
            if not page:
                return
            after = page[-1].document_id
            items = [item for pending in page
                     if (item := _open(ws, conn, scope, pending, report, opened)) is not None]
        if items:
            yield items


def _open(ws: Workspace, conn: Connection, scope: Scope, pending: extractions.Pending,
          report: ExtractReport, opened: dict[str, _Opened]) -> WorkItem | None:
    """The document as a worker gets it, if the acting user's organisation sees it."""
    if not scope.document_ids(conn, only=pending.document_id):
        return None
    try:
        data_key = doccrypt.key_for(ws, conn, pending.document_id)
        text = doccrypt.open_text(data_key, pending.document_id, pending.sealed)
    except TestimoniaError as exc:  # a text that does not open is reported like a failure
        report.failed.append((pending.document_id[:12], str(exc)))
        return None
    opened[pending.document_id] = _Opened(pending.text_sha256, data_key)
    return WorkItem(pending.document_id, text, pending.language, reference_date(pending.metadata))


def _check_version(result: BatchResult, version: str) -> None:
    if result.version is not None and result.version != version:
        raise PipelineMismatch(
            f"The workers run pipeline version {result.version}, this process {version}: their "
            "results would be stored under the wrong version.",
            fix="Install the same Testimonia version, with the same model packages, on the "
            "cluster's nodes as here (docs/deployment.md), then run the command again.")


def _write(ws: Workspace, result: BatchResult, opened: dict[str, _Opened], report: ExtractReport,
           progress: Callable[[str], None] | None) -> None:
    """A batch's results in one transaction: each document's whole, with its custody entry
    (one commit, and one move of the log heads, for the batch: a commit per document would
    spend more time waiting on the disk than the workers spend reading)."""
    done: list[tuple[ItemResult, extractions.Written]] = []
    with ws.transaction() as conn:
        for item in result.items:
            read = opened.pop(item.document_id)
            if item.error is None:
                done.append((item, _write_one(ws, conn, item, read, report.version)))
    for item in result.items:
        if item.error is not None:
            report.failed.append((item.document_id[:12], item.error))
    for item, written in done:
        report.changed += written == "changed"
        report.duplicates += written == "duplicate"
        if written == "written":
            report.documents += 1
            report.mentions += len(item.mentions)
            report.claims += len(item.claims)
    if progress is not None:
        for item in result.items:
            progress(item.document_id)


def _write_one(ws: Workspace, conn: Connection, item: ItemResult, read: _Opened,
               version: str) -> extractions.Written:
    written = extractions.replace_results(conn, item.document_id, version, read.text_sha256,
                                          item.mentions, item.claims,
                                          doccrypt.sealer(read.data_key, item.document_id))
    if written == "written":
        ws.record(conn, "extracted", item.document_id, {
            "pipeline_version": version, "text_sha256": read.text_sha256,
            "mentions": len(item.mentions), "claims": len(item.claims)})
    return written
