"""The newsroom server's store: a PostgreSQL database, one per workspace.

What SQLCipher gives the embedded store, this gives the server (docs/deployment.md):

- Writes never interleave: every transaction that is not a `snapshot()` read takes a
  transaction-level advisory lock (pg_advisory_xact_lock) on one fixed key at its
  start, released by its commit or rollback, as BEGIN IMMEDIATE takes SQLite's write
  lock. Advisory locks belong to one database and a workspace has its own database, so
  one key serialises exactly that workspace's writers. A writer waits at most
  LOCK_TIMEOUT for another's transaction, then fails with nothing kept.
- `snapshot()` reads run REPEATABLE READ READ ONLY: one consistent state, never
  blocking a writer (WAL reads on SQLite).
- The database is bound to its workspace: a keyed hash of the workspace's database key
  (BINDING_TABLE), checked on every open, so a URL pointing at another workspace's
  database, or at a database that is not empty, is refused instead of mixed.
- Text is compared and sorted as SQLite does: the database must use the C collation
  and character classes (code-point order; lower() folds ASCII only), and UTF-8.

Testimony itself is sealed column by column with the organisations' and documents'
keys before it reaches the database (service/doccrypt.py), on both stores; what a
database administrator can read is listed in docs/deployment.md.
"""

from __future__ import annotations

import hashlib
import hmac
import importlib.util
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

from testimonia.errors import ConfigError, WorkspaceLocked

__all__ = ["ADVISORY_KEY", "BINDING_TABLE", "LOCK_TIMEOUT", "is_postgres_url", "open_postgres",
           "redact_url", "rebind", "release", "snapshot_options", "SCHEMES"]

SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
# One fixed key (b"testimon" as a signed 64-bit number): advisory locks are per database.
ADVISORY_KEY = int.from_bytes(b"testimon", "big", signed=True)
LOCK_TIMEOUT = "30s"  # as SQLite's busy_timeout: wait for another writer, then give up
BINDING_SCHEMA = "testimonia_workspace"
BINDING_TABLE = f"{BINDING_SCHEMA}.binding"
_BINDING_INFO = b"testimonia/postgresql-binding"
_C_LOCALES = ("C", "POSIX")
_INSTALL = "pip install 'testimonia[postgres]' (the `postgres` extra: psycopg)"


def is_postgres_url(url: str) -> bool:
    return url.split(":", 1)[0].lower() in SCHEMES


def redact_url(url: str) -> str:
    """The URL with any password hidden (for messages and `testimonia config`)."""
    try:
        return make_url(_driver_url(url)).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def open_postgres(url: str, keys: list[bytes], *, new: bool = False) -> Engine:
    """An engine on the workspace's PostgreSQL database, checked to belong to the
    workspace (`keys`: its current database key first, then retired ones). With `new`
    (testimonia init), an empty database is bound to the workspace instead."""
    if importlib.util.find_spec("psycopg") is None:
        raise ConfigError(f"database_url {redact_url(url)!r} needs the PostgreSQL driver, "
                          "which is not installed.", fix=f"Install it: {_INSTALL}.")
    parsed = _parse(url)
    engine = create_engine(parsed, pool_pre_ping=True, connect_args={
        "options": f"-c lock_timeout={LOCK_TIMEOUT} -c client_encoding=UTF8"})
    event.listen(engine, "begin", _take_write_lock)
    try:
        with engine.connect() as conn:
            _check_server(conn, parsed)
            _check_binding(conn, parsed, keys, new)
            conn.commit()
    except OperationalError as exc:
        engine.dispose()
        raise ConfigError(f"The database {redact_url(url)} does not answer: {_first_line(exc)}.",
                          fix="Check the host, port, database name and user in database_url, "
                          "that the server runs, and that it lets this user in (pg_hba.conf; a "
                          "password belongs in ~/.pgpass or PGPASSWORD, never in the URL "
                          "written to testimonia.toml).") from exc
    except BaseException:
        engine.dispose()
        raise
    return engine


def snapshot_options() -> dict[str, Any]:
    """Execution options of a `snapshot()` connection on PostgreSQL."""
    return {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}


def rebind(engine: Engine, key: bytes) -> None:
    """Bind the database to the workspace's new database key (a key rotation: there is
    no file to re-encrypt; docs/deployment.md says what rotation does here)."""
    with engine.begin() as conn:
        conn.execute(text(f"UPDATE {BINDING_TABLE} SET check_value = :value WHERE id = 1"),
                     {"value": _binding_value(key)})


def release(engine: Engine) -> None:
    """Drop everything a failed `testimonia init` created in the database it had bound
    (the database was empty then, so nothing else is touched)."""
    from testimonia.store.schema import metadata
    with engine.begin() as conn:
        if not conn.execute(text("SELECT to_regclass(:name) IS NOT NULL"),
                            {"name": BINDING_TABLE}).scalar_one():
            return
        metadata.drop_all(conn, checkfirst=True)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        conn.execute(text("DROP FUNCTION IF EXISTS bump_input_generation()"))
        conn.execute(text(f"DROP SCHEMA {BINDING_SCHEMA} CASCADE"))


def _take_write_lock(conn: Connection) -> None:
    if not conn.get_execution_options().get("snapshot"):
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({ADVISORY_KEY})")


def _parse(url: str) -> URL:
    try:
        parsed = make_url(_driver_url(url))
    except ArgumentError as exc:
        raise ConfigError(f"database_url {url!r} is not a database URL.",
                          fix="Write it as postgresql://USER@HOST:PORT/DATABASE "
                          "(or postgresql://USER@/DATABASE?host=/SOCKET/FOLDER).") from exc
    if not parsed.database:
        raise ConfigError(f"database_url {redact_url(url)!r} names no database.",
                          fix="Add the database after the host: postgresql://USER@HOST/DATABASE.")
    return parsed


def _driver_url(url: str) -> str:
    scheme, sep, rest = url.partition(":")
    if not sep or scheme.lower() not in SCHEMES:
        raise ConfigError(f"database_url {url!r} is not a PostgreSQL URL.",
                          fix="Use postgresql://USER@HOST/DATABASE, or leave database_url unset "
                          "for the embedded, encrypted SQLite store.")
    return f"postgresql+psycopg:{rest}"


def _check_server(conn: Connection, url: URL) -> None:
    row = conn.execute(text(
        "SELECT pg_encoding_to_char(encoding) AS encoding, datcollate, datctype "
        "FROM pg_database WHERE datname = current_database()")).one()
    if row.encoding != "UTF8" or row.datcollate not in _C_LOCALES or row.datctype not in _C_LOCALES:
        raise ConfigError(
            f"The database {url.database!r} uses encoding {row.encoding}, collation "
            f"{row.datcollate} and character classes {row.datctype}; Testimonia needs UTF8 and C "
            "(text sorted and compared by code point, as on the embedded store).",
            fix=f"Create it with: createdb --template=template0 --encoding=UTF8 --locale=C "
            f"{url.database}")


def _check_binding(conn: Connection, url: URL, keys: list[bytes], new: bool) -> None:
    bound = conn.execute(text("SELECT to_regclass(:name) IS NOT NULL"),
                         {"name": BINDING_TABLE}).scalar_one()
    tables = conn.execute(text(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")).scalar_one()
    if not bound:
        if tables:
            raise WorkspaceLocked(
                f"The database {url.database!r} already holds {tables} tables and is not a "
                "Testimonia workspace's.", fix="Give each workspace an empty database of its "
                "own: createdb --template=template0 --encoding=UTF8 --locale=C NAME.")
        if not new:
            raise WorkspaceLocked(
                f"The database {url.database!r} is empty: this workspace's data is not there.",
                fix="Check database_url (a typo opens another database), or restore the "
                "database from a backup (pg_restore).")
        conn.execute(text(f"CREATE SCHEMA {BINDING_SCHEMA}"))
        conn.execute(text(f"CREATE TABLE {BINDING_TABLE} (id integer PRIMARY KEY CHECK (id = 1), "
                          "check_value bytea NOT NULL)"))
        conn.execute(text(f"INSERT INTO {BINDING_TABLE} (id, check_value) VALUES (1, :value)"),
                     {"value": _binding_value(keys[0])})
        return
    stored = conn.execute(text(f"SELECT check_value FROM {BINDING_TABLE} WHERE id = 1")).scalar()
    if new:
        raise WorkspaceLocked(f"The database {url.database!r} already belongs to a workspace.",
                              fix="Give the new workspace an empty database of its own.")
    if stored is None or not any(hmac.compare_digest(bytes(stored), _binding_value(k)) for k in keys):
        raise WorkspaceLocked(
            f"The database {url.database!r} belongs to another workspace (it was made with "
            "another workspace key).", fix="Check database_url in testimonia.toml (or "
            "TESTIMONIA_DATABASE_URL): each workspace folder has its own database.")


def _binding_value(key: bytes) -> bytes:
    return hmac.new(key, _BINDING_INFO, hashlib.sha256).digest()


def _first_line(exc: DBAPIError) -> str:
    detail = str(getattr(exc, "orig", None) or exc).strip()
    return detail.splitlines()[0].rstrip(".") if detail else type(exc).__name__
