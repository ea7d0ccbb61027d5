"""What every command shares: the workspace option, unlocking, and the consoles."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from testimonia.config import resolve_root
from testimonia.errors import InvalidValue, WorkspaceLocked

if TYPE_CHECKING:
    from testimonia.crypto.keys import KeyMaterial
    from testimonia.service.workspace import Workspace
    from testimonia.shapes import ClaimJson

# User data is never read as markup. Piped output is not squeezed to 80 columns.
out = Console(highlight=False, soft_wrap=True, markup=False,
              width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, highlight=False, soft_wrap=True)

WorkspaceOption = Annotated[Path | None, typer.Option(
    "-w", "--workspace", help="Investigation folder [default: TESTIMONIA_WORKSPACE, else "
    "the current folder].", show_default=False)]


def key_material(*, new: bool = False) -> KeyMaterial:
    """From TESTIMONIA_PASSPHRASE / TESTIMONIA_KEY_FILE, else a hidden prompt on a terminal."""
    from testimonia.crypto.keys import KeyMaterial, key_material_from_env
    material = key_material_from_env()
    if material.passphrase is None and material.key_file is None:
        if not sys.stdin.isatty():
            raise WorkspaceLocked("No key to unlock the workspace.",
                                  fix="Set TESTIMONIA_PASSPHRASE or TESTIMONIA_KEY_FILE "
                                  "(standard input is not a terminal, so no prompt).")
        passphrase = typer.prompt("Workspace passphrase", hide_input=True, confirmation_prompt=new)
        material = KeyMaterial(passphrase=passphrase)
    if material.passphrase is not None:
        explain_slow_unlock()
    return material


def explain_slow_unlock() -> None:
    """Once per person (a marker in their cache folder), on a terminal: a passphrase
    unlocks slowly on purpose."""
    marker = cache_folder() / "passphrase-explained"
    if not err.is_terminal or marker.exists():
        return
    err.print("Unlocking with a passphrase takes about a second on purpose (Argon2id): it makes "
              "guessing it just as slow. A key file (`testimonia keygen`) opens at once.")
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
    except OSError:
        pass


def cache_folder() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "testimonia"


def user_material(*, new: bool = False, who: str = "your") -> KeyMaterial:
    """The acting user's own credential: TESTIMONIA_USER_PASSPHRASE / TESTIMONIA_USER_KEY_FILE,
    else a hidden prompt on a terminal, else none (commands that need a user then say so)."""
    from testimonia.crypto.keys import KeyMaterial, user_key_material_from_env
    material = user_key_material_from_env()
    if material.passphrase is not None or material.key_file is not None or not sys.stdin.isatty():
        return material
    label = f"New passphrase for {who} user" if new else "Your own passphrase (user credential)"
    return KeyMaterial(passphrase=typer.prompt(label, hide_input=True, confirmation_prompt=new))


def new_passphrase(user: str) -> str:
    """A new user's first passphrase, typed twice on a terminal."""
    if not sys.stdin.isatty():
        raise InvalidValue(f"No credential for {user}.",
                           fix="Give --key-file PATH (a new key file is written there, to hand "
                           "over); a passphrase can only be typed on a terminal.")
    return str(typer.prompt(f"New passphrase for {user}", hide_input=True, confirmation_prompt=True))


@contextmanager
def opened(workspace: Path | None, read_only: bool = False) -> Iterator[Workspace]:
    """The unlocked workspace, its acting user authenticated with their own credential;
    the services it is passed to decide what that user may do. A `read_only` command
    never upgrades the workspace (an older one is read from an upgraded private copy)."""
    from testimonia.service.workspace import Workspace
    with Workspace.open(resolve_root(workspace), key_material(), user_material=user_material(),
                        on_wait=lambda message: err.print(message), read_only=read_only) as ws:
        yield ws


def progress_bar() -> Progress:
    """A bar on stderr that disappears when done, leaving stdout to the results."""
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeRemainingColumn(), console=err, transient=True, disable=not err.is_terminal)


def claim_line(body: ClaimJson) -> str:
    """One claim on one line: what, where, by whom, when, and how it is known."""
    what = ", ".join([*body["methods"], *body["violations"]]) or body["act"]
    where = "; ".join(p["name"] + (f" ({p['facility']})" if p.get("facility") else "")
                      for p in body["places"]) or "place unknown"
    who = ", ".join(p["canonical"] or p["name"] for p in body["perpetrators"]) or "perpetrator unknown"
    when = body["period"]["text"] if body["period"] else "date unknown"
    victim = body["victim"]["who"] + (f": {body['victim']['name']}" if body["victim"].get("name") else "")
    flags = [victim, "first-hand" if body["first_hand"] else "hearsay"]
    flags += ["DENIAL"] if body["denial"] else []
    return f"{body['act']}: {what} — at {where} — by {who} — {when} [{', '.join(flags)}]"
