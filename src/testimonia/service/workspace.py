"""An investigation workspace: one folder with its encrypted database, sealed originals,
keyring and settings. See docs/workspace.md for the layout.

Opening one takes two secrets: the workspace key (the consortium's: it opens the
database and the sealed files) and the acting user's own credential (it opens the
keys that sign everything they do and their organisation's private key,
protect/credentials.py). Every change goes through `transaction()`, which holds the
database's write lock, checks and moves the sealed log heads with the commit
(store/heads.py), and signs each log entry with the acting user's key.
"""

from __future__ import annotations

import copy
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import OperationalError

from testimonia.config import CONFIG_FILE, Config, load_config, refuse_password, write_config_file
from testimonia.crypto import credentials, sealed
from testimonia.crypto.credentials import UserKeys
from testimonia.crypto.keys import KeyMaterial, WorkspaceKeys, create_keyring, is_empty, unlock_keyring
from testimonia.errors import (
    IntegrityError,
    InvalidValue,
    PermissionDenied,
    ReadOnlyWorkspace,
    StorageFailure,
    WorkspaceExists,
    WorkspaceLocked,
    WorkspaceNotFound,
)
from testimonia.model import Organization, Role
from testimonia.service import doccrypt, orgkeys
from testimonia.service.actor import Actor, authenticate
from testimonia.service.policy import Scope, User, scope_of
from testimonia.store import analyses, chain, logs, protection, records
from testimonia.store.engine import migrate, needs_migration, open_engine, release_new, storage_failure
from testimonia.store.heads import Head, HeadFile, HeadState, entry_head
from testimonia.store.lock import Waiting, WorkspaceLock
from testimonia.store.originals import Originals
from testimonia.store.schema import audit_events, custody_events

__all__ = ["DATABASE_FILE", "KEYRING_FILE", "LOCK_FILE", "LOGS", "ORIGINALS_DIR", "Paths",
           "TMP_DIR", "Workspace"]

KEYRING_FILE = "keyring.json"
DATABASE_FILE = "testimonia.db"
ORIGINALS_DIR = "originals"
TMP_DIR = "tmp"
LOCK_FILE = "workspace.lock"
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
    def lock(self) -> Path:
        return self.root / LOCK_FILE

    @property
    def head(self) -> Path:
        return self.head_of("custody")

    def head_of(self, log: str) -> Path:
        return self.root / f"{log}.head"


class Workspace:
    """An unlocked workspace. Create with `Workspace.create`, open with `Workspace.open`."""

    def __init__(self, paths: Paths, keys: WorkspaceKeys, config: Config, material: KeyMaterial,
                 user_material: KeyMaterial | None = None, *, snapshot: Path | None = None,
                 lock: WorkspaceLock | None = None, new: bool = False) -> None:
        self.paths = paths
        self.keys = keys
        self.config = config
        self.material = material
        self.user_material = user_material if user_material and not is_empty(user_material) else None
        self.snapshot = snapshot  # a private copy of a read-only workspace's database
        self.lock = lock
        self.originals = Originals(paths.originals, lambda: self.keys, paths.tmp)
        self.heads = {name: HeadFile(name, paths.head_of(name), self._seal, self._unseal, paths.tmp)
                      for name in LOGS}
        self.engine: Engine = self._open_engine(new=new)
        self._org_keys: dict[int, dict[str, bytes]] = {}
        self.acting = Actor(self.actor)
        self.shared = False  # a signed-in user's view of a workspace another object opened

    # Life cycle

    @classmethod
    def create(cls, root: Path, material: KeyMaterial, organization: str,
               settings: Mapping[str, Any] | None = None,
               user_material: KeyMaterial | None = None) -> Workspace:
        """A new workspace; the actor becomes the first admin of its first organisation,
        with `user_material` as their own credential."""
        root = root.expanduser().resolve()
        _refuse_existing(root)
        _refuse_key_inside(root, material)
        user_material = user_material or KeyMaterial()
        _refuse_shared_credential(material, user_material)
        refuse_password(str((settings or {}).get("database_url", "")), "testimonia init")
        root.mkdir(parents=True, exist_ok=True)
        workspace: Workspace | None = None
        try:
            paths = Paths(root)
            for folder in (paths.originals, paths.tmp):
                folder.mkdir(mode=0o700)
            write_config_file(paths.config, dict(settings or {}))
            keys = create_keyring(paths.keyring, material)
            workspace = cls(paths, keys, load_config(root), material, user_material, new=True)
            migrate(workspace.engine)
            user_keys, slots = credentials.new_user_keys(user_material)
            with workspace.engine.begin() as conn:
                org = records.add_organization(conn, organization)
                user_id = protection.add_user(conn, workspace.actor, org.id, Role.ADMIN.value,
                                          user_keys.public, slots)
            workspace.acting = Actor(workspace.actor, User(workspace.actor, org.id, org.name,
                                                           Role.ADMIN), user_keys)
            with workspace.transaction() as conn:
                key_id = orgkeys.create_key(conn, org.id, [(user_id, user_keys.public.box)])
                workspace.record(conn, "workspace_created", None, {"organization": organization})
                workspace.audit(conn, "user_added", workspace.actor, {
                    "organization": org.name, "role": Role.ADMIN.value, "first": True,
                    **user_keys.public.as_details()})
                workspace.audit(conn, "organization_added", org.name, {"org_key": key_id,
                                                                      **_org_public(conn, key_id)})
        except BaseException:
            if workspace is not None:  # a server database bound by this attempt: empty it again
                release_new(workspace.engine)
                workspace.close()
            shutil.rmtree(root, ignore_errors=True)
            raise
        return workspace

    @classmethod
    def open(cls, root: Path, material: KeyMaterial, flags: Mapping[str, Any] | None = None,
             user_material: KeyMaterial | None = None, on_wait: Waiting | None = None,
             read_only: bool = False) -> Workspace:
        """Open a workspace with the workspace key; the acting user (the `actor` setting)
        is authenticated with `user_material` when it is given. A workspace on read-only
        media, or one that a read-only command (`read_only`) finds written by an older
        version, is read from a private copy of its database (upgraded there): reading
        never upgrades the workspace itself."""
        root = root.expanduser().resolve()
        paths = Paths(root)
        if not (paths.config.is_file() and paths.keyring.is_file()):
            raise WorkspaceNotFound(root)
        _refuse_key_inside(root, material)
        keyring = paths.keyring.read_bytes()
        keys = unlock_keyring(paths.keyring, material)
        config = load_config(root, flags)
        server = bool(config["database_url"])
        if not server and not paths.database.is_file():
            raise IntegrityError(f"The database {paths.database} is missing.",
                                 fix="Restore the workspace from a backup.")
        lock = WorkspaceLock(paths.lock, float(config["lock_timeout"]), on_wait)
        try:
            alone = lock.try_exclusive()
        except OSError:  # read-only media: no lock file can be opened for writing
            if server:
                raise ReadOnlyWorkspace(
                    f"The workspace folder {root} is read-only; its database is on a server.",
                    fix="Run Testimonia where the folder is writable (it holds the lock file "
                    "that key rotation and upgrades need).") from None
            return cls._open_snapshot(paths, keys, config, material, user_material)
        try:
            if not alone:
                lock.acquire_shared()
            if paths.keyring.read_bytes() != keyring:  # a key rotation ended before we held the lock
                keys = unlock_keyring(paths.keyring, material)
        except BaseException:
            lock.release()
            raise
        workspace = cls(paths, keys, config, material, user_material, lock=lock)
        try:
            behind = needs_migration(workspace.engine)
            if read_only and behind and server:
                raise ReadOnlyWorkspace(
                    f"The database of {root} was written by an older version; a command that only "
                    "reads does not upgrade a server's database.",
                    fix="Run any other command once (e.g. `testimonia documents`): it upgrades the "
                    "database; then this one again.")
            if read_only and behind:
                workspace.close()
                return cls._open_snapshot(paths, keys, config, material, user_material)
            if behind and not alone:
                lock.acquire_exclusive("upgrading the database")
                alone = True
            if alone:
                workspace._maintain()
                lock.downgrade()
            workspace._authenticate()
        except BaseException:
            workspace.close()
            raise
        return workspace

    @classmethod
    def _open_snapshot(cls, paths: Paths, keys: WorkspaceKeys, config: Config,
                       material: KeyMaterial, user_material: KeyMaterial | None) -> Workspace:
        copy = Path(tempfile.mkdtemp(prefix="testimonia-readonly-"))
        for suffix in ("", "-wal"):
            source = paths.root / (DATABASE_FILE + suffix)
            if source.exists():
                shutil.copyfile(source, copy / source.name)
        workspace = cls(paths, keys, config, material, user_material, snapshot=copy)
        try:
            if needs_migration(workspace.engine):
                migrate(workspace.engine)  # the private copy only
            workspace._authenticate()
        except BaseException:
            workspace.close()
            raise
        return workspace

    def _maintain(self) -> None:
        """Work done only when no other process has the workspace open."""
        self.clear_tmp()
        migrate(self.engine)
        doccrypt.seal_legacy(self)

    def close(self) -> None:
        if self.shared:  # the workspace that opened it closes the engine and the lock
            return
        self.engine.dispose()
        if self.lock is not None:
            self.lock.release()
        if self.snapshot is not None:
            shutil.rmtree(self.snapshot, ignore_errors=True)

    @property
    def read_only(self) -> bool:
        return self.snapshot is not None

    def use_keys(self, keys: WorkspaceKeys) -> None:
        """Switch to rotated keys (protect/rotation.py)."""
        self.keys = keys
        self.engine.dispose()
        self.engine = self._open_engine()

    def _open_engine(self, new: bool = False) -> Engine:
        """The database opens with the current key, else a retired one (unfinished rotation);
        a server's database (`database_url`) is checked to be this workspace's with them."""
        database = self.snapshot / DATABASE_FILE if self.snapshot else self.paths.database
        url = "" if self.snapshot else str(self.config["database_url"])
        return open_engine(url, path=database, new=new,
                           keys=[k.database_key for k in (self.keys, *self.keys.retired)])

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # Who is acting: authenticated by their own credential

    @property
    def actor(self) -> str:
        return str(self.config["actor"])

    @property
    def user(self) -> User:
        """The authenticated acting user; PermissionDenied for a stranger or a user whose
        credential was not given or did not open."""
        if self.acting.user is None:
            raise PermissionDenied(self.acting.problem or f"'{self.actor}' is not a user of this "
                                   "workspace.", fix=self.acting.fix())
        return self.acting.user

    def signed_in(self, name: str, material: KeyMaterial,
                  details: Mapping[str, Any] | None = None) -> Workspace:
        """This open workspace as user `name`, authenticated with their own credential:
        a view sharing the database, the sealed files and the lock, with its own acting
        user and unlocked keys (a server holds one per signed-in person, web/). A
        credential that does not open is audited (unsigned) with `details` added, as
        `authentication_failed`, and PermissionDenied raised."""
        view = copy.copy(self)
        view.config = self.config.with_value("actor", name.strip(), "sign-in")
        view.user_material = None if is_empty(material) else material
        view.lock = None
        view.shared = True
        view._org_keys = {}
        with self.engine.connect() as conn:
            view.acting = authenticate(conn, view.actor, view.user_material)
        if view.acting.user is None:
            view._refusal("authentication_failed", view.actor,
                          {"credential": material.describe(), **(details or {})})
            raise PermissionDenied(view.acting.problem or f"'{name}' is not a user of this workspace.",
                                   fix=view.acting.fix())
        return view

    def _authenticate(self) -> None:
        """Find the acting user and open their keys. A failure is kept (and, for a
        credential that does not open, audited unsigned) so that commands needing no user
        still run."""
        with self.engine.connect() as conn:
            self.acting = authenticate(conn, self.actor, self.user_material)
        if self.acting.wrong_credential and self.user_material is not None:
            self._refusal("authentication_failed", self.actor,
                          {"credential": self.user_material.describe()})

    def _refusal(self, action: str, subject: str | None, details: dict[str, Any]) -> None:
        """An unsigned audit entry for someone who could not authenticate."""
        if self.read_only:
            return
        try:
            with self.transaction(signed=False) as conn:
                chain.append(conn, audit_events, action, subject, details, self.actor, None)
        except StorageFailure:
            pass

    def refused(self, action: str, reason: str) -> None:
        """Audit a refusal of an authenticated user (signed) or of a stranger (unsigned)."""
        if self.acting.keys is None or self.read_only:
            self._refusal("refused", action, {"reason": reason})
            return
        with self.transaction() as conn:
            self.audit(conn, "refused", action, {"reason": reason})

    @property
    def user_keys(self) -> UserKeys:
        self.user  # noqa: B018 -- raises for an unauthenticated actor
        assert self.acting.keys is not None
        return self.acting.keys

    def use_user_keys(self, keys: UserKeys, user: User | None = None) -> None:
        """Sign with the acting user's new keys from now on (a changed credential, or an
        enrolment, which also authenticates `user`)."""
        self.acting.keys = keys
        if user is not None:
            self.acting.user = user
        self.forget_org_keys()

    def new_organization(self, conn: Connection, name: str,
                         admin: tuple[str, KeyMaterial] | None = None) -> Organization:
        """Add an organisation; with `admin`, its first admin (name, credential) gets its
        private key. Audited (signed by the acting admin)."""
        org = records.add_organization(conn, name)
        grantees = []
        if admin is not None:
            grantees.append(self.add_user(conn, admin[0], org, Role.ADMIN, admin[1]))
        key_id = orgkeys.create_key(conn, org.id, grantees)
        self.audit(conn, "organization_added", org.name, {"org_key": key_id,
                                                          **_org_public(conn, key_id)})
        return org

    def add_user(self, conn: Connection, name: str, org: Organization, role: Role,
                 material: KeyMaterial) -> tuple[int, bytes]:
        """A new user with their own credential; returns (user id, public box key) so that
        the organisation's keys can be granted to them. Audited with their public keys."""
        _refuse_shared_credential(self.material, material)
        clean = name.strip()
        if not clean or len(clean) > 200:
            raise InvalidValue(f"User name '{name}' must be 1 to 200 characters.")
        keys, slots = credentials.new_user_keys(material)
        user_id = protection.add_user(conn, clean, org.id, role.value, keys.public, slots)
        self.audit(conn, "user_added", clean, {"organization": org.name, "role": role.value,
                                               **keys.public.as_details()})
        return user_id, keys.public.box

    def input_generation(self) -> int:
        """A number the database moves on every write to what the analysis and search read
        (store/schema.py ANALYSIS_INPUTS): the same number, the same inputs."""
        with self.engine.connect() as conn:
            return analyses.generation(conn)

    def scope(self, conn: Connection) -> Scope:
        return scope_of(conn, self.user)

    def org_private_keys(self, conn: Connection, organization_id: int, name: str) -> dict[str, bytes]:
        """The organisation's private keys (key id -> key), opened through the acting
        user's grant; WorkspaceLocked when they hold none (another organisation's keys)."""
        if organization_id not in self._org_keys:
            user = self.user
            found = orgkeys.granted(conn, organization_id, protection.user_id(conn, user.name),
                                    self.user_keys.box_private) if user.organization_id == organization_id else {}
            if not found:
                raise WorkspaceLocked(
                    f"The keys of organisation '{name}' are not open to {user.name}.",
                    fix="Only that organisation's users hold them.")
            self._org_keys[organization_id] = found
        return self._org_keys[organization_id]

    def forget_org_keys(self) -> None:
        self._org_keys.clear()

    # Transactions and the hash-chained logs

    @contextmanager
    def transaction(self, signed: bool = True) -> Iterator[Connection]:
        """One write transaction: the database's write lock, the log heads checked at the
        start and moved with the commit (store/heads.py). A full disk or an I/O error
        rolls everything back and raises StorageFailure."""
        if self.read_only:
            raise ReadOnlyWorkspace(f"The workspace {self.paths.root} is on read-only media.",
                                    fix="It can be verified (`testimonia verify`); copy it to a "
                                    "writable disk to change it.")
        if signed:
            self.user_keys  # noqa: B018 -- only an authenticated user writes signed entries
        ends: dict[str, Head] = {}
        try:
            with self.engine.begin() as conn:
                start = {name: head.current(conn, LOGS[name]) for name, head in self.heads.items()}
                yield conn
                for name, head in self.heads.items():
                    end = entry_head(logs.last_entry(conn, LOGS[name]))
                    if end != start[name]:
                        head.write_pending(start[name], end)
                        ends[name] = end
        except (OSError, OperationalError) as exc:
            raise storage_failure(exc) from exc
        for name, end in ends.items():
            self.heads[name].finalize(end)

    def record(self, conn: Connection, action: str, document_id: str | None,
               details: dict[str, Any]) -> None:
        """Add a custody entry inside the caller's transaction, signed by the acting user."""
        chain.append(conn, custody_events, action, document_id, details, self.actor, self.user_keys)

    def audit(self, conn: Connection, action: str, subject: str | None,
              details: dict[str, Any]) -> None:
        """Add an audit entry (a read of protected data, a change) inside the transaction."""
        chain.append(conn, audit_events, action, subject, details, self.actor, self.user_keys)

    def read_head(self, name: str = "custody") -> HeadState | None:
        return self.heads[name].read()

    def checkpoint(self) -> dict[str, tuple[HeadState | IntegrityError | None, Head]]:
        """Each log's sealed head (or why it does not open) and where the log ends, read
        together while holding the write lock: no transaction is then between moving a
        head and committing, so the two agree unless something was tampered with."""
        found: dict[str, tuple[HeadState | IntegrityError | None, Head]] = {}
        with self.engine.begin() as conn:
            for name, head in self.heads.items():
                try:
                    state: HeadState | IntegrityError | None = head.read()
                except IntegrityError as exc:
                    state = exc
                found[name] = (state, entry_head(logs.last_entry(conn, LOGS[name])))
        return found

    # Originals (store/originals.py)

    def original_path(self, document_id: str) -> Path:
        return self.originals.path(document_id)

    def read_original(self, document_id: str, data_key: bytes | None) -> bytes:
        """The original bytes; IntegrityError saying what is wrong with them otherwise.
        Without the document's data key only the workspace seal is checked and the
        still-encrypted bytes are returned."""
        inner = self.originals.read(document_id)
        return inner if data_key is None else doccrypt.open_original(data_key, document_id, inner)

    def clear_tmp(self) -> None:
        """Remove partial files left by an interrupted write (call only when no other
        process has the workspace open: they hold only ciphertext)."""
        for leftover in self.paths.tmp.glob("*"):
            if leftover.is_file():
                leftover.unlink()

    def _seal(self, name: str, data: bytes) -> bytes:
        return sealed.seal(self.keys.file_key, self.keys.key_id, name, data)

    def _unseal(self, name: str, data: bytes) -> bytes:
        keys = self.keys.by_id(sealed.key_id_of(data)) or self.keys
        return sealed.unseal(keys.file_key, keys.key_id, name, data)


def _org_public(conn: Connection, key_id: str) -> dict[str, str]:
    key = protection.org_key(conn, key_id)
    return {"public_key": key.public_key.hex(), "organization_id": str(key.organization_id)}


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


def _refuse_shared_credential(workspace: KeyMaterial, user: KeyMaterial) -> None:
    if credentials.same_secret(workspace, user):
        raise InvalidValue("A user's own credential must differ from the workspace key: "
                           "everyone holding the workspace key could otherwise act as them.",
                           fix="Make one with `testimonia keygen PATH` and give it as "
                           "TESTIMONIA_USER_KEY_FILE (or choose another passphrase).")

