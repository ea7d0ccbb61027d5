"""Stored extraction results: which pipeline version read each document, and the
mentions and claims it produced. Writes are keyed by (document, text hash, pipeline
version) and replace the document's previous results whole, so re-running is idempotent
and a result delivered twice is written once. Their
content (claim bodies with quotes, mention texts and values) is stored encrypted with the
document's key; protect/doccrypt.py opens it."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import ColumnElement, Connection, Select, delete, func, insert, or_, select

from testimonia.model import Claim, Mention
from testimonia.store.records import next_id, now
from testimonia.store.schema import claim_reviews, claims, document_texts, documents, extractions, mentions, sources

EXTRACTION, ANALYST = "extraction", "analyst"  # who made a claim: only extraction's are replaced


@dataclass(frozen=True)
class Pending:
    document_id: str
    sealed: bytes  # the text, encrypted for the organisations that may read it
    text_sha256: str
    language: str
    metadata: dict[str, Any]


@dataclass(frozen=True)
class SealedRow:
    """A claim or mention as stored: what is in clear, and its encrypted part."""

    id: int
    document_id: str
    sealed: bytes
    kind: str = ""  # a mention's kind, a claim's act
    start: int = 0
    end: int = 0
    component: str = ""
    file_name: str = ""
    source: str | None = None
    source_kind: str | None = None
    origin: str = EXTRACTION


Seal = Callable[[str, int, bytes], bytes]  # (claim | mention | review, row id, plaintext) -> ciphertext
Written = Literal["written", "changed", "duplicate"]  # what replace_results did


def pending(conn: Connection, version: str, after: str | None = None,
            limit: int | None = None) -> Iterator[Pending]:
    """Documents never extracted, or extracted from another text or pipeline version, in
    id order; with `after`, only those whose id comes after it (a run walks the documents
    once, page by page, instead of asking again from the start for each page)."""
    query = (select(documents.c.id, documents.c.language, documents.c.metadata,
                    document_texts.c.sealed, document_texts.c.text_sha256)
             .join(document_texts, document_texts.c.document_id == documents.c.id)
             .join(extractions, extractions.c.document_id == documents.c.id, isouter=True)
             .where(_is_pending(version))
             .order_by(documents.c.id))
    if after is not None:
        query = query.where(documents.c.id > after)
    if limit is not None:
        query = query.limit(limit)
    for row in conn.execute(query, execution_options={"yield_per": 50}):
        yield Pending(row.id, bytes(row.sealed), row.text_sha256, row.language, row.metadata)


def count_pending(conn: Connection, version: str) -> int:
    query = (select(func.count()).select_from(documents)
             .join(document_texts, document_texts.c.document_id == documents.c.id)
             .join(extractions, extractions.c.document_id == documents.c.id, isouter=True)
             .where(_is_pending(version)))
    return int(conn.execute(query).scalar_one())


def _is_pending(version: str) -> ColumnElement[bool]:
    return or_(extractions.c.document_id.is_(None), extractions.c.pipeline_version != version,
               extractions.c.text_sha256 != document_texts.c.text_sha256)


def replace_results(conn: Connection, document_id: str, version: str, text_sha256: str,
                    found_mentions: Sequence[Mention], found_claims: Sequence[Claim],
                    seal: Seal) -> Written:
    """Replace a document's mentions and claims, their content encrypted by `seal` bound
    to each row's id (ids are given here, inside the write transaction). Results are
    written only for the text they were extracted from: nothing is written ("changed")
    when the document's text is no longer the one with hash `text_sha256` (changed or
    removed since it was read: it stays pending), nor ("duplicate") when this version's
    results for that text are already stored (the same results delivered twice)."""
    current = conn.execute(
        select(document_texts.c.text_sha256, extractions.c.pipeline_version,
               extractions.c.text_sha256.label("extracted_sha256"))
        .join(extractions, extractions.c.document_id == document_texts.c.document_id, isouter=True)
        .where(document_texts.c.document_id == document_id)).first()
    if current is None or current.text_sha256 != text_sha256:
        return "changed"
    if current.pipeline_version == version and current.extracted_sha256 == text_sha256:
        return "duplicate"
    conn.execute(delete(mentions).where(mentions.c.document_id == document_id))
    conn.execute(delete(claims).where(claims.c.document_id == document_id,
                                      claims.c.origin == EXTRACTION))
    conn.execute(delete(extractions).where(extractions.c.document_id == document_id))
    if found_mentions:
        first = next_id(conn, mentions.c.id)
        conn.execute(insert(mentions), [
            {"id": first + i, "document_id": document_id, "kind": m.kind, "start": m.start,
             "end": m.end, "component": m.component,
             "sealed": seal("mention", first + i, _json({"text": m.text, "value": m.value}))}
            for i, m in enumerate(found_mentions)])
    if found_claims:
        first = next_id(conn, claims.c.id)
        conn.execute(insert(claims), [
            {"id": first + i, "document_id": document_id, "act": c.act, "component": c.component,
             "sealed": seal("claim", first + i, _json(c.to_json())), "origin": EXTRACTION}
            for i, c in enumerate(found_claims)])
    conn.execute(insert(extractions).values(document_id=document_id, pipeline_version=version,
                                            text_sha256=text_sha256, at=now()))
    return "written"


def forget(conn: Connection, document_id: str) -> None:
    """Make a document pending for extraction again (its results stay until replaced)."""
    conn.execute(delete(extractions).where(extractions.c.document_id == document_id))


@dataclass(frozen=True)
class ClaimFilter:
    """What can be told of a claim without decrypting it: its document's source, its act
    as extracted, and whether an organisation decided on a claim of its document (a
    decision may change the act, so a document with decisions keeps all its claims)."""

    source: str | None = None  # the pseudonym, in any case
    act: str | None = None  # claims of this act, and every claim of a document decided on
    decided_only: bool = False  # only the documents `organization_id` decided on
    organization_id: int = 0

    def documents(self) -> Select[tuple[str]] | None:
        """The documents of `source` (None: every document)."""
        if self.source is None:
            return None
        return (select(documents.c.id).join(sources, documents.c.source_id == sources.c.id)
                .where(func.lower(sources.c.pseudonym) == self.source.strip().lower()))

    def apply(self, query: Select[Any]) -> Select[Any]:
        decided = (select(claim_reviews.c.document_id)
                   .where(claim_reviews.c.organization_id == self.organization_id))
        chosen = self.documents()
        if chosen is not None:
            query = query.where(claims.c.document_id.in_(chosen))
        if self.decided_only:
            query = query.where(claims.c.document_id.in_(decided))
        if self.act is not None:
            query = query.where(or_(claims.c.act == self.act, claims.c.document_id.in_(decided)))
        return query


def sealed_claims(conn: Connection, only: str | None = None, batch: int = 500,
                  where: ClaimFilter | None = None) -> Iterator[SealedRow]:
    """Every claim (or one document's, or those `where` keeps), by file name, a
    document's claims together; read from the database `batch` rows at a time."""
    query = (select(claims.c.id, claims.c.document_id, claims.c.sealed, claims.c.act,
                    claims.c.origin, documents.c.file_name, sources.c.pseudonym, sources.c.kind)
             .join(documents, documents.c.id == claims.c.document_id)
             .join(sources, documents.c.source_id == sources.c.id, isouter=True)
             .order_by(documents.c.file_name, claims.c.document_id, claims.c.id))
    if only is not None:
        query = query.where(claims.c.document_id == only)
    if where is not None:
        query = where.apply(query)
    for row in conn.execute(query, execution_options={"yield_per": batch}):
        yield SealedRow(row.id, row.document_id, bytes(row.sealed), kind=row.act,
                        file_name=row.file_name, source=row.pseudonym, source_kind=row.kind,
                        origin=row.origin)


def claim_counts(conn: Connection) -> Iterator[tuple[str, str, int]]:
    """(file name, document id, number of claims) of every document with claims, in the
    order sealed_claims reads them; nothing is decrypted."""
    query = (select(documents.c.file_name, claims.c.document_id, func.count())
             .join(documents, documents.c.id == claims.c.document_id)
             .group_by(documents.c.file_name, claims.c.document_id)
             .order_by(documents.c.file_name, claims.c.document_id))
    for row in conn.execute(query):
        yield str(row[0]), str(row[1]), int(row[2])


def document_of_claim(conn: Connection, claim_id: int) -> str | None:
    return conn.execute(select(claims.c.document_id).where(claims.c.id == claim_id)).scalar_one_or_none()


def add_claim(conn: Connection, document_id: str, act: str, body: dict[str, Any], seal: Seal) -> int:
    """An analyst's claim (what extraction missed): kept when extraction runs again."""
    claim_id = next_id(conn, claims.c.id)
    conn.execute(insert(claims).values(id=claim_id, document_id=document_id, act=act,
                                       component=str(body.get("component", ANALYST)),
                                       sealed=seal("claim", claim_id, _json(body)), origin=ANALYST))
    return claim_id


def sealed_mentions(conn: Connection, document_id: str) -> list[SealedRow]:
    query = select(mentions).where(mentions.c.document_id == document_id).order_by(mentions.c.start, mentions.c.id)
    return [SealedRow(r.id, r.document_id, bytes(r.sealed), r.kind, r.start, r.end, r.component)
            for r in conn.execute(query)]


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")
