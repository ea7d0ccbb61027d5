"""Finding input files and reading a source map: what ingest and extract-file walk."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

import yaml

from testimonia.errors import InvalidValue

__all__ = ["count_files", "iter_files", "load_source_map"]


SIDECAR = ".yaml"  # interview.docx.yaml holds the metadata of interview.docx


def iter_files(paths: Iterable[Path]) -> Iterator[tuple[Path, bool]]:
    """(file, named explicitly) for each file under `paths`, in name order, hidden files
    and folders left out, and a sidecar of metadata (`NAME.yaml` beside `NAME`) too: it
    belongs to its file; folders are walked lazily, one listing at a time."""
    for path in paths:
        if not path.is_dir():
            yield path, True
            continue
        for folder, subfolders, files in os.walk(path):
            subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
            names = set(files)
            for name in sorted(f for f in files if not f.startswith(".")):
                if name.endswith(SIDECAR) and name.removesuffix(SIDECAR) in names:
                    continue
                yield Path(folder) / name, False


def count_files(paths: Iterable[Path]) -> int:
    return sum(1 for _ in iter_files(paths))


def load_source_map(path: Path) -> dict[str, str]:
    """The `files:` mapping (file name → pseudonym) of a sources YAML file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InvalidValue(f"Cannot read source map {path}: {exc}.") from exc
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        raise InvalidValue(f"{path} has no 'files:' mapping of file name to pseudonym.",
                           fix="See docs/sources-file.md.")
    return {str(k): str(v) for k, v in files.items()}
