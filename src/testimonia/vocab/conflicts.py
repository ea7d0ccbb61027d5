"""Conflicts, by the countries where their detention sites lie (vocab/conflicts.yaml), and
the languages spoken locally in each country."""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

import yaml

__all__ = ["conflict_label", "conflict_of", "conflicts", "local_languages"]


@functools.cache
def _data() -> dict[str, Any]:
    text = resources.files("testimonia.vocab").joinpath("conflicts.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def conflicts() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = _data()["conflicts"]
    return found


def conflict_label(key: str) -> str:
    """A conflict's name as vocab/conflicts.yaml gives it."""
    return str(conflicts()[key]["label"])


def conflict_of(country: str | None) -> str | None:
    for key, conflict in conflicts().items():
        if country in conflict["countries"]:
            return key
    return None


def local_languages() -> dict[str, list[str]]:
    languages: dict[str, list[str]] = _data()["languages"]
    return languages
