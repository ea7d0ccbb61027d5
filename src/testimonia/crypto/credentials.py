"""Each user's own credential: a passphrase or key file that opens their personal keys.

A user holds one random 32-byte secret, wrapped in slots (protect/keys.py) by their
own passphrase and/or key file, never by the workspace key. From it two key pairs are
derived: an Ed25519 key that signs every log entry they write (custody, audit: role
grants, shares, vault writes, source changes, ingest), and an X25519 key for which
their organisation's private key is wrapped ("grants"). So whoever holds only the
workspace key can neither sign as a user nor open an organisation's keys.

The public halves are stored on the user's row and in the signed audit entry that
added the user; `verify` trusts only the latter (protect/trust.py).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from testimonia.crypto.keys import (
    KEY_BYTES,
    KeyMaterial,
    check_new_passphrase,
    new_key_id,
    read_key_file,
    unwrap_secret,
    wrap_secret,
)
from testimonia.errors import InvalidValue

__all__ = ["PublicKeys", "UserKeys", "new_user_keys", "same_secret", "unlock_user",
           "verify_signature"]


@dataclass(frozen=True)
class UserKeys:
    """A user's unlocked keys."""

    key_id: str
    secret: bytes

    def _derive(self, purpose: str) -> bytes:
        hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None,
                    info=f"testimonia/user|{self.key_id}|{purpose}".encode())
        return hkdf.derive(self.secret)

    @property
    def signing_private(self) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(self._derive("sign"))

    @property
    def box_private(self) -> bytes:
        return self._derive("box")

    @property
    def public(self) -> PublicKeys:
        box = X25519PrivateKey.from_private_bytes(self.box_private).public_key()
        return PublicKeys(self.key_id,
                          self.signing_private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw),
                          box.public_bytes(Encoding.Raw, PublicFormat.Raw))

    def sign(self, message: bytes) -> bytes:
        return self.signing_private.sign(message)


@dataclass(frozen=True)
class PublicKeys:
    """What others know of a user's keys: stored on the user row and in the audit log."""

    key_id: str
    signing: bytes  # Ed25519, raw
    box: bytes  # X25519, raw

    def as_details(self) -> dict[str, str]:
        return {"key_id": self.key_id, "signing_key": self.signing.hex(), "box_key": self.box.hex()}

    @classmethod
    def from_details(cls, details: dict[str, Any]) -> PublicKeys | None:
        try:
            return cls(str(details["key_id"]), bytes.fromhex(str(details["signing_key"])),
                       bytes.fromhex(str(details["box_key"])))
        except (KeyError, ValueError):
            return None


def new_user_keys(material: KeyMaterial) -> tuple[UserKeys, list[dict[str, Any]]]:
    """Fresh keys for a user and their slots, wrapped by `material` only."""
    if material.passphrase is None and material.key_file is None:
        raise InvalidValue("A user needs a credential of their own: a passphrase or a key file.",
                           fix="Give --key-file PATH (a new key file is written there), or set "
                           "TESTIMONIA_USER_PASSPHRASE / TESTIMONIA_USER_KEY_FILE.")
    check_new_passphrase(material)
    keys = UserKeys(new_key_id(), secrets.token_bytes(KEY_BYTES))
    return keys, wrap_secret(keys.secret, material, _prefix(keys.key_id))


def unlock_user(key_id: str, slots: list[dict[str, Any]], material: KeyMaterial) -> UserKeys | None:
    secret = unwrap_secret(slots, material, _prefix(key_id))
    return None if secret is None else UserKeys(key_id, secret)


def verify_signature(public_signing: bytes, message: bytes, signature: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public_signing).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def same_secret(a: KeyMaterial, b: KeyMaterial) -> bool:
    """True when two pieces of key material share a passphrase or a key file (a user's
    credential must not be the workspace key: whoever holds that could sign as them)."""
    if a.passphrase is not None and a.passphrase == b.passphrase:
        return True
    if a.key_file is not None and b.key_file is not None:
        try:
            return read_key_file(a.key_file) == read_key_file(b.key_file)
        except Exception:  # an unreadable file is reported where it is used
            return False
    return False


def _prefix(key_id: str) -> str:
    return f"testimonia-user-key|{key_id}"
