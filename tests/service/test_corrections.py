"""Withdrawing a document: its claims leave the findings, nothing disappears, both logs say
why, and `verify` notices a withdrawal made behind Testimonia's back. (Fictional.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import update

from testimonia.errors import InvalidValue
from testimonia.service import extraction
from testimonia.service.analysis import current_analysis
from testimonia.service.audit import read_audit
from testimonia.service.corrections import (
    Correction,
    correct_document,
    restore_document,
    withdraw_document,
)
from testimonia.service.documents import list_documents, read_text, show_document
from testimonia.service.ingest import IngestOptions, ingest_paths
from testimonia.service.integrity import verify_workspace
from testimonia.service.sources import add_source
from testimonia.service.workspace import Workspace
from testimonia.store.schema import documents

TEXT = ("---\nsource: Mariam\nsource_kind: survivor\nlanguage: en\n---\n"
        "(Fictional.) In May 2022 soldiers held me in a container at the Sévaré camp and beat me.\n")


def _setup(ws: Workspace, tmp_path: Path) -> str:
    (tmp_path / "mariam.md").write_text(TEXT, encoding="utf-8")
    ingest_paths(ws, [tmp_path / "mariam.md"], IngestOptions())
    extraction.extract_workspace(ws)
    return list_documents(ws)[0].id


def test_a_withdrawn_document_leaves_the_findings_and_both_logs_say_why(ws: Workspace,
                                                                       tmp_path: Path) -> None:
    doc = _setup(ws, tmp_path)
    assert current_analysis(ws, include_unreviewed=True)["findings"]
    withdrawn = withdraw_document(ws, doc[:12], "the witness withdrew her consent")
    assert withdrawn.state == "withdrawn" and list_documents(ws)[0].state == "withdrawn"
    results = current_analysis(ws, include_unreviewed=True)
    assert results["findings"] == [] and results["review"]["withdrawn"] > 0
    custody = [e for e in show_document(ws, doc[:12]).history if e.action == "withdrawn"]
    assert custody and custody[0].details["reason"] == "the witness withdrew her consent"
    audit = [e for e in read_audit(ws).shown if e.action == "document_withdrawn"]
    assert audit and audit[0].details["reason"] == "the witness withdrew her consent"
    assert "container at the Sévaré camp" in read_text(ws, doc[:12])  # nothing is lost
    assert verify_workspace(ws).problems == []
    with pytest.raises(InvalidValue, match="already withdrawn"):
        withdraw_document(ws, doc[:12], "again")
    restore_document(ws, doc[:12], "consent given again in writing")
    assert current_analysis(ws, include_unreviewed=True)["findings"]
    assert verify_workspace(ws).problems == []


def test_a_withdrawal_needs_a_reason(ws: Workspace, tmp_path: Path) -> None:
    doc = _setup(ws, tmp_path)
    with pytest.raises(InvalidValue, match="needs a reason"):
        withdraw_document(ws, doc[:12], "  ")


def test_verify_names_a_withdrawal_made_outside(ws: Workspace, tmp_path: Path) -> None:
    doc = _setup(ws, tmp_path)
    with ws.engine.begin() as conn:
        conn.execute(update(documents).where(documents.c.id == doc).values(state="withdrawn"))
    problems = [str(p) for p in verify_workspace(ws).problems]
    assert any("withdrawn without a signed withdrawal" in p for p in problems), problems


def test_a_document_is_re_attributed_and_corrected_with_both_logs_and_verify(
        ws: Workspace, tmp_path: Path) -> None:
    doc = _setup(ws, tmp_path)
    add_source(ws, "Kadiatou", "survivor")
    fixed = correct_document(ws, doc[:12], Correction(source="Kadiatou", interview_date="2023-05",
                                                      consent="consortium"),
                             "the interview was Kadiatou's, filed under her sister by mistake")
    assert fixed.source == "Kadiatou" and fixed.metadata["front_matter"]["interview_date"] == "2023-05"
    assert fixed.state == "ingested"  # a new interview date: pending for extraction again
    assert extraction.count_pending(ws) == 1
    [entry] = [e for e in show_document(ws, doc[:12]).history if e.action == "corrected"]
    assert entry.details["changes"]["source"] == {"from": "Mariam", "to": "Kadiatou"}
    assert verify_workspace(ws).problems == []
    with pytest.raises(InvalidValue, match="Nothing to correct"):
        correct_document(ws, doc[:12], Correction(source="Kadiatou"), "again")
    with pytest.raises(InvalidValue, match="No source 'Nobody'"):
        correct_document(ws, doc[:12], Correction(source="Nobody"), "typo")
    with ws.engine.begin() as conn:  # re-attributed behind Testimonia's back
        conn.execute(update(documents).where(documents.c.id == doc).values(source_id=None))
    assert any("re-attributed outside" in str(p) for p in verify_workspace(ws).problems)


def test_a_docx_or_html_takes_its_metadata_from_a_sidecar_file(ws: Workspace, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "note.html").write_text("<html><body><p>(Fictional.) Они держали меня в подвале "
                                      "в Херсоне.</p></body></html>", encoding="utf-8")
    (folder / "note.html.yaml").write_text("# FICTIONAL\nsource: Oleh\nsource_kind: survivor\n"
                                           "interview_date: 2023-02-14\nconsent: internal\n",
                                           encoding="utf-8")
    report = ingest_paths(ws, [folder], IngestOptions())
    assert report.count("ingested") == 1 and report.count("skipped") == 0  # the sidecar is no document
    [doc] = list_documents(ws)
    assert doc.source == "Oleh" and doc.metadata["front_matter"]["interview_date"] == "2023-02-14"


def test_the_same_bytes_under_another_source_say_how_to_re_attribute(ws: Workspace, tmp_path: Path) -> None:
    doc = _setup(ws, tmp_path)
    add_source(ws, "Kadiatou", "survivor")
    (tmp_path / "copy.md").write_text(TEXT, encoding="utf-8")
    report = ingest_paths(ws, [tmp_path / "copy.md"], IngestOptions(source="Kadiatou"))
    [outcome] = report.duplicates
    assert f"testimonia correct {doc[:12]} --source Kadiatou" in outcome.detail
