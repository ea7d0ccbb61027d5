"""The PostgreSQL server the suite runs on with TESTIMONIA_TEST_DATABASE=postgresql
(tests/conftest.py says how). Imported once, as tests.pgserver, whoever imports it."""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from testimonia.config import CONFIG_FILE, read_config_file, write_config_file
from testimonia.crypto.keys import KeyMaterial
from testimonia.service.workspace import Workspace


class PgServer:
    """Databases for the tests' workspaces on a PostgreSQL server: a private cluster it
    starts (setting "postgresql") or a running server (setting: its admin URL)."""

    CLUSTER = Path(__file__).parents[1] / ".ci" / "pg-cluster"

    def __init__(self, setting: str) -> None:
        self.setting = setting
        self.folder: str | None = None
        self.admin: Any = None  # a SQLAlchemy engine on the server's admin database
        self.made: list[str] = []
        self.names = itertools.count(1)

    def new_database(self) -> str:
        """A new empty database, as `createdb --template=template0 --encoding=UTF8
        --locale=C` makes it; its URL."""
        from sqlalchemy import text
        admin = self._admin()
        name = f"ws_{os.getpid()}_{next(self.names)}"
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' "
                              "LC_COLLATE 'C' LC_CTYPE 'C'"))
        self.made.append(name)
        return admin.url.set(database=name, drivername="postgresql").render_as_string(
            hide_password=False)

    def clone(self, url: str) -> str:
        """A new database holding what the database at `url` holds (CREATE DATABASE …
        TEMPLATE: it must have no other session, so any left open is ended first)."""
        from sqlalchemy import make_url, text
        source = make_url(url).database
        name = f"ws_{os.getpid()}_{next(self.names)}"
        with self._admin().connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": source})
            conn.execute(text(f"CREATE DATABASE {name} TEMPLATE {source}"))
        self.made.append(name)
        return make_url(url).set(database=name).render_as_string(hide_password=False)

    def drop(self, keep: int = 0) -> None:
        """Drop the databases made since the first `keep` (connections still open are cut)."""
        from sqlalchemy import text
        if self.admin is None:
            return
        with self.admin.connect() as conn:
            while len(self.made) > keep:
                conn.execute(text(f"DROP DATABASE IF EXISTS {self.made.pop()} WITH (FORCE)"))

    def connect(self, url: str) -> Any:
        """A plain connection to a database, as its administrator (no Testimonia, no key)."""
        from sqlalchemy import create_engine, make_url
        from sqlalchemy.pool import NullPool
        return create_engine(make_url(url).set(drivername="postgresql+psycopg"),
                             poolclass=NullPool).connect()

    def stop(self) -> None:
        self.drop()
        if self.admin is not None:
            self.admin.dispose()
        if self.folder is not None:
            subprocess.run([str(self.CLUSTER), "stop", self.folder], check=False)
            shutil.rmtree(self.folder, ignore_errors=True)

    def _admin(self) -> Any:
        from sqlalchemy import create_engine
        if self.admin is None:
            url = self.setting
            if url == "postgresql":
                self.folder = tempfile.mkdtemp(prefix="testimonia-pg-")
                url = subprocess.run([str(self.CLUSTER), "start", self.folder], check=True,
                                     capture_output=True, text=True).stdout.strip()
            self.admin = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1),
                                       isolation_level="AUTOCOMMIT")
        return self.admin


def copy_workspaces(source: Path, target: Path) -> None:
    """shutil.copytree, and on PostgreSQL each workspace copied (a folder with a
    testimonia.toml naming a database) gets a copy of its database: a copied folder
    alone would share the original's database."""
    shutil.copytree(source, target)
    if SERVER is None:
        return
    for config in target.rglob(CONFIG_FILE):
        url = read_config_file(config).get("database_url")
        if url:
            write_config_file(config, {**read_config_file(config), "database_url": SERVER.clone(url)})


TEST_DATABASE = os.environ.get("TESTIMONIA_TEST_DATABASE", "sqlite")
SERVER = PgServer(TEST_DATABASE) if TEST_DATABASE.startswith("postgresql") else None


def _on_server(create: Callable[..., Workspace]) -> Callable[..., Workspace]:
    def create_on_server(cls: type[Workspace], root: Path, material: KeyMaterial, organization: str,
                         settings: dict[str, Any] | None = None,
                         user_material: KeyMaterial | None = None) -> Workspace:
        assert SERVER is not None
        settings = dict(settings or {})
        settings.setdefault("database_url", SERVER.new_database())
        return create(cls, root, material, organization, settings, user_material)
    return create_on_server


if SERVER is not None:  # every workspace a test makes, by whatever path (CLI, web, service)
    Workspace.create = classmethod(_on_server(Workspace.create.__func__))  # type: ignore[assignment, attr-defined]


