"""Hash-chained logs in the store: the custody log and the audit log share one shape."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Column, Connection, Row, Table, insert, select

from testimonia.model import LogEntry


def last_entry(conn: Connection, table: Table) -> LogEntry | None:
    row = conn.execute(select(table).order_by(table.c.seq.desc()).limit(1)).first()
    return None if row is None else _entry(table, row)


def insert_entry(conn: Connection, table: Table, entry: LogEntry) -> None:
    conn.execute(insert(table).values({
        "seq": entry.seq, _subject(table).name: entry.subject, "action": entry.action,
        "at": entry.at, "actor": entry.actor, "details": entry.details,
        "prev_hash": entry.prev_hash, "hash": entry.hash, "signer": entry.signer,
        "signature": entry.signature}))


def iter_entries(conn: Connection, table: Table, subject: str | None = None) -> Iterator[LogEntry]:
    query = select(table).order_by(table.c.seq)
    if subject is not None:
        query = query.where(_subject(table) == subject)
    for row in conn.execute(query, execution_options={"yield_per": 1000}):
        yield _entry(table, row)


def _subject(table: Table) -> Column[Any]:
    column: Column[Any] = table.c.document_id if "document_id" in table.c else table.c.subject
    return column


def _entry(table: Table, row: Row[Any]) -> LogEntry:
    return LogEntry(seq=row.seq, subject=getattr(row, _subject(table).name), action=row.action,
                    at=row.at, actor=row.actor, details=row.details, prev_hash=row.prev_hash,
                    hash=row.hash, signer=row.signer,
                    signature=None if row.signature is None else bytes(row.signature))
