"""A document's state is what happened to it, not what was stored at ingest."""

from __future__ import annotations

from pathlib import Path

from testimonia.service.documents import list_documents
from testimonia.service.extraction import extract_workspace
from testimonia.service.ingest import IngestOptions, ingest_paths
from testimonia.service.workspace import Workspace


def test_documents_are_ingested_then_extracted(ws: Workspace, testimony_dir: Path) -> None:
    ingest_paths(ws, [testimony_dir], IngestOptions())
    assert {d.state for d in list_documents(ws)} == {"ingested"}
    extract_workspace(ws)
    assert {d.state for d in list_documents(ws)} == {"extracted"}
