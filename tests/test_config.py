from __future__ import annotations

from pathlib import Path

import pytest

from testimonia.config import load_config, write_config_file
from testimonia.errors import ConfigError


def test_precedence_flag_env_file_default(tmp_path: Path) -> None:
    write_config_file(tmp_path / "testimonia.toml", {"max_file_mb": 5, "actor": "desk"})
    env = {"TESTIMONIA_MAX_FILE_MB": "7"}
    config = load_config(tmp_path, flags={"actor": "flagged"}, environ=env)
    assert config["actor"] == "flagged" and config.origins["actor"] == "flag"
    assert config["max_file_mb"] == 7 and config.origins["max_file_mb"] == "environment"
    assert config["max_docx_uncompressed_mb"] == 200
    config = load_config(tmp_path, environ={})
    assert config["max_file_mb"] == 5 and config.origins["max_file_mb"] == "workspace file"


def test_secrets_are_shown_redacted(tmp_path: Path) -> None:
    rows = load_config(tmp_path, environ={"TESTIMONIA_PASSPHRASE": "s3cret"}).shown()
    shown = {name: value for name, value, _, _ in rows}
    assert shown["passphrase"] == "(set, hidden)"
    assert "s3cret" not in str(rows)


def test_secret_in_config_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "testimonia.toml").write_text('passphrase = "oops"\n')
    with pytest.raises(ConfigError, match="unknown or file-forbidden setting 'passphrase'"):
        load_config(tmp_path, environ={})


def test_bad_number_names_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="max_file_mb = 'lots'"):
        load_config(tmp_path, environ={"TESTIMONIA_MAX_FILE_MB": "lots"})
