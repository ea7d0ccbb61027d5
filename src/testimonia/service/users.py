"""Organisations, users and their credentials: who belongs where. Access decisions
themselves live in service/policy.py; every change here is written to the audit log.

Rules (docs/threat-model.md):
- an admin adds users to their own organisation only; a new organisation gets its first
  admin when it is created, so no organisation can be entered from outside;
- every user has a credential of their own (crypto/credentials.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from testimonia.crypto import credentials
from testimonia.crypto.keys import KeyMaterial, write_key_file
from testimonia.errors import InvalidValue, NotFound, PermissionDenied, WorkspaceLocked
from testimonia.model import Organization, Role
from testimonia.service import orgkeys
from testimonia.service.policy import User, authorize, requires
from testimonia.service.workspace import Workspace
from testimonia.store import protection, records
from testimonia.store.protection import UserRow

__all__ = ["NewOrganization", "add_organization", "add_user", "enroll", "list_organizations",
           "list_users", "set_credential", "set_role"]


@dataclass(frozen=True)
class NewOrganization:
    organization: Organization
    key_file: Path | None  # the first admin's own key file: hand it over, keep no copy


@requires('manage_orgs')
def add_organization(ws: Workspace, name: str, admin: str, key_file: Path | None = None,
                     passphrase: str | None = None) -> NewOrganization:
    """A new organisation with its first admin, whose own credential is a new key file
    written at `key_file` and/or a passphrase. Its key pair is granted to that admin
    only."""
    credential = _new_credential(key_file, passphrase)
    try:
        with ws.transaction() as conn:
            org = ws.new_organization(conn, name, (admin, credential))
    except BaseException:
        if key_file is not None:
            key_file.unlink(missing_ok=True)
        raise
    return NewOrganization(org, key_file)


def _new_credential(key_file: Path | None, passphrase: str | None) -> KeyMaterial:
    if key_file is None and passphrase is None:
        raise InvalidValue("The new user needs a credential of their own.",
                           fix="Give --key-file PATH (a new key file is written there, to hand "
                           "over), or --passphrase on a terminal.")
    if key_file is not None:
        write_key_file(key_file)
    return KeyMaterial(passphrase=passphrase, key_file=key_file)


@requires('read_settings')
def list_organizations(ws: Workspace) -> list[Organization]:
    with ws.engine.connect() as conn:
        return records.list_organizations(conn)


@requires('manage_users')
def add_user(ws: Workspace, name: str, role: str, organization: str | None = None,
             key_file: Path | None = None, passphrase: str | None = None) -> UserRow:
    """Add a user to the acting admin's organisation (naming another one is refused),
    with their own credential; the organisation's keys are granted to them."""
    me = ws.user
    kind = _role(role)
    if organization and organization != me.organization:
        raise PermissionDenied(f"{me.name} administers {me.organization}, not {organization}.",
                               fix=f"An admin of {organization} adds its users.")
    credential = _new_credential(key_file, passphrase)
    try:
        with ws.transaction() as conn:
            own = ws.org_private_keys(conn, me.organization_id, me.organization)
            org = Organization(me.organization_id, me.organization)
            user_id, box = ws.add_user(conn, name, org, kind, credential)
            orgkeys.grant_all(conn, own, user_id, box)
            user = protection.get_user(conn, name)
    except BaseException:
        if key_file is not None:
            key_file.unlink(missing_ok=True)
        raise
    return user


@requires('read_settings')
def set_credential(ws: Workspace, name: str, key_file: Path | None = None,
                   passphrase: str | None = None) -> UserRow:
    """A new credential, with new keys: for yourself, or (an admin of their organisation)
    for a user who lost theirs. The organisation's keys are granted to the new keys; the
    change is signed with the keys it replaces (yours, or the admin's), so the signed log
    carries the user's keys from one to the next."""
    me = ws.user
    credential = _new_credential(key_file, passphrase)
    try:
        with ws.transaction() as conn:
            user = protection.get_user(conn, name)
            if user.name != me.name:
                authorize(me, "manage_users")
                if user.organization_id != me.organization_id:
                    raise PermissionDenied(f"{name} belongs to {user.organization}, not "
                                           f"{me.organization}.",
                                           fix=f"An admin of {user.organization} resets it.")
            own = ws.org_private_keys(conn, me.organization_id, me.organization)
            keys, slots = credentials.new_user_keys(credential)
            protection.set_credential(conn, user.name, keys.public, slots)
            protection.drop_grants(conn, user.id)
            orgkeys.grant_all(conn, own, user.id, keys.public.box)
            ws.audit(conn, "credential_changed" if user.name == me.name else "credential_reset",
                     user.name, keys.public.as_details())
            user = protection.get_user(conn, name)
    except BaseException:
        if key_file is not None:
            key_file.unlink(missing_ok=True)
        raise
    if user.name == me.name:
        ws.use_user_keys(keys)
    return user


@requires(None)
def enroll(ws: Workspace, org_material: KeyMaterial | None = None) -> UserRow:
    """Give the acting user of a workspace made before user credentials (schema 0009)
    their own credential (the one given to open the workspace: TESTIMONIA_USER_KEY_FILE
    or TESTIMONIA_USER_PASSPHRASE). Their organisation's keys were then wrapped with key
    material (its own, `org_material`, or the workspace's): whoever opens them with it
    proves, as before, that they belong to the organisation, and the keys are granted to
    the new credential. Signed with the new keys; `keys rotate --org` afterwards leaves
    the old wrapping behind."""
    if ws.user_material is None:
        raise InvalidValue("Enrolling needs your new credential.",
                           fix="Set TESTIMONIA_USER_KEY_FILE (make one with `testimonia keygen "
                           "PATH`) or TESTIMONIA_USER_PASSPHRASE.")
    with ws.transaction(signed=False) as conn:
        user = protection.find_user(conn, ws.actor)
        if user is None:
            raise NotFound(f"No user '{ws.actor}' in this workspace.", fix="Check TESTIMONIA_ACTOR.")
        if protection.user_secret(conn, user.id) is not None:
            raise InvalidValue(f"{user.name} already has a credential of their own.",
                               fix="Change it with `testimonia user credential NAME`.")
        unlocked = orgkeys.unlock(conn, user.organization_id,
                                  [m for m in (org_material, ws.material) if m is not None])
        if not unlocked.private_keys:
            raise WorkspaceLocked(f"The key of {user.organization} does not open with the key "
                                  "material given.", fix="Set TESTIMONIA_ORG_KEY_FILE or "
                                  "TESTIMONIA_ORG_PASSPHRASE to your organisation's key.")
        keys, slots = credentials.new_user_keys(ws.user_material)
        protection.set_credential(conn, user.name, keys.public, slots)
        orgkeys.grant_all(conn, unlocked.private_keys, user.id, keys.public.box)
        ws.use_user_keys(keys, User(user.name, user.organization_id, user.organization,
                                    Role(user.role)))
        ws.audit(conn, "user_enrolled", user.name, {"organization": user.organization,
                                                    **keys.public.as_details()})
        return protection.get_user(conn, user.name)


@requires('manage_users')
def set_role(ws: Workspace, name: str, role: str) -> UserRow:
    me = ws.user
    kind = _role(role)
    with ws.transaction() as conn:
        user = protection.get_user(conn, name)
        if user.organization_id != me.organization_id:
            raise PermissionDenied(f"{name} belongs to {user.organization}, not {me.organization}.",
                                   fix=f"An admin of {user.organization} changes their role.")
        if user.name == me.name and kind is not Role.ADMIN:
            raise InvalidValue("An admin cannot demote themselves.",
                               fix="Ask another admin of the organisation.")
        protection.set_role(conn, user.name, kind.value)
        ws.audit(conn, "role_changed", user.name, {"from": user.role, "to": kind.value})
        user = protection.get_user(conn, name)
    return user


@requires('manage_users')
def list_users(ws: Workspace) -> list[UserRow]:
    """The users of the acting admin's organisation."""
    me = ws.user
    with ws.engine.connect() as conn:
        return [u for u in protection.list_users(conn) if u.organization_id == me.organization_id]


def _role(value: str) -> Role:
    try:
        return Role(value.strip().lower())
    except ValueError:
        raise InvalidValue(f"Unknown role '{value}'.",
                           fix=f"Use one of: {', '.join(r.value for r in Role)}.") from None
