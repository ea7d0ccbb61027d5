from __future__ import annotations

from pathlib import Path

import pytest

from testimonia.errors import InvalidValue, WorkspaceExists, WorkspaceLocked, WorkspaceNotFound
from testimonia.protect import envelope
from testimonia.protect.keys import KeyMaterial
from testimonia.store import logs, records
from testimonia.store.schema import custody_events
from testimonia.workspace import Workspace


def test_init_lays_out_the_workspace(ws: Workspace) -> None:
    names = sorted(p.name for p in ws.paths.root.iterdir())
    assert {"testimonia.toml", "keyring.json", "testimonia.db", "originals", "tmp",
            "custody.head"} <= set(names)
    with ws.engine.connect() as conn:
        assert [o.name for o in records.list_organizations(conn)] == ["Sahel Desk"]
        assert [e.action for e in logs.iter_entries(conn, custody_events)] == ["workspace_created"]


def test_database_is_wal_full_sync_with_foreign_keys(ws: Workspace) -> None:
    with ws.engine.connect() as conn:
        pragma = lambda name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("synchronous") == 2  # FULL
        assert pragma("foreign_keys") == 1
        assert pragma("cipher_version")  # SQLCipher, not plain SQLite


def test_database_file_is_encrypted(ws: Workspace) -> None:
    assert not ws.paths.database.read_bytes().startswith(b"SQLite format 3")


def test_init_refuses_an_existing_workspace(ws: Workspace, material: KeyMaterial) -> None:
    with pytest.raises(WorkspaceExists, match="already a Testimonia workspace"):
        Workspace.create(ws.paths.root, material, "Other")


def test_init_refuses_a_non_empty_folder(tmp_path: Path, material: KeyMaterial) -> None:
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "notes.txt").write_text("mine")
    with pytest.raises(WorkspaceExists, match="not an empty folder"):
        Workspace.create(tmp_path / "folder", material, "Org")
    assert [p.name for p in (tmp_path / "folder").iterdir()] == ["notes.txt"]


def test_key_file_inside_the_workspace_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    with pytest.raises(InvalidValue, match="inside the workspace"):
        Workspace.create(root, KeyMaterial(key_file=root / "k.key"), "Org")
    assert not root.exists()


def test_wrong_key_opens_nothing_and_changes_nothing(ws: Workspace, tmp_path: Path) -> None:
    ws.close()
    before = {p: p.read_bytes() for p in ws.paths.root.rglob("*") if p.is_file()}
    with pytest.raises(WorkspaceLocked, match="Cannot unlock"):
        Workspace.open(ws.paths.root, KeyMaterial(passphrase="guess"))
    after = {p: p.read_bytes() for p in ws.paths.root.rglob("*") if p.is_file()}
    assert after == before


def test_passphrase_workspace_reopens(tmp_path: Path) -> None:
    material = KeyMaterial(passphrase="a long demo passphrase")
    Workspace.create(tmp_path / "ws", material, "Org").close()
    with Workspace.open(tmp_path / "ws", material) as reopened:
        assert reopened.keys.key_id


def test_missing_workspace_is_named(tmp_path: Path, material: KeyMaterial) -> None:
    with pytest.raises(WorkspaceNotFound, match="No Testimonia workspace at"):
        Workspace.open(tmp_path / "nowhere", material)


def test_original_store_is_content_addressed_and_sealed(ws: Workspace) -> None:
    doc_id = "ab" * 32
    data_key = envelope.new_data_key()
    assert ws.store_original(doc_id, b"original bytes", data_key) is True
    assert ws.store_original(doc_id, b"original bytes", data_key) is False
    path = ws.original_path(doc_id)
    assert doc_id not in str(path)  # the name does not reveal the content hash
    assert b"original bytes" not in path.read_bytes()
    assert ws.read_original(doc_id, data_key) == b"original bytes"
    assert b"original bytes" not in ws.read_original(doc_id, None)  # the organisation layer
