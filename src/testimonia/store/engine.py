"""Opening the database: SQLCipher (encrypted SQLite) by default, PostgreSQL for a
newsroom server (store/postgres.py, `database_url`); migrated on open.

Every SQLite connection is unlocked with the workspace's raw database key, then set to
WAL with synchronous=FULL (durable on power loss), foreign keys on, secure_delete on,
and temporary tables in memory (no temp files on disk). Writes take the lock at BEGIN
(BEGIN IMMEDIATE; an advisory lock on PostgreSQL) so two processes never interleave
the custody chain.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import sqlcipher3
from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.pool import NullPool

from testimonia.errors import StorageFailure, TestimoniaError, WorkspaceBusy, WorkspaceLocked
from testimonia.store import postgres

PRAGMAS = (
    "PRAGMA foreign_keys = ON",
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA secure_delete = ON",
    "PRAGMA temp_store = MEMORY",
    "PRAGMA busy_timeout = 30000",  # another process's write transaction: wait, do not fail
)


def open_engine(url: str, *, path: Path, keys: list[bytes], new: bool = False) -> Engine:
    """An engine for the workspace database: the SQLCipher file at `path`, or the
    PostgreSQL database at `url` when one is given (`new`: a workspace being created binds
    it). `keys`: the current database key first, then retired ones (an unfinished rotation)."""
    if url:
        return postgres.open_postgres(url, keys, new=new)
    engine = create_engine("sqlite://", creator=lambda: _connect(path, keys),
                           module=sqlcipher3, poolclass=NullPool)
    event.listen(engine, "begin", _begin_immediate)
    return engine


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (a no-op when it is already there)."""
    config = _alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def needs_migration(engine: Engine) -> bool:
    """True when the database is not at the newest schema revision (read without taking
    the write lock)."""
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    with snapshot(engine) as connection:
        return MigrationContext.configure(connection).get_current_revision() != head


def _alembic_config() -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(resources.files("testimonia.store") / "migrations"))
    return config


def _connect(path: Path, keys: list[bytes]) -> Any:
    for key in keys:
        connection = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False)
        connection.execute("PRAGMA cipher_log_level = NONE")
        connection.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        try:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
            break
        except sqlcipher3.DatabaseError as exc:
            connection.close()
            if "not a database" not in str(exc):
                raise WorkspaceLocked(f"The database {path} cannot be read: {exc}.",
                                      fix="Check the disk and the file's permissions; "
                                      "`testimonia verify` works on a read-only copy.") from exc
    else:
        raise WorkspaceLocked(f"The database {path} does not open with this workspace's key "
                              "(replaced, damaged, or from another workspace).")
    for pragma in PRAGMAS:
        connection.execute(pragma)
    return connection


def _begin_immediate(connection: Any) -> None:
    """Writes take the write lock at BEGIN; a connection opened with `snapshot()` reads
    one consistent state of the database without blocking writers (WAL)."""
    deferred = connection.get_execution_options().get("snapshot")
    connection.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")


def snapshot(engine: Engine) -> Connection:
    """A connection whose reads all see the database as it was at the first one."""
    options = postgres.snapshot_options() if is_postgres(engine) else {}
    return engine.connect().execution_options(snapshot=True, **options)


def release_new(engine: Engine) -> None:
    """Undo what creating a workspace put in its database, when the creation failed: a
    server's database is left empty again (the SQLite file goes with the folder)."""
    if is_postgres(engine):
        postgres.release(engine)


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def rekey(engine: Engine, key: bytes) -> None:
    """Re-encrypt the whole database under `key` (SQLCipher rewrites every page in one
    transaction); on PostgreSQL, bind the database to the new key (no file to rewrite:
    testimony is sealed column by column with keys a rotation of this one does not touch)."""
    if is_postgres(engine):
        postgres.rebind(engine, key)
        return
    connection = engine.raw_connection()
    try:
        connection.driver_connection.execute(f"PRAGMA rekey = \"x'{key.hex()}'\"")  # type: ignore[union-attr]
    finally:
        connection.close()


def storage_failure(exc: BaseException) -> TestimoniaError:
    """What a failed write tells the user: the disk (full, read-only, a size limit, an I/O
    error) or a lock another command held too long; nothing of the change was kept."""
    detail = getattr(exc, "orig", None) or exc  # the database's own error, without SQLAlchemy's
    text = str(detail).lower()
    sqlstate = getattr(detail, "sqlstate", None)  # PostgreSQL's error code (psycopg)
    if sqlstate in ("55P03", "40P01", "40001"):  # lock timeout, deadlock, serialisation
        return WorkspaceBusy("The database stayed locked by another command.",
                             fix="Nothing of this change was kept; run the command again.")
    if sqlstate is not None or type(detail).__module__.startswith("psycopg"):
        said = (str(detail).strip().splitlines() or [sqlstate or type(detail).__name__])[0]
        return StorageFailure(f"Nothing of this change was kept: the database server refused it ({said}).",
                              fix="Check the server (its disk, its log, that it runs), then run "
                              "the same command again; everything committed before is intact.")
    if "locked" in text or "busy" in text:
        return WorkspaceBusy("The database stayed locked by another command.",
                             fix="Nothing of this change was kept; run the command again.")
    errno = getattr(detail, "errno", None)
    if errno == 28 or "full" in text:
        what = "the disk is full"
    elif errno == 30 or "readonly" in text or "read-only" in text:
        what = "the disk is read-only"
    elif errno == 27:
        what = "a file grew past the size this process may write"
    else:
        what = f"the disk refused a write ({detail})"
    return StorageFailure(f"Nothing of this change was kept: {what}.",
                          fix="Free space (or fix the disk), then run the same command again; "
                          "everything committed before is intact.")
