"""One organisation's search index: an encrypted SQLite file (SQLCipher) holding an FTS5
table over the texts of its documents and claims, with their lemmas, and their facet
values as rows. service/search.py decides what goes in and keys it; this module keeps
the file: its schema, writes that are all-or-nothing, the lock two processes share, and
the queries (docs/web.md, "Search").

The file (`search/org-<id>.db` in the workspace) opens only with its raw key: there is
no key in it and none beside it. Writes are crash-safe in two ways: a build from
scratch writes a new file beside the old one and renames it over it once complete
(a killed build leaves the old index, or none); an update of some documents is one
SQLite transaction with a rollback journal (a killed update is rolled back the next
time the file is opened). Rollback journal, not WAL: a WAL file beside a database that
a build replaces by rename would be read against the wrong file. Writers hold
`org-<id>.lock` (flock: released by the kernel when a process dies).

Queries stay fast at a million passages by never touching every match: at most
COUNT_CAP matches are counted (past that the total is "more than"), the best first are
chosen among the first RANK_SAMPLE matches (`IndexFile._best`), and facet values are
counted over those same first RANK_SAMPLE matches (`Found.counted` says over how many).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import secrets
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy
import sqlcipher3

from testimonia.errors import WorkspaceBusy
from testimonia.fsutil import fsync_dir
from testimonia.text.lemmas import LANGUAGES, lemmas
from testimonia.text.textfold import fold

__all__ = ["COUNT_CAP", "RANK_SAMPLE", "Entry", "FacetCount", "Found", "IndexFile", "IndexLock",
           "Item", "Unreadable", "build", "fts_query", "is_damage", "lemmas_of", "query_lemmas"]

SCHEMA = "2"
COUNT_CAP = 10_000
RANK_SAMPLE = 2_000
CACHE_KIB = 262_144  # the page cache of an open index, at most (decrypted pages)
# A search reads every segment of the word index (ten segments made searches 2.7x slower
# at a million passages than one). Each update writes new small ones, and FTS5 merges a
# level only once it holds four; so each update also merges any two segments of a level
# (`_tidy`): the small ones merge among themselves, and into the large one only once they
# have grown to its size (docs/benchmarks.md, "Search").
MERGE_PAGES = 1_000  # pages of merge work per step
_WORD = re.compile(r"[^\W_]+")
_VALUE = numpy.dtype("<u4")  # a facet value's number in `packs`
# What IndexFile.warm reads, in this order: every search with words reads the packs of
# up to RANK_SAMPLE items, and the word lists of its words.
_WARM = ("SELECT item, vals FROM packs WHERE item > ? ORDER BY item LIMIT ?",
         "SELECT id, block FROM words_data WHERE id > ? ORDER BY id LIMIT ?")

_TABLES = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    # One row per document indexed: its stamp says what it was indexed from.
    "CREATE TABLE docs (doc INTEGER PRIMARY KEY, document_id TEXT NOT NULL UNIQUE, "
    "stamp TEXT NOT NULL, file_name TEXT NOT NULL, language TEXT NOT NULL)",
    # One row per searchable thing (a document's text, a claim): the FTS5 rowid.
    "CREATE TABLE items (item INTEGER PRIMARY KEY, doc INTEGER NOT NULL, kind TEXT NOT NULL, "
    "claim_id INTEGER, title TEXT NOT NULL, text TEXT NOT NULL)",
    "CREATE INDEX items_by_doc ON items (doc)",
    # Contentless: the text is kept once, in items; the index holds only the words: of
    # the text, of its lemmas, and its facet values as words of their own ("v17"), so
    # that words and facets are one FTS5 query, intersected the way FTS5 intersects
    # words (the shorter list leads, the longer is skipped through).
    "CREATE VIRTUAL TABLE words USING fts5(body, lemmas, tags, content='', contentless_delete=1, "
    "detail=column, tokenize='unicode61 remove_diacritics 2')",
    # Facet values, numbered, with how many items have each.
    "CREATE TABLE vals (value INTEGER PRIMARY KEY, facet TEXT NOT NULL, name TEXT NOT NULL, "
    "n INTEGER NOT NULL, UNIQUE (facet, name))",
    # Each item's values as one row (their numbers, 32-bit little-endian): counting the
    # values of a few thousand items reads a few thousand short rows and counts them in
    # one pass (numpy); and the length of its text (the ranking prefers the shorter).
    "CREATE TABLE packs (item INTEGER PRIMARY KEY, vals BLOB NOT NULL, size INTEGER NOT NULL)",
)


class Unreadable(Exception):
    """The index file does not open with this key, is damaged, or is of another schema:
    it is built again from scratch (never shown to a user)."""


@dataclass(frozen=True)
class Item:
    """One searchable thing: a document's text, or a claim (its words and fields)."""

    kind: str  # "document" | "claim"
    document_id: str
    file_name: str
    language: str
    text: str
    facets: Mapping[str, Sequence[str]]
    claim_id: int | None = None
    title: str = ""


@dataclass(frozen=True)
class Entry:
    """One document's part of the index: its items, and the stamp of what they were made
    from (service/search.py compares stamps to find what changed)."""

    document_id: str
    stamp: str
    file_name: str
    language: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class FacetCount:
    value: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Found:
    items: list[Item]  # the best first, at most the limit asked for
    total: int  # how many match; a lower bound when `more`
    more: bool = False  # more than COUNT_CAP match: `total` is COUNT_CAP
    counted: int = 0  # facet counts are over this many of the matches (the first ones)
    facets: dict[str, list[FacetCount]] = field(default_factory=dict)


def lemmas_of(text: str, language: str) -> list[str]:
    """The dictionary forms of a text's words (Russian, Ukrainian, English, French): each
    run of letters and digits of the folded text, as the tokenizer's words split at an
    apostrophe or a hyphen (text/textfold.py)."""
    if language not in LANGUAGES:
        return []
    return [lemma for word in _WORD.findall(fold(text)) for lemma in lemmas(word, language)]


def query_lemmas(word: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(lemma for language in sorted(LANGUAGES) for lemma in lemmas(word, language)))


def fts_query(words: Sequence[str]) -> str:
    """Every (folded) word, as itself or by one of its dictionary forms; each form quoted,
    so nothing of FTS5's syntax passes through."""
    def either(word: str) -> str:
        forms = [f'{{body lemmas}} : "{word}"']  # one look-up of the word for both columns
        forms += [f'lemmas : "{lemma}"' for lemma in query_lemmas(word) if lemma != word]
        return "(" + " OR ".join(forms) + ")"
    return " AND ".join(either(w) for w in words)


def _connect(path: Path, key: bytes) -> Any:
    """A connection to the index file under `key`; Unreadable when it does not open."""
    connection = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False)
    try:
        connection.execute("PRAGMA cipher_log_level = NONE")
        connection.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        connection.execute("PRAGMA busy_timeout = 30000")
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        for pragma in ("PRAGMA journal_mode = DELETE", "PRAGMA synchronous = FULL",
                       "PRAGMA secure_delete = ON", "PRAGMA temp_store = MEMORY",
                       f"PRAGMA cache_size = -{CACHE_KIB}"):
            connection.execute(pragma)
    except sqlcipher3.DatabaseError as exc:
        connection.close()
        raise Unreadable(f"{path.name}: {exc}") from exc
    return connection


class IndexFile:
    """An open index file; its methods may be called from several threads (one at a time)."""

    def __init__(self, path: Path, key: bytes) -> None:
        if not path.is_file():
            raise Unreadable(f"{path.name}: no such file")
        self.path = path
        self.inode = path.stat().st_ino
        self._db = _connect(path, key)
        self._lock = threading.Lock()
        self._names: dict[int, tuple[str, str]] = {}  # facet value number -> (facet, value)
        self._numbers: dict[tuple[str, str], int] = {}
        self._names_at: int | None = None
        try:
            meta = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
        except sqlcipher3.DatabaseError as exc:
            self.close()
            raise Unreadable(f"{path.name}: {exc}") from exc
        if meta.get("schema") != SCHEMA:
            self.close()
            raise Unreadable(f"{path.name}: schema {meta.get('schema')!r}, not {SCHEMA}")

    def close(self) -> None:
        self._db.close()

    def replaced(self) -> bool:
        """True when another process built a new file in its place (or removed it)."""
        try:
            return self.path.stat().st_ino != self.inode
        except FileNotFoundError:
            return True

    def integrity(self) -> str:
        """SQLite's integrity check of the file: "ok", or what is wrong."""
        with self._lock:
            return "; ".join(str(r[0]) for r in self._db.execute("PRAGMA integrity_check"))

    def warm(self, budget: int = CACHE_KIB * 1024, chunk: int = 2_000) -> int:
        """Read the facet packs, then the word lists, into the page cache (each page
        decrypted and checked once), up to `budget` bytes: a server's first searches then
        find them there instead of reading them from disk one query at a time. Chunk by
        chunk, each under the lock, so a search waits for one chunk at most. Returns the
        bytes read; stops early, quietly, when the file is closed meanwhile."""
        read = 0
        for query in _WARM:
            last = -1
            while read < budget:
                with self._lock:
                    try:
                        rows = self._db.execute(query, (last, chunk)).fetchall()
                    except (sqlcipher3.ProgrammingError, sqlcipher3.DatabaseError):
                        return read  # closed (or replaced and gone): nothing left to warm
                if not rows:
                    break
                last = int(rows[-1][0])
                read += sum(len(row[1]) for row in rows)
        return read

    def segments(self) -> int:
        """How many segments the word index is in (each search reads every one)."""
        with self._lock, self._reading():
            return _segments(self._db)

    def generation(self) -> int:
        """The workspace input generation the index was last brought up to."""
        with self._lock, self._reading():
            return int(self._db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0])

    def stamps(self) -> dict[str, str]:
        """document id -> the stamp of what it was indexed from."""
        with self._lock, self._reading():
            return dict(self._db.execute("SELECT document_id, stamp FROM docs").fetchall())

    def update(self, generation: int, remove: Iterable[str], add: Iterable[Entry]) -> tuple[int, int]:
        """Remove documents and (re)index others, and record `generation`, in one
        transaction: all of it, or (killed, failed) nothing. Returns (documents, items)
        written. The caller holds the IndexLock."""
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                counts: Counter[int] = Counter()
                for document_id in remove:
                    _remove(self._db, document_id, counts)
                written = _write(self._db, add, True, counts)
                _count(self._db, counts)  # last: _write may reuse a value whose count fell to 0
                self._db.execute("UPDATE meta SET value = ? WHERE key = 'generation'", (str(generation),))
                _tidy(self._db)
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
            self._names_at = None
            return written

    def search(self, words: Sequence[str], filters: Mapping[str, Sequence[str]], limit: int) -> Found:
        """Items holding every (folded) word, as written or by a dictionary form (every
        item when there is none) and, for each facet of `filters`, one of its values; the
        best `limit` first among the first RANK_SAMPLE matches (`_best`; with no words,
        in the order they were indexed)."""
        fts = fts_query(words) if words else ""
        with self._lock, self._reading():
            self._load_names()
            chosen = self._chosen(filters)
            found = [] if chosen is None else self._matches(fts, chosen)  # None: a value no item has
            more = len(found) > COUNT_CAP
            sample = found[:RANK_SAMPLE]
            packs = self._packs(sample)
            best = self._best(words, chosen or [], sample, packs, limit) if words and sample else sample[:limit]
            counts = self._counts(packs, filters)
            items = self._items(best, packs)
        return Found(items, min(len(found), COUNT_CAP), more, len(sample), counts)

    # Reading

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """One read transaction: every query of a search sees the same state."""
        self._db.execute("BEGIN")
        try:
            yield
        finally:
            self._db.execute("COMMIT")

    def _load_names(self) -> None:
        version = int(self._db.execute("PRAGMA data_version").fetchone()[0])
        stamp = hash((version, self._db.total_changes))
        if self._names_at != stamp:
            rows = self._db.execute("SELECT value, facet, name FROM vals WHERE n > 0").fetchall()
            self._names = {int(v): (f, n) for v, f, n in rows}
            self._numbers = {(f, n): int(v) for v, f, n in rows}
            self._names_at = stamp

    def _chosen(self, filters: Mapping[str, Sequence[str]]) -> list[list[int]] | None:
        """Each filtered facet's chosen values as numbers; None when a facet has none of
        them on any item."""
        chosen = []
        for facet, values in filters.items():
            found = [self._numbers[(facet, v)] for v in values if (facet, v) in self._numbers]
            if not found:
                return None
            chosen.append(found)
        return chosen

    def _matches(self, fts: str, chosen: list[list[int]]) -> list[int]:
        """The first COUNT_CAP + 1 matching item numbers, in index order. The SQL is fixed
        text and `?` placeholders; the FTS query is bound."""
        expression = _expression(fts, chosen)
        if not expression:
            return [int(r[0]) for r in self._db.execute(
                "SELECT item FROM packs ORDER BY item LIMIT ?", (COUNT_CAP + 1,))]
        return [int(r[0]) for r in self._db.execute(
            "SELECT rowid FROM words WHERE words MATCH ? ORDER BY rowid LIMIT ?", (expression, COUNT_CAP + 1))]

    def _best(self, words: Sequence[str], chosen: list[list[int]], sample: list[int],
              packs: Mapping[int, tuple[bytes, int]], limit: int) -> list[int]:
        """The sample's best `limit`: those holding every word as written before those
        found through a dictionary form, then the shorter text first, then index order.
        Close to what bm25 gives under `detail=column` (which counts no word within a
        text: a column holds it or not, a shorter text scores higher), without its corpus
        statistics: reading every match of a common word to weigh it cost more than all
        the rest of a search at a million passages (docs/benchmarks.md)."""
        written = " AND ".join(f'body : "{w}"' for w in words)
        exact = {int(r[0]) for r in self._db.execute(
            "SELECT rowid FROM words WHERE words MATCH ? AND rowid <= ? ORDER BY rowid LIMIT ?",
            (_expression(written, chosen), sample[-1], len(sample)))}
        return sorted(sample, key=lambda n: (n not in exact, packs.get(n, (b"", 0))[1], n))[:limit]

    def _packs(self, numbers: list[int]) -> dict[int, tuple[bytes, int]]:
        """Each item's facet value numbers and text length."""
        if not numbers:
            return {}
        return {int(item): (bytes(vals), int(size)) for item, vals, size in self._db.execute(
            "SELECT p.item, p.vals, p.size FROM json_each(?) j JOIN packs p ON p.item = j.value",
            (json.dumps(numbers),))}

    def _counts(self, packs: Mapping[int, tuple[bytes, int]],
                filters: Mapping[str, Sequence[str]]) -> dict[str, list[FacetCount]]:
        """Each facet's values among the items of `packs`, the most frequent first; a
        chosen value that none has is listed with 0."""
        tally: dict[str, dict[str, int]] = {}
        numbers = numpy.frombuffer(b"".join(vals for vals, _ in packs.values()), dtype=_VALUE)
        counted = numpy.bincount(numbers) if len(numbers) else numpy.zeros(0, dtype=numpy.int64)
        found = [(int(v), int(counted[v])) for v in numpy.flatnonzero(counted)]
        for value, count in sorted(found, key=lambda r: (self._names[r[0]][0], -r[1], self._names[r[0]][1])):
            facet, name = self._names[value]
            tally.setdefault(facet, {})[name] = count
        for facet, values in filters.items():
            for name in values:
                tally.setdefault(facet, {}).setdefault(name, 0)
        return {facet: [FacetCount(v, c, v in filters.get(facet, ())) for v, c in values.items()]
                for facet, values in tally.items()}

    def _items(self, numbers: list[int], packs: Mapping[int, tuple[bytes, int]]) -> list[Item]:
        if not numbers:
            return []
        rows = {int(r[0]): r for r in self._db.execute(
            "SELECT i.item, i.kind, i.claim_id, i.title, i.text, d.document_id, d.file_name, d.language "
            "FROM json_each(?) j JOIN items i ON i.item = j.value JOIN docs d ON d.doc = i.doc",
            (json.dumps(numbers),))}
        found = []
        for number in numbers:
            row = rows.get(number)
            if row is None:
                continue
            facets: dict[str, list[str]] = {}
            for value in numpy.frombuffer(packs.get(number, (b"", 0))[0], dtype=_VALUE).tolist():
                facet, name = self._names[value]
                facets.setdefault(facet, []).append(name)
            found.append(Item(row[1], row[5], row[6], row[7], row[4], facets, row[2], row[3]))
        return found


def _expression(fts: str, chosen: list[list[int]]) -> str:
    """The words' FTS5 query AND, for each facet, one of its values (numbers: no text of
    the caller's reaches the query here)."""
    parts = [f"({fts})"] if fts else []
    parts += ["(" + " OR ".join(f'tags : "v{int(v)}"' for v in values) + ")" for values in chosen]
    return " AND ".join(parts)


def _segments(db: Any) -> int:
    return int(db.execute("SELECT count(DISTINCT segid) FROM words_idx").fetchone()[0])


def _tidy(db: Any) -> None:
    """Merge any two segments of a level until none is left to merge (MERGE_PAGES of work
    per step), in the caller's transaction. FTS5 tells no more work by changing fewer
    than two rows."""
    db.execute("INSERT INTO words (words, rank) VALUES ('usermerge', 2)")
    while True:
        before = db.total_changes
        db.execute("INSERT INTO words (words, rank) VALUES ('merge', ?)", (MERGE_PAGES,))
        if db.total_changes - before < 2:
            return


def _merge(db: Any) -> None:
    """The word index's segments merged into one (FTS5's 'optimize'), in the caller's
    transaction."""
    db.execute("INSERT INTO words (words) VALUES ('optimize')")


def _remove(db: Any, document_id: str, counts: Counter[int]) -> None:
    """Take a document's items out (each value's count lowered in `counts`, written once
    by the caller)."""
    row = db.execute("SELECT doc FROM docs WHERE document_id = ?", (document_id,)).fetchone()
    if row is None:
        return
    doc = int(row[0])
    for item, vals in db.execute("SELECT p.item, p.vals FROM items i JOIN packs p ON p.item = i.item "
                                 "WHERE i.doc = ?", (doc,)).fetchall():
        db.execute("DELETE FROM words WHERE rowid = ?", (item,))
        counts.subtract(numpy.frombuffer(vals, dtype=_VALUE).tolist())
        db.execute("DELETE FROM packs WHERE item = ?", (item,))
    db.execute("DELETE FROM items WHERE doc = ?", (doc,))
    db.execute("DELETE FROM docs WHERE doc = ?", (doc,))


def _write(db: Any, entries: Iterable[Entry], replace: bool, added: Counter[int]) -> tuple[int, int]:
    """Index each entry (replacing what a document had, when `replace`); returns
    (documents, items) written. Each value's count is raised in `added`."""
    values = {(f, n): int(v) for v, f, n in db.execute("SELECT value, facet, name FROM vals")}
    next_item = int(db.execute("SELECT coalesce(max(item), 0) FROM items").fetchone()[0]) + 1
    documents = items = 0
    for entry in entries:
        if replace:
            _remove(db, entry.document_id, added)
        doc = db.execute("INSERT INTO docs (document_id, stamp, file_name, language) VALUES (?, ?, ?, ?)",
                         (entry.document_id, entry.stamp, entry.file_name, entry.language)).lastrowid
        for item in entry.items:
            number = next_item
            next_item += 1
            db.execute("INSERT INTO items VALUES (?, ?, ?, ?, ?, ?)",
                       (number, doc, item.kind, item.claim_id, item.title, item.text))
            numbers = []
            for facet, names in item.facets.items():
                for name in dict.fromkeys(names):
                    value = values.get((facet, name))
                    if value is None:
                        value = int(db.execute("INSERT INTO vals (facet, name, n) VALUES (?, ?, 0)",
                                               (facet, name)).lastrowid)
                        values[(facet, name)] = value
                    numbers.append(value)
                    added[value] += 1
            db.execute("INSERT INTO words (rowid, body, lemmas, tags) VALUES (?, ?, ?, ?)",
                       (number, item.text, " ".join(lemmas_of(item.text, item.language)),
                        " ".join(f"v{v}" for v in numbers)))
            db.execute("INSERT INTO packs VALUES (?, ?, ?)",
                       (number, numpy.asarray(numbers, dtype=_VALUE).tobytes(), len(item.text)))
            items += 1
        documents += 1
    return documents, items


def _count(db: Any, counts: Counter[int]) -> None:
    """Add `counts` to the values' counts; drop the values no item has any more."""
    db.executemany("UPDATE vals SET n = n + ? WHERE value = ?", [(n, v) for v, n in counts.items() if n])
    db.execute("DELETE FROM vals WHERE n <= 0")


def build(path: Path, key: bytes, generation: int, entries: Iterable[Entry]) -> tuple[int, int]:
    """A new index at `path` from scratch: written to a file beside it, then renamed over
    it once complete (the old index stays until then). Returns (documents, items). The
    caller holds the IndexLock."""
    for leftover in path.parent.glob(f".{path.name}.*.part*"):  # a killed build's
        leftover.unlink(missing_ok=True)
    part = path.parent / f".{path.name}.{secrets.token_hex(6)}.part"
    try:
        db = _connect(part, key)
        try:
            db.execute("PRAGMA journal_mode = OFF")  # the file is not in use until renamed
            db.execute("BEGIN")
            for statement in _TABLES:
                db.execute(statement)
            db.executemany("INSERT INTO meta VALUES (?, ?)",
                           [("schema", SCHEMA), ("generation", str(generation))])
            counts: Counter[int] = Counter()
            written = _write(db, entries, False, counts)
            _count(db, counts)
            _merge(db)
            db.execute("COMMIT")
            db.execute("PRAGMA journal_mode = DELETE")
        finally:
            db.close()
        os.chmod(part, 0o600)
        with open(part, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(part, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)
    return written


class IndexLock:
    """The lock a process holds while it writes an index (flock on a file beside it)."""

    def __init__(self, path: Path, timeout: float) -> None:
        self.path, self.timeout = path, timeout

    @contextmanager
    def held(self) -> Iterator[None]:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            deadline = time.monotonic() + self.timeout
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise WorkspaceBusy(
                            f"The search index {self.path.stem} is being updated by another command.",
                            fix="Nothing was changed; search again when it is done (lock_timeout "
                            f"{self.timeout:g} s sets how long to wait).") from None
                    time.sleep(0.1)
            yield
        finally:
            os.close(fd)


def is_damage(exc: BaseException) -> bool:
    """True for SQLite's own error of a damaged file (a page that fails its HMAC, "database
    disk image is malformed", "file is not a database"), not for a busy or locked one."""
    return type(exc) in (sqlite3.DatabaseError, sqlcipher3.DatabaseError)
