"""Envelope encryption of one record for one or more organisations.

A record (a vault entry, a document's text) is encrypted once, with its own random data
key (AES-256-GCM). That data key is then *wrapped* for each organisation allowed to
read the record, with the organisation's X25519 public key (ECIES: an ephemeral key
pair, X25519, HKDF-SHA256, AES-256-GCM). Wrapping needs only public keys, so anyone may
write a record for an organisation, and only holders of that organisation's private key
read it back (GlobaLeaks' model). Rotating an organisation's key re-wraps data keys; the
records themselves are not re-encrypted.

Every ciphertext and every wrapped key carries the record's *binding* (e.g.
"vault|org:3|source:12") as associated data, and every wrapped key its key id, so a
ciphertext moved to another record, a key id changed or any flipped byte fails to open.
"""

from __future__ import annotations

import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from testimonia.errors import IntegrityError

__all__ = ["KEY_BYTES", "NONCE", "RECORD_MAGIC", "WRAP_MAGIC", "decrypt", "encrypt",
           "new_data_key", "new_key_pair", "unwrap", "wrap"]

RECORD_MAGIC = b"TENV1"
WRAP_MAGIC = b"TWRP1"
NONCE = 12
KEY_BYTES = 32
_P25519 = 2**255 - 19  # public keys are written canonically, below this


def new_data_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def encrypt(data_key: bytes, binding: str, plaintext: bytes) -> bytes:
    nonce = secrets.token_bytes(NONCE)
    return RECORD_MAGIC + nonce + AESGCM(data_key).encrypt(nonce, plaintext, _aad(RECORD_MAGIC, binding))


def decrypt(data_key: bytes, binding: str, blob: bytes) -> bytes:
    head = len(RECORD_MAGIC) + NONCE
    if not blob.startswith(RECORD_MAGIC) or len(blob) < head + 16:
        raise IntegrityError(f"record {binding}: not a Testimonia ciphertext (truncated or replaced)")
    try:
        return AESGCM(data_key).decrypt(blob[len(RECORD_MAGIC):head], blob[head:],
                                        _aad(RECORD_MAGIC, binding))
    except InvalidTag as exc:
        raise IntegrityError(f"record {binding}: authentication failed (altered, or moved "
                             "from another record)") from exc


def wrap(data_key: bytes, public_key: bytes, key_id: str, binding: str) -> bytes:
    """`data_key` readable by the holder of the private key matching `public_key`."""
    ephemeral = X25519PrivateKey.generate()
    kek = _kek(ephemeral.exchange(X25519PublicKey.from_public_bytes(public_key)), key_id, binding)
    nonce = secrets.token_bytes(NONCE)
    eph = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return WRAP_MAGIC + eph + nonce + AESGCM(kek).encrypt(nonce, data_key, _aad(WRAP_MAGIC, binding, key_id))


def unwrap(wrapped: bytes, private_key: bytes, key_id: str, binding: str) -> bytes:
    head = len(WRAP_MAGIC) + 32 + NONCE
    if not wrapped.startswith(WRAP_MAGIC) or len(wrapped) < head + 16:
        raise IntegrityError(f"record {binding}: wrapped key for {key_id} is truncated or replaced")
    raw = wrapped[len(WRAP_MAGIC):len(WRAP_MAGIC) + 32]
    if int.from_bytes(raw, "little") >= _P25519:  # X25519 ignores the top bit: refuse any
        raise IntegrityError(f"record {binding}: wrapped key for {key_id} was altered "
                             "(non-canonical ephemeral key)")
    eph = X25519PublicKey.from_public_bytes(raw)
    kek = _kek(X25519PrivateKey.from_private_bytes(private_key).exchange(eph), key_id, binding)
    try:
        return AESGCM(kek).decrypt(wrapped[head - NONCE:head], wrapped[head:],
                                   _aad(WRAP_MAGIC, binding, key_id))
    except InvalidTag as exc:
        raise IntegrityError(f"record {binding}: the key wrapped for key id {key_id} does not "
                             "open (altered, or its key id changed)") from exc


def new_key_pair() -> tuple[bytes, bytes]:
    """(private, public) raw X25519 keys."""
    private = X25519PrivateKey.generate()
    return (private.private_bytes_raw(),
            private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))


def _kek(shared: bytes, key_id: str, binding: str) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None,
                info=f"testimonia/wrap|{key_id}|{binding}".encode())
    return hkdf.derive(shared)


def _aad(magic: bytes, binding: str, key_id: str = "") -> bytes:
    return magic + b"|" + key_id.encode() + b"|" + binding.encode()
