"""Small named fixtures shared by the whole suite.

The same tests run on both stores. By default every workspace a test makes is the
embedded SQLite one; with TESTIMONIA_TEST_DATABASE=postgresql, each is made in a fresh
database of a private PostgreSQL cluster that the session starts (.ci/pg-cluster, in a
temporary folder, on a unix socket) and stops; TESTIMONIA_TEST_DATABASE=postgresql://…
(an admin URL, e.g. .../postgres) uses a server already running instead. A database is
dropped when the test that made it ends (a session fixture's, when the session ends).
Tests that are about the SQLite file itself are marked `sqlite_only` and skipped there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tests.pgserver import SERVER, TEST_DATABASE, PgServer

from testimonia.config import load_config
from testimonia.crypto.keys import KeyMaterial, write_key_file
from testimonia.service.workspace import Workspace


@pytest.fixture
def pg_server() -> PgServer:
    """The test server, for tests of PostgreSQL itself (skipped on SQLite)."""
    if SERVER is None:
        pytest.skip("PostgreSQL only: run with TESTIMONIA_TEST_DATABASE=postgresql")
    return SERVER


@pytest.fixture(autouse=True)
def _drop_test_databases() -> Iterator[None]:
    """The databases a test made are dropped when it ends (not those of wider fixtures,
    which were made before it started)."""
    keep = len(SERVER.made) if SERVER is not None else 0
    yield
    if SERVER is not None:
        SERVER.drop(keep)


def pytest_sessionfinish(session: pytest.Session) -> None:
    if SERVER is not None:
        SERVER.stop()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if SERVER is None:
        return
    for item in items:
        marker = item.get_closest_marker("sqlite_only")
        if marker is not None:
            reason = marker.args[0] if marker.args else "about the SQLite file itself"
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {reason}"))


def pytest_report_header(config: pytest.Config) -> str:
    return f"testimonia store: {'PostgreSQL (' + TEST_DATABASE + ')' if SERVER else 'SQLite'}"


def user_key_path(ws_root: Path, name: str) -> Path:
    """Where the tests keep a user's own key file: beside the workspace, never in it."""
    return ws_root.parent / "users" / f"{name}.key"


def user_material(ws_root: Path, name: str | None = None) -> KeyMaterial:
    """The credential of `name` (default: the default actor, the workspace's creator)."""
    return KeyMaterial(key_file=user_key_path(ws_root, name or str(load_config(None)["actor"])))


def create_workspace(ws_root: Path, material: KeyMaterial, org: str) -> Workspace:
    """A new workspace whose creator (the default actor) has a key file of their own."""
    path = user_key_path(ws_root, str(load_config(None)["actor"]))
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        write_key_file(path)
    return Workspace.create(ws_root, material, org, user_material=user_material(ws_root))


def open_as(ws_root: Path, material: KeyMaterial, actor: str | None = None) -> Workspace:
    """The workspace opened by `actor` (default: its creator) with their own credential."""
    return Workspace.open(ws_root, material, flags={"actor": actor} if actor else None,
                          user_material=user_material(ws_root, actor))


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
    with create_workspace(ws_root, material, "Sahel Desk") as workspace:
        yield workspace


@pytest.fixture
def me(ws_root: Path) -> KeyMaterial:
    """The default actor's own credential (a key file beside the workspace)."""
    path = user_key_path(ws_root, str(load_config(None)["actor"]))
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        write_key_file(path)
    return KeyMaterial(key_file=path)


@pytest.fixture
def opener(ws_root: Path, material: KeyMaterial) -> Callable[..., Workspace]:
    """open_as for the test's workspace: opener("p-admin")."""
    return lambda actor=None, root=ws_root, key=material: open_as(root, key, actor)


@pytest.fixture
def user_key(ws_root: Path) -> Callable[[str], Path]:
    """Where a new user's key file is written (`add_user(..., key_file=user_key(name))`)."""
    return lambda name: user_key_path(ws_root, name)


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


@pytest.fixture(scope="session")
def sample_user() -> Callable[..., KeyMaterial]:
    """The credential of a user of a sample workspace built beside `key`:
    sample_user(key) for its creator, sample_user(key, "mdt-admin") for another."""
    return lambda key, actor=None: user_material(key.parent / "ws", actor)


PARTNERS = {"Maison des Témoins": "mdt-admin", "Kyiv Investigations Unit": "kiu-admin"}


def build_sample_workspace(root: Path, reviewed: bool = True, extract: bool = True) -> tuple[Path, Path]:
    """The sample investigation as `make demo` builds it: each organisation imports its
    sources and ingests its files, the partners share everything with Sahel Desk, whose
    admin extracts (unless `extract` is False) and — unless `reviewed` is False — accepts
    every claim as extracted (so that the analysis counts them all); (workspace, key file)."""
    from testimonia.ingest.files import load_source_map
    from testimonia.service.extraction import extract_workspace
    from testimonia.service.ingest import IngestOptions, ingest_paths
    from testimonia.service.review import decide, review_queue
    from testimonia.service.sharing import share
    from testimonia.service.sources import import_sources
    from testimonia.service.users import add_organization

    write_key_file(root / "k.key")
    material = KeyMaterial(key_file=root / "k.key")
    options = IngestOptions(source_map=load_source_map(SAMPLE / "sources.yaml"))
    with create_workspace(root / "ws", material, "Sahel Desk") as ws:
        for org, admin in PARTNERS.items():
            add_organization(ws, org, admin, key_file=user_key_path(root / "ws", admin))
        everyone = (ws.actor, *PARTNERS.values())
    for name in everyone:  # all sources first, so that each file finds its source's organisation
        with open_as(root / "ws", material, name) as acting:
            import_sources(acting, SAMPLE / "sources.yaml")
    for name in everyone:
        with open_as(root / "ws", material, name) as acting:
            ingest_paths(acting, [SAMPLE / "testimonies"], options)
    for admin in PARTNERS.values():
        with open_as(root / "ws", material, admin) as partner:
            share(partner, "all", "", "Sahel Desk")
    if not extract:
        return root / "ws", root / "k.key"
    with open_as(root / "ws", material) as ws:
        extract_workspace(ws)
        if reviewed:
            decide(ws, [c.id for c in review_queue(ws)], "accepted", "sample: accepted as extracted")
    return root / "ws", root / "k.key"
