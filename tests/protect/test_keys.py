from __future__ import annotations

import json
from pathlib import Path

import pytest

from testimonia.crypto.keys import KeyMaterial, create_keyring, read_key_file, unlock_keyring, write_key_file
from testimonia.errors import InvalidValue, WorkspaceLocked


def test_key_file_is_private_and_never_overwritten(key_file: Path) -> None:
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert len(read_key_file(key_file)) == 32
    with pytest.raises(InvalidValue, match="already exists"):
        write_key_file(key_file)


def test_passphrase_and_key_file_open_the_same_key(tmp_path: Path, key_file: Path) -> None:
    ring = tmp_path / "keyring.json"
    keys = create_keyring(ring, KeyMaterial(passphrase="correct horse battery", key_file=key_file))
    assert unlock_keyring(ring, KeyMaterial(passphrase="correct horse battery")).data_key == keys.data_key
    assert unlock_keyring(ring, KeyMaterial(key_file=key_file)).data_key == keys.data_key


def test_keyring_holds_no_key_in_clear(tmp_path: Path, key_file: Path) -> None:
    ring = tmp_path / "keyring.json"
    keys = create_keyring(ring, KeyMaterial(key_file=key_file))
    raw = ring.read_bytes()
    assert keys.data_key not in raw and keys.data_key.hex().encode() not in raw
    assert json.loads(raw)["slots"][0]["type"] == "key_file"


def test_wrong_passphrase_is_one_clear_error(tmp_path: Path) -> None:
    ring = tmp_path / "keyring.json"
    create_keyring(ring, KeyMaterial(passphrase="the right passphrase"))
    with pytest.raises(WorkspaceLocked, match="Cannot unlock the workspace with the passphrase"):
        unlock_keyring(ring, KeyMaterial(passphrase="the wrong passphrase"))


def test_other_key_file_is_refused(tmp_path: Path, key_file: Path) -> None:
    ring = tmp_path / "keyring.json"
    create_keyring(ring, KeyMaterial(key_file=key_file))
    other = tmp_path / "other.key"
    write_key_file(other)
    with pytest.raises(WorkspaceLocked, match="it opens with: key_file"):
        unlock_keyring(ring, KeyMaterial(key_file=other))


def test_damaged_key_file_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "bad.key"
    bad.write_text("hello\n")
    with pytest.raises(WorkspaceLocked, match="not a Testimonia key file"):
        read_key_file(bad)


def test_new_keyring_needs_material(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceLocked, match="needs a passphrase or a key file"):
        create_keyring(tmp_path / "keyring.json", KeyMaterial())
