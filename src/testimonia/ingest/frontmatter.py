"""The optional YAML block at the top of a text or Markdown testimony.

The block starts with a first line `---` and ends with a line `---` (or `...`).
Anything wrong in it is an error naming the key and the valid choices: a
misspelt key must never silently drop consent or pseudonym information.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

from testimonia.errors import UnreadableFile

SOURCE_KINDS = ("survivor", "witness", "relative", "official", "defector", "journalist", "document")
LANGUAGES = ("en", "fr", "ru", "uk")
CONSENT_LEVELS = ("internal", "consortium", "public")
TEXT_KEYS = ("source", "interview_place", "interviewer_org", "title")
CHOICE_KEYS: dict[str, tuple[str, ...]] = {
    "source_kind": SOURCE_KINDS,
    "language": LANGUAGES,
    "consent": CONSENT_LEVELS,
}
KNOWN_KEYS = tuple(sorted((*TEXT_KEYS, *CHOICE_KEYS, "interview_date", "fictional")))
MAX_BLOCK_CHARS = 65_536
_OPEN = "---"
_CLOSE = ("---", "...")
_ONE_PER_LINE = "write one 'key: value' per line"
_DATE_RE = re.compile(r"[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?")


@dataclass(frozen=True)
class FrontMatter:
    """Validated front matter; unset fields are None (fictional defaults to False)."""

    source: str | None = None
    source_kind: str | None = None
    interview_date: str | None = None
    interview_place: str | None = None
    interviewer_org: str | None = None
    language: str | None = None
    consent: str | None = None
    title: str | None = None
    fictional: bool = False

    def as_metadata(self) -> dict[str, Any]:
        """The set fields only (fictional only when true)."""
        return {key: value for key, value in asdict(self).items() if value not in (None, False)}


def split_front_matter(text: str, path: Path | str) -> tuple[FrontMatter | None, str]:
    """Split normalised text into (front matter or None, body)."""
    first, _, rest = text.partition("\n")
    if first.rstrip(" \t") != _OPEN:
        return None, text
    lines = rest.split("\n")
    close = _closing_line(lines)
    if close is None:
        raise UnreadableFile(path, _unclosed_reason())
    block = "\n".join(lines[:close])
    if len(block) > MAX_BLOCK_CHARS:
        raise UnreadableFile(
            path, f"front matter: block is longer than {MAX_BLOCK_CHARS:,} characters"
        )
    body = "\n".join(lines[close + 1 :])
    return parse_block(block, path), body


def parse_block(block: str, path: Path | str) -> FrontMatter:
    """Parse and validate the YAML between the delimiter lines."""
    mapping = _load_yaml(block, path)
    values: dict[str, Any] = {}
    for key, value in mapping.items():
        if not isinstance(key, str) or key not in KNOWN_KEYS:
            raise UnreadableFile(
                path, f"front matter: unknown key {key!r}; known keys: {', '.join(KNOWN_KEYS)}"
            )
        if value is not None:
            values[key] = _check_value(key, value, path)
    return FrontMatter(**values)


def _closing_line(lines: list[str]) -> int | None:
    for index, line in enumerate(lines):
        if line.rstrip(" \t") in _CLOSE:
            return index
    return None


def _unclosed_reason() -> str:
    return (
        "front matter: the block opened by '---' on line 1 is never closed; "
        "add a line '---' after the last key (or remove line 1 if the file has no front matter)"
    )


def _load_yaml(block: str, path: Path | str) -> dict[Any, Any]:
    try:
        loaded = yaml.safe_load(block)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 2 if exc.problem_mark else "?"
        raise UnreadableFile(
            path,
            f"front matter: not valid YAML at line {line} ({exc.problem}); {_ONE_PER_LINE}",
        ) from None
    except (yaml.YAMLError, ValueError, OverflowError, RecursionError) as exc:
        raise UnreadableFile(
            path, f"front matter: not valid YAML ({exc}); {_ONE_PER_LINE}"
        ) from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise UnreadableFile(
            path, "front matter: must be a list of 'key: value' lines, not a single value or a list"
        )
    return loaded


def _check_value(key: str, value: Any, path: Path | str) -> str | bool:
    if key == "fictional":
        return _check_bool(key, value, path)
    if key == "interview_date":
        return _check_date(value, path)
    text = _check_text(key, value, path)
    if key in CHOICE_KEYS:
        return _check_choice(key, text, path)
    return text


def _check_bool(key: str, value: Any, path: Path | str) -> bool:
    if not isinstance(value, bool):
        raise UnreadableFile(path, f"front matter: {key} is {value!r}; use true or false")
    return value


def _check_text(key: str, value: Any, path: Path | str) -> str:
    if not isinstance(value, str):
        raise UnreadableFile(
            path, f"front matter: {key} is {value!r}, not text; put the value in quotes"
        )
    text = value.strip()
    if not text:
        raise UnreadableFile(path, f"front matter: {key} is empty; give a value or remove the line")
    return text


def _check_choice(key: str, text: str, path: Path | str) -> str:
    choices = CHOICE_KEYS[key]
    lowered = text.lower()
    if lowered not in choices:
        raise UnreadableFile(
            path, f"front matter: {key} is {text!r}; valid values: {', '.join(choices)}"
        )
    return lowered


def _check_date(value: Any, path: Path | str) -> str:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
        return str(value)
    if isinstance(value, str) and _is_partial_date(value.strip()):
        return value.strip()
    raise UnreadableFile(
        path,
        f"front matter: interview_date is {value!r}; "
        "use YYYY-MM-DD, YYYY-MM or YYYY (e.g. 2023-05-14)",
    )


def _is_partial_date(text: str) -> bool:
    if not _DATE_RE.fullmatch(text):
        return False
    parts = [int(part) for part in text.split("-")] + [1, 1]
    try:
        dt.date(parts[0], parts[1], parts[2])
    except ValueError:
        return False
    return parts[0] >= 1000


def read_sidecar(path: Path) -> FrontMatter | None:
    """The metadata of a file that cannot hold a front matter (.docx, .html, .eml, .pdf),
    from `NAME.yaml` beside it: the same keys as a front matter; None when there is none."""
    sidecar = path.with_name(path.name + ".yaml")
    if not sidecar.is_file():
        return None
    try:
        text = sidecar.read_bytes()[:MAX_BLOCK_CHARS + 1].decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UnreadableFile(path, f"its metadata file {sidecar.name} cannot be read as UTF-8 "
                             f"({exc})") from exc
    if len(text) > MAX_BLOCK_CHARS:
        raise UnreadableFile(path, f"its metadata file {sidecar.name} is longer than "
                             f"{MAX_BLOCK_CHARS:,} characters")
    try:
        return parse_block(text, sidecar)
    except UnreadableFile as exc:
        raise UnreadableFile(path, f"its metadata file {sidecar.name}: {exc.reason}") from exc
