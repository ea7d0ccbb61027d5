"""The organisation's search index: kept on disk, encrypted, shared by its sessions and
processes; brought up to date with only what changed (an ingest, an extraction, a review
decision, a withdrawal, a share); built again when damaged or when a key rotated; and
what one organisation finds is what it may read."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from testimonia.errors import WorkspaceBusy
from testimonia.service import corrections, extraction, review, rotation, search, sharing, users
from testimonia.service.audit import read_audit
from testimonia.service.ingest import IngestOptions, ingest_paths
from testimonia.service.workspace import Workspace
from testimonia.store.search_index import IndexFile, IndexLock, Unreadable

CARLA = ("---\nsource: Carla\nsource_kind: survivor\nlanguage: en\n---\n(Fictional.) In May 2021 "
         "soldiers held me in a pit at Tessalit and gave me electric shocks.\n")


def _builds(ws: Workspace) -> list[dict[str, Any]]:
    return [e.details for e in read_audit(ws).entries if e.action == "search_index"]


def _files(ws: Workspace, query: str, **filters: list[str]) -> list[tuple[str, str]]:
    return sorted((h.item.file_name, h.item.kind) for h in search.search(ws, query, filters).hits)


def _path(ws: Workspace) -> Path:
    return ws.paths.root / search.INDEX_DIR / f"org-{ws.user.organization_id}.db"


def _ingest(ws: Workspace, tmp_path: Path, name: str, text: str) -> None:
    folder = tmp_path / name.removesuffix(".md")
    folder.mkdir()
    (folder / name).write_text(text, encoding="utf-8")
    assert ingest_paths(ws, [folder], IngestOptions()).count("ingested") == 1


def test_the_index_is_kept_and_shared_by_every_session_and_process(
        reviewed_ws: Workspace, opener: Callable[..., Workspace]) -> None:
    first = _files(reviewed_ws, "cables")
    assert ("alou.md", "document") in first and ("bintou.md", "document") in first
    assert _builds(reviewed_ws) == [{"documents": 2, "claims": 4, "removed": 0}]
    written = _path(reviewed_ws).stat().st_mtime_ns
    search.OPEN.forget()  # as a new process: nothing held open
    with opener() as again:
        assert _files(again, "cables") == first
        assert _files(again, "Sevare", review_state=["unreviewed"]) == _files(reviewed_ws, "Sévaré")
    assert len(_builds(reviewed_ws)) == 1 and _path(reviewed_ws).stat().st_mtime_ns == written


def test_a_server_reads_each_index_it_opens_into_its_page_cache(
        reviewed_ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    warmed: list[str] = []
    monkeypatch.setattr(search.OPEN, "warm", True)  # as `testimonia serve` sets it
    monkeypatch.setattr(IndexFile, "warm", lambda self: warmed.append(self.path.name) or 0)
    first = _files(reviewed_ws, "cables")  # builds the index, then opens it
    search.OPEN.forget()
    assert _files(reviewed_ws, "cables") == first  # opened again, as by a new process
    for thread in threading.enumerate():
        if thread.name.startswith("warm "):
            thread.join()
    assert warmed == [_path(reviewed_ws).name] * 2


def test_only_what_changed_is_indexed_again(reviewed_ws: Workspace, tmp_path: Path) -> None:
    ws = reviewed_ws
    assert _files(ws, "Tessalit") == []
    _ingest(ws, tmp_path, "carla.md", CARLA)
    assert _files(ws, "Tessalit") == [("carla.md", "document")]
    extraction.extract_workspace(ws)
    found = _files(ws, "Tessalit")
    assert ("carla.md", "claim") in found
    claims = [h.item for h in search.search(ws, "Tessalit").hits if h.item.kind == "claim"]
    review.decide(ws, claims[0].claim_id or 0, "accepted")
    accepted = search.search(ws, "", {"review_state": ["accepted"]})
    assert [(h.item.file_name, h.item.claim_id) for h in accepted.hits] == [
        ("carla.md", None), ("carla.md", claims[0].claim_id)]
    corrections.withdraw_document(ws, accepted.hits[0].item.document_id[:12], "consent withdrawn")
    assert _files(ws, "Tessalit") == [] and _files(ws, "cables") != []
    assert [(b["documents"], b["removed"]) for b in _builds(ws)] == [
        (2, 0),  # the first search: everything
        (1, 0), (1, 0), (1, 0),  # ingested, extracted, one claim accepted: carla.md each time
        (0, 1)]  # withdrawn: removed
    assert _builds(ws)[2]["claims"] == len(claims) > 0


def test_the_index_is_unreadable_without_the_organisation_key(reviewed_ws: Workspace) -> None:
    ws = reviewed_ws
    _files(ws, "cables")
    data = _path(ws).read_bytes()
    assert not data.startswith(b"SQLite format 3")
    assert not any(word in data for word in (b"cables", b"container", "Sévaré".encode(), b"alou.md"))
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(_path(ws)).execute("SELECT count(*) FROM sqlite_master").fetchone()
    for key in (ws.keys.database_key, ws.keys.data_key, ws.keys.file_key):  # the workspace key's
        with pytest.raises(Unreadable):
            IndexFile(_path(ws), key)


def test_each_organisation_finds_what_it_may_read_and_no_more(
        reviewed_ws: Workspace, opener: Callable[..., Workspace], user_key: Callable[[str], Path]) -> None:
    ws = reviewed_ws
    users.add_organization(ws, "Partner", "p-admin", key_file=user_key("p-admin"))
    with opener("p-admin") as partner:
        assert _files(partner, "cables") == []
        sharing.share(ws, "source", "Alou", "Partner")
        assert {f for f, _ in _files(partner, "cables")} == {"alou.md"}
        sharing.share(ws, "source", "Alou", "Partner", remove=True)
        assert _files(partner, "cables") == []
        built = [(b["documents"], b["removed"]) for b in _builds(ws)]
        assert built[-3:] == [(0, 0), (1, 0), (0, 1)]  # the partner's first: nothing to index
        assert _path(partner) != _path(ws)
    assert {f for f, _ in _files(ws, "cables")} == {"alou.md", "bintou.md"}


def test_a_rotated_key_or_a_damaged_file_means_a_new_index(reviewed_ws: Workspace) -> None:
    ws = reviewed_ws
    _files(ws, "cables")
    before = _path(ws).stat().st_ino
    rotation.rotate_organization(ws, "Sahel Desk")
    assert {f for f, _ in _files(ws, "cables")} == {"alou.md", "bintou.md"}
    assert _path(ws).stat().st_ino != before and _builds(ws)[-1]["documents"] == 2
    _path(ws).write_bytes(b"\x00" * 8192)  # damaged
    assert {f for f, _ in _files(ws, "cables")} == {"alou.md", "bintou.md"}
    assert _builds(ws)[-1]["documents"] == 2


def test_an_index_another_process_is_writing_is_waited_for(reviewed_ws: Workspace, tmp_path: Path) -> None:
    ws = reviewed_ws
    _files(ws, "cables")
    _ingest(ws, tmp_path, "carla.md", CARLA)
    ws.config = ws.config.with_value("lock_timeout", 0.3, "test")
    with IndexLock(_path(ws).with_suffix(".lock"), 1).held(), \
            pytest.raises(WorkspaceBusy, match="being updated by another command"):
        search.search(ws, "Tessalit")
    assert _files(ws, "Tessalit") == [("carla.md", "document")]


def test_each_hit_is_checked_against_the_scope_again(reviewed_ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _files(reviewed_ws, "cables")
    search.OPEN.forget()
    monkeypatch.setattr(search, "_visible", lambda ws: frozenset())  # as if the index held more
    assert search.search(reviewed_ws, "cables").hits == []


def test_a_key_rotated_by_another_process_is_followed_not_fought(
        reviewed_ws: Workspace, opener: Callable[..., Workspace]) -> None:
    ws = reviewed_ws
    _files(ws, "cables")  # this process holds the organisation's keys opened before the rotation
    with opener() as other:
        rotation.rotate_organization(other, "Sahel Desk")
        _files(other, "cables")  # built again under the new key
    built = len(_builds(ws))
    for _ in range(2):
        assert {f for f, _ in _files(ws, "cables")} == {"alou.md", "bintou.md"}
    assert len(_builds(ws)) == built  # the new key derived here too: the same file, no rebuild


def test_a_page_damaged_under_a_search_means_a_new_index_and_a_busy_one_does_not(
        reviewed_ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlcipher3

    ws = reviewed_ws
    _files(ws, "cables")
    real = IndexFile.search
    failures = [sqlcipher3.OperationalError("database is locked"),
                sqlcipher3.DatabaseError("database disk image is malformed")]

    def failing(self: IndexFile, *args: Any) -> Any:
        if failures:
            raise failures.pop(0)
        return real(self, *args)

    monkeypatch.setattr(IndexFile, "search", failing)
    with pytest.raises(sqlcipher3.OperationalError):
        search.search(ws, "cables")
    assert len(_builds(ws)) == 1  # busy: nothing rebuilt
    assert {f for f, _ in _files(ws, "cables")} == {"alou.md", "bintou.md"}
    assert _builds(ws)[1:] == [{"documents": 2, "claims": 4, "removed": 0}]  # damaged: built anew


def test_many_changed_documents_are_read_at_once_with_the_same_result(
        reviewed_ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = reviewed_ws
    one_by_one = search.search(ws, "cables", {"review_state": ["unreviewed"]})
    _path(ws).unlink()
    search.OPEN.forget()
    monkeypatch.setattr(search, "BULK", 0)  # every claim read in one pass
    at_once = search.search(ws, "cables", {"review_state": ["unreviewed"]})
    assert at_once == one_by_one and len(_builds(ws)) == 2
