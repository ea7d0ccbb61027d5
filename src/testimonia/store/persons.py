"""Stored person links: one row per reviewer's decision, its content sealed with the
organisation's key (service/persons.py seals and opens it)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlalchemy import Connection, insert, select

from testimonia.store.records import next_id, now
from testimonia.store.schema import person_links

__all__ = ["LinkRow", "add", "rows"]


@dataclass(frozen=True)
class LinkRow:
    id: int
    organization_id: int
    sealed: bytes
    actor: str
    at: str


def add(conn: Connection, organization_id: int, seal: Callable[[int], bytes], actor: str) -> LinkRow:
    """A new link; `seal(row id)` gives its sealed content (bound to the row)."""
    row_id = next_id(conn, person_links.c.id)
    row = LinkRow(row_id, organization_id, seal(row_id), actor, now())
    conn.execute(insert(person_links).values(id=row.id, organization_id=organization_id,
                                             sealed=row.sealed, actor=actor, at=row.at))
    return row


def rows(conn: Connection, organization_id: int | None = None) -> Iterator[LinkRow]:
    query = select(person_links).order_by(person_links.c.id)
    if organization_id is not None:
        query = query.where(person_links.c.organization_id == organization_id)
    for r in conn.execute(query):
        yield LinkRow(r.id, r.organization_id, bytes(r.sealed), r.actor, r.at)
