"""The identity vault: who a pseudonymous source really is, readable only by the
organisation that holds the source.

An entry (real name, other names and spellings, contacts, home village, notes) is one
JSON record encrypted with protect/envelope.py; its data key is wrapped for the owning
organisation's key only, and the record is bound to "vault|org:N|source:M", so an entry
copied onto another source, a changed key id or any flipped byte fails to open. Writing
needs only the organisation's public key (an analyst records an identity without being
able to read the vault back); reading needs its private key and the admin role, and
is written to the audit log, as is every write (field names only, never values).
Vault entries are never shared with other organisations, even when the source is.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from hashlib import sha256 as _sha256

from sqlalchemy import Connection

from testimonia.errors import InvalidValue, NotFound, PermissionDenied
from testimonia.model import Identity, Source
from testimonia.service import orgkeys
from testimonia.service.policy import requires
from testimonia.service.workspace import Workspace
from testimonia.store import protection, records

__all__ = ["identities", "list_entries", "set_identity", "show_identity"]


def _sha256_hex(data: bytes) -> str:
    return _sha256(data).hexdigest()


def _binding(source: Source, organization_id: int) -> str:
    return f"vault|org:{organization_id}|source:{source.id}"


@requires('vault_write')
def set_identity(ws: Workspace, pseudonym: str, identity: Identity) -> None:
    """Store (replace) a source's identity, encrypted for its organisation only."""
    if not identity.name.strip():
        raise InvalidValue("A vault entry needs the source's name.", fix="Give --name NAME.")
    user = ws.user
    with ws.transaction() as conn:
        source, org_id = _own_source(ws, conn, pseudonym, user.organization_id, user.organization)
        record = _binding(source, org_id)
        plaintext = json.dumps(asdict(identity), ensure_ascii=False).encode()
        sealed = orgkeys.write_record(conn, record, plaintext, [org_id])
        protection.put_vault(conn, source.id, sealed)
        ws.audit(conn, "vault_set", source.pseudonym, {"fields": identity.fields_set(),
                                                       "sealed_sha256": _sha256_hex(sealed)})


@requires('vault_read')
def show_identity(ws: Workspace, pseudonym: str) -> Identity:
    """A source's identity (audited); NotFound when it has none."""
    user = ws.user
    with ws.transaction() as conn:
        source, org_id = _own_source(ws, conn, pseudonym, user.organization_id, user.organization)
        identity = _read(ws, conn, source, org_id)
        if identity is None:
            raise NotFound(f"The vault holds no identity for '{source.pseudonym}'.",
                           fix=f"Record one with `testimonia vault set {source.pseudonym} --name ...`.")
        ws.audit(conn, "vault_read", source.pseudonym, {"purpose": "show"})
    return identity


@requires('export')
def identities(ws: Workspace) -> dict[str, Identity]:
    """Every identity of the acting user's organisation, by pseudonym, to redact an
    export; one audit entry says how many were read."""
    user = ws.user
    purpose = "export"
    found: dict[str, Identity] = {}
    with ws.transaction() as conn:
        for source in records.list_sources(conn):
            if source.organization != user.organization:
                continue
            identity = _read(ws, conn, source, user.organization_id)
            if identity is not None:
                found[source.pseudonym] = identity
        ws.audit(conn, "vault_read", user.organization, {"purpose": purpose, "entries": len(found)})
    return found


@requires('read_sources')
def list_entries(ws: Workspace) -> list[str]:
    """Pseudonyms of the acting user's organisation that have a vault entry (no content)."""
    user = ws.user
    with ws.engine.connect() as conn:
        held = protection.vault_source_ids(conn)
        return [s.pseudonym for s in records.list_sources(conn)
                if s.id in held and s.organization == user.organization]


def _read(ws: Workspace, conn: Connection, source: Source, org_id: int) -> Identity | None:
    ciphertext = protection.get_vault(conn, source.id)
    if ciphertext is None:
        return None
    keys = ws.org_private_keys(conn, org_id, source.organization)
    data = json.loads(orgkeys.read_record(conn, _binding(source, org_id), ciphertext, keys))
    return Identity(**data)


def _own_source(ws: Workspace, conn: Connection, pseudonym: str, org_id: int,
                org_name: str) -> tuple[Source, int]:
    source = records.find_source(conn, pseudonym)
    if source is None or not ws.scope(conn).sees_source(source):
        raise NotFound(f"No source '{pseudonym}'.", fix="See `testimonia source list`.")
    if source.organization != org_name:
        raise PermissionDenied(f"Source '{source.pseudonym}' belongs to {source.organization}; "
                               "its identity is in that organisation's vault only.",
                               fix=f"Someone from {source.organization} can do this.")
    return source, org_id
