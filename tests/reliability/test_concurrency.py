"""Commands run side by side on one workspace, each in a process of its own (child.py,
or the `testimonia` command): nothing fails, nothing is lost, verify is ok after."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from battery import (
    Child,
    Investigation,
    acks,
    document_ids,
    extracted_entries,
    new_investigation,
    problems,
    run_to_end,
    unreadable_acks,
    wait_until_open,
    write_testimonies,
)

from testimonia.service.ingest import IngestOptions, ingest_paths
from testimonia.service.integrity import verify_workspace
from testimonia.service.rotation import rotate_workspace
from testimonia.service.sources import import_sources
from testimonia.store.schema import documents, organizations

TESTIMONIA = str(Path(sys.executable).with_name("testimonia"))
PARTNER, PARTNER_ADMIN = "Maison des Témoins", "mdt-admin"


def both_succeed(*children: Child) -> list[str]:
    """The stdout of each child, once all have exited 0 without failing a file."""
    results = [child.finish() for child in children]
    assert [(code, err, "FAILED" in out) for code, out, err in results] == [(0, "", False)] * len(children)
    return [out for _code, out, _err in results]


def rotate(inv: Investigation, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([TESTIMONIA, "keys", "rotate", "-w", str(inv.root)], capture_output=True,
                          text=True, env=inv.environ(**env), timeout=300, check=False)


@pytest.mark.slow
def test_two_ingests_of_one_folder_store_each_file_once(tmp_path: Path, figures: Counter[str]) -> None:
    inv = new_investigation(tmp_path)
    folder = tmp_path / "incoming"
    files = write_testimonies(folder, 0, 60)
    outs = both_succeed(Child(inv.args("ingest", folder)), Child(inv.args("ingest", folder)))
    figures["concurrent runs: ingest + ingest"] += 1
    with inv.open() as ws:
        assert len(document_ids(ws)) == len(files)
        for out in outs:
            assert sorted(name for _id, name in acks(out)) == sorted(p.name for p in files)
            assert unreadable_acks(ws, acks(out), folder) == []
        assert problems(ws) == []


SOURCES = f"""# FICTIONAL: invented pseudonyms.
sources:
  - {{pseudonym: Dunya, kind: survivor, organization: Sahel Desk}}
  - {{pseudonym: Ousmane, kind: witness, organization: Sahel Desk}}
  - {{pseudonym: Kouyaté, kind: survivor, organization: {PARTNER}}}
  - {{pseudonym: Safiatou, kind: relative, organization: {PARTNER}}}
"""
OWNERS = {"Dunya": "Sahel Desk", "Ousmane": "Sahel Desk", "Kouyaté": PARTNER, "Safiatou": PARTNER}


def shared_drop(tmp_path: Path, count: int) -> tuple[Path, Path, dict[str, str]]:
    """A drop folder of testimonies from the sources of both organisations, its sources
    file, and which organisation each file belongs to."""
    files = write_testimonies(tmp_path / "drop", 0, count)
    pseudonyms = sorted(OWNERS)
    mapping = {p.name: pseudonyms[i % len(pseudonyms)] for i, p in enumerate(files)}
    sources = tmp_path / "sources.yaml"
    sources.write_text(SOURCES + "files:\n" + "".join(f"  {name}: {who}\n" for name, who in mapping.items()),
                       encoding="utf-8")
    return tmp_path / "drop", sources, {name: OWNERS[who] for name, who in mapping.items()}


def filed_under(inv: Investigation) -> dict[str, str]:
    """File name -> organisation each document is filed under."""
    with inv.open() as ws, ws.engine.connect() as conn:
        rows = conn.execute(documents.join(organizations).select()
                            .with_only_columns(documents.c.file_name, organizations.c.name))
        return {row[0]: row[1] for row in rows}


@pytest.mark.slow
def test_two_organisations_ingesting_one_drop_folder_each_get_their_files(
        tmp_path: Path, figures: Counter[str]) -> None:
    inv = new_investigation(tmp_path, partners={PARTNER: PARTNER_ADMIN})
    drop, sources, owner = shared_drop(tmp_path, 40)
    for actor in (inv.actor, PARTNER_ADMIN):
        with inv.open(actor) as ws:
            import_sources(ws, sources)
    outs = both_succeed(Child(inv.args("ingest", drop, sources)),
                        Child(inv.args("ingest", drop, sources, actor=PARTNER_ADMIN)))
    figures["concurrent runs: two organisations ingesting one drop folder"] += 1
    assert filed_under(inv) == owner
    for actor, out in zip((inv.actor, PARTNER_ADMIN), outs, strict=True):
        organisation = "Sahel Desk" if actor == inv.actor else PARTNER
        assert sorted(name for _id, name in acks(out)) == sorted(n for n, o in owner.items() if o == organisation)
        with inv.open(actor) as ws:
            assert unreadable_acks(ws, acks(out), drop) == []
            assert problems(ws) == []


@pytest.mark.slow
def test_ingest_and_extraction_at_once(tmp_path: Path, figures: Counter[str]) -> None:
    inv = new_investigation(tmp_path)
    write_testimonies(tmp_path / "first", 0, 8)
    with inv.open() as ws:
        ingest_paths(ws, [tmp_path / "first"], IngestOptions())
        there_before = set(document_ids(ws))
    folder = tmp_path / "incoming"
    write_testimonies(folder, 100, 120)
    ingest, extract = Child(inv.args("ingest", folder)), Child(inv.args("extract"))
    ingested, extracted = both_succeed(ingest, extract)
    figures["concurrent runs: ingest + extraction"] += 1
    assert run_to_end(inv.args("extract"))[0] == 0  # what came in after the extraction looked
    with inv.open() as ws:
        assert unreadable_acks(ws, acks(ingested), folder) == []
        assert extracted_entries(ws) == Counter({d: 1 for d in document_ids(ws)})
        assert len(extracted_entries(ws)) == 128
        assert problems(ws) == []
    assert {line[0] for line in acks(extracted)} >= there_before


@pytest.mark.slow
def test_verify_during_an_ingest_is_ok_every_time(tmp_path: Path, figures: Counter[str]) -> None:
    inv = new_investigation(tmp_path)
    folder = tmp_path / "incoming"
    write_testimonies(folder, 0, 150)
    ingest = Child(inv.args("ingest", folder))
    ingest.wait_for_ack()
    rounds: list[tuple[bool, int]] = []
    with inv.open() as ws:
        while ingest.process.poll() is None:
            report = verify_workspace(ws)
            rounds.append((report.ok, report.documents))
    both_succeed(ingest)
    figures["verify rounds during an ingest"] += len(rounds)
    assert rounds != [] and all(ok for ok, _documents in rounds), rounds
    with inv.open() as ws:
        assert (len(document_ids(ws)), problems(ws)) == (150, [])


def keyring(inv: Investigation) -> bytes:
    return (inv.root / "keyring.json").read_bytes()


@pytest.mark.slow
def test_key_rotation_waits_for_an_ingest(tmp_path: Path, figures: Counter[str]) -> None:
    inv = new_investigation(tmp_path)
    folder = tmp_path / "incoming"
    write_testimonies(folder, 0, 100)
    before = keyring(inv)
    ingest = Child(inv.args("ingest", folder))
    ingest.wait_for_ack()
    rotation = rotate(inv)
    (out,) = both_succeed(ingest)
    figures["concurrent runs: ingest + key rotation"] += 1
    figures["key rotations that waited for the ingest"] += "Waiting for the workspace" in rotation.stderr
    assert (rotation.returncode, "Rotated the workspace key" in rotation.stdout) == (0, True), rotation.stderr
    assert keyring(inv) != before
    with inv.open() as ws:
        assert unreadable_acks(ws, acks(out), folder) == []
        assert (len(document_ids(ws)), problems(ws)) == (100, [])


@pytest.mark.slow
def test_key_rotation_with_a_short_lock_timeout_says_busy_and_changes_nothing(
        tmp_path: Path, figures: Counter[str]) -> None:
    inv = new_investigation(tmp_path)
    folder = tmp_path / "incoming"
    write_testimonies(folder, 0, 60)
    before = keyring(inv)
    ingest = Child(inv.args("ingest", folder))
    ingest.wait_for_ack()
    with inv.open():  # holds the workspace too, so the ingest cannot end before the timeout
        rotation = rotate(inv, TESTIMONIA_LOCK_TIMEOUT="1")
    (out,) = both_succeed(ingest)
    figures["concurrent runs: ingest + key rotation (busy)"] += 1
    assert (rotation.returncode, rotation.stdout) == (1, "")
    assert "is busy: other Testimonia commands are using it (key rotation needs it alone)" in rotation.stderr
    assert "Nothing was changed" in rotation.stderr and "Traceback" not in rotation.stderr
    assert keyring(inv) == before
    with inv.open() as ws:
        assert unreadable_acks(ws, acks(out), folder) == []
        assert (len(document_ids(ws)), problems(ws)) == (60, [])


@pytest.mark.slow
def test_an_ingest_that_waited_for_a_key_rotation_uses_the_new_key(tmp_path: Path) -> None:
    """Regression: it unlocked the keyring before waiting, then could not open the
    database the rotation had re-encrypted ("does not open with this workspace's key")."""
    inv = new_investigation(tmp_path)
    folder = tmp_path / "incoming"
    write_testimonies(folder, 0, 10)
    with inv.open() as ws:
        ws.lock.acquire_exclusive("the test")  # type: ignore[union-attr]
        ingest = Child(inv.args("ingest", folder))
        wait_until_open(ingest, ws.paths.lock)  # it has read the keyring and waits for the workspace
        rotate_workspace(ws)
    (out,) = both_succeed(ingest)
    with inv.open() as ws:
        assert unreadable_acks(ws, acks(out), folder) == []
        assert (len(document_ids(ws)), problems(ws)) == (10, [])


def test_a_partial_file_another_process_is_writing_stays(tmp_path: Path) -> None:
    inv = new_investigation(tmp_path)
    (tmp_path / "empty").mkdir()
    with inv.open() as ws, (ws.paths.tmp / ".abc.sealed.0123.part").open("wb") as partial:
        partial.write(b"half of a sealed original")
        assert run_to_end(inv.args("ingest", tmp_path / "empty")) == (0, "", "")
        assert [p.name for p in ws.paths.tmp.iterdir()] == [".abc.sealed.0123.part"]
    with inv.open() as ws:  # alone now: what is left in tmp/ is a killed writer's
        assert list(ws.paths.tmp.iterdir()) == []
