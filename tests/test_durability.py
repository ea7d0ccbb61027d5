"""Findings 1, 3 and 5 of the reliability probe, each replayed in-process at the exact
moment that lost data before (the kill, concurrency and fault battery is tests/reliability)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from sqlalchemy import text

from testimonia.crypto.keys import KeyMaterial
from testimonia.errors import IntegrityError, ReadOnlyWorkspace
from testimonia.service import doccrypt
from testimonia.service.ingest import IngestOptions, ingest_paths
from testimonia.service.integrity import verify_workspace
from testimonia.service.workspace import Workspace
from testimonia.store import records
from testimonia.store.heads import HeadFile
from testimonia.store.lock import WorkspaceLock


def _originals_open(ws: Workspace, folder: Path) -> dict[str, bool]:
    """File name -> whether its stored original opens and equals the input's bytes."""
    found = {}
    with ws.engine.connect() as conn:
        for doc in records.list_documents(conn):
            data = ws.read_original(doc.id, doccrypt.key_for(ws, conn, doc.id))
            found[doc.file_name] = data == (folder / doc.file_name).read_bytes()
    return found


def test_ctrl_c_just_after_the_commit_keeps_the_original(ws: Workspace, testimony_dir: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Finding 1: the clean-up after an interrupt removed an original its row referenced."""
    def interrupted(self: HeadFile, end: object) -> None:
        raise KeyboardInterrupt
    monkeypatch.setattr(HeadFile, "finalize", interrupted)
    with pytest.raises(KeyboardInterrupt):
        ingest_paths(ws, [testimony_dir / "kadi.md"], IngestOptions())
    monkeypatch.undo()
    assert _originals_open(ws, testimony_dir) == {"kadi.md": True}
    assert verify_workspace(ws).ok  # the pending head matches the committed entries


def test_a_crash_between_the_head_and_the_commit_loses_nothing(ws: Workspace, testimony_dir: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    written = HeadFile.write_pending

    def then_killed(self: HeadFile, committed: object, pending: object) -> None:
        written(self, committed, pending)  # type: ignore[arg-type]
        raise KeyboardInterrupt
    monkeypatch.setattr(HeadFile, "write_pending", then_killed)
    with pytest.raises(KeyboardInterrupt):
        ingest_paths(ws, [testimony_dir / "kadi.md"], IngestOptions())
    monkeypatch.undo()
    report = verify_workspace(ws)
    assert report.ok and report.documents == 0  # rolled back; the head's pending entry unused
    ingest_paths(ws, [testimony_dir], IngestOptions())
    assert _originals_open(ws, testimony_dir) == {"kadi.md": True, "note.txt": True, "wangrin.md": True}
    assert verify_workspace(ws).ok


def test_the_head_covers_every_commit_without_a_command_ending(ws: Workspace, testimony_dir: Path,
                                                               material: KeyMaterial,
                                                               me: KeyMaterial) -> None:
    """Finding 3: the head was sealed only when a command ended; a killed command left it
    at entry 1. Now each commit moves it: reopened as if the process had died, it covers all."""
    seen: list[int] = []
    ingest_paths(ws, [testimony_dir], IngestOptions(),
                 progress=lambda _o: seen.append(ws.read_head().committed.seq))  # type: ignore[union-attr]
    assert seen == [3, 5, 7]  # workspace_created, then two entries per file, at every commit
    with Workspace.open(ws.paths.root, material, user_material=me) as reopened:
        assert verify_workspace(reopened).head.seq == 7


def test_a_tail_removed_is_named_and_never_sealed_again(ws: Workspace, testimony_dir: Path) -> None:
    ingest_paths(ws, [testimony_dir], IngestOptions())
    with ws.engine.begin() as conn:
        last = conn.execute(text("SELECT document_id FROM custody_events WHERE seq = 7")).scalar_one()
        for table in ("record_keys", "document_texts", "documents"):
            column = "record" if table == "record_keys" else "document_id" if table == "document_texts" else "id"
            value = f"document|{last}" if table == "record_keys" else last
            conn.execute(text(f"DELETE FROM {table} WHERE {column} = :v"), {"v": value})
        conn.execute(text("DELETE FROM custody_events WHERE seq > 5"))
    expected = ("custody log: ends at entry 5, but the workspace recorded entry 7: entries were "
                "removed from the end")
    assert expected in [str(p) for p in verify_workspace(ws).problems]
    (testimony_dir / "later.md").write_text("A later testimony from Mopti.\n", encoding="utf-8")
    with pytest.raises(IntegrityError, match="Refusing to write: the custody log ends at entry 5"):
        ingest_paths(ws, [testimony_dir / "later.md"], IngestOptions())
    assert expected in [str(p) for p in verify_workspace(ws).problems]  # still named


@pytest.mark.sqlite_only("a read-only copy is read from a private copy of its SQLite file; a "
                         "server's database has none (docs/deployment.md)")
def test_a_read_only_copy_is_verified_without_writing(ws: Workspace, testimony_dir: Path, tmp_path: Path,
                                                      material: KeyMaterial, me: KeyMaterial,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Finding 5: an archived copy could not be verified. (Tests run as root, for whom
    nothing is read-only: the lock file's refusal stands in for the read-only medium.)"""
    ingest_paths(ws, [testimony_dir], IngestOptions())
    ws.close()
    copy = tmp_path / "archive"
    shutil.copytree(ws.paths.root, copy)
    before = {p.relative_to(copy): hashlib.sha256(p.read_bytes()).hexdigest()
              for p in copy.rglob("*") if p.is_file()}

    def read_only(self: WorkspaceLock) -> bool:
        raise PermissionError(30, "Read-only file system")
    monkeypatch.setattr(WorkspaceLock, "try_exclusive", read_only)
    for credential in (None, me):  # the workspace key alone, or with a user's credential
        with Workspace.open(copy, material, user_material=credential) as archived:
            assert archived.read_only
            report = verify_workspace(archived)
            assert report.ok and report.documents == 3, report.problems
            assert report.sealed_only == (3 if credential is None else 0)
            if credential is not None:  # (without one, the user is refused before the medium)
                with pytest.raises(ReadOnlyWorkspace, match="read-only media"):
                    ingest_paths(archived, [testimony_dir], IngestOptions())
    after = {p.relative_to(copy): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in copy.rglob("*") if p.is_file()}
    assert after == before


def test_the_detected_encoding_is_recorded_in_custody(ws: Workspace, tmp_path: Path) -> None:
    """Finding 6: a CP1251 file is read, and custody says how."""
    (tmp_path / "cp1251.txt").write_bytes("Нас тримали в підвалі школи в Ізюмі.".encode("cp1251"))
    ingest_paths(ws, [tmp_path / "cp1251.txt"], IngestOptions())
    with ws.engine.connect() as conn:
        details = conn.execute(text("SELECT CAST(details AS TEXT) FROM custody_events WHERE action = "
                                    "'text_extracted'")).scalar_one()
    assert '"encoding": "cp1251"' in details and "Windows-1251" in details
