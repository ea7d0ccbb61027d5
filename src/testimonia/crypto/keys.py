"""The workspace keyring: one random data key, wrapped by a passphrase or a key file.

The data key never touches the disk in clear. `keyring.json` holds only wrapped
copies ("slots"), like a LUKS header: a passphrase slot (Argon2id) and/or a key-file
slot (HKDF over the file's 32 random bytes). The passphrase and the key file stay
outside the workspace. Sub-keys for the database, the sealed files and file names are
derived from the data key with HKDF, one per purpose. After `keys rotate` the earlier
data key stays in the keyring, as "retired", until no sealed file uses it.

The same slots wrap each organisation's private key (protect/orgkeys.py).
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from testimonia.errors import InvalidValue, WorkspaceLocked
from testimonia.fsutil import atomic_write

__all__ = ["ARGON2_MEMORY_KIB", "ARGON2_PARALLELISM", "ARGON2_TIME_COST", "KEYRING_FORMAT",
           "KEY_BYTES", "KEY_FILE_FORMAT", "KeyMaterial", "MIN_PASSPHRASE", "WorkspaceKeys",
           "check_new_passphrase", "create_keyring", "is_empty", "key_material_from_env",
           "new_key_id", "normalize_passphrase", "org_key_material_from_env", "parse_key_file",
           "read_key_file",
           "require_material", "slot_kinds", "unlock_keyring", "unwrap_secret",
           "user_key_material_from_env", "wrap_secret", "write_key_file", "write_keyring"]

KEYRING_FORMAT = "testimonia-keyring/1"
KEY_FILE_FORMAT = "testimonia-key/1"
KEY_BYTES = 32
# Argon2id, OWASP's second recommended profile; about 0.3 s on a laptop core.
ARGON2_TIME_COST = 3
ARGON2_MEMORY_KIB = 64 * 1024
ARGON2_PARALLELISM = 2


@dataclass(frozen=True)
class KeyMaterial:
    """What the user holds to unlock a workspace: a passphrase, a key file, or both."""

    passphrase: str | None = None
    key_file: Path | None = None
    # The content of a key file held in memory only (given in the browser, web/), for
    # unlocking; never written anywhere.
    key: bytes | None = field(default=None, repr=False)

    def describe(self) -> str:
        parts = ["passphrase"] if self.passphrase is not None else []
        parts += [f"key file {self.key_file}"] if self.key_file is not None else []
        parts += ["key file given in the browser"] if self.key is not None else []
        return " and ".join(parts) or "no key"


@dataclass(frozen=True)
class WorkspaceKeys:
    """The unlocked data key and the sub-keys derived from it."""

    key_id: str
    data_key: bytes
    retired: tuple[WorkspaceKeys, ...] = ()  # earlier keys, kept until nothing uses them

    def by_id(self, key_id: str) -> WorkspaceKeys | None:
        return next((k for k in (self, *self.retired) if k.key_id == key_id), None)

    def derive(self, purpose: str) -> bytes:
        hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None,
                    info=f"testimonia/{purpose}".encode())
        return hkdf.derive(self.data_key)

    @property
    def database_key(self) -> bytes:
        return self.derive("database")

    @property
    def file_key(self) -> bytes:
        return self.derive("files")

    @property
    def name_key(self) -> bytes:
        return self.derive("names")


def write_key_file(path: Path) -> None:
    """Create a new key file (32 random bytes, base64) readable by its owner only."""
    if path.exists():
        raise InvalidValue(f"Key file {path} already exists.", fix="Choose another path; "
                           "Testimonia never overwrites a key.")
    body = f"{KEY_FILE_FORMAT}\n{base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()}\n"
    atomic_write(path, body.encode(), mode=0o600)


def read_key_file(path: Path) -> bytes:
    try:
        raw_text = path.read_bytes()
    except OSError as exc:
        raise WorkspaceLocked(f"Cannot read key file {path}: {exc.strerror or exc}.",
                              fix="Check the path in TESTIMONIA_KEY_FILE (or TESTIMONIA_USER_KEY_FILE).") from exc
    return parse_key_file(raw_text, str(path))


def parse_key_file(content: bytes, name: str) -> bytes:
    """The 32 random bytes of a key file's content (`name` says where it came from)."""
    try:
        lines = content.decode("ascii").split()
    except UnicodeDecodeError:
        raise WorkspaceLocked(f"{name} is not a Testimonia key file (it holds binary data).",
                              fix="Point to the key file made by `testimonia keygen PATH`.") from None
    if len(lines) != 2 or lines[0] != KEY_FILE_FORMAT:
        raise WorkspaceLocked(f"{name} is not a Testimonia key file.",
                              fix="Create one with `testimonia keygen PATH`.")
    try:
        raw = base64.b64decode(lines[1], validate=True)
    except ValueError as exc:
        raise WorkspaceLocked(f"Key file {name} is damaged (bad base64).") from exc
    if len(raw) != KEY_BYTES:
        raise WorkspaceLocked(f"Key file {name} is damaged (wrong length).")
    return raw


def create_keyring(path: Path, material: KeyMaterial) -> WorkspaceKeys:
    """Make a fresh data key, wrap it for each piece of key material, write keyring.json."""
    require_material(material, "A new workspace needs a passphrase or a key file.")
    check_new_passphrase(material)
    keys = WorkspaceKeys(key_id=new_key_id(), data_key=secrets.token_bytes(KEY_BYTES))
    write_keyring(path, keys, material)
    return keys


def write_keyring(path: Path, keys: WorkspaceKeys, material: KeyMaterial,
                  retired: list[WorkspaceKeys] | None = None) -> None:
    """keyring.json with `keys` current and `retired` keys kept until nothing uses them,
    each wrapped for every piece of `material`."""
    document = {"format": KEYRING_FORMAT, "key_id": keys.key_id,
                "slots": wrap_secret(keys.data_key, material, _prefix(keys.key_id)),
                "retired": [{"key_id": old.key_id,
                             "slots": wrap_secret(old.data_key, material, _prefix(old.key_id))}
                            for old in retired or []]}
    atomic_write(path, json.dumps(document, indent=2).encode(), mode=0o600)


def unlock_keyring(path: Path, material: KeyMaterial) -> WorkspaceKeys:
    """Unwrap the data key (and any retired one) with whatever material is given; one
    clear error otherwise."""
    document = _load(path)
    require_material(material, "No passphrase or key file was given to unlock the workspace.")
    key_id = str(document["key_id"])
    data_key = unwrap_secret(document["slots"], material, _prefix(key_id))
    if data_key is None:
        kinds = ", ".join(slot_kinds(document["slots"]))
        raise WorkspaceLocked(
            f"Cannot unlock the workspace with the {material.describe()} given "
            f"(it opens with: {kinds}).",
            fix="Check TESTIMONIA_PASSPHRASE or TESTIMONIA_KEY_FILE; nothing was changed.")
    retired = []
    for old in document.get("retired", []):
        old_key = unwrap_secret(old["slots"], material, _prefix(str(old["key_id"])))
        if old_key is None:
            raise WorkspaceLocked(f"The retired workspace key {old['key_id']} does not open with "
                                  f"the {material.describe()} given.",
                                  fix="Use the key material the workspace was rotated with.")
        retired.append(WorkspaceKeys(key_id=str(old["key_id"]), data_key=old_key))
    return WorkspaceKeys(key_id=key_id, data_key=data_key, retired=tuple(retired))


MIN_PASSPHRASE = 12


def check_new_passphrase(material: KeyMaterial) -> None:
    """A new passphrase has at least MIN_PASSPHRASE characters once normalised."""
    if material.passphrase is not None and len(normalize_passphrase(material.passphrase)) < MIN_PASSPHRASE:
        raise InvalidValue(f"A passphrase needs at least {MIN_PASSPHRASE} characters.",
                           fix="Choose a longer one (several words are easy to remember), or use "
                           "a key file made by `testimonia keygen PATH`.")


def normalize_passphrase(passphrase: str) -> str:
    """The same passphrase typed on another keyboard or with a stray space opens the same
    slots: Unicode NFC, surrounding whitespace removed."""
    return unicodedata.normalize("NFC", passphrase).strip()


def require_material(material: KeyMaterial, message: str) -> None:
    if is_empty(material):
        raise WorkspaceLocked(message, fix="Set TESTIMONIA_PASSPHRASE or TESTIMONIA_KEY_FILE.")


def new_key_id() -> str:
    return secrets.token_hex(8)


# Slots: one secret wrapped once per piece of key material, like a LUKS header.

def wrap_secret(secret: bytes, material: KeyMaterial, prefix: str) -> list[dict[str, Any]]:
    """Slots holding `secret`, one per piece of `material`; `prefix` binds them to their
    owner (a key id) as associated data."""
    return [_wrap(secret, kind, salt, kek, prefix) for kind, salt, kek in _keks_for_new(material)]


def unwrap_secret(slots: list[dict[str, Any]], material: KeyMaterial, prefix: str) -> bytes | None:
    """The secret from the first slot `material` opens; None when none opens."""
    for slot in slots:
        for kek in _keks_for_slot(slot, material):
            try:
                return AESGCM(kek).decrypt(_b64(slot["nonce"]), _b64(slot["wrapped"]),
                                           _slot_aad(prefix, slot["type"]))
            except InvalidTag:
                continue
    return None


def slot_kinds(slots: list[dict[str, Any]]) -> list[str]:
    return sorted({str(s["type"]) for s in slots})


def _keks_for_new(material: KeyMaterial) -> list[tuple[str, bytes, bytes]]:
    out = []
    if material.passphrase is not None:
        salt = secrets.token_bytes(16)
        out.append(("passphrase", salt, _argon2(normalize_passphrase(material.passphrase), salt)))
    if material.key_file is not None:
        salt = secrets.token_bytes(16)
        out.append(("key_file", salt, _hkdf_key_file(read_key_file(material.key_file), salt)))
    return out


def _keks_for_slot(slot: dict[str, Any], material: KeyMaterial) -> Iterator[bytes]:
    """The key-encryption keys to try on a slot: for a passphrase, its normalised form,
    then (slots written before normalisation) the passphrase exactly as typed."""
    salt = _b64(slot["salt"])
    if slot["type"] == "passphrase" and material.passphrase is not None:
        normal = normalize_passphrase(material.passphrase)
        yield _argon2(normal, salt, slot)
        if normal != material.passphrase:
            yield _argon2(material.passphrase, salt, slot)
    if slot["type"] == "key_file" and material.key_file is not None:
        yield _hkdf_key_file(read_key_file(material.key_file), salt)
    if slot["type"] == "key_file" and material.key is not None:
        yield _hkdf_key_file(material.key, salt)


def _wrap(secret: bytes, kind: str, salt: bytes, kek: bytes, prefix: str) -> dict[str, Any]:
    nonce = secrets.token_bytes(12)
    wrapped = AESGCM(kek).encrypt(nonce, secret, _slot_aad(prefix, kind))
    slot: dict[str, Any] = {"type": kind, "salt": _text(salt), "nonce": _text(nonce),
                            "wrapped": _text(wrapped)}
    if kind == "passphrase":
        slot.update(kdf="argon2id", time_cost=ARGON2_TIME_COST,
                    memory_kib=ARGON2_MEMORY_KIB, parallelism=ARGON2_PARALLELISM)
    return slot


def _argon2(passphrase: str, salt: bytes, params: dict[str, Any] | None = None) -> bytes:
    p = params or {}
    return hash_secret_raw(
        passphrase.encode("utf-8"), salt,
        time_cost=int(p.get("time_cost", ARGON2_TIME_COST)),
        memory_cost=int(p.get("memory_kib", ARGON2_MEMORY_KIB)),
        parallelism=int(p.get("parallelism", ARGON2_PARALLELISM)),
        hash_len=KEY_BYTES, type=Type.ID)


def _hkdf_key_file(raw: bytes, salt: bytes) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt,
                info=b"testimonia/key-file")
    return hkdf.derive(raw)


def _prefix(key_id: str) -> str:
    return f"{KEYRING_FORMAT}|{key_id}"


def _slot_aad(prefix: str, kind: str) -> bytes:
    return f"{prefix}|{kind}".encode()


def _load(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_bytes())
    except FileNotFoundError as exc:
        raise WorkspaceLocked(f"The workspace keyring {path} is missing.",
                              fix="Restore it from a backup; without it the data cannot "
                              "be decrypted.") from exc
    except (OSError, ValueError) as exc:
        raise WorkspaceLocked(f"The workspace keyring {path} is unreadable: {exc}.") from exc
    if not isinstance(document, dict) or document.get("format") != KEYRING_FORMAT:
        raise WorkspaceLocked(f"{path} is not a Testimonia keyring ({KEYRING_FORMAT}).")
    return document


def _b64(value: Any) -> bytes:
    return base64.b64decode(str(value))


def _text(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def key_material_from_env(environ: dict[str, str] | None = None) -> KeyMaterial:
    """Key material named by TESTIMONIA_PASSPHRASE / TESTIMONIA_KEY_FILE (either may be unset)."""
    env = os.environ if environ is None else environ
    key_file = env.get("TESTIMONIA_KEY_FILE") or None
    return KeyMaterial(passphrase=env.get("TESTIMONIA_PASSPHRASE") or None,
                       key_file=Path(key_file).expanduser() if key_file else None)


def user_key_material_from_env(environ: dict[str, str] | None = None) -> KeyMaterial:
    """The acting user's own credential: TESTIMONIA_USER_PASSPHRASE / TESTIMONIA_USER_KEY_FILE."""
    env = os.environ if environ is None else environ
    return key_material_from_env({"TESTIMONIA_PASSPHRASE": env.get("TESTIMONIA_USER_PASSPHRASE", ""),
                                  "TESTIMONIA_KEY_FILE": env.get("TESTIMONIA_USER_KEY_FILE", "")})


def org_key_material_from_env(environ: dict[str, str] | None = None) -> KeyMaterial:
    """Key material named by TESTIMONIA_ORG_PASSPHRASE / TESTIMONIA_ORG_KEY_FILE."""
    env = os.environ if environ is None else environ
    return key_material_from_env({"TESTIMONIA_PASSPHRASE": env.get("TESTIMONIA_ORG_PASSPHRASE", ""),
                                  "TESTIMONIA_KEY_FILE": env.get("TESTIMONIA_ORG_KEY_FILE", "")})


def is_empty(material: KeyMaterial) -> bool:
    return material.passphrase is None and material.key_file is None and material.key is None
