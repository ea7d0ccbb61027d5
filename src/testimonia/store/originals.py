"""Sealed originals: the unaltered bytes of every ingested file, one file each.

An original is encrypted with its document's data key (protect/doccrypt.py), then sealed
under the workspace key (protect/sealed.py), and named by a keyed hash of its SHA-256
(so the name does not reveal which known file is here). Rules that keep them safe:

- an original is written only while the database's write lock is held, by the
  transaction that inserts its document row (`put`), to a unique temporary name,
  fsynced, then renamed over whatever was at its name: a file no committed row
  references is a leftover of a killed run (perhaps sealed with another data key), and
  is replaced whole;
- nothing ever removes an original because something failed: `collect_garbage`, run
  under the write lock, removes only files that no committed row references.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterable
from pathlib import Path

from testimonia.crypto import sealed
from testimonia.crypto.keys import WorkspaceKeys
from testimonia.errors import IntegrityError
from testimonia.fsutil import atomic_write

__all__ = ["Originals"]

Keys = Callable[[], WorkspaceKeys]


class Originals:
    def __init__(self, folder: Path, keys: Keys, tmp_dir: Path) -> None:
        self.folder, self._keys, self.tmp_dir = folder, keys, tmp_dir

    def path(self, document_id: str, keys: WorkspaceKeys | None = None) -> Path:
        """Where the original is named under `keys`; without them, where it is: under the
        current key, or a retired one while a rotation is unfinished."""
        if keys is not None:
            name = hmac.new(keys.name_key, document_id.encode(), hashlib.sha256).hexdigest()
            return self.folder / name[:2] / f"{name}.sealed"
        for old in self._keys().retired:
            path = self.path(document_id, old)
            if path.exists():
                return path
        return self.path(document_id, self._keys())

    def put(self, document_id: str, inner: bytes) -> None:
        """Write (or replace) an original; call only inside the transaction that inserts
        its document row (the write lock makes this the only writer of that name)."""
        keys = self._keys()
        for old in keys.retired:
            self.path(document_id, old).unlink(missing_ok=True)  # a leftover, never referenced
        atomic_write(self.path(document_id, keys), self._seal(document_id, inner),
                     tmp_dir=self.tmp_dir)

    def read(self, document_id: str) -> bytes:
        """The original under the workspace seal (still encrypted with its data key)."""
        try:
            data = self.path(document_id).read_bytes()
        except FileNotFoundError as exc:
            raise IntegrityError(f"missing from {self.folder.name}/ (removed)") from exc
        return self._unseal(document_id, data)

    def reseal(self, document_id: str, old: WorkspaceKeys) -> bool:
        """Move an original sealed under a retired key to the current key (key rotation):
        the new file is written whole before the old one is removed."""
        path, target = self.path(document_id, old), self.path(document_id, self._keys())
        if path == target or not path.exists():
            return False
        data = self._unseal(document_id, path.read_bytes())
        atomic_write(target, self._seal(document_id, data), tmp_dir=self.tmp_dir)
        path.unlink()
        return True

    def collect_garbage(self, referenced: Iterable[str]) -> int:
        """Remove sealed files no committed document references (call holding the write
        lock, with every document id); returns how many were removed."""
        keys = self._keys()
        wanted = {self.path(d, k).name for d in referenced for k in (keys, *keys.retired)}
        removed = 0
        for path in self.folder.glob("*/*.sealed"):
            if path.name not in wanted:
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    def _seal(self, name: str, data: bytes) -> bytes:
        keys = self._keys()
        return sealed.seal(keys.file_key, keys.key_id, name, data)

    def _unseal(self, name: str, data: bytes) -> bytes:
        keys = self._keys()
        found = keys.by_id(sealed.key_id_of(data)) or keys
        return sealed.unseal(found.file_key, found.key_id, name, data)
