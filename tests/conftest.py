"""Small named fixtures shared by the whole suite."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from testimonia.protect.keys import KeyMaterial, write_key_file
from testimonia.workspace import Workspace


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    """A key file kept outside any workspace (a fast unlock for tests)."""
    path = tmp_path / "keys" / "investigation.key"
    path.parent.mkdir()
    write_key_file(path)
    return path


@pytest.fixture
def material(key_file: Path) -> KeyMaterial:
    return KeyMaterial(key_file=key_file)


@pytest.fixture
def ws_root(tmp_path: Path) -> Path:
    return tmp_path / "investigation"


@pytest.fixture
def ws(ws_root: Path, material: KeyMaterial) -> Iterator[Workspace]:
    with Workspace.create(ws_root, material, "Sahel Desk") as workspace:
        yield workspace


@pytest.fixture
def testimony_dir(tmp_path: Path) -> Path:
    """Three small testimonies: English and French with front matter, Ukrainian without."""
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "wangrin.md").write_text(
        "---\nsource: Wangrin\nsource_kind: survivor\nlanguage: fr\ninterview_date: 2024-03\n---\n"
        "Ils m'ont arrêté à Nampala en mars 2023 et m'ont enfermé dans un conteneur à Sévaré.\n",
        encoding="utf-8")
    (folder / "kadi.md").write_text(
        "---\nsource: Kadi\nsource_kind: witness\n---\n"
        "I saw soldiers take three men from the market in Sévaré to the camp.\n", encoding="utf-8")
    (folder / "note.txt").write_text(
        "Мене тримали в підвалі в Херсоні понад тиждень, потім вивезли до Таганрога.\n",
        encoding="utf-8")
    return folder


SAMPLE = Path(__file__).parents[1] / "examples" / "sample-investigation"


@pytest.fixture(scope="session")
def sample_workspace() -> Callable[[Path], tuple[Path, Path]]:
    """A builder: the sample investigation in a new workspace under a folder."""
    return build_sample_workspace


PARTNERS = {"Maison des Témoins": "mdt-admin", "Kyiv Investigations Unit": "kiu-admin"}


def build_sample_workspace(root: Path) -> tuple[Path, Path]:
    """The sample investigation as `make demo` builds it: each organisation imports its
    sources and ingests its files, the partners share everything with Sahel Desk, whose
    admin extracts; (workspace, key file)."""
    from testimonia.access import add_organization, share
    from testimonia.extract.run import extract_workspace
    from testimonia.ingest.run import IngestOptions, ingest_paths, load_source_map
    from testimonia.sources import import_sources

    write_key_file(root / "k.key")
    material = KeyMaterial(key_file=root / "k.key")
    options = IngestOptions(source_map=load_source_map(SAMPLE / "sources.yaml"))
    with Workspace.create(root / "ws", material, "Sahel Desk") as ws:
        for org, admin in PARTNERS.items():
            add_organization(ws, org, admin=admin)
        everyone = (ws.actor, *PARTNERS.values())
    for name in everyone:  # all sources first, so that each file finds its source's organisation
        with Workspace.open(root / "ws", material, flags={"actor": name}) as acting:
            import_sources(acting, SAMPLE / "sources.yaml")
    for name in everyone:
        with Workspace.open(root / "ws", material, flags={"actor": name}) as acting:
            ingest_paths(acting, [SAMPLE / "testimonies"], options)
    for admin in PARTNERS.values():
        with Workspace.open(root / "ws", material, flags={"actor": admin}) as partner:
            share(partner, "all", "", "Sahel Desk")
    with Workspace.open(root / "ws", material) as ws:
        extract_workspace(ws)
    return root / "ws", root / "k.key"
