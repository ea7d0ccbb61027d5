"""An investigation workspace: one folder with its encrypted database, sealed originals,
keyring and settings. See docs/workspace.md for the layout.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine

from testimonia import chain
from testimonia.config import CONFIG_FILE, Config, load_config, write_config_file
from testimonia.errors import (IntegrityError, InvalidValue, PermissionDenied, WorkspaceExists,
                               WorkspaceLocked, WorkspaceNotFound)
from testimonia.fsutil import atomic_write
from testimonia.model import Organization
from testimonia.protect import doccrypt, orgkeys, sealed
from testimonia.protect.keys import (KeyMaterial, WorkspaceKeys, create_keyring, is_empty,
                                     unlock_keyring)
from testimonia.protect.policy import Role, Scope, User, scope_of
from testimonia.store import access, logs, records
from testimonia.store.schema import audit_events, custody_events
from testimonia.store.engine import migrate, open_engine

KEYRING_FILE = "keyring.json"
DATABASE_FILE = "testimonia.db"
ORIGINALS_DIR = "originals"
TMP_DIR = "tmp"
LOGS = {"custody": custody_events, "audit": audit_events}


@dataclass(frozen=True)
class Paths:
    root: Path

    @property
    def config(self) -> Path:
        return self.root / CONFIG_FILE

    @property
    def keyring(self) -> Path:
        return self.root / KEYRING_FILE

    @property
    def database(self) -> Path:
        return self.root / DATABASE_FILE

    @property
    def originals(self) -> Path:
        return self.root / ORIGINALS_DIR

    @property
    def tmp(self) -> Path:
        return self.root / TMP_DIR

    @property
    def head(self) -> Path:
        return self.head_of("custody")

    def head_of(self, log: str) -> Path:
        return self.root / f"{log}.head"


class Workspace:
    """An unlocked workspace. Create with `Workspace.create`, open with `Workspace.open`."""

    def __init__(self, paths: Paths, keys: WorkspaceKeys, config: Config,
                 material: KeyMaterial, org_material: KeyMaterial | None = None) -> None:
        self.paths = paths
        self.keys = keys
        self.config = config
        self.material = material
        self.org_material = org_material if org_material and not is_empty(org_material) else None
        self.engine: Engine = self._open_engine()
        self._org_keys: dict[int, orgkeys.Unlocked] = {}
        self._user: User | None = None

    # Life cycle

    @classmethod
    def create(cls, root: Path, material: KeyMaterial, organization: str,
               settings: Mapping[str, Any] | None = None,
               org_material: KeyMaterial | None = None) -> Workspace:
        """A new workspace; its first organisation's key opens with `org_material` when
        given, else with the workspace's own material; the actor becomes its admin."""
        root = root.expanduser().resolve()
        _refuse_existing(root)
        _refuse_key_inside(root, material)
        root.mkdir(parents=True, exist_ok=True)
        try:
            paths = Paths(root)
            for folder in (paths.originals, paths.tmp):
                folder.mkdir(mode=0o700)
            write_config_file(paths.config, dict(settings or {}))
            keys = create_keyring(paths.keyring, material)
            workspace = cls(paths, keys, load_config(root), material, org_material)
            migrate(workspace.engine)
            with workspace.engine.begin() as conn:
                org = workspace.new_organization(conn, organization, workspace.org_material)
                access.add_user(conn, workspace.actor, org.id, Role.ADMIN.value)
                workspace.record(conn, "workspace_created", None, {"organization": organization})
                workspace.audit(conn, "user_added", workspace.actor,
                                {"organization": org.name, "role": Role.ADMIN.value})
            workspace._user = workspace._find_user()
            workspace.write_head()
        except BaseException:
            shutil.rmtree(root, ignore_errors=True)
            raise
        return workspace

    @classmethod
    def open(cls, root: Path, material: KeyMaterial, flags: Mapping[str, Any] | None = None,
             org_material: KeyMaterial | None = None) -> Workspace:
        root = root.expanduser().resolve()
        paths = Paths(root)
        if not (paths.config.is_file() and paths.keyring.is_file()):
            raise WorkspaceNotFound(root)
        _refuse_key_inside(root, material)
        keys = unlock_keyring(paths.keyring, material)
        workspace = cls(paths, keys, load_config(root, flags), material, org_material)
        migrate(workspace.engine)
        workspace.clear_tmp()
        workspace._user = workspace._find_user()
        if doccrypt.seal_legacy(workspace):
            workspace.write_head()
        return workspace

    def close(self) -> None:
        self.engine.dispose()

    def use_keys(self, keys: WorkspaceKeys) -> None:
        """Switch to rotated keys (protect/rotation.py)."""
        self.keys = keys
        self.engine.dispose()
        self.engine = self._open_engine()

    def _open_engine(self) -> Engine:
        """The database opens with the current key, else a retired one (unfinished rotation)."""
        return open_engine("", path=self.paths.database,
                           keys=[k.database_key for k in (self.keys, *self.keys.retired)])

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # Who is acting, what their organisation sees, and its keys

    @property
    def actor(self) -> str:
        return str(self.config["actor"])

    @property
    def user(self) -> User:
        """The acting user (the `actor` setting); PermissionDenied for a stranger."""
        if self._user is None:
            raise PermissionDenied(
                f"'{self.actor}' is not a user of this workspace.",
                fix="Set TESTIMONIA_ACTOR to your user name, or ask an admin to add you: "
                f"`testimonia user add {self.actor} --role ROLE`.")
        return self._user

    def _find_user(self) -> User | None:
        """Looked up once, when the workspace opens. A workspace from before users existed
        makes its first actor admin of its first organisation."""
        with self.engine.connect() as conn:
            row = access.find_user(conn, self.actor)
            first = row is None and access.count_users(conn) == 0
        if first:
            with self.engine.begin() as conn:
                org = records.default_organization(conn)
                access.add_user(conn, self.actor, org.id, Role.ADMIN.value)
                self.audit(conn, "user_added", self.actor,
                           {"organization": org.name, "role": Role.ADMIN.value, "first": True})
                row = access.find_user(conn, self.actor)
            self.write_head()
        return None if row is None else User(row.name, row.organization_id, row.organization,
                                              Role(row.role))

    def new_organization(self, conn: Connection, name: str,
                         material: KeyMaterial | None = None) -> Organization:
        """Add an organisation with its key pair, the private key opening with `material`
        (else with the workspace's own material); audited."""
        org = records.add_organization(conn, name)
        orgkeys.create_key(conn, org.id, material or self.material)
        self.audit(conn, "organization_added", org.name,
                   {"key": "own key material" if material else "workspace key material"})
        return org

    def scope(self, conn: Connection) -> Scope:
        return scope_of(conn, self.user)

    def org_private_keys(self, conn: Connection, organization_id: int, name: str) -> dict[str, bytes]:
        """The organisation's private keys (key id -> key)."""
        return self.org_unlocked(conn, organization_id, name).private_keys

    def org_unlocked(self, conn: Connection, organization_id: int, name: str) -> orgkeys.Unlocked:
        """The organisation's keys, opened with the organisation's key material if given,
        else the workspace's; WorkspaceLocked when neither opens them."""
        if organization_id not in self._org_keys:
            materials = [m for m in (self.org_material, self.material) if m is not None]
            unlocked = orgkeys.unlock(conn, organization_id, materials)
            if not unlocked.private_keys:
                raise WorkspaceLocked(
                    f"The key of organisation '{name}' does not open with the key material given.",
                    fix="Set TESTIMONIA_ORG_KEY_FILE or TESTIMONIA_ORG_PASSPHRASE to that "
                    "organisation's key.")
            self._org_keys[organization_id] = unlocked
        return self._org_keys[organization_id]

    def forget_org_keys(self) -> None:
        self._org_keys.clear()

    # Hash-chained logs: custody (what happened to documents), audit (reads and changes)

    def record(self, conn: Connection, action: str, document_id: str | None,
               details: dict[str, Any]) -> None:
        """Add a custody entry inside the caller's transaction."""
        chain.append(conn, custody_events, action, document_id, details, self.actor)

    def audit(self, conn: Connection, action: str, subject: str | None,
              details: dict[str, Any]) -> None:
        """Add an audit entry (a read of protected data, a change) inside the transaction."""
        chain.append(conn, audit_events, action, subject, details, self.actor)

    def write_head(self) -> None:
        """Seal pointers to the last entry of each log (call after each commit)."""
        with self.engine.connect() as conn:
            for name, table in LOGS.items():
                last = logs.last_entry(conn, table)
                body = json.dumps({"seq": last.seq if last else 0,
                                   "hash": last.hash if last else chain.GENESIS})
                atomic_write(self.paths.head_of(name), self._seal(f"{name}.head", body.encode()),
                             tmp_dir=self.paths.tmp)

    def read_head(self, name: str = "custody") -> chain.Head | None:
        try:
            data = json.loads(self._unseal(f"{name}.head", self.paths.head_of(name).read_bytes()))
        except FileNotFoundError:
            return None
        return chain.Head(seq=int(data["seq"]), hash=str(data["hash"]))

    # Originals: sealed, named by a keyed hash of their SHA-256

    def original_path(self, document_id: str, keys: WorkspaceKeys | None = None) -> Path:
        """Where the original is named under `keys`; without them, where it is: under the
        current key, or a retired one while a rotation is unfinished."""
        if keys is not None:
            name = hmac.new(keys.name_key, document_id.encode(), hashlib.sha256).hexdigest()
            return self.paths.originals / name[:2] / f"{name}.sealed"
        for old in self.keys.retired:
            path = self.original_path(document_id, old)
            if path.exists():
                return path
        return self.original_path(document_id, self.keys)

    def store_original(self, document_id: str, data: bytes, data_key: bytes) -> bool:
        """Keep the unaltered original, encrypted with the document's data key and sealed
        under the workspace key; False when it is already stored."""
        path = self.original_path(document_id)
        if path.exists():
            return False
        self.replace_original(document_id, data, data_key)
        return True

    def replace_original(self, document_id: str, data: bytes, data_key: bytes) -> None:
        inner = doccrypt.seal_original(data_key, document_id, data)
        atomic_write(self.original_path(document_id, self.keys), self._seal(document_id, inner),
                     tmp_dir=self.paths.tmp)

    def read_original(self, document_id: str, data_key: bytes | None) -> bytes:
        """The original bytes; IntegrityError saying what is wrong with them otherwise.
        Without the document's data key only the workspace seal is checked and the
        still-encrypted bytes are returned."""
        path = self.original_path(document_id)
        try:
            inner = self._unseal(document_id, path.read_bytes())
        except FileNotFoundError as exc:
            raise IntegrityError(f"missing from {self.paths.originals.name}/ (removed)") from exc
        return inner if data_key is None else doccrypt.open_original(data_key, document_id, inner)

    def reseal_original(self, document_id: str, old: WorkspaceKeys) -> bool:
        """Move an original sealed under a retired key to the current key (key rotation):
        the new file is written whole before the old one is removed."""
        path, target = self.original_path(document_id, old), self.original_path(document_id, self.keys)
        if path == target or not path.exists():
            return False
        data = self._unseal(document_id, path.read_bytes())
        atomic_write(target, self._seal(document_id, data), tmp_dir=self.paths.tmp)
        path.unlink()
        return True

    def remove_original(self, document_id: str) -> None:
        self.original_path(document_id).unlink(missing_ok=True)

    def clear_tmp(self) -> None:
        """Remove partial files left by an interrupted write (they hold only ciphertext)."""
        for leftover in self.paths.tmp.glob("*"):
            if leftover.is_file():
                leftover.unlink()

    def _seal(self, name: str, data: bytes) -> bytes:
        return sealed.seal(self.keys.file_key, self.keys.key_id, name, data)

    def _unseal(self, name: str, data: bytes) -> bytes:
        keys = self.keys.by_id(sealed.key_id_of(data)) or self.keys
        return sealed.unseal(keys.file_key, keys.key_id, name, data)


def resolve_root(explicit: Path | None, environ: Mapping[str, str] | None = None) -> Path:
    """-w/--workspace, else TESTIMONIA_WORKSPACE, else the current folder."""
    env = os.environ if environ is None else environ
    if explicit is not None:
        return explicit
    return Path(env.get("TESTIMONIA_WORKSPACE") or ".")


def _refuse_existing(root: Path) -> None:
    if (root / CONFIG_FILE).exists() or (root / KEYRING_FILE).exists():
        raise WorkspaceExists(f"{root} is already a Testimonia workspace.",
                              fix="Use it as it is, or choose another folder.")
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise WorkspaceExists(f"{root} exists and is not an empty folder.",
                              fix="Choose a new or empty folder for the workspace.")


def _refuse_key_inside(root: Path, material: KeyMaterial) -> None:
    if material.key_file is None:
        return
    key = material.key_file.expanduser().resolve()
    if key.is_relative_to(root):
        raise InvalidValue(f"The key file {key} lies inside the workspace {root}.",
                           fix="Keep keys away from the data they protect: move the key file "
                           "to another drive and point TESTIMONIA_KEY_FILE at it.")
