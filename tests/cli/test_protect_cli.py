"""The protection commands as a user reads them: an organisation key of its own at init,
the vault, sharing, users and key rotation."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner, Result

from testimonia.cli.main import app
from testimonia.crypto.keys import write_key_file


def _run(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"TESTIMONIA_PASSPHRASE": "", "TESTIMONIA_ACTOR": "ana",
                                                   "TESTIMONIA_USER_PASSPHRASE": "", **env})


def _keys(tmp_path: Path, *names: str) -> dict[str, Path]:
    folder = tmp_path / "people"
    folder.mkdir(exist_ok=True)
    return {name: folder / f"{name}.key" for name in names}


def test_each_user_opens_with_their_own_credential(tmp_path: Path, key_file: Path) -> None:
    people = _keys(tmp_path, "ana", "other")
    write_key_file(people["ana"])
    write_key_file(people["other"])
    env = {"TESTIMONIA_KEY_FILE": str(key_file), "TESTIMONIA_USER_KEY_FILE": str(people["ana"])}
    workspace = ["-w", str(tmp_path / "inv")]
    made = _run(env, "init", str(tmp_path / "inv"), "--org", "Sahel Desk")
    assert made.exit_code == 0 and "ana is its admin" in made.stdout
    assert _run(env, "source", "add", "Wangrin", "--kind", "survivor", *workspace).exit_code == 0
    stored = _run(env, "vault", "set", "Wangrin", "--name", "Vigadanyi Imya", "--contact",
                  "+223 70 00 00 09", *workspace)
    assert stored.stdout.strip() == "Stored the identity of Wangrin in the vault (name, contacts)."
    bare = _run({"TESTIMONIA_KEY_FILE": str(key_file)}, "vault", "show", "Wangrin", *workspace)
    assert bare.exit_code == 1 and "No credential was given for user 'ana'" in bare.stderr
    wrong = _run({**env, "TESTIMONIA_USER_KEY_FILE": str(people["other"])}, "vault", "show",
                 "Wangrin", *workspace)
    assert wrong.exit_code == 1 and "does not open the keys of user 'ana'" in wrong.stderr
    shown = _run(env, "vault", "show", "Wangrin", *workspace)
    assert shown.stdout.splitlines() == ["name: Vigadanyi Imya", "contact: +223 70 00 00 09"]
    audit = _run(env, "audit", *workspace).stdout
    assert "ana authentication_failed ana" in audit and "ana refused" in audit
    same = _run({"TESTIMONIA_KEY_FILE": str(key_file), "TESTIMONIA_USER_KEY_FILE": str(key_file)},
                "init", str(tmp_path / "inv2"))
    assert same.exit_code == 1 and "must differ from the workspace key" in same.stderr


def test_users_sharing_and_rotation(tmp_path: Path, key_file: Path) -> None:
    people = _keys(tmp_path, "ana", "pat", "vera")
    write_key_file(people["ana"])
    env = {"TESTIMONIA_KEY_FILE": str(key_file), "TESTIMONIA_USER_KEY_FILE": str(people["ana"])}
    workspace = ["-w", str(tmp_path / "inv")]
    assert _run(env, "init", str(tmp_path / "inv"), "--org", "Sahel Desk").exit_code == 0
    added = _run(env, "org", "add", "Partner", "--admin", "pat", "--key-file", str(people["pat"]),
                 *workspace)
    assert added.stdout.splitlines()[0] == "Added organisation Partner with admin pat."
    assert people["pat"].exists()
    assert _run(env, "user", "add", "vera", "--role", "viewer", "--key-file", str(people["vera"]),
                *workspace).stdout.splitlines()[0] == "Added vera (viewer, Sahel Desk)."
    no_key = _run(env, "user", "add", "zoe", "--role", "viewer", *workspace)
    assert no_key.exit_code == 1 and "Give --key-file PATH" in no_key.stderr
    vera = {**env, "TESTIMONIA_ACTOR": "vera", "TESTIMONIA_USER_KEY_FILE": str(people["vera"])}
    refused = _run(vera, "source", "list", *workspace)
    assert refused.exit_code == 1 and "vera (viewer, Sahel Desk) may not read sources" in refused.stderr
    assert _run(env, "share", "all", "--with", "Partner", *workspace).stdout.strip() == \
        "Shared everything with Partner."
    again = _run(env, "share", "all", "--with", "Partner", *workspace)
    assert again.stdout.strip() == "everything was already shared with Partner."
    assert "Sahel Desk" in _run(env, "shares", *workspace).stdout
    rotated = _run(env, "keys", "rotate", *workspace)
    assert rotated.exit_code == 0 and "Rotated the workspace key" in rotated.stdout
    pat = {**env, "TESTIMONIA_ACTOR": "pat", "TESTIMONIA_USER_KEY_FILE": str(people["pat"])}
    partner = _run(pat, "keys", "rotate", *workspace)
    assert partner.exit_code == 1 and "rotated by an admin of Sahel Desk" in partner.stderr
    status = _run(env, "keys", "status", *workspace).stdout.splitlines()
    assert [line.split()[-1] for line in status if line.startswith("workspace")] == ["current"]
    assert _run(env, "keys", "rotate", "--org", "Sahel Desk", *workspace).exit_code == 0
    assert _run(vera, "sites", *workspace).exit_code == 0  # the new key is granted to her too
    new_vera = tmp_path / "people" / "vera-2.key"
    changed = _run(vera, "user", "credential", "vera", "--key-file", str(new_vera), *workspace)
    assert changed.stdout.strip() == f"vera has a new credential: {new_vera}."
    assert _run(vera, "sites", *workspace).exit_code == 1  # the old key file no longer opens
    assert _run({**vera, "TESTIMONIA_USER_KEY_FILE": str(new_vera)}, "sites", *workspace).exit_code == 0
    verified = _run(env, "verify", *workspace)
    assert verified.exit_code == 0, verified.output
