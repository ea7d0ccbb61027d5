"""Helpers of the reliability battery: fictional testimonies, workspaces opened by a
named user, child processes (child.py) and the checks made after every interruption.

Every testimony written here is invented; only the places are real.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, inspect, select, text

from testimonia.crypto.keys import KeyMaterial, write_key_file
from testimonia.service import doccrypt
from testimonia.service.integrity import verify_workspace
from testimonia.service.users import add_organization
from testimonia.service.workspace import Workspace
from testimonia.store import records
from testimonia.store.schema import claims, custody_events, documents

CHILD = Path(__file__).with_name("child.py")
ACTOR = "sahel-admin"

# Fictional testimonies, one template per language; {n} makes each file's bytes unique.
TEMPLATES = {
    "en": ("txt", "Statement {n}. I was detained at the checkpoint near Mopti in March 2022 and "
                  "held for {d} days in a container at the Sévaré camp. Soldiers questioned me "
                  "at night and beat me with cables. I was released without charge.\n"),
    "fr": ("md", "---\nlanguage: fr\ninterview_date: 2024-0{m}\n---\nTémoignage {n}. J'ai été "
                 "arrêté à Nampala en avril 2022 et enfermé {d} jours dans un conteneur à Sévaré. "
                 "Les gardes nous frappaient chaque nuit et nous privaient d'eau.\n"),
    "ru": ("txt", "Показания {n}. Меня задержали в Херсоне в августе 2022 года и держали {d} "
                  "дней в подвале. Потом нас вывезли в Таганрог, в СИЗО-2, где допрашивали "
                  "сотрудники ФСБ и били током.\n"),
    "uk": ("html", "<html><body><h1>Свідчення {n}</h1><p>Мене затримали в Ізюмі у вересні 2022 "
                   "року. {d} днів тримали в підвалі поліцейського відділку, били і погрожували "
                   "розстрілом.</p></body></html>\n"),
}


def write_testimonies(folder: Path, first: int, count: int, prefix: str = "t") -> list[Path]:
    """`count` new testimonies numbered from `first`, cycling through the languages."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    languages = sorted(TEMPLATES)
    for n in range(first, first + count):
        language = languages[n % len(languages)]
        suffix, template = TEMPLATES[language]
        path = folder / f"{prefix}{n:05d}-{language}.{suffix}"
        path.write_text(template.format(n=n, d=3 + n % 40, m=1 + n % 9), encoding="utf-8")
        written.append(path)
    return written


@dataclass(frozen=True)
class Investigation:
    """A workspace, its key file and the acting user with their own key file."""

    root: Path
    key: Path
    actor: str = ACTOR

    def user_key(self, actor: str | None = None) -> Path:
        return self.root.parent / "users" / f"{actor or self.actor}.key"

    def open(self, actor: str | None = None) -> Workspace:
        return Workspace.open(self.root, KeyMaterial(key_file=self.key),
                              flags={"actor": actor or self.actor},
                              user_material=KeyMaterial(key_file=self.user_key(actor)))

    def args(self, command: str, *extra: object, actor: str | None = None) -> list[str]:
        return [sys.executable, str(CHILD), command, str(self.root), str(self.key),
                str(self.user_key(actor)), actor or self.actor, *map(str, extra)]

    def environ(self, actor: str | None = None, **extra: str) -> dict[str, str]:
        """The environment of the `testimonia` command for this workspace and user."""
        return {**os.environ, "TESTIMONIA_KEY_FILE": str(self.key),
                "TESTIMONIA_ACTOR": actor or self.actor,
                "TESTIMONIA_USER_KEY_FILE": str(self.user_key(actor)), **extra}


def new_investigation(base: Path, organization: str = "Sahel Desk",
                      partners: dict[str, str] | None = None) -> Investigation:
    """A new workspace under `base`, with partner organisations (name -> admin)."""
    base.mkdir(parents=True, exist_ok=True)
    inv = Investigation(base / "ws", base / "workspace.key")
    write_key_file(inv.key)
    inv.user_key().parent.mkdir(exist_ok=True)
    write_key_file(inv.user_key())
    with Workspace.create(inv.root, KeyMaterial(key_file=inv.key), organization,
                          settings={"actor": inv.actor},
                          user_material=KeyMaterial(key_file=inv.user_key())) as ws:
        for name, admin in (partners or {}).items():
            add_organization(ws, name, admin, key_file=inv.user_key(admin))
    return inv


# Child processes

class Child:
    """A child process whose stdout is read as it comes (by a thread), so that a test can
    wait for its first acknowledgement and still get every line at the end.

    SIGINT is ignored until child.py's first line takes it back, so that an interrupt
    never lands in Python's own start-up; `limit` runs in the child before it starts."""

    def __init__(self, args: list[str], limit: Callable[[], None] | None = None,
                 **popen: Any) -> None:
        def prepare() -> None:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            if limit is not None:
                limit()
        self.began = time.monotonic()
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True, preexec_fn=prepare, **popen)
        self.lines: list[str] = []
        self.acknowledged = threading.Event()  # set at the first ACK, or at the end
        self.first_ack: float | None = None
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)
            if line.startswith("ACK ") and self.first_ack is None:
                self.first_ack = time.monotonic() - self.began
                self.acknowledged.set()
        self.acknowledged.set()

    def wait_for_ack(self, timeout: float = 120) -> None:
        assert self.acknowledged.wait(timeout) and self.first_ack is not None, "no acknowledgement"

    def finish(self, timeout: float = 300) -> tuple[int, str, str]:
        """(exit code, stdout, stderr) once it ended."""
        assert self.process.stderr is not None
        err = self.process.stderr.read()
        code = self.process.wait(timeout)
        self._reader.join(timeout)
        return code, "".join(self.lines), err


def wait_until_open(child: Child, path: Path, timeout: float = 120) -> None:
    """Wait until the child has `path` open (Linux: /proc/PID/fd)."""
    fds = Path(f"/proc/{child.process.pid}/fd")
    deadline = time.monotonic() + timeout
    while not any(_target(fd) == str(path) for fd in fds.iterdir()):
        assert time.monotonic() < deadline and child.process.poll() is None, f"{path} never opened"
        time.sleep(0.01)


def _target(fd: Path) -> str:
    try:
        return os.readlink(fd)
    except OSError:
        return ""


def run_to_end(args: list[str], **popen: Any) -> tuple[int, str, str]:
    return Child(args, **popen).finish()


@dataclass(frozen=True)
class Timing:
    """When an uninterrupted run printed its first acknowledgement and when it ended,
    in seconds from its start."""

    first_ack: float
    end: float


def timed_run(args: list[str]) -> Timing:
    """Time one uninterrupted run, start-up included; it must succeed and acknowledge."""
    child = Child(args)
    code, _out, err = child.finish()
    assert (code, err, child.first_ack is not None) == (0, "", True), err
    return Timing(child.first_ack or 0.0, time.monotonic() - child.began)


def interrupted(args: list[str], signum: int, delay: float) -> tuple[int, str, str]:
    """Start a child, send it `signum` after `delay` seconds (unless it ended before)."""
    child = Child(args)
    try:
        child.process.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        child.process.send_signal(signum)
    return child.finish()


CHAINED = ("During handling of the above exception", "The above exception was the direct cause")


def raised(stderr: str) -> set[str]:
    """The exceptions that ended the tracebacks a child printed (nothing when it printed
    none). An exception shown only as the context of a later one is left out: a refusal
    being handled when an interrupt lands while a connection closes is not itself raised."""
    if "Traceback" not in stderr:
        return set()
    ended: list[str] = []
    for line in stderr.splitlines():
        if line.startswith(CHAINED) and ended:
            ended.pop()
        elif found := re.match(r"([A-Za-z_][\w.]*)(?::|$)", line):
            ended.append(found.group(1))
    return set(ended)


def acks(stdout: str) -> list[list[str]]:
    """The acknowledgements a child printed in full (a cut-off last line is left out)."""
    lines = stdout.split("\n")[:-1]
    return [line.split(" ", 2)[1:] for line in lines if line.startswith("ACK ")]


# Checks

def document_ids(ws: Workspace) -> list[str]:
    with ws.engine.connect() as conn:
        return records.iter_document_ids(conn)


def original_of(ws: Workspace, document_id: str) -> bytes:
    """The original bytes, opened with the document's data key."""
    with ws.engine.connect() as conn:
        key = doccrypt.key_for(ws, conn, document_id)
    return ws.read_original(document_id, key)


def unreadable_acks(ws: Workspace, acked: Iterable[list[str]], folder: Path) -> list[str]:
    """Acknowledged files that are not in the workspace byte for byte (should be none)."""
    held = set(document_ids(ws))
    wrong = []
    for document_id, name in acked:
        if document_id not in held:
            wrong.append(f"{name}: no document {document_id[:12]}")
        elif original_of(ws, document_id) != (folder / name).read_bytes():
            wrong.append(f"{name}: the original differs from the input file")
    return wrong


def integrity_check(ws: Workspace) -> str:
    """SQLite's own check of its file ("ok"); PostgreSQL has no file of the workspace's to
    check (its server keeps its pages whole through a crash of a client): there, every
    row of every table read in full stands in."""
    with ws.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            for table in inspect(conn).get_table_names():
                conn.execute(text(f'SELECT * FROM "{table}"')).all()
            return "ok"
        return "\n".join(row[0] for row in conn.execute(text("PRAGMA integrity_check")))


def problems(ws: Workspace) -> list[str]:
    """What `testimonia verify` and SQLite's integrity check find wrong (nothing, we hope)."""
    found = [str(p) for p in verify_workspace(ws).problems]
    check = integrity_check(ws)
    return found if check == "ok" else [*found, f"integrity_check: {check}"]


def stray_originals(ws: Workspace) -> list[str]:
    """Sealed files under originals/ that no document references."""
    wanted = {ws.original_path(d) for d in document_ids(ws)}
    return sorted(str(p) for p in ws.paths.originals.glob("*/*") if p not in wanted)


def half_written(ws: Workspace) -> list[str]:
    """Documents missing their original or one of their two custody entries."""
    with ws.engine.connect() as conn:
        entries = Counter((r.document_id, r.action) for r in conn.execute(
            select(custody_events.c.document_id, custody_events.c.action)))
    wrong = []
    for document_id in document_ids(ws):
        if not ws.original_path(document_id).is_file():
            wrong.append(f"{document_id[:12]}: no original")
        for action in ("received", "text_extracted"):
            if entries[(document_id, action)] != 1:
                wrong.append(f"{document_id[:12]}: {entries[(document_id, action)]} {action} entries")
    return wrong


def extracted_entries(ws: Workspace) -> Counter[str]:
    """Document id -> how many `extracted` custody entries it has."""
    with ws.engine.connect() as conn:
        return Counter(row[0] for row in conn.execute(
            select(custody_events.c.document_id).where(custody_events.c.action == "extracted")))


def claims_per_document(ws: Workspace) -> dict[str, int]:
    """Document file name -> number of claims extracted from it."""
    with ws.engine.connect() as conn:
        rows = conn.execute(select(documents.c.file_name, func.count(claims.c.id))
                            .select_from(documents.outerjoin(claims, claims.c.document_id == documents.c.id))
                            .group_by(documents.c.file_name))
        return {row[0]: row[1] for row in rows}


def database_files(root: Path) -> dict[str, int]:
    """Size of the database and of its write-ahead log (0 when absent)."""
    return {name: (root / name).stat().st_size if (root / name).exists() else 0
            for name in ("testimonia.db", "testimonia.db-wal")}
