"""The audit log records reads of protected data and changes, and catches tampering."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from testimonia.cli.main import app
from testimonia.crypto.keys import KeyMaterial
from testimonia.service.audit import read_audit
from testimonia.service.documents import read_text
from testimonia.service.ingest import IngestOptions, ingest_paths
from testimonia.service.sources import add_source, relate_sources
from testimonia.service.workspace import Workspace


@pytest.fixture
def audited(ws: Workspace, testimony_dir: Path) -> Workspace:
    add_source(ws, "Olena", "survivor")
    add_source(ws, "Petro", "relative")
    relate_sources(ws, "Petro", "Olena", "relative_of")
    seen: list = []  # type: ignore[type-arg]
    ingest_paths(ws, [testimony_dir / "kadi.md"], IngestOptions(), progress=seen.append)
    read_text(ws, seen[0].document_id[:12])
    return ws


def _sql(ws: Workspace, statement: str) -> None:
    with ws.engine.begin() as conn:
        conn.execute(text(statement))


def test_reads_and_changes_are_recorded_in_order(audited: Workspace) -> None:
    report = read_audit(audited)
    assert report.ok
    assert [(e.action, e.subject) for e in report.entries][:5] == [
        ("user_added", report.entries[0].actor), ("organization_added", "Sahel Desk"),
        ("source_added", "Olena"), ("source_added", "Petro"), ("sources_related", "Petro")]
    assert report.entries[-1].action == "read_text"
    assert report.entries[-1].details == {"file_name": "kadi.md"}
    assert report.head is not None and report.head.committed.seq == len(report.entries)


@pytest.mark.parametrize(("statement", "expected"), [
    ("UPDATE audit_events SET actor = 'nobody' WHERE seq = 4",
     "audit entry 4: was altered (source_added entry no longer matches its hash)"),
    ("DELETE FROM audit_events WHERE seq = 4",
     "audit entry 5: does not follow the entry before it (an entry was deleted, inserted or moved)"),
    ("DELETE FROM audit_events WHERE seq = 6",
     "audit log: ends at entry 5, but the workspace recorded entry 6: entries were removed from the end"),
])
def test_tampering_is_caught(audited: Workspace, statement: str, expected: str) -> None:
    _sql(audited, statement)
    assert expected in [str(p) for p in read_audit(audited).problems]


def test_audit_command(audited: Workspace, key_file: Path, me: KeyMaterial) -> None:
    audited.close()
    env = {"TESTIMONIA_KEY_FILE": str(key_file), "TESTIMONIA_PASSPHRASE": "",
           "TESTIMONIA_USER_KEY_FILE": str(me.key_file)}
    root = str(audited.paths.root)
    listed = CliRunner().invoke(app, ["audit", "-w", root], env=env)
    assert listed.exit_code == 0 and "source_added Olena" in listed.stdout
    verified = CliRunner().invoke(app, ["audit", "--verify", "-w", root], env=env)
    assert verified.exit_code == 0 and verified.stdout.strip() == "Audit log intact: 6 entries."
    with Workspace.open(audited.paths.root, KeyMaterial(key_file=key_file), user_material=me) as again:
        _sql(again, "UPDATE audit_events SET subject = 'Someone' WHERE seq = 1")
    broken = CliRunner().invoke(app, ["audit", "--verify", "-w", root], env=env)
    assert broken.exit_code == 1 and "TAMPERED audit entry 1: was altered" in broken.stderr

