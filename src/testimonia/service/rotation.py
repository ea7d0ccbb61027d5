"""`testimonia keys rotate`: new keys for either layer, old ones kept until unused.

Workspace layer: it needs the workspace alone (the exclusive workspace lock: other
commands would keep using the old key), so it waits for other commands to finish, or
says which is in the way. A new data key becomes current in keyring.json and the old
one is kept there as "retired"; the database is re-encrypted under the new key
(SQLCipher rekey, one transaction), then each sealed original is re-sealed and renamed
under the new key, one file at a time (write new, then remove old), and the sealed
heads rewritten. Only when no file is sealed under the retired key is it dropped from
the keyring. An interrupted rotation leaves a workspace that still opens (every key is
tried) and the next `keys rotate` finishes it before starting anything new.

Organisation layer: a new key pair becomes active, granted to each of the
organisation's users, and the old one "retired"; the data key of every record wrapped
for the old key is re-wrapped for the new one, in batches of one transaction each
(records are not re-encrypted); the retired key is deleted when no record uses it.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from testimonia.crypto.keys import KEY_BYTES, WorkspaceKeys, new_key_id, write_keyring
from testimonia.errors import PermissionDenied
from testimonia.service import orgkeys
from testimonia.service.policy import requires
from testimonia.service.workspace import Workspace
from testimonia.store import protection, records
from testimonia.store.engine import rekey

__all__ = ["BATCH", "Rotation", "key_status", "rotate_organization", "rotate_workspace"]

BATCH = 500


@dataclass
class Rotation:
    layer: str  # "workspace" | organisation name
    old_key_ids: list[str] = field(default_factory=list)
    new_key_id: str = ""
    moved: int = 0  # files re-sealed or data keys re-wrapped
    finished: bool = False


@requires('manage_keys')
def rotate_workspace(ws: Workspace, progress: Callable[[int], None] | None = None) -> Rotation:
    """Rotate (or finish rotating) the workspace data key: admins of the workspace's first
    organisation (the one that created it) only, since it concerns every partner."""
    user = ws.user
    with ws.engine.connect() as conn:
        host = records.default_organization(conn)
    if user.organization_id != host.id:
        raise PermissionDenied(f"The workspace key is rotated by an admin of {host.name}, which "
                               "holds the workspace.", fix=f"Ask an admin of {host.name}.")
    if ws.lock is not None:
        ws.lock.acquire_exclusive("key rotation")
    if not ws.keys.retired:
        new = WorkspaceKeys(new_key_id(), secrets.token_bytes(KEY_BYTES), retired=(ws.keys,))
        write_keyring(ws.paths.keyring, new, ws.material, retired=list(new.retired))
        ws.use_keys(new)
    report = Rotation("workspace", [k.key_id for k in ws.keys.retired], ws.keys.key_id)
    rekey(ws.engine, ws.keys.database_key)
    ws.use_keys(ws.keys)  # fresh connections try the new key first
    with ws.engine.connect() as conn:
        ids = [d.id for d in records.iter_documents(conn)]
    for document_id in ids:
        report.moved += sum(ws.originals.reseal(document_id, old) for old in ws.keys.retired)
        if progress is not None:
            progress(1)
    with ws.transaction() as conn:
        ws.audit(conn, "keys_rotated", "workspace", {"from": report.old_key_ids,
                                                     "to": report.new_key_id, "files": report.moved})
    for head in ws.heads.values():
        state = head.read()
        if state is not None:
            head.seal_as(state)
    write_keyring(ws.paths.keyring, WorkspaceKeys(ws.keys.key_id, ws.keys.data_key), ws.material)
    ws.use_keys(WorkspaceKeys(ws.keys.key_id, ws.keys.data_key))
    if ws.lock is not None:
        ws.lock.downgrade()
    report.finished = True
    return report


@requires('manage_keys')
def rotate_organization(ws: Workspace, name: str,
                        progress: Callable[[int], None] | None = None) -> Rotation:
    """Rotate (or finish rotating) an organisation's key pair; admins of it only."""
    user = ws.user
    with ws.transaction() as conn:
        org_id = records.organization_id(conn, name)
        if org_id != user.organization_id:
            raise PermissionDenied(f"{user.name} administers {user.organization}, not {name}.",
                                   fix=f"An admin of {name} rotates its keys.")
        private_keys = dict(ws.org_private_keys(conn, org_id, name))
        keys = protection.org_keys(conn, org_id)
        retired = [k for k in keys if k.state == "retired"]
        active = next((k for k in keys if k.state == "active"), None)
        if active is not None and not retired:
            protection.retire_org_key(conn, active.key_id)
            retired.append(active)
            orgkeys.create_key(conn, org_id, protection.members(conn, org_id))
        new = protection.active_org_key(conn, org_id)
        ws.audit(conn, "org_key_created", name, {"org_key": new.key_id,
                                                 "public_key": new.public_key.hex(),
                                                 "organization_id": str(org_id)})
    ws.forget_org_keys()
    report = Rotation(name, [k.key_id for k in retired], new.key_id)
    for old in retired:
        private = private_keys[old.key_id]
        while True:
            with ws.transaction() as conn:
                moved = orgkeys.rewrap(conn, old.key_id, private, new.key_id, new.public_key, BATCH)
                if not moved:
                    protection.delete_org_key(conn, old.key_id)
            report.moved += moved
            if progress is not None and moved:
                progress(moved)
            if not moved:
                break
    with ws.transaction() as conn:
        ws.audit(conn, "keys_rotated", name, {"from": report.old_key_ids, "to": new.key_id,
                                              "records": report.moved})
    report.finished = True
    return report


@requires('manage_keys')
def key_status(ws: Workspace) -> dict[str, list[tuple[str, str, int]]]:
    """Layer -> (key id, state, how many items use it) for the workspace and for the acting
    user's organisation."""
    user = ws.user
    status = {"workspace": [(ws.keys.key_id, "current", -1)] +
              [(k.key_id, "retired", -1) for k in ws.keys.retired]}
    with ws.engine.connect() as conn:
        status[user.organization] = [(k.key_id, k.state, protection.count_under(conn, k.key_id))
                                     for k in protection.org_keys(conn, user.organization_id)]
    return status

