"""Every kind of tampering the custody check promises to catch, caught."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from testimonia.service import doccrypt
from testimonia.service.ingest import IngestOptions, ingest_paths
from testimonia.service.integrity import verify_workspace
from testimonia.service.workspace import Workspace
from testimonia.store import records


@pytest.fixture
def filled(ws: Workspace, testimony_dir: Path) -> Workspace:
    report = ingest_paths(ws, [testimony_dir], IngestOptions())
    assert report.count("ingested") == 3
    assert verify_workspace(ws).ok
    return ws


def _doc_ids(ws: Workspace) -> list[str]:
    with ws.engine.connect() as conn:
        return [d.id for d in records.list_documents(conn)]


def _problems(ws: Workspace) -> list[str]:
    return [str(p) for p in verify_workspace(ws).problems]


def _sql(ws: Workspace, statement: str, **params: object) -> None:
    with ws.engine.begin() as conn:
        conn.execute(text(statement), params)


def test_intact_workspace_verifies(filled: Workspace) -> None:
    report = verify_workspace(filled)
    assert report.ok and report.documents == 3 and report.entries == 7
    assert report.head is not None and report.head.seq == 7


def test_one_flipped_ciphertext_byte_is_caught(filled: Workspace) -> None:
    doc = _doc_ids(filled)[0]
    path = filled.original_path(doc)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    problems = _problems(filled)
    assert problems == [f"document {doc[:12]} ({_name(filled, doc)}): original cannot be trusted: "
                        "authentication failed: the sealed bytes were altered, or the file was "
                        "moved from another name"]


def test_removed_original_is_caught(filled: Workspace) -> None:
    doc = _doc_ids(filled)[1]
    filled.original_path(doc).unlink()
    assert _problems(filled) == [f"document {doc[:12]} ({_name(filled, doc)}): original cannot "
                                 "be trusted: missing from originals/ (removed)"]


def test_original_replaced_by_another_is_caught(filled: Workspace) -> None:
    a, b = _doc_ids(filled)[:2]
    filled.original_path(a).write_bytes(filled.original_path(b).read_bytes())
    problems = _problems(filled)
    assert len(problems) == 1 and problems[0].startswith(f"document {a[:12]}")
    assert "authentication failed" in problems[0]


def test_altered_entry_is_caught(filled: Workspace) -> None:
    _sql(filled, "UPDATE custody_events SET actor = 'someone else' WHERE seq = 3")
    assert _problems(filled) == [
        "custody entry 3: says it was done by someone else but is signed by root",
        "custody entry 3: was altered (text_extracted entry no longer matches its hash)"]


def test_deleted_entry_is_caught(filled: Workspace) -> None:
    _sql(filled, "DELETE FROM custody_events WHERE seq = 4")
    problems = _problems(filled)
    assert "custody entry 5: expected entry 4 here: entries are missing, inserted or renumbered" in problems
    assert "custody entry 5: does not follow the entry before it (an entry was deleted, inserted or moved)" in problems
    assert any("has no matching 'received' entry" in p for p in problems)


def test_reordered_entries_are_caught(filled: Workspace) -> None:
    _sql(filled, "UPDATE custody_events SET seq = -1 WHERE seq = 2")
    _sql(filled, "UPDATE custody_events SET seq = 2 WHERE seq = 4")
    _sql(filled, "UPDATE custody_events SET seq = 4 WHERE seq = -1")
    problems = _problems(filled)
    assert any(p.startswith("custody entry 2: was altered") for p in problems)
    assert any(p.startswith("custody entry 4: was altered") for p in problems)


def test_inserted_entry_is_caught(filled: Workspace) -> None:
    _sql(filled, "UPDATE custody_events SET seq = seq + 100 WHERE seq > 3")
    _sql(filled, "UPDATE custody_events SET seq = seq - 99 WHERE seq > 100")
    _sql(filled, "INSERT INTO custody_events (seq, document_id, action, at, actor, details, prev_hash, hash)"
                 " SELECT 4, document_id, 'viewed', at, actor, '{}', hash, :h FROM custody_events WHERE seq = 3",
         h="f" * 64)
    problems = _problems(filled)
    assert "custody entry 4: was altered (viewed entry no longer matches its hash)" in problems
    assert "custody entry 5: does not follow the entry before it (an entry was deleted, inserted or moved)" in problems


def test_truncated_log_is_caught(filled: Workspace) -> None:
    _sql(filled, "DELETE FROM custody_events WHERE seq = 7")
    problems = _problems(filled)
    assert ("custody log: ends at entry 6, but the workspace recorded entry 7: "
            "entries were removed from the end") in problems


def test_changed_working_copy_is_caught(filled: Workspace) -> None:
    doc = _doc_ids(filled)[0]
    with filled.engine.begin() as conn:
        rewritten = doccrypt.seal_text(doccrypt.key_for(filled, conn, doc), doc, "rewritten")
        conn.execute(text("UPDATE document_texts SET sealed = :s WHERE document_id = :d"),
                     {"s": rewritten, "d": doc})
    assert _problems(filled) == [f"document {doc[:12]} ({_name(filled, doc)}): working-copy text "
                                 "was changed after extraction"]


def test_working_copy_moved_from_another_document_is_caught(filled: Workspace) -> None:
    a, b = _doc_ids(filled)[:2]
    _sql(filled, "UPDATE document_texts SET sealed = (SELECT sealed FROM document_texts "
         "WHERE document_id = :b) WHERE document_id = :a", a=a, b=b)
    assert _problems(filled) == [f"document {a[:12]} ({_name(filled, a)}): working-copy text cannot be trusted: "
                                 f"record document|{a}|text: authentication failed (altered, or "
                                 "moved from another record)"]


def test_removed_head_is_caught(filled: Workspace) -> None:
    filled.paths.head.unlink()
    assert _problems(filled) == ["custody.head: missing (removed or never written)"]


def _name(ws: Workspace, doc_id: str) -> str:
    with ws.engine.connect() as conn:
        return records.get_document(conn, doc_id).file_name
