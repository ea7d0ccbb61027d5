"""The sample investigation built once for the export tests, and a private copy per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.pgserver import copy_workspaces

from testimonia.crypto.keys import KeyMaterial
from testimonia.model import Identity
from testimonia.service.vault import set_identity
from testimonia.service.workspace import Workspace

WANGRIN = Identity(name="Amadou Exemple", aliases=["Amadou Ex."], contacts=["+223 70 00 00 01"],
                   home="Dogofry")


@pytest.fixture(scope="package")
def built(tmp_path_factory: pytest.TempPathFactory, sample_workspace: Any,
          sample_user: Any) -> tuple[Path, Path]:
    """The reviewed sample investigation, with a vault identity for Wangrin."""
    root, key = sample_workspace(tmp_path_factory.mktemp("export"))
    with Workspace.open(root, KeyMaterial(key_file=key), user_material=sample_user(key)) as ws:
        set_identity(ws, "Wangrin", WANGRIN)
    return root, key


@pytest.fixture
def sample(built: tuple[Path, Path], tmp_path: Path, sample_user: Any) -> Iterator[Workspace]:
    """A private copy of the built sample, so that a test may change it."""
    root, key = built
    copy = tmp_path / "ws"
    copy_workspaces(root, copy)
    with Workspace.open(copy, KeyMaterial(key_file=key), user_material=sample_user(key)) as ws:
        yield ws
