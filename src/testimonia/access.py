"""Organisations, users and sharing: who belongs where, and what an organisation lets
another see. Access decisions themselves live in protect/policy.py; every change here
is written to the audit log.

Rules (docs/threat-model.md):
- an admin adds users to their own organisation only; a new organisation gets its first
  admin when it is created, so no organisation can be entered from outside;
- an admin shares only their own organisation's material: all of it, one source (with
  all of its documents, present and future) or one document.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection

from testimonia.errors import InvalidValue, NotFound, PermissionDenied, WorkspaceLocked
from testimonia.model import Organization
from testimonia.protect import credentials, doccrypt, orgkeys
from testimonia.protect.keys import KeyMaterial, write_key_file
from testimonia.protect.policy import Role, User, authorize, shareable
from testimonia.store import access, records
from testimonia.store.access import ShareRow, UserRow
from testimonia.workspace import Workspace

SHARE_KINDS = ("all", "source", "document")


@dataclass(frozen=True)
class NewOrganization:
    organization: Organization
    key_file: Path | None  # the first admin's own key file: hand it over, keep no copy


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


def list_organizations(ws: Workspace) -> list[Organization]:
    with ws.engine.connect() as conn:
        return records.list_organizations(conn)


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
            user = access.get_user(conn, name)
    except BaseException:
        if key_file is not None:
            key_file.unlink(missing_ok=True)
        raise
    return user


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
            user = access.get_user(conn, name)
            if user.name != me.name:
                authorize(me, "manage_users")
                if user.organization_id != me.organization_id:
                    raise PermissionDenied(f"{name} belongs to {user.organization}, not "
                                           f"{me.organization}.",
                                           fix=f"An admin of {user.organization} resets it.")
            own = ws.org_private_keys(conn, me.organization_id, me.organization)
            keys, slots = credentials.new_user_keys(credential)
            access.set_credential(conn, user.name, keys.public, slots)
            access.drop_grants(conn, user.id)
            orgkeys.grant_all(conn, own, user.id, keys.public.box)
            ws.audit(conn, "credential_changed" if user.name == me.name else "credential_reset",
                     user.name, keys.public.as_details())
            user = access.get_user(conn, name)
    except BaseException:
        if key_file is not None:
            key_file.unlink(missing_ok=True)
        raise
    if user.name == me.name:
        ws.use_user_keys(keys)
    return user


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
        user = access.find_user(conn, ws.actor)
        if user is None:
            raise NotFound(f"No user '{ws.actor}' in this workspace.", fix="Check TESTIMONIA_ACTOR.")
        if access.user_secret(conn, user.id) is not None:
            raise InvalidValue(f"{user.name} already has a credential of their own.",
                               fix="Change it with `testimonia user credential NAME`.")
        unlocked = orgkeys.unlock(conn, user.organization_id,
                                  [m for m in (org_material, ws.material) if m is not None])
        if not unlocked.private_keys:
            raise WorkspaceLocked(f"The key of {user.organization} does not open with the key "
                                  "material given.", fix="Set TESTIMONIA_ORG_KEY_FILE or "
                                  "TESTIMONIA_ORG_PASSPHRASE to your organisation's key.")
        keys, slots = credentials.new_user_keys(ws.user_material)
        access.set_credential(conn, user.name, keys.public, slots)
        orgkeys.grant_all(conn, unlocked.private_keys, user.id, keys.public.box)
        ws.use_user_keys(keys, User(user.name, user.organization_id, user.organization,
                                    Role(user.role)))
        ws.audit(conn, "user_enrolled", user.name, {"organization": user.organization,
                                                    **keys.public.as_details()})
        return access.get_user(conn, user.name)


def set_role(ws: Workspace, name: str, role: str) -> UserRow:
    me = ws.user
    kind = _role(role)
    with ws.transaction() as conn:
        user = access.get_user(conn, name)
        if user.organization_id != me.organization_id:
            raise PermissionDenied(f"{name} belongs to {user.organization}, not {me.organization}.",
                                   fix=f"An admin of {user.organization} changes their role.")
        if user.name == me.name and kind is not Role.ADMIN:
            raise InvalidValue("An admin cannot demote themselves.",
                               fix="Ask another admin of the organisation.")
        access.set_role(conn, user.name, kind.value)
        ws.audit(conn, "role_changed", user.name, {"from": user.role, "to": kind.value})
        user = access.get_user(conn, name)
    return user


def list_users(ws: Workspace) -> list[UserRow]:
    """The users of the acting admin's organisation."""
    me = ws.user
    with ws.engine.connect() as conn:
        return [u for u in access.list_users(conn) if u.organization_id == me.organization_id]


def share(ws: Workspace, kind: str, item: str, with_organization: str, *, remove: bool = False) -> bool:
    """Share (or stop sharing) the acting user's organisation's material with another:
    kind "all" (item ignored), "source" (a pseudonym) or "document" (an id or prefix).
    Returns False when nothing changed."""
    me = ws.user
    if kind not in SHARE_KINDS:
        raise InvalidValue(f"Unknown kind of share '{kind}'.", fix=f"Use one of: {', '.join(SHARE_KINDS)}.")
    with ws.transaction() as conn:
        other = records.organization_id(conn, with_organization)
        if other == me.organization_id:
            raise InvalidValue(f"{with_organization} is your own organisation.")
        stored_kind, item = _owned_item(conn, kind, item, me.organization)
        if remove:
            changed = access.remove_share(conn, me.organization_id, stored_kind, item, other)
        else:
            changed = access.add_share(conn, me.organization_id, stored_kind, item, other, me.name)
        if changed:
            keys = doccrypt.sync_shares(ws, conn, me.organization_id, me.organization)
            ws.audit(conn, "unshared" if remove else "shared", item or me.organization,
                     {"kind": kind, "share": [stored_kind, item], "with": with_organization,
                      "document_keys": keys})
    return changed


def list_shares(ws: Workspace) -> list[ShareRow]:
    """Shares made by, or to, the acting user's organisation."""
    me = ws.user
    with ws.engine.connect() as conn:
        return [s for s in access.list_shares(conn)
                if me.organization in (s.owner, s.with_organization)]


def _owned_item(conn: Connection, kind: str, item: str, org_name: str) -> tuple[str, str]:
    if kind == "all":
        return "organization", ""
    if kind == "source":
        source = records.get_source(conn, item)
        if source.organization != org_name:
            raise PermissionDenied(f"Source '{source.pseudonym}' belongs to {source.organization}.",
                                   fix=f"Only {source.organization} can share it.")
        return "source", source.pseudonym
    doc = records.get_document(conn, item, within={d.id for d in records.iter_documents(conn)
                                                   if d.organization == org_name})
    if not shareable(doc.metadata):
        raise PermissionDenied(f"Document {doc.id[:12]} ({doc.file_name}) was given with consent "
                               "for internal use only; it cannot be shared.",
                               fix="Record wider consent from the source first (front matter "
                               "`consent: consortium`).")
    return "document", doc.id


def _role(value: str) -> Role:
    try:
        return Role(value.strip().lower())
    except ValueError:
        raise InvalidValue(f"Unknown role '{value}'.",
                           fix=f"Use one of: {', '.join(r.value for r in Role)}.") from None
