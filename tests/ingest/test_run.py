"""Ingest through the workspace: one transaction per file, bad files reported and skipped."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from testimonia.errors import InvalidValue
from testimonia.service import doccrypt
from testimonia.service.documents import read_text
from testimonia.service.ingest import IngestOptions, IngestReport, Outcome, ingest_paths
from testimonia.service.sources import add_source, list_sources
from testimonia.service.workspace import Workspace
from testimonia.store import logs, records
from testimonia.store.schema import custody_events


def _state(ws: Workspace) -> tuple[int, int, int, int]:
    """(documents, custody entries, sealed originals, temporary files)."""
    with ws.engine.connect() as conn:
        docs = records.count_documents(conn)
        entries = len(list(logs.iter_entries(conn, custody_events)))
    originals = sum(1 for p in ws.paths.originals.rglob("*") if p.is_file())
    return docs, entries, originals, len(list(ws.paths.tmp.iterdir()))


def _ingest(ws: Workspace, *paths: Path, **options: object) -> IngestReport:
    return ingest_paths(ws, list(paths), IngestOptions(**options))  # type: ignore[arg-type]


def _statuses(ws: Workspace, *paths: Path, **options: object) -> list[tuple[str, str]]:
    seen: list[Outcome] = []
    ingest_paths(ws, list(paths), IngestOptions(**options), progress=seen.append)  # type: ignore[arg-type]
    return [(o.path.name, o.status) for o in seen]


def test_ingest_keeps_originals_text_language_and_source(ws: Workspace, testimony_dir: Path) -> None:
    assert _statuses(ws, testimony_dir) == [
        ("kadi.md", "ingested"), ("note.txt", "ingested"), ("wangrin.md", "ingested")]
    assert sorted(s.pseudonym for s in list_sources(ws)) == ["Kadi", "Wangrin"]
    with ws.engine.connect() as conn:
        docs = {d.file_name: d for d in records.list_documents(conn)}
        wangrin = docs["wangrin.md"]
        assert wangrin.source == "Wangrin" and wangrin.language == "fr"
        assert wangrin.metadata["front_matter"]["interview_date"] == "2024-03"
        assert docs["note.txt"].language == "uk" and docs["note.txt"].source is None
        assert docs["kadi.md"].language == "en"
    original = (testimony_dir / "wangrin.md").read_bytes()
    with ws.engine.connect() as conn:
        assert ws.read_original(wangrin.id, doccrypt.key_for(ws, conn, wangrin.id)) == original
    assert _state(ws) == (3, 7, 3, 0)
    assert read_text(ws, wangrin.id).startswith("Ils m'ont arrêté à Nampala")


def test_reingesting_the_same_bytes_is_a_no_op(ws: Workspace, testimony_dir: Path) -> None:
    _ingest(ws, testimony_dir)
    before = _state(ws)
    copy = testimony_dir.parent / "copy-of-kadi.md"
    copy.write_bytes((testimony_dir / "kadi.md").read_bytes())
    report = _ingest(ws, testimony_dir, copy)
    assert report.count("duplicate") == 4 and report.count("ingested") == 0
    assert report.duplicates[-1].detail.endswith("(kadi.md)")
    assert _state(ws) == before


def _bad_files(folder: Path) -> dict[str, str]:
    """file name -> words its failure reason must contain."""
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "garbage.txt").write_bytes(os.urandom(2048).replace(b"\x00", b"\x01") + b"\x00" * 64)
    (folder / "symbols.txt").write_bytes(b"\xb1\xb0\xd7\xa9\xae\xbb\xab\xb6")  # in no known encoding
    (folder / "truncated.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"\x00" * (40 * 1024 * 1024))
    (folder / "bomb.docx").write_bytes(bomb.getvalue())
    (folder / "notzip.docx").write_bytes(b"this is not a zip archive at all")
    return {"empty.txt": "empty", "garbage.txt": "binary", "symbols.txt": "UTF-8",
            "truncated.pdf": "PDF", "bomb.docx": "", "notzip.docx": ""}


def test_bad_files_are_reported_and_leave_nothing(ws: Workspace, tmp_path: Path,
                                                  testimony_dir: Path) -> None:
    expected = _bad_files(tmp_path / "bad")
    before = _state(ws)
    report = _ingest(ws, tmp_path / "bad", testimony_dir / "kadi.md")
    failed = {o.path.name: o.detail for o in report.failed}
    assert set(failed) == set(expected)
    for name, words in expected.items():
        assert words in failed[name], (name, failed[name])
    assert report.count("ingested") == 1
    docs, entries, originals, tmp = _state(ws)
    assert (docs, entries, originals, tmp) == (before[0] + 1, before[1] + 2, before[2] + 1, 0)


def test_oversized_and_unreadable_files_are_reported(ws: Workspace, tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (2 * 1024 * 1024))
    ws.config.values["max_file_mb"] = 1  # type: ignore[index]
    missing = tmp_path / "missing.txt"
    report = _ingest(ws, big, missing)
    reasons = {o.path.name: o.detail for o in report.failed}
    assert "over the 1 MiB limit" in reasons["big.txt"]
    assert "cannot read the file" in reasons["missing.txt"]
    assert _state(ws)[0] == 0


def test_unsupported_files_in_folders_are_skipped_but_named_ones_fail(ws: Workspace, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    (folder / ".hidden.txt").write_text("ignored")
    assert _statuses(ws, folder, folder / "photo.jpg") == [("photo.jpg", "skipped"),
                                                           ("photo.jpg", "failed")]


def test_source_option_and_conflicts(ws: Workspace, testimony_dir: Path) -> None:
    add_source(ws, "Fieldnote", "document")
    report = _ingest(ws, testimony_dir / "note.txt", testimony_dir / "kadi.md", source="Fieldnote")
    assert report.count("ingested") == 1 and report.failed[0].path.name == "kadi.md"
    assert "front matter names source 'Kadi' but --source is 'Fieldnote'" in report.failed[0].detail


def test_unknown_source_without_kind_fails_that_file_only(ws: Workspace, tmp_path: Path) -> None:
    doc = tmp_path / "x.md"
    doc.write_text("---\nsource: Nobody\n---\nI was held for three days.\n", encoding="utf-8")
    report = _ingest(ws, doc)
    assert "unknown source 'Nobody'" in report.failed[0].detail
    assert list_sources(ws) == [] and _state(ws)[0] == 0


def test_source_map_attributes_files_without_front_matter(ws: Workspace, testimony_dir: Path) -> None:
    add_source(ws, "Olena", "survivor")
    report = ingest_paths(ws, [testimony_dir / "note.txt"],
                          IngestOptions(source_map={"note.txt": "Olena"}))
    assert report.count("ingested") == 1
    with ws.engine.connect() as conn:
        assert records.list_documents(conn)[0].source == "Olena"


def test_forced_language_must_be_supported(ws: Workspace, testimony_dir: Path) -> None:
    with pytest.raises(InvalidValue, match="Unknown language 'de'"):
        _ingest(ws, testimony_dir, language="de")
