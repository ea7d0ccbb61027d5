"""Errors for people: each names the bad value, what would be valid, and the fix.

The library raises these and never prints or exits; the CLI turns them into one
line and exit code 1.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from pathlib import Path


class TestimoniaError(Exception):
    """Base of every error the library raises on purpose."""

    __test__ = False  # not a pytest test class

    def __init__(self, message: str, *, fix: str | None = None) -> None:
        self.message = message
        self.fix = fix
        super().__init__(f"{message} {fix}" if fix else message)

    def __str__(self) -> str:
        return f"{self.message} {self.fix}" if self.fix else self.message


class ConfigError(TestimoniaError):
    """A setting has a value Testimonia cannot use."""


class WorkspaceNotFound(TestimoniaError):
    """No investigation workspace where one was expected."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(
            f"No Testimonia workspace at {path}.",
            fix="Create one with `testimonia init PATH`, or point to one with "
            "-w/--workspace or TESTIMONIA_WORKSPACE.",
        )


class WorkspaceExists(TestimoniaError):
    """Refusing to initialise over an existing workspace or a non-empty folder."""


class WorkspaceLocked(TestimoniaError):
    """The workspace key could not be unlocked (missing or wrong passphrase / key file)."""


class WorkspaceBusy(TestimoniaError):
    """Another process holds the workspace in a way this command cannot share."""


class ReadOnlyWorkspace(TestimoniaError):
    """The workspace is on read-only media: it can be verified, not changed."""


class StorageFailure(TestimoniaError):
    """The disk refused a write (full, or an I/O error); what was being written was rolled back."""


class IntegrityError(TestimoniaError):
    """Stored data does not match what was recorded (tampering or corruption)."""


class NotFound(TestimoniaError):
    """A named record (source, document) does not exist."""


class InvalidValue(TestimoniaError):
    """A value given by the user is not one of the accepted ones."""


class UnreadableFile(TestimoniaError):
    """One input file cannot be ingested; the batch goes on without it."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class UnsupportedFormat(UnreadableFile):
    """No reader handles this kind of file."""


class PermissionDenied(TestimoniaError):
    """The acting user's role or organisation does not allow this."""


class PublicationRefused(TestimoniaError):
    """An export failed its gate or its leak scan; nothing was written."""

    def __init__(self, message: str, *, at_risk: list[list[str]] | None = None,
                 fix: str | None = None) -> None:
        self.at_risk = at_risk or []
        super().__init__(message, fix=fix or "See docs/exports.md: generalise (--on-risk generalise), "
                         "lower the detail of the sources' profiles, or publish less.")


def did_you_mean(word: str, known: Iterable[str] | Mapping[str, str], *, n: int = 3,
                 cutoff: float = 0.6) -> str:
    """"Did you mean a, b? " — the known values closest to a misspelt one — or "" when none
    is close. A mapping is matched on its keys (folded spellings) and shows its values."""
    shown = known if isinstance(known, Mapping) else {k: k for k in known}
    close = difflib.get_close_matches(word, list(shown), n=n, cutoff=cutoff)
    return f"Did you mean {', '.join(shown[c] for c in close)}? " if close else ""
