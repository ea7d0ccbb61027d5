"""The migrations build exactly the tables the code declares."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from testimonia.service.workspace import Workspace
from testimonia.store.schema import metadata


def test_migrated_database_matches_the_schema(ws: Workspace) -> None:
    with ws.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    assert differences == []
