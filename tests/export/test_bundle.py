"""The evidence bundle: a BagIt bag of the reviewed sample investigation for the legal
audience, verified offline by `testimonia verify-bundle`, which names each tampering;
the audiences and the empty workspace it refuses; the leak scan around the originals."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.pgserver import copy_workspaces
from typer.testing import CliRunner

from testimonia.cli.main import app
from testimonia.crypto.keys import KeyMaterial
from testimonia.errors import InvalidValue, PublicationRefused
from testimonia.export.leakscan import BesideEvidence
from testimonia.export.redact import Protected, Redactor
from testimonia.export.verify_bundle import verify_bundle
from testimonia.model import Identity
from testimonia.service.audit import read_audit
from testimonia.service.documents import show_document
from testimonia.service.export import export
from testimonia.service.integrity import verify_workspace
from testimonia.service.review import decide
from testimonia.service.vault import set_identity
from testimonia.service.workspace import Workspace

pytestmark = pytest.mark.slow

SAMPLE = Path(__file__).parents[2] / "examples" / "sample-investigation" / "testimonies"
VAULT = ("Amadou", "Exemple", "70 00 00 01", "Dogofry")  # tests/export/conftest.py WANGRIN
EVIDENCE = ("data/originals/", "data/texts/")


@pytest.fixture(scope="module")
def bag(built: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory, sample_user: Any) -> Path:
    """The legal bundle of a copy of the reviewed sample, made once for the module."""
    root, key = built
    base = tmp_path_factory.mktemp("bundle")
    copy_workspaces(root, base / "ws")
    with Workspace.open(base / "ws", KeyMaterial(key_file=key), user_material=sample_user(key)) as ws:
        export(ws, base / "bag", format="bundle", audience="legal")
    return base / "bag"


@pytest.fixture
def copy(bag: Path, tmp_path: Path) -> Path:
    """A private copy of the bundle, to tamper with."""
    shutil.copytree(bag, tmp_path / "bag")
    return tmp_path / "bag"


def _verify(path: Path) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["verify-bundle", str(path)])
    return result.exit_code, result.output


def _documents(path: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads((path / "data" / "documents.json").read_text(encoding="utf-8"))["documents"]
    return rows


def _in_bag(path: Path) -> list[dict[str, Any]]:
    return [d for d in _documents(path) if d["original"]]


def test_the_legal_bundle_of_the_sample_is_a_bag_that_verifies(sample: Workspace, tmp_path: Path) -> None:
    report = export(sample, tmp_path / "bag", format="bundle", audience="legal")
    bag = tmp_path / "bag"
    assert sorted(p.name for p in bag.iterdir()) == ["README.txt", "bag-info.txt", "bagit.txt", "data",
                                                     "manifest-sha256.txt", "tagmanifest-sha256.txt"]
    assert (bag / "bagit.txt").read_text(encoding="utf-8").startswith("BagIt-Version: 1.0\n")
    info = (bag / "bag-info.txt").read_text(encoding="utf-8")
    for tag in ("Source-Organization: Sahel Desk", "Bagging-Date: ", "Payload-Oxum: ", "External-Description: ",
                "Custody-Head: ", "Audit-Head: ", "Bundle-Signer: ", "Bundle-Signature: "):
        assert tag in info
    # The originals are the organisation's own files, byte for byte, named by their SHA-256.
    own = _in_bag(bag)
    assert len(own) == 6 and all(d["organization"] == "Sahel Desk" for d in own)
    for doc in own:
        data = (bag / "data" / doc["original"]).read_bytes()
        assert data == (SAMPLE / doc["file_name"]).read_bytes()
        assert Path(doc["original"]).stem == hashlib.sha256(data).hexdigest() == doc["id"]
    assert [d for d in _documents(bag) if not d["original"]] and all(
        d["held_by"] != "Sahel Desk" for d in _documents(bag) if not d["original"])
    # No vault identity outside the originals and their texts.
    for path in sorted(p for p in bag.rglob("*") if p.is_file()):
        if not path.relative_to(bag).as_posix().startswith(EVIDENCE):
            text = path.read_text(encoding="utf-8")
            assert [v for v in VAULT if v in text] == [], path
    # The audit entry says what the leak scan skipped, with the manifest's SHA-256; each
    # original's custody log records that it left.
    entry = read_audit(sample).entries[-1]
    assert (entry.action, entry.details["format"], entry.details["audience"]) == ("exported", "bundle", "legal")
    assert entry.details["unscanned"] == ["data/originals", "data/texts", "bag-info.txt"]
    assert entry.details["files"]["manifest-sha256.txt"] == hashlib.sha256(
        (bag / "manifest-sha256.txt").read_bytes()).hexdigest() == report.files["manifest-sha256.txt"]
    for doc in own:
        last = show_document(sample, doc["id"]).history[-1]
        assert (last.action, last.details["format"], last.details["original"]) == ("exported", "bundle", True)
    assert verify_workspace(sample).problems == []
    checked = verify_bundle(bag)
    assert checked.problems == []
    assert (checked.originals, checked.reread) == (6, 6)
    assert checked.quotes > 100 and checked.elsewhere > 0 and checked.findings == report.items
    assert checked.signer == info.split("Bundle-Signer: ")[1].split()[0]


def test_the_export_and_verify_bundle_commands(sample: Workspace, built: tuple[Path, Path], tmp_path: Path,
                                              sample_user: Any) -> None:
    sample.close()
    env = {"TESTIMONIA_KEY_FILE": str(built[1]), "TESTIMONIA_PASSPHRASE": "",
           "TESTIMONIA_USER_KEY_FILE": str(sample_user(built[1]).key_file)}
    result = CliRunner().invoke(app, ["export", "--format", "bundle", "--audience", "legal", "-w",
                                      str(sample.paths.root), "-o", str(tmp_path / "bag")], env=env)
    assert result.exit_code == 0, result.output
    assert re.search(r"Exported an evidence bundle of \d+ findings for the legal audience", result.stdout)
    assert "manifest-sha256.txt  sha256" in result.stdout
    code, output = _verify(tmp_path / "bag")
    assert code == 0, output
    assert "All intact" in output and "6 originals (6 texts read again from them)" in output


def test_the_readme_recipes_check_the_bag_by_hand(bag: Path) -> None:
    """The Python recipes of README.txt, run as a reader would run them."""
    readme = (bag / "README.txt").read_text(encoding="utf-8")
    for first, last in (("    import hashlib, json", 'ALTERED")'), ("    import json\n", "if altered")):
        start = readme.index(first)
        block = readme[start:readme.index(last, start) + len(last)]
        script = "\n".join(line[4:] for line in block.splitlines())
        result = subprocess.run([sys.executable, "-c", script], cwd=bag, capture_output=True, text=True,
                                check=False)
        assert result.returncode == 0 and "ALTERED" not in result.stdout, result.stderr


def _alter_original(bag: Path) -> str:
    original = bag / "data" / _in_bag(bag)[0]["original"]
    data = bytearray(original.read_bytes())
    data[100] ^= 1
    original.write_bytes(bytes(data))
    return f"data/{_in_bag(bag)[0]['original']}: altered"


def _delete_text(bag: Path) -> str:
    text = _in_bag(bag)[0]["text"]
    (bag / "data" / text).unlink()
    return f"data/{text}: missing"


def _add_file(bag: Path) -> str:
    (bag / "data" / "originals" / "statement-2.txt").write_text("A later statement.\n", encoding="utf-8")
    return "data/originals/statement-2.txt: added"


def _edit_log_entry(bag: Path) -> str:
    entry = _rewrite_custody(bag, lambda e: e["details"].update(size=e["details"]["size"] + 1))
    return f"custody entry {entry['seq']}: was altered"


def _break_signature(bag: Path) -> str:
    entry = _rewrite_custody(bag, lambda e: e.update(signature=("0" if e["signature"][0] != "0" else "1")
                                                     + e["signature"][1:]))
    return f"custody entry {entry['seq']}: received by {entry['actor']}: the signature does not match"


def _change_quote(bag: Path) -> str:
    path = bag / "data" / "claims.json"
    claims = json.loads(path.read_text(encoding="utf-8"))
    claim = next(c for c in claims["claims"] if "claim" in c)
    claim["claim"]["evidence"][0]["quote"] = claim["claim"]["evidence"][0]["quote"].replace("a", "o", 1)
    path.write_text(json.dumps(claims, ensure_ascii=False), encoding="utf-8")
    return f"claim {claim['id']}: quote 1 is not the text of its document at"


def _remove_log_entry_and_remanifest(bag: Path) -> str:
    """A careful forger: the entry deleted and the manifests made again."""
    path = bag / "data" / "logs" / "custody.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    seq = json.loads(lines[1])["seq"]
    path.write_text("".join(lines[:1] + lines[2:]), encoding="utf-8")
    _remanifest(bag)
    return f"custody entry {seq}: missing from data/logs/custody.jsonl"


def _edit_log_entry_and_remanifest(bag: Path) -> str:
    message = _edit_log_entry(bag)
    _remanifest(bag)
    return message


def _rewrite_custody(bag: Path, change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    """Change the first `received` entry of the custody excerpt; the entry as changed."""
    path = bag / "data" / "logs" / "custody.jsonl"
    entries = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    target = next(e for e in entries if e["action"] == "received")
    change(target)
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries), encoding="utf-8")
    return target


def _remanifest(bag: Path) -> None:
    import bagit
    bagit.Bag(str(bag)).save(manifests=True)


TAMPERING: dict[str, Callable[[Path], str]] = {
    "an original's byte": _alter_original, "a file deleted": _delete_text, "a file added": _add_file,
    "a log entry's details": _edit_log_entry, "a signature": _break_signature, "a quote": _change_quote,
    "a log entry removed, manifests redone": _remove_log_entry_and_remanifest,
    "a log entry altered, manifests redone": _edit_log_entry_and_remanifest,
}


@pytest.mark.parametrize("tamper", TAMPERING.values(), ids=TAMPERING.keys())
def test_verify_bundle_names_each_tampering(copy: Path, tamper: Callable[[Path], str]) -> None:
    expected = tamper(copy)
    code, output = _verify(copy)
    assert code == 1, output
    assert expected in output and "Bundle verification FAILED" in output


def test_redone_manifests_do_not_hide_a_change_from_the_exporters_signature(copy: Path) -> None:
    _edit_log_entry_and_remanifest(copy)
    report = verify_bundle(copy)
    manifest_problems = [p for p in report.problems
                         if p.what.startswith(("altered: its SHA-256", "added:", "missing:"))]
    assert manifest_problems == []  # the files agree with the manifests made again
    assert any(p.where.startswith("custody entry") and "was altered" in p.what for p in report.problems)
    assert any(p.where == "bag-info.txt" and "Bundle-Signature does not match" in p.what for p in report.problems)


def test_a_bundle_is_for_the_legal_audience_only(sample: Workspace, tmp_path: Path) -> None:
    for audience in ("public", "partner", "internal"):
        with pytest.raises(InvalidValue, match=f"legal audience only, not {audience}"):
            export(sample, tmp_path / audience, format="bundle", audience=audience)
        assert not (tmp_path / audience).exists()


@pytest.fixture
def empty(ws: Workspace, key_file: Path, me: KeyMaterial) -> Iterator[tuple[Path, dict[str, str]]]:
    ws.close()
    yield ws.paths.root, {"TESTIMONIA_KEY_FILE": str(key_file), "TESTIMONIA_PASSPHRASE": "",
                          "TESTIMONIA_USER_KEY_FILE": str(me.key_file)}


def test_the_bundle_command_refuses_other_audiences_and_an_empty_workspace(
        empty: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    root, env = empty
    base = ["export", "--format", "bundle", "-w", str(root), "-o", str(tmp_path / "bag")]
    result = CliRunner().invoke(app, [*base, "--audience", "public"], env=env)
    assert result.exit_code == 1 and "legal audience only, not public" in result.output
    result = CliRunner().invoke(app, [*base, "--audience", "legal"], env=env)
    assert result.exit_code == 1 and "Refused" in result.output and "no findings to export" in result.output
    assert not (tmp_path / "bag").exists() and not list(tmp_path.glob(".bag*"))


def test_a_vault_name_in_a_reviewers_reason_refuses_the_bundle(bag: Path, sample: Workspace,
                                                                tmp_path: Path) -> None:
    own = next(c for c in json.loads((bag / "data" / "claims.json").read_text(encoding="utf-8"))["claims"]
               if "claim" in c)  # the sample is the same copy: the same claim ids
    decide(sample, own["id"], "accepted", reason="Amadou Exemple confirmed it to us himself")
    with pytest.raises(PublicationRefused, match="leak scan") as refused:
        export(sample, tmp_path / "bag", format="bundle", audience="legal")
    assert "claims.json" in str(refused.value) and "Amadou" not in str(refused.value)
    assert not (tmp_path / "bag").exists() and not list(tmp_path.glob(".bag*"))


def test_a_vault_identity_the_originals_contain_is_not_a_leak_in_their_quotes(
        sample: Workspace, tmp_path: Path) -> None:
    """Wangrin's home village, were it in the vault, is in his own testimony: the bag
    holds his words unaltered, and the claims quoting them."""
    set_identity(sample, "Wangrin", Identity(name="Amadou Exemple", home="Nampala"))
    export(sample, tmp_path / "bag", format="bundle", audience="legal")
    assert "Nampala" in (tmp_path / "bag" / "data" / "claims.json").read_text(encoding="utf-8")
    assert verify_bundle(tmp_path / "bag").problems == []


def test_beside_evidence_allows_only_the_words_the_evidence_holds() -> None:
    protected = [Protected("Amadou Exemple", "name", "[witness]"), Protected("+223 70 00 00 01", "phone", "[phone]")]
    evidence = ["Je m'appelle Amadou, éleveur. Appelez le 70 00 00 01."]
    text = "Amadou said so; Exemple too; call +223 70 00 00 01; or 76 12 34 56 78."
    found = {text[h.start:h.end] for h in Redactor(protected).find(text)}
    beside = {text[h.start:h.end] for h in BesideEvidence(protected, evidence).find(text)}
    assert {"Amadou", "Exemple", "76 12 34 56 78"} <= found
    assert "Amadou" not in beside and {"Exemple", "76 12 34 56 78"} <= beside
