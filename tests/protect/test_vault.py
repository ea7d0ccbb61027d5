"""The identity vault: readable by its organisation's admins only, every read and write
audited without values, and any flipped byte, key id or moved record detected."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from testimonia.crypto.keys import KeyMaterial
from testimonia.errors import IntegrityError, NotFound, PermissionDenied
from testimonia.model import Identity
from testimonia.service.audit import read_audit
from testimonia.service.sharing import share
from testimonia.service.sources import add_source
from testimonia.service.users import add_user
from testimonia.service.vault import identities, list_entries, set_identity, show_identity
from testimonia.service.workspace import Workspace

OLENA = Identity(name="Olena Vigadana-Prykladenko", aliases=["Олена Вигадана"],
                 contacts=["+380 67 000 11 22", "olena@example.org"], home="Izium", notes="teacher")


@pytest.fixture
def vaulted(ws: Workspace) -> Workspace:
    add_source(ws, "Olena", "survivor")
    add_source(ws, "Petro", "witness")
    set_identity(ws, "Olena", OLENA)
    set_identity(ws, "Petro", Identity(name="Petro Vigadanyi"))
    return ws


def _as(ws: Workspace, material: KeyMaterial, actor: str) -> Workspace:
    return Workspace.open(ws.paths.root, material, flags={"actor": actor},
                          user_material=KeyMaterial(key_file=ws.paths.root.parent / "users" / f"{actor}.key"))


def _sql(ws: Workspace, statement: str, **params: object) -> None:
    with ws.engine.begin() as conn:
        conn.execute(text(statement), params)


def test_round_trip_and_listing(vaulted: Workspace) -> None:
    assert show_identity(vaulted, "Olena") == OLENA
    assert list_entries(vaulted) == ["Olena", "Petro"]
    assert set(identities(vaulted)) == {"Olena", "Petro"}


def test_reads_and_writes_are_audited_without_values(vaulted: Workspace) -> None:
    show_identity(vaulted, "olena")
    entries = read_audit(vaulted).entries
    assert [(e.action, e.subject) for e in entries if e.action.startswith("vault")] == [
        ("vault_set", "Olena"), ("vault_set", "Petro"), ("vault_read", "Olena")]
    assert entries[-1].details == {"purpose": "show"}
    dumped = re.sub(r"[0-9a-f]{16,}", "", repr([(e.subject, e.details) for e in entries]))  # key ids, keys, digests
    assert "Vigadan" not in dumped and "380" not in dumped and "Izium" not in dumped


def test_only_admins_read_and_analysts_write_blind(vaulted: Workspace, material: KeyMaterial) -> None:
    add_user(vaulted, "ana", "analyst", key_file=vaulted.paths.root.parent / "users" / "ana.key")
    with _as(vaulted, material, "ana") as analyst:
        set_identity(analyst, "Petro", Identity(name="Petro Inshyi"))  # writing needs no private key
        with pytest.raises(PermissionDenied, match="may not read identities from the vault"):
            show_identity(analyst, "Petro")
    assert show_identity(vaulted, "Petro").name == "Petro Inshyi"


def test_values_are_absent_from_the_decrypted_database(vaulted: Workspace) -> None:
    with vaulted.engine.connect() as conn:
        tables = inspect(conn).get_table_names()
        rows = [repr(r) for t in tables for r in conn.execute(text(f'SELECT * FROM "{t}"'))]
    assert rows and not any("Vigadan" in r or "olena@" in r or "Вигадана" in r for r in rows)


@pytest.mark.parametrize("column", ["ciphertext", "wrapped"])
def test_every_flipped_byte_is_detected(vaulted: Workspace, column: str) -> None:
    table = "vault_entries" if column == "ciphertext" else "record_keys"
    where = "source_id = 1" if column == "ciphertext" else "record LIKE 'vault|%|source:1'"
    with vaulted.engine.connect() as conn:
        original = bytes(conn.execute(text(f"SELECT {column} FROM {table} WHERE {where}")).scalar_one())
    positions = random.Random(7).sample(range(len(original)), min(40, len(original)))
    for position in positions:
        flipped = bytearray(original)
        flipped[position] ^= 0x01
        _sql(vaulted, f"UPDATE {table} SET {column} = :v WHERE {where}", v=bytes(flipped))
        with pytest.raises(IntegrityError):
            show_identity(vaulted, "Olena")
    _sql(vaulted, f"UPDATE {table} SET {column} = :v WHERE {where}", v=original)
    assert show_identity(vaulted, "Olena") == OLENA


def test_changed_key_id_is_detected(vaulted: Workspace) -> None:
    from testimonia.service.users import add_organization
    add_organization(vaulted, "Partner", "partner-admin",
                     key_file=vaulted.paths.root.parent / "users" / "partner-admin.key")
    _sql(vaulted, "UPDATE record_keys SET key_id = (SELECT key_id FROM organization_keys "
         "WHERE organization_id = 2) WHERE record LIKE 'vault|%|source:1'")
    with pytest.raises(IntegrityError, match="no data key is wrapped"):
        show_identity(vaulted, "Olena")


def test_an_entry_moved_to_another_source_does_not_open(vaulted: Workspace) -> None:
    _sql(vaulted, "UPDATE vault_entries SET ciphertext = (SELECT ciphertext FROM vault_entries "
         "WHERE source_id = 1) WHERE source_id = 2")
    with pytest.raises(IntegrityError, match="authentication failed"):
        show_identity(vaulted, "Petro")


def test_another_organisations_source_is_refused(vaulted: Workspace, material: KeyMaterial,
                                                 tmp_path: Path) -> None:
    from testimonia.service.users import add_organization
    add_organization(vaulted, "Partner", "p-admin", key_file=vaulted.paths.root.parent / "users" / "p-admin.key")
    with _as(vaulted, material, "p-admin") as partner:
        with pytest.raises(NotFound, match="No source 'Olena'"):  # unshared: not even named
            show_identity(partner, "Olena")
        with pytest.raises(NotFound, match="No source 'Olena'"):
            set_identity(partner, "Olena", Identity(name="Overwritten"))
    share(vaulted, "source", "Olena", "Partner")
    with _as(vaulted, material, "p-admin") as partner:
        with pytest.raises(PermissionDenied, match="belongs to Sahel Desk"):  # shared, vault not
            show_identity(partner, "Olena")
    assert show_identity(vaulted, "Olena") == OLENA
