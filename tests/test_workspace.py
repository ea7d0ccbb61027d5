from __future__ import annotations

from pathlib import Path

import pytest

from testimonia.crypto import envelope
from testimonia.crypto.keys import KeyMaterial
from testimonia.errors import InvalidValue, WorkspaceExists, WorkspaceLocked, WorkspaceNotFound
from testimonia.service import doccrypt
from testimonia.service.workspace import Workspace
from testimonia.store import logs, records
from testimonia.store.schema import custody_events


def test_init_lays_out_the_workspace(ws: Workspace) -> None:
    names = sorted(p.name for p in ws.paths.root.iterdir())
    database = set() if ws.config["database_url"] else {"testimonia.db"}  # else on the server
    assert {"testimonia.toml", "keyring.json", "originals", "tmp", "custody.head"} | database <= set(names)
    with ws.engine.connect() as conn:
        assert [o.name for o in records.list_organizations(conn)] == ["Sahel Desk"]
        assert [e.action for e in logs.iter_entries(conn, custody_events)] == ["workspace_created"]


@pytest.mark.sqlite_only("SQLite's PRAGMAs")
def test_database_is_wal_full_sync_with_foreign_keys(ws: Workspace) -> None:
    with ws.engine.connect() as conn:
        pragma = lambda name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("synchronous") == 2  # FULL
        assert pragma("foreign_keys") == 1
        assert pragma("cipher_version")  # SQLCipher, not plain SQLite


@pytest.mark.sqlite_only("SQLCipher's file (tests/store/test_postgres.py: what a DBA reads)")
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


def test_passphrase_workspace_reopens(tmp_path: Path, me: KeyMaterial) -> None:
    material = KeyMaterial(passphrase="a long demo passphrase")
    Workspace.create(tmp_path / "ws", material, "Org", user_material=me).close()
    with Workspace.open(tmp_path / "ws", material, user_material=me) as reopened:
        assert reopened.keys.key_id and reopened.user.role.value == "admin"
    typed_elsewhere = KeyMaterial(passphrase=" a long demo passphrase\t")  # NFC, stray spaces
    with Workspace.open(tmp_path / "ws", typed_elsewhere, user_material=me) as reopened:
        assert reopened.keys.key_id


def test_passphrases_are_normalised_and_long_enough(tmp_path: Path, me: KeyMaterial) -> None:
    decomposed = KeyMaterial(passphrase="Se\u0301vare\u0301 container nights")  # e + combining accent
    Workspace.create(tmp_path / "ws", decomposed, "Org", user_material=me).close()
    composed = KeyMaterial(passphrase="Sévaré container nights ")
    with Workspace.open(tmp_path / "ws", composed, user_material=me) as reopened:
        assert reopened.keys.key_id
    with pytest.raises(InvalidValue, match="at least 12 characters"):
        Workspace.create(tmp_path / "short", KeyMaterial(passphrase="x"), "Org", user_material=me)
    assert not (tmp_path / "short").exists()


def test_a_random_key_file_is_one_clear_error(tmp_path: Path, me: KeyMaterial) -> None:
    garbage = tmp_path / "random.key"
    garbage.write_bytes(bytes(range(256)))
    with pytest.raises(WorkspaceLocked, match="is not a Testimonia key file"):
        Workspace.create(tmp_path / "ws", KeyMaterial(key_file=garbage), "Org", user_material=me)


def test_the_user_credential_must_not_be_the_workspace_key(tmp_path: Path, material: KeyMaterial) -> None:
    with pytest.raises(InvalidValue, match="must differ from the workspace key"):
        Workspace.create(tmp_path / "ws", material, "Org", user_material=material)


def test_missing_workspace_is_named(tmp_path: Path, material: KeyMaterial) -> None:
    with pytest.raises(WorkspaceNotFound, match="No Testimonia workspace at"):
        Workspace.open(tmp_path / "nowhere", material)


def test_original_store_is_content_addressed_and_sealed(ws: Workspace) -> None:
    doc_id = "ab" * 32
    data_key = envelope.new_data_key()
    with ws.transaction():
        ws.originals.put(doc_id, doccrypt.seal_original(data_key, doc_id, b"original bytes"))
    path = ws.original_path(doc_id)
    assert doc_id not in str(path)  # the name does not reveal the content hash
    assert b"original bytes" not in path.read_bytes()
    assert ws.read_original(doc_id, data_key) == b"original bytes"
    assert b"original bytes" not in ws.read_original(doc_id, None)  # the organisation layer


def test_a_leftover_original_under_another_key_is_replaced(ws: Workspace) -> None:
    """Finding 2: a killed run left an original sealed with its own data key and no row;
    the next ingest of the same bytes replaces it, so the original opens with the key
    that was committed."""
    doc_id = "cd" * 32
    dead_key, live_key = envelope.new_data_key(), envelope.new_data_key()
    with ws.transaction():
        ws.originals.put(doc_id, doccrypt.seal_original(dead_key, doc_id, b"bytes"))
    with ws.transaction():
        ws.originals.put(doc_id, doccrypt.seal_original(live_key, doc_id, b"bytes"))
    assert ws.read_original(doc_id, live_key) == b"bytes"


def test_garbage_collection_removes_only_unreferenced_originals(ws: Workspace, testimony_dir: Path) -> None:
    from testimonia.service.ingest import IngestOptions, collect_garbage, ingest_paths
    ingest_paths(ws, [testimony_dir], IngestOptions())
    orphan = "ef" * 32
    with ws.transaction():
        ws.originals.put(orphan, b"sealed by a run that was killed before its commit")
    kept = sorted(p.name for p in ws.paths.originals.rglob("*.sealed") if p != ws.original_path(orphan))
    assert collect_garbage(ws) == 1
    assert sorted(p.name for p in ws.paths.originals.rglob("*.sealed")) == kept and len(kept) == 3
