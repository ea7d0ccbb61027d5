"""The newsroom server's store (store/postgres.py): what a database administrator reads,
writers that never interleave, and a clear error for each way of pointing at the wrong
database. Tests that need a server run with TESTIMONIA_TEST_DATABASE=postgresql (they
are skipped otherwise); the errors that need none run on both.

(Fictional testimonies; pseudonyms only.)"""

from __future__ import annotations

import importlib.util
import itertools
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, text
from tests.conftest import create_workspace, open_as
from tests.pgserver import PgServer
from typer.testing import CliRunner

from testimonia.cli.main import app
from testimonia.config import load_config
from testimonia.crypto.keys import KeyMaterial, write_key_file
from testimonia.errors import ConfigError, ReadOnlyWorkspace, StorageFailure, WorkspaceLocked
from testimonia.model import Identity
from testimonia.service import extraction
from testimonia.service.ingest import IngestOptions, ingest_paths
from testimonia.service.integrity import verify_workspace
from testimonia.service.review import decide, review_queue
from testimonia.service.sources import add_source
from testimonia.service.vault import set_identity
from testimonia.service.workspace import Workspace
from testimonia.store import logs
from testimonia.store.engine import open_engine, snapshot
from testimonia.store.lock import WorkspaceLock
from testimonia.store.postgres import ADVISORY_KEY
from testimonia.store.schema import audit_events

# Words of the testimonies below and of the vault entry: none may reach a column a DBA reads.
TESTIMONY = ("---\nsource: Alou\nsource_kind: survivor\nlanguage: en\ninterview_date: 2023-06-01\n---\n"
             "(Fictional.) In March 2022 soldiers held me in a container at the Sévaré camp and "
             "beat me with cables every night. My cousin Issoufou lives in Mopti.\n")
TEMOIGNAGE = ("---\nsource: Kadi\nsource_kind: survivor\nlanguage: fr\ninterview_date: 2023-07-01\n---\n"
              "(Fictif.) Ils m'ont enfermé dans un conteneur à Nampala et m'ont frappé avec des "
              "câbles pendant trois nuits.\n")
SECRET_WORDS = ("container", "cables", "beat", "Issoufou", "Mopti", "Sévaré", "Sevare", "conteneur",
                "enfermé", "câbles", "frappé", "Nampala", "Amadou Kintiri", "+223 70 12 34 56")


@pytest.fixture
def on_server(pg_server: PgServer, ws: Workspace) -> Workspace:
    return ws


def _database_url(ws: Workspace) -> str:
    return str(ws.config["database_url"])


def test_a_dba_reads_no_testimony(on_server: Workspace, pg_server: PgServer, tmp_path: Path) -> None:
    """Every column of every table, read by the server's administrator with a plain
    SELECT (no key): ids, hashes, times and codes, never the words of a testimony."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "alou.md").write_text(TESTIMONY, encoding="utf-8")
    (folder / "kadi.md").write_text(TEMOIGNAGE, encoding="utf-8")
    assert ingest_paths(on_server, [folder], IngestOptions()).count("ingested") == 2
    extraction.extract_workspace(on_server)
    decide(on_server, [c.id for c in review_queue(on_server)][:2], "accepted", "read in full")
    set_identity(on_server, "Alou", Identity(name="Amadou Kintiri", contacts=["+223 70 12 34 56"]))
    with pg_server.connect(_database_url(on_server)) as dba:
        tables = inspect(dba).get_table_names()
        counts = {t: dba.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one() for t in tables}
        everything = "\n".join(repr(row) for t in tables
                               for row in dba.execute(text(f'SELECT * FROM "{t}"')))
        texts = dba.execute(text("SELECT text, sealed FROM document_texts")).all()
    assert counts["claims"] > 0 and counts["mentions"] > 0 and counts["claim_reviews"] == 2
    assert counts["vault_entries"] == 1 and counts["custody_events"] > 0
    assert [t for t, _ in texts] == ["", ""] and all(len(s) > 100 for _, s in texts)
    for word in SECRET_WORDS:
        assert word not in everything, word


def test_two_concurrent_writers_keep_the_chain_intact(on_server: Workspace, ws_root: Path,
                                                     material: KeyMaterial) -> None:
    """Two processes' worth of writers (two opened workspaces, one thread each) adding
    sources at once, each addition one signed audit entry: every entry chained to the
    one before, none lost, and verify (sealed heads, signatures, custody) clean."""
    per_writer = 12
    failures: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            with open_as(ws_root, material) as mine:
                for i in range(per_writer):
                    add_source(mine, f"{name}-{i}", "survivor")
        except BaseException as exc:
            failures.append(exc)

    with logs_of(on_server) as before:
        start = len(before)
    threads = [threading.Thread(target=writer, args=(n,)) for n in ("left", "right")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with logs_of(on_server) as entries:
        assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
        assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(entries))
        added = [e.subject for e in entries[start:] if e.action == "source_added"]
        assert sorted(added) == sorted(f"{n}-{i}" for n in ("left", "right") for i in range(per_writer))
    assert verify_workspace(on_server).ok


class logs_of:
    """The audit entries, read in one snapshot."""

    def __init__(self, ws: Workspace) -> None:
        self.conn = snapshot(ws.engine)

    def __enter__(self) -> list[Any]:
        return list(logs.iter_entries(self.conn, audit_events))

    def __exit__(self, *exc: object) -> None:
        self.conn.close()


def test_a_write_holds_the_advisory_lock_and_a_snapshot_read_does_not_wait(
        on_server: Workspace, pg_server: PgServer) -> None:
    held = threading.Event()
    release = threading.Event()

    def long_write() -> None:
        with on_server.transaction() as conn:
            add_source_row = text("SELECT 1")
            conn.execute(add_source_row)
            held.set()
            release.wait(10)

    thread = threading.Thread(target=long_write)
    thread.start()
    try:
        assert held.wait(10)
        with pg_server.connect(_database_url(on_server)) as dba:
            granted = dba.execute(text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "AND ((classid::bigint << 32) | objid::bigint) = :key"),
                {"key": ADVISORY_KEY & 0xFFFFFFFFFFFFFFFF}).scalar_one()
        assert granted == 1
        began = time.monotonic()
        with snapshot(on_server.engine) as conn:  # REPEATABLE READ READ ONLY: no lock taken
            conn.execute(text("SELECT count(*) FROM custody_events")).scalar_one()
        assert time.monotonic() - began < 5
    finally:
        release.set()
        thread.join()


def test_a_second_workspace_cannot_take_a_bound_database(on_server: Workspace, tmp_path: Path) -> None:
    write_key_file(tmp_path / "other.key")
    other = KeyMaterial(key_file=tmp_path / "other.key")
    with pytest.raises(WorkspaceLocked, match="already belongs to a workspace"):
        Workspace.create(tmp_path / "second", other, "Other desk",
                         settings={"database_url": _database_url(on_server)})
    assert not (tmp_path / "second").exists()
    with on_server.engine.connect() as conn:  # the first workspace's data untouched
        assert conn.execute(text("SELECT count(*) FROM organizations")).scalar_one() == 1


def test_a_workspace_pointed_at_another_workspace_database_is_refused(
        pg_server: PgServer, tmp_path: Path, material: KeyMaterial) -> None:
    first = create_workspace(tmp_path / "first" / "ws", material, "Sahel Desk")
    first.close()
    write_key_file(tmp_path / "other.key")
    second = create_workspace(tmp_path / "second" / "ws", KeyMaterial(key_file=tmp_path / "other.key"),
                              "Other desk")
    second.close()
    toml = second.paths.config
    toml.write_text(toml.read_text().replace(_database_url(second), _database_url(first)))
    with pytest.raises(WorkspaceLocked, match="belongs to another workspace"):
        open_as(second.paths.root, KeyMaterial(key_file=tmp_path / "other.key"))


def test_a_database_that_is_not_empty_or_not_c_is_refused(pg_server: PgServer, tmp_path: Path,
                                                          material: KeyMaterial) -> None:
    url = pg_server.new_database()
    with pg_server.connect(url) as dba:
        dba.execute(text("CREATE TABLE payroll (id integer)"))
        dba.commit()
    with pytest.raises(WorkspaceLocked, match="already holds 1 tables and is not a Testimonia"):
        Workspace.create(tmp_path / "ws", material, "Desk", settings={"database_url": url})
    name = f"{pg_server.new_database().rsplit('/', 1)[1].split('?')[0]}_utf"
    with pg_server._admin().connect() as admin:
        admin.execute(text(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' "
                           "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"))
    pg_server.made.append(name)
    with pytest.raises(ConfigError, match="createdb --template=template0 --encoding=UTF8 --locale=C"):
        Workspace.create(tmp_path / "ws", material, "Desk",
                         settings={"database_url": url.replace(url.rsplit("/", 1)[1].split("?")[0], name)})


def test_an_emptied_database_is_refused_at_open(on_server: Workspace, pg_server: PgServer,
                                                ws_root: Path, material: KeyMaterial) -> None:
    on_server.close()
    with pg_server.connect(_database_url(on_server)) as dba:
        dba.execute(text("DROP SCHEMA public CASCADE"))
        dba.execute(text("DROP SCHEMA testimonia_workspace CASCADE"))
        dba.execute(text("CREATE SCHEMA public"))
        dba.commit()
    with pytest.raises(WorkspaceLocked, match="is empty: this workspace's data is not there"):
        open_as(ws_root, material)


def test_rotating_the_workspace_key_rebinds_the_database(on_server: Workspace, material: KeyMaterial,
                                                         ws_root: Path) -> None:
    from testimonia.service.rotation import rotate_workspace
    old = on_server.keys
    assert rotate_workspace(on_server).finished
    with pytest.raises(WorkspaceLocked, match="belongs to another workspace"):
        open_engine(_database_url(on_server), path=ws_root, keys=[old.database_key])
    on_server.close()
    with open_as(ws_root, material) as reopened:
        assert verify_workspace(reopened).ok


def test_init_with_db_through_the_cli(pg_server: PgServer, tmp_path: Path, key_file: Path,
                                      me: KeyMaterial, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TESTIMONIA_PASSPHRASE", raising=False)
    url = pg_server.new_database()
    env = {"TESTIMONIA_KEY_FILE": str(key_file), "TESTIMONIA_USER_KEY_FILE": str(me.key_file)}
    result = CliRunner().invoke(app, ["init", str(tmp_path / "ws"), "--org", "Desk", "--db", url], env=env)
    assert result.exit_code == 0, result.output
    assert "in the database postgresql://" in result.stdout
    assert load_config(tmp_path / "ws")["database_url"] == url
    assert not (tmp_path / "ws" / "testimonia.db").exists()
    listed = CliRunner().invoke(app, ["documents", "-w", str(tmp_path / "ws")], env=env)
    assert listed.exit_code == 0 and "0 documents." in listed.stdout


# Errors that need no server


def test_a_password_is_never_written_to_the_workspace(tmp_path: Path, key_file: Path, me: KeyMaterial,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TESTIMONIA_PASSPHRASE", raising=False)
    env = {"TESTIMONIA_KEY_FILE": str(key_file), "TESTIMONIA_USER_KEY_FILE": str(me.key_file)}
    result = CliRunner().invoke(app, ["init", str(tmp_path / "ws"), "--db",
                                      "postgresql://desk:hunter2@db.example/inv"], env=env)
    assert result.exit_code == 1
    assert "hunter2" not in result.output and "postgresql://desk:***@db.example/inv" in result.stderr
    assert "~/.pgpass" in result.stderr and not (tmp_path / "ws").exists()


def test_a_url_that_does_not_answer_says_what_to_check(tmp_path: Path) -> None:
    if importlib.util.find_spec("psycopg") is None:
        pytest.skip("the postgres extra is not installed")
    with pytest.raises(ConfigError, match=r"The database postgresql\+psycopg://nobody@/inv\?host=.* "
                       "does not answer: .* Check the host, port, database name and user"):
        open_engine(f"postgresql://nobody@/inv?host={tmp_path}", path=tmp_path, keys=[b"k" * 32])


def test_a_missing_driver_names_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "psycopg" else real(name, *a))
    with pytest.raises(ConfigError, match=r"needs the PostgreSQL driver, which is not installed. "
                       r"Install it: pip install 'testimonia\[postgres\]'"):
        open_engine("postgresql://desk@db.example/inv", path=tmp_path, keys=[b"k" * 32])


@pytest.mark.parametrize("url", ["mysql://desk@db.example/inv", "sqlite:///inv.db"])
def test_only_postgresql_urls_are_taken(url: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"is not a PostgreSQL URL\. Use postgresql://USER@HOST/DATABASE"):
        open_engine(url, path=tmp_path, keys=[b"k" * 32])


def test_config_shows_the_url_without_its_password(tmp_path: Path) -> None:
    config = load_config(None, environ={"TESTIMONIA_DATABASE_URL": "postgresql://desk:hunter2@db/inv"})
    shown = {name: value for name, value, _, _ in config.shown()}
    assert shown["database_url"] == "postgresql://desk:***@db/inv"


def test_a_read_only_folder_cannot_open_a_server_database(on_server: Workspace, ws_root: Path,
                                                          material: KeyMaterial,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """(Tests run as root, for whom nothing is read-only: the lock file's refusal stands
    in for the read-only medium, as in tests/test_durability.py.)"""
    on_server.close()

    def read_only(self: WorkspaceLock) -> bool:
        raise PermissionError(30, "Read-only file system")
    monkeypatch.setattr(WorkspaceLock, "try_exclusive", read_only)
    with pytest.raises(ReadOnlyWorkspace, match=r"is read-only; its database is on a server\. Run "
                       "Testimonia where the folder is writable"):
        open_as(ws_root, material)


def test_a_failed_init_leaves_the_database_empty(pg_server: PgServer, tmp_path: Path,
                                                 material: KeyMaterial, me: KeyMaterial,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from testimonia.service import orgkeys
    url = pg_server.new_database()

    def fail(*args: object) -> str:
        raise OSError(28, "No space left on device")
    with monkeypatch.context() as patch:
        patch.setattr(orgkeys, "create_key", fail)
        with pytest.raises(StorageFailure, match="the disk is full"):
            Workspace.create(tmp_path / "ws", material, "Desk", settings={"database_url": url},
                             user_material=me)
    assert not (tmp_path / "ws").exists()
    with pg_server.connect(url) as dba:
        assert inspect(dba).get_table_names() == []
        assert "testimonia_workspace" not in inspect(dba).get_schema_names()
    with Workspace.create(tmp_path / "ws", material, "Desk", settings={"database_url": url},
                          user_material=me) as ws:
        assert verify_workspace(ws).ok
