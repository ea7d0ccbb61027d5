"""Stored records of protection: users, shares, organisation keys, vault rows and the
data keys wrapped for each organisation. Small functions over a connection; the
caller owns the transaction."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from testimonia.crypto.credentials import PublicKeys
from testimonia.errors import InvalidValue, NotFound
from testimonia.store.records import now
from testimonia.store.schema import (
    org_key_grants,
    organization_keys,
    organizations,
    record_keys,
    shares,
    sources,
    users,
    vault_entries,
)


@dataclass(frozen=True)
class UserRow:
    id: int
    name: str
    organization_id: int
    organization: str
    role: str


@dataclass(frozen=True)
class UserSecret:
    key_id: str
    slots: list[dict[str, Any]]


@dataclass(frozen=True)
class ShareRow:
    owner: str
    kind: str
    item: str
    with_organization: str
    actor: str
    at: str


@dataclass(frozen=True)
class OrgKeyRow:
    key_id: str
    organization_id: int
    public_key: bytes
    slots: list[dict[str, Any]]
    state: str


# Users

def add_user(conn: Connection, name: str, organization_id: int, role: str,
             public: PublicKeys, slots: list[dict[str, Any]]) -> int:
    if find_user(conn, name) is not None:
        raise InvalidValue(f"User '{name}' already exists.",
                           fix=f"Change the role with `testimonia user role {name} ROLE`.")
    result = conn.execute(insert(users).values(
        name=name, organization_id=organization_id, role=role, created_at=now(),
        key_id=public.key_id, signing_key=public.signing, box_key=public.box, slots=slots))
    assert result.inserted_primary_key is not None
    return int(result.inserted_primary_key[0])


def set_credential(conn: Connection, name: str, public: PublicKeys, slots: list[dict[str, Any]]) -> None:
    conn.execute(update(users).where(users.c.id == get_user(conn, name).id).values(
        key_id=public.key_id, signing_key=public.signing, box_key=public.box, slots=slots))


def user_secret(conn: Connection, user_id: int) -> UserSecret | None:
    row = conn.execute(select(users.c.key_id, users.c.slots).where(users.c.id == user_id)).first()
    if row is None or row.key_id is None or not row.slots:
        return None
    return UserSecret(row.key_id, list(row.slots))


def user_id(conn: Connection, name: str) -> int:
    return get_user(conn, name).id


def user_public_keys(conn: Connection) -> dict[str, PublicKeys]:
    """User name -> public keys, for users who have a credential."""
    rows = conn.execute(select(users.c.name, users.c.key_id, users.c.signing_key, users.c.box_key)
                        .where(users.c.key_id.is_not(None)))
    return {r.name: PublicKeys(r.key_id, bytes(r.signing_key), bytes(r.box_key)) for r in rows}


def members(conn: Connection, organization_id: int) -> list[tuple[int, bytes]]:
    """(user id, public box key) of an organisation's users who have a credential."""
    rows = conn.execute(select(users.c.id, users.c.box_key).where(
        users.c.organization_id == organization_id, users.c.box_key.is_not(None)))
    return [(r.id, bytes(r.box_key)) for r in rows]


def set_role(conn: Connection, name: str, role: str) -> None:
    conn.execute(update(users).where(users.c.id == get_user(conn, name).id).values(role=role))


def find_user(conn: Connection, name: str) -> UserRow | None:
    row = conn.execute(_user_query().where(func.lower(users.c.name) == name.strip().lower())).first()
    return None if row is None else UserRow(row.id, row.name, row.organization_id, row.organization, row.role)


def get_user(conn: Connection, name: str) -> UserRow:
    user = find_user(conn, name)
    if user is None:
        raise NotFound(f"No user '{name}'.", fix="See `testimonia user list`.")
    return user


def list_users(conn: Connection) -> list[UserRow]:
    return [UserRow(r.id, r.name, r.organization_id, r.organization, r.role)
            for r in conn.execute(_user_query().order_by(users.c.name))]


def count_users(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(users)).scalar_one())


def _user_query() -> Any:
    return (select(users.c.id, users.c.name, users.c.organization_id, users.c.role,
                   organizations.c.name.label("organization"))
            .join(organizations, users.c.organization_id == organizations.c.id))


# Shares

def add_share(conn: Connection, owner_id: int, kind: str, item: str, with_id: int, actor: str) -> bool:
    """False when the same share already exists."""
    exists = conn.execute(select(shares.c.id).where(
        shares.c.organization_id == owner_id, shares.c.kind == kind, shares.c.item == item,
        shares.c.with_organization_id == with_id)).first()
    if exists:
        return False
    conn.execute(insert(shares).values(organization_id=owner_id, kind=kind, item=item,
                                       with_organization_id=with_id, actor=actor, at=now()))
    return True


def remove_share(conn: Connection, owner_id: int, kind: str, item: str, with_id: int) -> bool:
    result = conn.execute(delete(shares).where(
        shares.c.organization_id == owner_id, shares.c.kind == kind, shares.c.item == item,
        shares.c.with_organization_id == with_id))
    return bool(result.rowcount)


def list_shares(conn: Connection) -> list[ShareRow]:
    owner, other = organizations.alias("owner"), organizations.alias("other")
    query = (select(owner.c.name.label("owner"), shares.c.kind, shares.c.item,
                    other.c.name.label("with_org"), shares.c.actor, shares.c.at)
             .join_from(shares, owner, shares.c.organization_id == owner.c.id)
             .join(other, shares.c.with_organization_id == other.c.id)
             .order_by(shares.c.id))
    return [ShareRow(r.owner, r.kind, r.item, r.with_org, r.actor, r.at) for r in conn.execute(query)]


def shares_with(conn: Connection, organization_id: int) -> list[tuple[int, str, str]]:
    """(owner organisation id, kind, item) of everything shared with an organisation."""
    rows = conn.execute(select(shares.c.organization_id, shares.c.kind, shares.c.item)
                        .where(shares.c.with_organization_id == organization_id))
    return [(r.organization_id, r.kind, r.item) for r in rows]


def shares_of(conn: Connection, organization_id: int) -> list[tuple[int, int, str, str]]:
    """(owner, with organisation, kind, item) of everything an organisation shares."""
    rows = conn.execute(select(shares.c.organization_id, shares.c.with_organization_id,
                               shares.c.kind, shares.c.item)
                        .where(shares.c.organization_id == organization_id))
    return [(r.organization_id, r.with_organization_id, r.kind, r.item) for r in rows]


# Organisation keys

def add_org_key(conn: Connection, key_id: str, organization_id: int, public_key: bytes,
                slots: list[dict[str, Any]]) -> None:
    conn.execute(insert(organization_keys).values(
        key_id=key_id, organization_id=organization_id, public_key=public_key, slots=slots,
        state="active", created_at=now()))


def org_key(conn: Connection, key_id: str) -> OrgKeyRow:
    r = conn.execute(select(organization_keys).where(organization_keys.c.key_id == key_id)).one()
    return OrgKeyRow(r.key_id, r.organization_id, r.public_key, r.slots, r.state)


def org_keys(conn: Connection, organization_id: int) -> list[OrgKeyRow]:
    """The organisation's keys, the active one first."""
    rows = conn.execute(select(organization_keys)
                        .where(organization_keys.c.organization_id == organization_id)
                        .order_by(organization_keys.c.state, organization_keys.c.created_at))
    return [OrgKeyRow(r.key_id, r.organization_id, r.public_key, r.slots, r.state) for r in rows]


def active_org_key(conn: Connection, organization_id: int) -> OrgKeyRow:
    for key in org_keys(conn, organization_id):
        if key.state == "active":
            return key
    raise NotFound(f"Organisation #{organization_id} has no active key.",
                   fix="Run `testimonia keys rotate --org NAME` to give it one.")


def retire_org_key(conn: Connection, key_id: str) -> None:
    conn.execute(update(organization_keys).where(organization_keys.c.key_id == key_id)
                 .values(state="retired"))


def delete_org_key(conn: Connection, key_id: str) -> None:
    conn.execute(delete(org_key_grants).where(org_key_grants.c.key_id == key_id))
    conn.execute(delete(organization_keys).where(organization_keys.c.key_id == key_id))


# Organisation private keys wrapped for each of its users

def put_grant(conn: Connection, key_id: str, user_id: int, wrapped: bytes) -> None:
    conn.execute(delete(org_key_grants).where(org_key_grants.c.key_id == key_id,
                                              org_key_grants.c.user_id == user_id))
    conn.execute(insert(org_key_grants).values(key_id=key_id, user_id=user_id, wrapped=wrapped))


def grants_for(conn: Connection, organization_id: int, user_id: int) -> dict[str, bytes]:
    """Key id -> the organisation's private key wrapped for this user."""
    rows = conn.execute(select(org_key_grants.c.key_id, org_key_grants.c.wrapped)
                        .join(organization_keys, organization_keys.c.key_id == org_key_grants.c.key_id)
                        .where(organization_keys.c.organization_id == organization_id,
                               org_key_grants.c.user_id == user_id))
    return {r.key_id: bytes(r.wrapped) for r in rows}


def drop_grants(conn: Connection, user_id: int) -> None:
    conn.execute(delete(org_key_grants).where(org_key_grants.c.user_id == user_id))


# Data keys wrapped for organisations

def put_wrapped(conn: Connection, record: str, key_id: str, wrapped: bytes) -> None:
    remove_wrapped(conn, record, key_id)
    conn.execute(insert(record_keys).values(record=record, key_id=key_id, wrapped=wrapped))


def wrapped_for(conn: Connection, record: str) -> dict[str, bytes]:
    rows = conn.execute(select(record_keys.c.key_id, record_keys.c.wrapped)
                        .where(record_keys.c.record == record))
    return {r.key_id: r.wrapped for r in rows}


def remove_wrapped(conn: Connection, record: str, key_id: str) -> None:
    conn.execute(delete(record_keys).where(record_keys.c.record == record,
                                           record_keys.c.key_id == key_id))


def drop_wrapped(conn: Connection, record: str) -> None:
    conn.execute(delete(record_keys).where(record_keys.c.record == record))


def records_under(conn: Connection, key_id: str, limit: int) -> list[tuple[str, bytes]]:
    rows = conn.execute(select(record_keys.c.record, record_keys.c.wrapped)
                        .where(record_keys.c.key_id == key_id).limit(limit))
    return [(r.record, r.wrapped) for r in rows]


def count_under(conn: Connection, key_id: str) -> int:
    return int(conn.execute(select(func.count()).select_from(record_keys)
                            .where(record_keys.c.key_id == key_id)).scalar_one())


# Vault rows (ciphertext only) and source profiles

def put_vault(conn: Connection, source_id: int, ciphertext: bytes) -> None:
    conn.execute(delete(vault_entries).where(vault_entries.c.source_id == source_id))
    conn.execute(insert(vault_entries).values(source_id=source_id, ciphertext=ciphertext,
                                              updated_at=now()))


def get_vault(conn: Connection, source_id: int) -> bytes | None:
    row = conn.execute(select(vault_entries.c.ciphertext)
                       .where(vault_entries.c.source_id == source_id)).first()
    return None if row is None else bytes(row.ciphertext)


def vault_source_ids(conn: Connection) -> set[int]:
    return {r.source_id for r in conn.execute(select(vault_entries.c.source_id))}


def set_profile(conn: Connection, source_id: int, profile: dict[str, str]) -> None:
    conn.execute(update(sources).where(sources.c.id == source_id).values(profile=profile))


def profiles(conn: Connection) -> Iterator[tuple[str, dict[str, str]]]:
    for row in conn.execute(select(sources.c.pseudonym, sources.c.profile)):
        yield row.pseudonym, dict(row.profile or {})
