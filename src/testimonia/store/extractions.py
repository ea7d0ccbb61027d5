"""Stored extraction results: which pipeline version read each document, and the
mentions and claims it produced. Writes are keyed by (document, pipeline version) and
replace the document's previous results whole, so re-running is idempotent."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, insert, or_, select

from testimonia.model import Claim, Mention
from testimonia.store.records import now
from testimonia.store.schema import (claims, document_texts, documents, extractions, mentions,
                                     sources)


@dataclass(frozen=True)
class Pending:
    document_id: str
    sealed: bytes  # the text, encrypted for the organisations that may read it
    text_sha256: str
    language: str
    metadata: dict[str, Any]


@dataclass(frozen=True)
class StoredClaim:
    id: int
    document_id: str
    file_name: str
    source: str | None
    body: dict[str, Any]
    source_kind: str | None = None


def pending(conn: Connection, version: str) -> Iterator[Pending]:
    """Documents never extracted, or extracted from another text or pipeline version."""
    query = (select(documents.c.id, documents.c.language, documents.c.metadata,
                    document_texts.c.sealed, document_texts.c.text_sha256)
             .join(document_texts, document_texts.c.document_id == documents.c.id)
             .join(extractions, extractions.c.document_id == documents.c.id, isouter=True)
             .where(or_(extractions.c.document_id.is_(None),
                        extractions.c.pipeline_version != version,
                        extractions.c.text_sha256 != document_texts.c.text_sha256))
             .order_by(documents.c.id))
    for row in conn.execution_options(yield_per=50).execute(query):
        yield Pending(row.id, bytes(row.sealed), row.text_sha256, row.language, row.metadata)


def count_pending(conn: Connection, version: str) -> int:
    return sum(1 for _ in pending(conn, version))


def replace_results(conn: Connection, document_id: str, version: str, text_sha256: str,
                    found_mentions: Sequence[Mention], found_claims: Sequence[Claim]) -> None:
    conn.execute(delete(mentions).where(mentions.c.document_id == document_id))
    conn.execute(delete(claims).where(claims.c.document_id == document_id))
    conn.execute(delete(extractions).where(extractions.c.document_id == document_id))
    if found_mentions:
        conn.execute(insert(mentions), [
            {"document_id": document_id, "kind": m.kind, "start": m.start, "end": m.end,
             "text": m.text, "value": m.value, "component": m.component} for m in found_mentions])
    if found_claims:
        conn.execute(insert(claims), [
            {"document_id": document_id, "act": c.act, "body": c.to_json(),
             "component": c.component, "review_status": "unreviewed"} for c in found_claims])
    conn.execute(insert(extractions).values(document_id=document_id, pipeline_version=version,
                                            text_sha256=text_sha256, at=now()))


def iter_claims(conn: Connection) -> Iterator[StoredClaim]:
    query = (select(claims.c.id, claims.c.document_id, claims.c.body, documents.c.file_name,
                    sources.c.pseudonym, sources.c.kind)
             .join(documents, documents.c.id == claims.c.document_id)
             .join(sources, documents.c.source_id == sources.c.id, isouter=True)
             .order_by(documents.c.file_name, claims.c.id))
    for row in conn.execution_options(yield_per=500).execute(query):
        yield StoredClaim(row.id, row.document_id, row.file_name, row.pseudonym, row.body, row.kind)


def document_mentions(conn: Connection, document_id: str) -> list[Mention]:
    query = select(mentions).where(mentions.c.document_id == document_id).order_by(mentions.c.start)
    return [Mention(r.kind, r.start, r.end, r.text, r.value, r.component) for r in conn.execute(query)]
