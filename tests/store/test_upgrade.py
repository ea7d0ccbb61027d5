"""A workspace written by the version before user credentials (tests/fixtures/legacy-0009)
opens, verifies, and its users enrol: nothing in it is lost or changes its hash."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from testimonia.cli.main import app
from testimonia.crypto.keys import write_key_file

FIXTURE = Path(__file__).parents[1] / "fixtures" / "legacy-0009"
DOCUMENTS = {"kadi.md", "odile.md"}


@pytest.fixture
def legacy(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURE / "ws", tmp_path / "ws")
    for name in ("sahel-admin", "p-admin"):
        write_key_file(tmp_path / f"{name}.key")
    return tmp_path


def _run(root: Path, actor: str, *args: str, credential: bool = True) -> Result:
    env = {"TESTIMONIA_KEY_FILE": str(FIXTURE / "workspace.key"), "TESTIMONIA_PASSPHRASE": "",
           "TESTIMONIA_ACTOR": actor, "TESTIMONIA_USER_PASSPHRASE": "", "TESTIMONIA_ORG_KEY_FILE": "",
           "TESTIMONIA_USER_KEY_FILE": str(root / f"{actor}.key") if credential else ""}
    return CliRunner().invoke(app, [*args, "-w", str(root / "ws")], env=env)


def test_a_workspace_from_before_credentials_upgrades_and_its_users_enrol(legacy: Path) -> None:
    before = hashlib.sha256((legacy / "ws" / "testimonia.db").read_bytes()).hexdigest()
    verified = _run(legacy, "sahel-admin", "verify", credential=False)
    assert verified.exit_code == 0, verified.output
    assert "2 documents" in verified.stdout and "from before users signed" in verified.stdout
    after = hashlib.sha256((legacy / "ws" / "testimonia.db").read_bytes()).hexdigest()
    assert after == before  # a read-only command upgrades a private copy, never the workspace
    refused = _run(legacy, "sahel-admin", "documents")
    assert refused.exit_code == 1 and "has no credential of their own yet" in refused.stderr
    assert "testimonia user enroll" in refused.stderr
    enrolled = _run(legacy, "sahel-admin", "user", "enroll")
    assert enrolled.exit_code == 0, enrolled.output
    assert enrolled.stdout.startswith("sahel-admin (admin, Sahel Desk) now signs with a credential")
    listed = _run(legacy, "sahel-admin", "documents")
    assert listed.exit_code == 0 and all(name in listed.stdout for name in DOCUMENTS)
    shown = _run(legacy, "sahel-admin", "vault", "show", "Kadi")
    assert shown.stdout.splitlines() == ["name: Fictional Name Example", "home: Nampala"]
    again = _run(legacy, "sahel-admin", "user", "enroll")
    assert again.exit_code == 1 and "already has a credential" in again.stderr
    assert _run(legacy, "p-admin", "user", "enroll").exit_code == 0
    rotated = _run(legacy, "p-admin", "keys", "rotate", "--org", "Partner")
    assert rotated.exit_code == 0, rotated.output
    final = _run(legacy, "sahel-admin", "verify")
    assert final.exit_code == 0, final.output
    assert "2 documents" in final.stdout and "checked by their seal only" not in final.stdout


def test_enrolment_is_not_a_way_in_for_a_stranger(legacy: Path) -> None:
    stranger = _run(legacy, "mallory", "user", "enroll")
    assert stranger.exit_code == 1 and "No user 'mallory'" in stranger.stderr
