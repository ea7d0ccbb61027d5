"""Organisation keys: one X25519 key pair per organisation, its private key wrapped for
each of the organisation's users ("grants", for the user's own X25519 key,
protect/credentials.py) and never for the workspace key.

Records that belong to an organisation (its identity vault, its documents' data keys)
are encrypted with protect/envelope.py and their data key wrapped for the
organisation's public key, so a partner holding the workspace key still cannot read
them. Organisations created by a version before user credentials have their private
key in slots under key material (`unlock`), read once when their users enrol.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection

from testimonia.crypto import envelope
from testimonia.crypto.keys import KeyMaterial, new_key_id, unwrap_secret
from testimonia.errors import IntegrityError
from testimonia.store import protection

__all__ = ["Unlocked", "create_key", "grant", "grant_all", "granted", "read_record", "rewrap",
           "unlock", "write_record"]


def create_key(conn: Connection, organization_id: int, grantees: Sequence[tuple[int, bytes]]) -> str:
    """A new active key pair for the organisation, its private key granted to each
    (user id, public box key); returns its key id."""
    private, public = envelope.new_key_pair()
    key_id = new_key_id()
    protection.add_org_key(conn, key_id, organization_id, public, [])
    for user_id, box in grantees:
        grant(conn, key_id, private, user_id, box)
    return key_id


def grant(conn: Connection, key_id: str, private: bytes, user_id: int, box: bytes) -> None:
    """Wrap one of an organisation's private keys for one of its users."""
    protection.put_grant(conn, key_id, user_id, envelope.wrap(private, box, key_id, _grant(key_id, user_id)))


def grant_all(conn: Connection, private_keys: dict[str, bytes], user_id: int, box: bytes) -> None:
    for key_id, private in private_keys.items():
        grant(conn, key_id, private, user_id, box)


def granted(conn: Connection, organization_id: int, user_id: int, box_private: bytes) -> dict[str, bytes]:
    """The organisation's private keys (key id -> key) granted to this user."""
    return {key_id: envelope.unwrap(wrapped, box_private, key_id, _grant(key_id, user_id))
            for key_id, wrapped in protection.grants_for(conn, organization_id, user_id).items()}


@dataclass(frozen=True)
class Unlocked:
    private_keys: dict[str, bytes]  # key id -> private key
    material: KeyMaterial | None  # what opened them (rotation wraps the new key with it)


def unlock(conn: Connection, organization_id: int, materials: Iterable[KeyMaterial]) -> Unlocked:
    """The organisation's private keys that the first fitting piece of material opens."""
    keys = protection.org_keys(conn, organization_id)
    for material in materials:
        found = {}
        for key in keys:
            secret = unwrap_secret(key.slots, material, _prefix(key.key_id, organization_id))
            if secret is not None:
                found[key.key_id] = secret
        if found:
            return Unlocked(found, material)
    return Unlocked({}, None)


def write_record(conn: Connection, binding: str, plaintext: bytes,
                 organization_ids: Sequence[int]) -> bytes:
    """Encrypt a record and wrap its data key for each organisation's active key; returns
    the ciphertext to store."""
    data_key = envelope.new_data_key()
    protection.drop_wrapped(conn, binding)
    for organization_id in organization_ids:
        key = protection.active_org_key(conn, organization_id)
        protection.put_wrapped(conn, binding, key.key_id,
                           envelope.wrap(data_key, key.public_key, key.key_id, binding))
    return envelope.encrypt(data_key, binding, plaintext)


def read_record(conn: Connection, binding: str, ciphertext: bytes,
                private_keys: dict[str, bytes]) -> bytes:
    """The plaintext; IntegrityError when no wrapped data key matches the keys held (a key
    id altered or a wrapped key removed) or anything fails authentication."""
    for key_id, wrapped in protection.wrapped_for(conn, binding).items():
        if key_id in private_keys:
            data_key = envelope.unwrap(wrapped, private_keys[key_id], key_id, binding)
            return envelope.decrypt(data_key, binding, ciphertext)
    raise IntegrityError(f"record {binding}: no data key is wrapped for this organisation's "
                         "keys (a key id was altered or a wrapped key removed)")


def rewrap(conn: Connection, old_key_id: str, old_private: bytes, new_key_id: str,
           new_public: bytes, batch: int) -> int:
    """Move up to `batch` data keys from the old key to the new one; returns how many."""
    moved = protection.records_under(conn, old_key_id, batch)
    for binding, wrapped in moved:
        data_key = envelope.unwrap(wrapped, old_private, old_key_id, binding)
        protection.put_wrapped(conn, binding, new_key_id,
                           envelope.wrap(data_key, new_public, new_key_id, binding))
        protection.remove_wrapped(conn, binding, old_key_id)
    return len(moved)


def _grant(key_id: str, user_id: int) -> str:
    return f"org-key|{key_id}|user:{user_id}"


def _prefix(key_id: str, organization_id: int) -> str:
    return f"testimonia-org-key|{key_id}|org:{organization_id}"
