"""Authenticated encryption of whole files (AES-256-GCM).

Layout of a sealed file: MAGIC (8 bytes) | key id (16 ASCII hex) | nonce (12) |
ciphertext with its 16-byte tag. The associated data binds the magic, the key id and
the file's *purpose name* (for an original: its content name), so a sealed file moved
under another name, a changed key id or a single flipped byte fails to open.
"""

from __future__ import annotations

import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from testimonia.errors import IntegrityError

__all__ = ["KEY_ID_BYTES", "MAGIC", "NONCE_BYTES", "key_id_of", "seal", "unseal"]

MAGIC = b"TSEAL01\n"
NONCE_BYTES = 12
KEY_ID_BYTES = 16


def seal(key: bytes, key_id: str, name: str, plaintext: bytes) -> bytes:
    kid = _key_id_bytes(key_id)
    nonce = secrets.token_bytes(NONCE_BYTES)
    return MAGIC + kid + nonce + AESGCM(key).encrypt(nonce, plaintext, _aad(kid, name))


def unseal(key: bytes, key_id: str, name: str, sealed: bytes) -> bytes:
    """Return the plaintext, or raise IntegrityError (saying why, not where) when anything
    was altered; callers add which file it was."""
    head = len(MAGIC) + KEY_ID_BYTES + NONCE_BYTES
    if len(sealed) < head + 16 or not sealed.startswith(MAGIC):
        raise IntegrityError("not a sealed Testimonia file (truncated or replaced)")
    kid = sealed[len(MAGIC):len(MAGIC) + KEY_ID_BYTES]
    if kid != _key_id_bytes(key_id):
        raise IntegrityError(f"sealed under key id {kid.decode('ascii', 'replace')}, "
                             f"not this workspace's key {key_id}")
    nonce = sealed[len(MAGIC) + KEY_ID_BYTES:head]
    try:
        return AESGCM(key).decrypt(nonce, sealed[head:], _aad(kid, name))
    except InvalidTag as exc:
        raise IntegrityError("authentication failed: the sealed bytes were altered, "
                             "or the file was moved from another name") from exc


def key_id_of(sealed: bytes) -> str:
    """The key id a sealed file names (unauthenticated until `unseal` checks it)."""
    return sealed[len(MAGIC):len(MAGIC) + KEY_ID_BYTES].decode("ascii", "replace")


def _key_id_bytes(key_id: str) -> bytes:
    raw = key_id.encode("ascii")
    if len(raw) != KEY_ID_BYTES:
        raise ValueError(f"key id must be {KEY_ID_BYTES} hex characters, got {key_id!r}")
    return raw


def _aad(kid: bytes, name: str) -> bytes:
    return MAGIC + kid + name.encode("utf-8")
