"""Running the pipeline: over a workspace's pending documents, or over loose files.

In a workspace, a document is (re)read only when its text or the pipeline version
changed since its last extraction; each document's results replace its previous ones in
one transaction together with an `extracted` custody entry. One failing document is
reported and the batch goes on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from testimonia.extract.files import reference_date
from testimonia.extract.pipeline import extract_text, pipeline_version
from testimonia.service import doccrypt
from testimonia.service.policy import requires
from testimonia.service.workspace import Workspace
from testimonia.store import extractions

__all__ = ["BATCH", "ExtractReport", "count_pending", "extract_workspace"]

BATCH = 32


@dataclass
class ExtractReport:
    version: str
    documents: int = 0
    mentions: int = 0
    claims: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (document, reason)


@requires('extract')
def count_pending(ws: Workspace) -> int:
    with ws.engine.connect() as conn:
        return extractions.count_pending(conn, pipeline_version())


@requires('extract')
def extract_workspace(ws: Workspace, progress: Callable[[str], None] | None = None) -> ExtractReport:
    report = ExtractReport(version=pipeline_version())
    failed: set[str] = set()
    while batch := _next_batch(ws, report.version, failed):
        for item, data_key, text in batch:
            _extract_one(ws, item, data_key, text, report, failed)
            if progress is not None:
                progress(item.document_id)
    return report


def _next_batch(ws: Workspace, version: str,
                failed: set[str]) -> list[tuple[extractions.Pending, bytes, str]]:
    """The next documents to extract, with their keys and texts opened: those in the
    acting user's scope only."""
    with ws.engine.connect() as conn:
        visible = ws.scope(conn).document_ids(conn)
        batch = []
        for item in extractions.pending(conn, version):
            if item.document_id not in failed and item.document_id in visible:
                data_key = doccrypt.key_for(ws, conn, item.document_id)
                batch.append((item, data_key,
                              doccrypt.open_text(data_key, item.document_id, item.sealed)))
            if len(batch) == BATCH:
                break
        return batch


def _extract_one(ws: Workspace, item: extractions.Pending, data_key: bytes, text: str,
                 report: ExtractReport, failed: set[str]) -> None:
    try:
        doc = extract_text(text, item.language, reference_date(item.metadata))
    except Exception as exc:  # one document must never stop the batch
        failed.add(item.document_id)
        report.failed.append((item.document_id[:12], f"{type(exc).__name__}: {exc}"))
        return
    with ws.transaction() as conn:
        extractions.replace_results(conn, item.document_id, report.version, item.text_sha256,
                                    doc.mentions, doc.claims,
                                    doccrypt.sealer(data_key, item.document_id))
        ws.record(conn, "extracted", item.document_id, {
            "pipeline_version": report.version, "text_sha256": item.text_sha256,
            "mentions": len(doc.mentions), "claims": len(doc.claims)})
    report.documents += 1
    report.mentions += len(doc.mentions)
    report.claims += len(doc.claims)
