"""`keys rotate`: after rotation nothing uses the retired key and everything opens
(target: 0 rows on the retired key, 100% decrypt); an interrupted rotation still opens
and is finished by the next one."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from testimonia.crypto.keys import KeyMaterial, WorkspaceKeys, unlock_keyring, write_keyring
from testimonia.crypto.sealed import key_id_of
from testimonia.errors import WorkspaceLocked
from testimonia.model import Identity
from testimonia.service.documents import list_documents, read_text
from testimonia.service.ingest import IngestOptions, ingest_paths
from testimonia.service.integrity import verify_workspace
from testimonia.service.rotation import key_status, rotate_organization, rotate_workspace
from testimonia.service.sources import add_source
from testimonia.service.vault import set_identity, show_identity
from testimonia.service.workspace import Workspace
from testimonia.store.engine import open_engine, rekey


@pytest.fixture
def filled(ws: Workspace, testimony_dir: Path) -> Workspace:
    ingest_paths(ws, [testimony_dir], IngestOptions())
    set_identity(ws, "Wangrin", Identity(name="Vigadanyi Imya"))
    return ws


def _texts(ws: Workspace) -> list[str]:
    return sorted(read_text(ws, d.id) for d in list_documents(ws))


def _sealed_key_ids(ws: Workspace) -> set[str]:
    files = [p for p in ws.paths.originals.rglob("*.sealed")]
    files += [ws.paths.head_of(n) for n in ("custody", "audit")]
    return {key_id_of(p.read_bytes()) for p in files}


def test_workspace_rotation_moves_everything(filled: Workspace, material: KeyMaterial,
                                             me: KeyMaterial) -> None:
    before, old = _texts(filled), filled.keys
    report = rotate_workspace(filled)
    assert report.finished and report.moved == 3 and report.old_key_ids == [old.key_id]
    assert _sealed_key_ids(filled) == {filled.keys.key_id} != {old.key_id}
    assert unlock_keyring(filled.paths.keyring, material).retired == ()
    assert _texts(filled) == before and verify_workspace(filled).ok
    with pytest.raises(WorkspaceLocked):  # the database no longer opens with the old key
        url = filled.config["database_url"]  # on PostgreSQL: no longer bound to the old key
        with open_engine(url, path=filled.paths.database, keys=[old.database_key]).connect() as conn:
            conn.execute(text("SELECT 1"))
    filled.close()
    with Workspace.open(filled.paths.root, material, user_material=me) as reopened:
        assert _texts(reopened) == before


def test_an_interrupted_rotation_opens_and_is_finished(filled: Workspace, material: KeyMaterial,
                                                      me: KeyMaterial) -> None:
    before, old = _texts(filled), filled.keys
    new = WorkspaceKeys("feedfacecafebeef", bytes(range(32)), retired=(old,))
    write_keyring(filled.paths.keyring, new, material, retired=[old])  # crash after this step
    filled.close()
    with Workspace.open(filled.paths.root, material, user_material=me) as half:  # database and files on the old key
        assert _texts(half) == before
        assert [k for k, state, _ in key_status(half)["workspace"]] == [new.key_id, old.key_id]
        rekey(half.engine, new.database_key)  # ... and after this one
    with Workspace.open(filled.paths.root, material, user_material=me) as resumed:
        assert _texts(resumed) == before
        report = rotate_workspace(resumed)
        assert report.new_key_id == new.key_id and report.moved == 3
        assert _sealed_key_ids(resumed) == {new.key_id} and verify_workspace(resumed).ok


def test_organisation_rotation_rewraps_every_data_key(filled: Workspace) -> None:
    with filled.engine.connect() as conn:
        old = conn.execute(text("SELECT key_id FROM organization_keys")).scalar_one()
    before = _texts(filled)
    report = rotate_organization(filled, "Sahel Desk")
    assert report.moved == 4  # three documents and one vault entry
    with filled.engine.connect() as conn:
        keys = conn.execute(text("SELECT key_id, state FROM organization_keys")).all()
        on_old = conn.execute(text("SELECT count(*) FROM record_keys WHERE key_id = :k"), {"k": old}).scalar_one()
    assert on_old == 0 and keys == [(report.new_key_id, "active")]
    assert _texts(filled) == before
    assert show_identity(filled, "Wangrin").name == "Vigadanyi Imya"


def test_organisation_rotation_grants_the_new_key_to_every_user(filled: Workspace, material: KeyMaterial,
                                                                me: KeyMaterial) -> None:
    from testimonia.service.users import add_user
    add_user(filled, "ana", "analyst", key_file=filled.paths.root.parent / "users" / "ana.key")
    rotate_organization(filled, "Sahel Desk")
    filled.close()
    ana = KeyMaterial(key_file=filled.paths.root.parent / "users" / "ana.key")
    with Workspace.open(filled.paths.root, material, flags={"actor": "ana"}, user_material=ana) as analyst:
        assert len(_texts(analyst)) == 3  # documents wrapped for the new key open for her
        add_source(analyst, "Later", "witness")
        set_identity(analyst, "Later", Identity(name="Vigadana Piznisha"))  # public key only
    with Workspace.open(filled.paths.root, material, user_material=me) as admin:
        assert show_identity(admin, "Later").name == "Vigadana Piznisha"
        assert verify_workspace(admin).ok
