"""Analyst decisions on claims: appended, never changed. A decision is anchored to the
act and evidence spans of the claim it was made on, so it finds its claim again after
extraction runs anew (claim ids change; the words of the source do not). Its content
(the claim as decided, the extracted version it was based on, the reason) is encrypted
with the document's key."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Connection, insert, select

from testimonia.store.extractions import Seal
from testimonia.store.records import next_id, now
from testimonia.store.schema import claim_reviews

__all__ = ["DECISIONS", "ReviewRow", "add", "decided_documents", "document_of", "rows"]

DECISIONS = ("accepted", "edited", "rejected", "added")


@dataclass(frozen=True)
class ReviewRow:
    id: int
    document_id: str
    organization_id: int
    act: str
    spans: tuple[tuple[int, int], ...]
    decision: str
    sealed: bytes
    actor: str
    at: str


def add(conn: Connection, document_id: str, organization_id: int, act: str,
        spans: list[tuple[int, int]], decision: str, content: dict[str, object], seal: Seal,
        actor: str) -> ReviewRow:
    if decision not in DECISIONS:
        raise ValueError(f"unknown decision {decision!r}")
    row_id = next_id(conn, claim_reviews.c.id)
    sealed = seal("review", row_id, json.dumps(content, ensure_ascii=False).encode("utf-8"))
    row = ReviewRow(row_id, document_id, organization_id, act, tuple(spans), decision, sealed,
                    actor, now())
    conn.execute(insert(claim_reviews).values(
        id=row.id, document_id=document_id, organization_id=organization_id, act=act,
        spans=[list(s) for s in spans], decision=decision, sealed=sealed, actor=actor, at=row.at))
    return row


def document_of(conn: Connection, review_id: int) -> str | None:
    return conn.execute(select(claim_reviews.c.document_id)
                        .where(claim_reviews.c.id == review_id)).scalar_one_or_none()


def rows(conn: Connection, organization_id: int | None = None,
         document_id: str | None = None) -> Iterator[ReviewRow]:
    """Decisions in the order they were made (one organisation's or all; on one document
    or on all)."""
    query = select(claim_reviews).order_by(claim_reviews.c.id)
    if organization_id is not None:
        query = query.where(claim_reviews.c.organization_id == organization_id)
    if document_id is not None:
        query = query.where(claim_reviews.c.document_id == document_id)
    for r in conn.execute(query):
        yield ReviewRow(r.id, r.document_id, r.organization_id, r.act,
                        tuple((int(a), int(b)) for a, b in r.spans), r.decision, bytes(r.sealed),
                        r.actor, r.at)


def decided_documents(conn: Connection, organization_id: int) -> set[str]:
    """The documents an organisation decided on at least once."""
    return set(conn.execute(select(claim_reviews.c.document_id).distinct()
                            .where(claim_reviews.c.organization_id == organization_id)).scalars())
