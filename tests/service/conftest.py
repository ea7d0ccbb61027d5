"""Two fictional testimonies of the same beating at the Sévaré camp (pseudonyms only),
ingested and extracted: the workspace the review and stored-analysis tests start from."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from testimonia.service import extraction
from testimonia.service.ingest import IngestOptions, ingest_paths
from testimonia.service.workspace import Workspace

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
