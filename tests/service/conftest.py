"""Two fictional testimonies of the same beating at the Sévaré camp (pseudonyms only),
ingested and extracted: the workspace the review and stored-analysis tests start from.
And the sample investigation ingested but not extracted, with what extraction in the
driver stores from it: what the extraction engines' tests compare with."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from tests.conftest import build_sample_workspace, open_as
from tests.pgserver import copy_workspaces

from testimonia.crypto.keys import KeyMaterial
from testimonia.service import doccrypt, extraction
from testimonia.service.ingest import IngestOptions, ingest_paths
from testimonia.service.workspace import Workspace
from testimonia.store import logs
from testimonia.store.schema import custody_events
from testimonia.store.schema import extractions as extraction_rows

ALOU = ("---\nsource: Alou\nsource_kind: survivor\nlanguage: en\ninterview_date: 2023-06-01\n---\n"
        "(Fictional.) In March 2022 soldiers held me in a container at the Sévaré camp and beat "
        "me with cables every night. My cousin lives in Mopti and sells cloth.\n")
BINTOU = ("---\nsource: Bintou\nsource_kind: witness\nlanguage: en\ninterview_date: 2023-07-01\n---\n"
          "(Fictional.) In March 2022 I saw soldiers beat detainees with cables in a container "
          "at the Sévaré camp.\n")


@pytest.fixture
def reviewed_ws(ws: Workspace, tmp_path: Path) -> Iterator[Workspace]:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "alou.md").write_text(ALOU, encoding="utf-8")
    (folder / "bintou.md").write_text(BINTOU, encoding="utf-8")
    assert ingest_paths(ws, [folder], IngestOptions()).count("ingested") == 2
    extraction.extract_workspace(ws)
    yield ws


Stored = dict[str, Any]


def stored(ws: Workspace) -> Stored:
    """Everything extraction wrote, opened: each document's claims and mentions with
    their row ids, the extraction rows, and the `extracted` custody entries in order."""
    with ws.engine.connect() as conn:
        claims = [(c.id, c.document_id, json.dumps(c.body, ensure_ascii=False, sort_keys=True))
                  for c in doccrypt.visible_claims(ws, conn)]
        ids = sorted({document for _, document, _ in claims}
                     | {r.document_id for r in conn.execute(select(extraction_rows))})
        mentions = {d: [m.to_json() for m in doccrypt.document_mentions(ws, conn, d)] for d in ids}
        rows = sorted((r.document_id, r.pipeline_version, r.text_sha256)
                      for r in conn.execute(select(extraction_rows)))
        custody = [(e.subject, e.details) for e in logs.iter_entries(conn, custody_events)
                   if e.action == "extracted"]
    return {"claims": sorted(claims), "mentions": mentions, "rows": rows, "custody": custody}


@pytest.fixture(scope="session")
def sample_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample investigation ingested and shared, not extracted: each test copies it."""
    root = tmp_path_factory.mktemp("sample")
    build_sample_workspace(root, reviewed=False, extract=False)
    return root


@pytest.fixture(scope="session")
def reference(sample_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Stored:
    """What extraction in the driver, one document after another, stores."""
    copy = tmp_path_factory.mktemp("reference") / "copy"
    copy_workspaces(sample_root, copy)
    with open_as(copy / "ws", KeyMaterial(key_file=copy / "k.key")) as ws:
        report = extraction.extract_workspace(ws)
        assert report.documents == 21 and not report.failed
        return stored(ws)
