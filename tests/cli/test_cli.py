"""The CLI through its runner: exit codes and the exact lines a user reads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from testimonia.cli.main import app
from testimonia.crypto.keys import KeyMaterial


@pytest.fixture
def cli(key_file: Path, me: KeyMaterial, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.delenv("TESTIMONIA_PASSPHRASE", raising=False)
    monkeypatch.delenv("TESTIMONIA_WORKSPACE", raising=False)
    runner = CliRunner()

    def invoke(*args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
        return runner.invoke(app, list(args), env={"TESTIMONIA_KEY_FILE": str(key_file),
                                                   "TESTIMONIA_USER_KEY_FILE": str(me.key_file),
                                                   **(env or {})})
    return invoke


@pytest.fixture
def ws_path(cli, tmp_path: Path) -> str:  # type: ignore[no-untyped-def]
    path = tmp_path / "inv"
    result = cli("init", str(path), "--org", "Kyiv Investigations Unit")
    assert result.exit_code == 0, result.output
    assert f"Created workspace {path}" in result.stdout
    return str(path)


def test_commands_need_a_workspace(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("documents", "-w", str(tmp_path / "none"))
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"Error: No Testimonia workspace at {tmp_path / 'none'}. Create one "
                                     "with `testimonia init PATH`, or point to one with -w/--workspace "
                                     "or TESTIMONIA_WORKSPACE.")


def test_workspace_from_environment(cli, ws_path: str) -> None:  # type: ignore[no-untyped-def]
    result = cli("documents", env={"TESTIMONIA_WORKSPACE": ws_path})
    assert result.exit_code == 0 and "0 documents." in result.stdout


def test_no_key_is_one_clear_error(ws_path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TESTIMONIA_PASSPHRASE", raising=False)
    result = CliRunner().invoke(app, ["documents", "-w", ws_path], env={"TESTIMONIA_KEY_FILE": ""})
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: No key to unlock the workspace.")


def test_wrong_passphrase(cli, ws_path: str) -> None:  # type: ignore[no-untyped-def]
    result = cli("documents", "-w", ws_path, env={"TESTIMONIA_KEY_FILE": "", "TESTIMONIA_PASSPHRASE": "nope"})
    assert result.exit_code == 1
    assert "Cannot unlock the workspace with the passphrase given (it opens with: key_file)" in result.stderr


def test_sources_add_relate_list(cli, ws_path: str) -> None:  # type: ignore[no-untyped-def]
    assert cli("source", "add", "Wangrin", "--kind", "survivor", "-w", ws_path).exit_code == 0
    added = cli("source", "add", "Aminata", "--kind", "relative", "--note", "wife", "-w", ws_path)
    assert added.stdout.strip() == "Added source Aminata (relative, Kyiv Investigations Unit)."
    related = cli("source", "relate", "Aminata", "Wangrin", "--as", "relative_of", "-w", ws_path)
    assert related.stdout.strip() == "Recorded: Aminata relative_of Wangrin."
    listing = cli("source", "list", "-w", ws_path)
    assert "Aminata —relative_of→ Wangrin" in listing.stdout and "2 sources, 1 relations." in listing.stdout


def test_bad_kind_lists_the_choices(cli, ws_path: str) -> None:  # type: ignore[no-untyped-def]
    result = cli("source", "add", "X", "--kind", "victim", "-w", ws_path)
    assert result.exit_code == 1
    assert result.stderr.strip() == ("Error: Unknown source kind 'victim'. Use one of: survivor, witness, "
                                     "relative, official, defector, journalist, document.")


def test_duplicate_pseudonym_is_refused(cli, ws_path: str) -> None:  # type: ignore[no-untyped-def]
    cli("source", "add", "Wangrin", "--kind", "survivor", "-w", ws_path)
    result = cli("source", "add", "wangrin", "--kind", "witness", "-w", ws_path)
    assert result.exit_code == 1 and "Source 'wangrin' already exists." in result.stderr


def test_ingest_documents_show_verify(cli, ws_path: str, testimony_dir: Path) -> None:  # type: ignore[no-untyped-def]
    (testimony_dir / "broken.pdf").write_bytes(b"%PDF-1.7 truncated")
    result = cli("ingest", str(testimony_dir), "-w", ws_path)
    assert result.exit_code == 1  # one file failed: the batch went on, the exit code says so
    assert "3 ingested, 0 duplicates, 1 failed." in result.stdout
    assert "broken.pdf" in result.stderr
    again = cli("ingest", str(testimony_dir / "kadi.md"), "-w", ws_path)
    assert again.exit_code == 0 and "0 ingested, 1 duplicates, 0 failed." in again.stdout
    listing = cli("documents", "-w", ws_path)
    assert "3 documents." in listing.stdout and "wangrin.md" in listing.stdout
    doc_id = next(line.split()[1] for line in listing.stdout.splitlines() if "wangrin.md" in line)
    shown = cli("show", doc_id, "--text", "-w", ws_path)
    assert shown.exit_code == 0
    assert "source: Wangrin" in shown.stdout and "received by" in shown.stdout
    assert "Ils m'ont arrêté à Nampala" in shown.stdout
    verified = cli("verify", "-w", ws_path)
    assert verified.exit_code == 0
    assert verified.stdout.startswith("Verified: 3 documents, 8 custody entries, head entry 8 ")


def test_verify_fails_on_tampering(cli, ws_path: str, testimony_dir: Path) -> None:  # type: ignore[no-untyped-def]
    cli("ingest", str(testimony_dir), "-w", ws_path)
    sealed = next((Path(ws_path) / "originals").rglob("*.sealed"))
    sealed.write_bytes(sealed.read_bytes()[:-1] + bytes([sealed.read_bytes()[-1] ^ 1]))
    result = cli("verify", "-w", ws_path)
    assert result.exit_code == 1
    assert "TAMPERED document" in result.stderr and "authentication failed" in result.stderr
    assert "Verification FAILED: 1 problem(s)" in result.stderr


def test_unknown_document_id(cli, ws_path: str) -> None:  # type: ignore[no-untyped-def]
    result = cli("show", "abcdef", "-w", ws_path)
    assert result.exit_code == 1 and result.stderr.startswith("Error: No document with id abcdef")


def test_config_shows_secrets_hidden(cli, ws_path: str) -> None:  # type: ignore[no-untyped-def]
    result = cli("config", "-w", ws_path, env={"TESTIMONIA_PASSPHRASE": "hunter2"})
    assert result.exit_code == 0 and "hunter2" not in result.stdout and "(set, hidden)" in result.stdout


def _commands(command: Any, prefix: str = "") -> list[tuple[str, Any]]:
    found = [(prefix.strip(), command)]
    for name, sub in getattr(command, "commands", {}).items():
        found += _commands(sub, f"{prefix} {name}")
    return found


def test_every_command_and_option_has_help() -> None:
    commands = _commands(get_command(app))
    assert len(commands) >= 15
    for name, command in commands:
        assert command.help, f"command '{name}' has no help text"
        for param in command.params:
            if param.name != "help":
                assert getattr(param, "help", None), f"{param.param_type_name} {param.name} of '{name}' has no help"


def test_a_slow_passphrase_unlock_is_explained_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from rich.console import Console

    from testimonia.cli import common
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    screen = io.StringIO()
    monkeypatch.setattr(common, "err", Console(file=screen, force_terminal=True, width=200, highlight=False))
    common.explain_slow_unlock()
    common.explain_slow_unlock()
    assert screen.getvalue().count("takes about a second on purpose (Argon2id)") == 1
    assert (tmp_path / "cache" / "testimonia" / "passphrase-explained").exists()
