"""Settings, declared once: name, default, help.

Precedence: a CLI flag > the environment (TESTIMONIA_<NAME>) > the workspace's
testimonia.toml > the default. Secrets (passphrase, key file) come from the
environment or a prompt only, never from a file, and are shown redacted.
"""

from __future__ import annotations

import getpass
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from testimonia.errors import ConfigError

CONFIG_FILE = "testimonia.toml"


@dataclass(frozen=True)
class Setting:
    name: str
    default: Callable[[], Any]
    help: str
    kind: type = str
    secret: bool = False
    in_file: bool = True  # may be written in testimonia.toml

    @property
    def env(self) -> str:
        return f"TESTIMONIA_{self.name.upper()}"


SETTINGS: tuple[Setting, ...] = (
    Setting("workspace", lambda: ".", "The investigation folder (for commands run elsewhere).",
            in_file=False),
    Setting("passphrase", lambda: None, "Passphrase that unlocks the workspace key.",
            secret=True, in_file=False),
    Setting("key_file", lambda: None, "Key file that unlocks the workspace key; keep it "
            "outside the workspace (on a separate drive).", secret=True, in_file=False),
    Setting("user_passphrase", lambda: None, "Your own passphrase: it proves who you are, "
            "signs what you do and opens your organisation's keys.", secret=True, in_file=False),
    Setting("user_key_file", lambda: None, "Your own key file (instead of a passphrase); "
            "never the workspace key file.", secret=True, in_file=False),
    Setting("org_passphrase", lambda: None, "Only to enrol the users of a workspace made by "
            "an older version: the passphrase of your organisation's key.", secret=True,
            in_file=False),
    Setting("org_key_file", lambda: None, "Only to enrol the users of a workspace made by an "
            "older version: your organisation's key file.", secret=True, in_file=False),
    Setting("actor", lambda: _login_name(), "Your user name: who is recorded (and signs) in "
            "the custody and audit logs (a handle, not necessarily a real name)."),
    Setting("lock_timeout", lambda: 120, "Seconds to wait for a workspace another command "
            "holds alone (key rotation, upgrade) before giving up.", kind=int),
    Setting("max_file_mb", lambda: 100, "Largest file ingest accepts, in MiB.", kind=int),
    Setting("max_docx_uncompressed_mb", lambda: 200, "Largest inflated size of a DOCX, in MiB "
            "(zip-bomb guard).", kind=int),
    Setting("min_independent_sources", lambda: 2, "Independent sources (at least one at first "
            "hand) an allegation needs to be called corroborated.", kind=int),
    Setting("k_anonymity", lambda: 5, "Smallest group of witnesses sharing the same "
            "quasi-identifiers that an export may publish (k-anonymity).", kind=int),
    Setting("database_url", lambda: "", "Where the database is: empty for the encrypted SQLite "
            "file in the workspace (one laptop); postgresql://USER@HOST/DATABASE for a database "
            "of its own on a PostgreSQL server (a newsroom server, docs/deployment.md). A "
            "password comes from ~/.pgpass, PGPASSWORD or this setting's environment variable, "
            "never from the file."),
    Setting("map_tiles", lambda: "", "Off by default: the web map draws the boundaries it "
            "ships. An https tile address with {z}, {x} and {y} (a tile server you run: each "
            "tile asked tells it where you look) adds a tile layer under them."),
)
BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class Config:
    values: Mapping[str, Any]
    origins: Mapping[str, str]  # name -> "flag" | "environment" | "workspace file" | "default"

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def with_value(self, name: str, value: Any, origin: str) -> Config:
        """The same settings with one replaced (a signed-in user is the `actor`, web/)."""
        return Config({**self.values, name: value}, {**self.origins, name: origin})

    def shown(self) -> list[tuple[str, str, str, str]]:
        """(name, value, origin, help) rows with secrets redacted."""
        rows = []
        for s in SETTINGS:
            value = self.values.get(s.name)
            text = ("(set, hidden)" if value else "(not set)") if s.secret else str(value)
            if s.name == "database_url":
                text = redact_password(text)
            rows.append((s.name, text, self.origins[s.name], s.help))
        return rows


def load_config(workspace: Path | None, flags: Mapping[str, Any] | None = None,
                environ: Mapping[str, str] | None = None) -> Config:
    env = os.environ if environ is None else environ
    from_file = read_config_file(workspace / CONFIG_FILE) if workspace else {}
    values: dict[str, Any] = {}
    origins: dict[str, str] = {}
    for s in SETTINGS:
        value, origin = _resolve(s, flags or {}, env, from_file)
        values[s.name], origins[s.name] = value, origin
    return Config(values, origins)


def read_config_file(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"Cannot read {path}: {exc}.", fix="Fix the file's TOML syntax.") from exc
    for key in data:
        if key not in BY_NAME or not BY_NAME[key].in_file:
            allowed = ", ".join(s.name for s in SETTINGS if s.in_file)
            raise ConfigError(f"{path}: unknown or file-forbidden setting '{key}'.",
                              fix=f"Settings allowed in the file: {allowed}.")
    refuse_password(str(data.get("database_url", "")), str(path))
    return data


_PASSWORD = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://[^/@:?#]*):([^/@?#]*)@")


def redact_password(url: str) -> str:
    """A database URL with its password, if any, replaced by ***."""
    return _PASSWORD.sub(r"\1:***@", url)


def refuse_password(url: str, where: str) -> None:
    """A database URL written to a file (or given to be written) carries no password."""
    if _PASSWORD.match(url):
        raise ConfigError(f"{where}: database_url {redact_password(url)!r} holds a password, "
                          "which would be written in clear beside the data.",
                          fix="Remove it from the URL and put it in ~/.pgpass (or PGPASSWORD, "
                          "or TESTIMONIA_DATABASE_URL in the environment).")


def write_config_file(path: Path, values: Mapping[str, Any]) -> None:
    lines = ["# Testimonia workspace settings. No secrets here: keys and passphrases",
             "# come from the environment or a prompt. `testimonia config` lists them all."]
    for name, value in values.items():
        rendered = str(value) if isinstance(value, int) else '"' + str(value).replace('"', '\\"') + '"'
        lines.append(f"{name} = {rendered}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _resolve(s: Setting, flags: Mapping[str, Any], env: Mapping[str, str],
             from_file: Mapping[str, Any]) -> tuple[Any, str]:
    if flags.get(s.name) is not None:
        return _coerce(s, flags[s.name], "flag"), "flag"
    if env.get(s.env):
        return _coerce(s, env[s.env], s.env), "environment"
    if s.name in from_file:
        return _coerce(s, from_file[s.name], CONFIG_FILE), "workspace file"
    return s.default(), "default"


TILES = re.compile(r"https://[A-Za-z0-9.-]+(:\d{1,5})?/[^\s\"'<>]*")


def _coerce(s: Setting, value: Any, where: str) -> Any:
    if s.name == "map_tiles" and value and not (
            TILES.fullmatch(str(value)) and all(f"{{{k}}}" in str(value) for k in "zxy")):
        raise ConfigError(f"map_tiles = {value!r} (from {where}) is not an https tile address.",
                          fix="Give https://HOST/PATH with {z}, {x} and {y}, or leave it empty.")
    if s.kind is int:
        try:
            number = int(value)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{s.name} = {value!r} (from {where}) is not a whole number.",
                              fix=f"Give an integer, e.g. {s.default()}.") from exc
        if number <= 0:
            raise ConfigError(f"{s.name} = {number} (from {where}) must be positive.")
        return number
    return str(value)


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "investigator"


def resolve_root(explicit: Path | None, environ: Mapping[str, str] | None = None) -> Path:
    """-w/--workspace, else TESTIMONIA_WORKSPACE, else the current folder."""
    env = os.environ if environ is None else environ
    if explicit is not None:
        return explicit
    return Path(env.get("TESTIMONIA_WORKSPACE") or ".")
