"""The protection commands as a user reads them: an organisation key of its own at init,
the vault, sharing, users and key rotation."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner, Result

from testimonia.cli.main import app
from testimonia.protect.keys import write_key_file


def _run(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"TESTIMONIA_PASSPHRASE": "", "TESTIMONIA_ACTOR": "ana",
                                                   **env})


def test_an_organisation_key_of_its_own_from_init(tmp_path: Path, key_file: Path) -> None:
    org_key = tmp_path / "keys" / "desk.key"
    write_key_file(org_key)
    both = {"TESTIMONIA_KEY_FILE": str(key_file), "TESTIMONIA_ORG_KEY_FILE": str(org_key)}
    workspace = ["-w", str(tmp_path / "inv")]
    assert _run(both, "init", str(tmp_path / "inv"), "--org", "Sahel Desk").exit_code == 0
    assert _run(both, "source", "add", "Wangrin", "--kind", "survivor", *workspace).exit_code == 0
    stored = _run({"TESTIMONIA_KEY_FILE": str(key_file)}, "vault", "set", "Wangrin", "--name",
                  "Vigadanyi Imya", "--contact", "+223 70 00 00 09", *workspace)
    assert stored.exit_code == 0  # writing needs only the public key
    assert stored.stdout.strip() == "Stored the identity of Wangrin in the vault (name, contacts)."
    locked = _run({"TESTIMONIA_KEY_FILE": str(key_file)}, "vault", "show", "Wangrin", *workspace)
    assert locked.exit_code == 1 and "The key of organisation 'Sahel Desk' does not open" in locked.stderr
    shown = _run(both, "vault", "show", "Wangrin", *workspace)
    assert shown.stdout.splitlines() == ["name: Vigadanyi Imya", "contact: +223 70 00 00 09"]


def test_users_sharing_and_rotation(tmp_path: Path, key_file: Path) -> None:
    env = {"TESTIMONIA_KEY_FILE": str(key_file)}
    workspace = ["-w", str(tmp_path / "inv")]
    assert _run(env, "init", str(tmp_path / "inv"), "--org", "Sahel Desk").exit_code == 0
    added = _run(env, "org", "add", "Partner", "--admin", "pat", *workspace)
    assert added.stdout.splitlines()[0] == "Added organisation Partner with admin pat."
    assert _run(env, "user", "add", "vera", "--role", "viewer", *workspace).stdout.strip() == \
        "Added vera (viewer, Sahel Desk)."
    refused = _run({**env, "TESTIMONIA_ACTOR": "vera"}, "source", "list", *workspace)
    assert refused.exit_code == 1 and "vera (viewer, Sahel Desk) may not read sources" in refused.stderr
    assert _run(env, "share", "all", "--with", "Partner", *workspace).stdout.strip() == \
        "Shared everything with Partner."
    again = _run(env, "share", "all", "--with", "Partner", *workspace)
    assert again.stdout.strip() == "everything was already shared with Partner."
    assert "Sahel Desk" in _run(env, "shares", *workspace).stdout
    rotated = _run(env, "keys", "rotate", *workspace)
    assert rotated.exit_code == 0 and "Rotated the workspace key" in rotated.stdout
    partner = _run({**env, "TESTIMONIA_ACTOR": "pat"}, "keys", "rotate", *workspace)
    assert partner.exit_code == 1 and "rotated by an admin of Sahel Desk" in partner.stderr
    status = _run(env, "keys", "status", *workspace).stdout.splitlines()
    assert [line.split()[-1] for line in status if line.startswith("workspace")] == ["current"]
