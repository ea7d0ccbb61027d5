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
from testimonia.errors import IntegrityError, InvalidValue, WorkspaceExists, WorkspaceNotFound
from testimonia.fsutil import atomic_write
from testimonia.protect import sealed
from testimonia.protect.keys import KeyMaterial, WorkspaceKeys, create_keyring, unlock_keyring
from testimonia.store import logs, records
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

    def __init__(self, paths: Paths, keys: WorkspaceKeys, config: Config) -> None:
        self.paths = paths
        self.keys = keys
        self.config = config
        self.engine: Engine = open_engine("", path=paths.database, key=keys.database_key)

    # Life cycle

    @classmethod
    def create(cls, root: Path, material: KeyMaterial, organization: str,
               settings: Mapping[str, Any] | None = None) -> Workspace:
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
            workspace = cls(paths, keys, load_config(root))
            migrate(workspace.engine)
            with workspace.engine.begin() as conn:
                records.add_organization(conn, organization)
                workspace.record(conn, "workspace_created", None, {"organization": organization})
            workspace.write_head()
        except BaseException:
            shutil.rmtree(root, ignore_errors=True)
            raise
        return workspace

    @classmethod
    def open(cls, root: Path, material: KeyMaterial,
             flags: Mapping[str, Any] | None = None) -> Workspace:
        root = root.expanduser().resolve()
        paths = Paths(root)
        if not (paths.config.is_file() and paths.keyring.is_file()):
            raise WorkspaceNotFound(root)
        _refuse_key_inside(root, material)
        keys = unlock_keyring(paths.keyring, material)
        workspace = cls(paths, keys, load_config(root, flags))
        migrate(workspace.engine)
        workspace.clear_tmp()
        return workspace

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # Hash-chained logs: custody (what happened to documents), audit (reads and changes)

    def record(self, conn: Connection, action: str, document_id: str | None,
               details: dict[str, Any]) -> None:
        """Add a custody entry inside the caller's transaction."""
        chain.append(conn, custody_events, action, document_id, details, str(self.config["actor"]))

    def audit(self, conn: Connection, action: str, subject: str | None,
              details: dict[str, Any]) -> None:
        """Add an audit entry (a read of protected data, a change) inside the transaction."""
        chain.append(conn, audit_events, action, subject, details, str(self.config["actor"]))

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

    def original_path(self, document_id: str) -> Path:
        name = hmac.new(self.keys.name_key, document_id.encode(), hashlib.sha256).hexdigest()
        return self.paths.originals / name[:2] / f"{name}.sealed"

    def store_original(self, document_id: str, data: bytes) -> bool:
        """Keep the unaltered original; False when an identical one is already stored."""
        path = self.original_path(document_id)
        if path.exists():
            return False
        atomic_write(path, self._seal(document_id, data), tmp_dir=self.paths.tmp)
        return True

    def read_original(self, document_id: str) -> bytes:
        """The original bytes; IntegrityError saying what is wrong with them otherwise."""
        path = self.original_path(document_id)
        try:
            return self._unseal(document_id, path.read_bytes())
        except FileNotFoundError as exc:
            raise IntegrityError(f"missing from {self.paths.originals.name}/ (removed)") from exc

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
        return sealed.unseal(self.keys.file_key, self.keys.key_id, name, data)


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
