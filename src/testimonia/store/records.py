"""The narrow interface to stored records: small functions over a SQLAlchemy connection.

Callers own the transaction (`with ws.transaction() as conn:`), so one ingested file,
with its document, text and custody entries, is written whole or not at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Row, case, func, insert, select, update
from sqlalchemy.exc import IntegrityError as SqlIntegrityError

from testimonia.errors import InvalidValue, NotFound
from testimonia.model import Document, Organization, Relation, Source, SourceKind, SourceRelation
from testimonia.store.schema import document_texts, documents, extractions, organizations, source_relations, sources


def next_id(conn: Connection, column: Any) -> int:
    """The id a new row takes (ids are given inside the write transaction, so that
    content sealed to its row id can be written with it)."""
    return int(conn.execute(select(func.coalesce(func.max(column), 0))).scalar_one()) + 1


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# Organisations

def add_organization(conn: Connection, name: str) -> Organization:
    name = _clean_name(name, "organisation name", 200)
    if conn.execute(select(organizations.c.id).where(organizations.c.name == name)).first():
        raise InvalidValue(f"Organisation '{name}' already exists.")
    new_id = conn.execute(insert(organizations).values(name=name, created_at=now())).inserted_primary_key
    assert new_id is not None
    return Organization(id=int(new_id[0]), name=name)


def list_organizations(conn: Connection) -> list[Organization]:
    rows = conn.execute(select(organizations.c.id, organizations.c.name).order_by(organizations.c.id))
    return [Organization(id=r.id, name=r.name) for r in rows]


def organization_id(conn: Connection, name: str) -> int:
    row = conn.execute(select(organizations.c.id).where(organizations.c.name == name)).first()
    if row is None:
        known = ", ".join(o.name for o in list_organizations(conn)) or "none"
        raise NotFound(f"No organisation '{name}'.",
                       fix=f"Known organisations: {known}. Add one with `testimonia org add NAME`.")
    return int(row.id)


def default_organization(conn: Connection) -> Organization:
    orgs = list_organizations(conn)
    if not orgs:
        raise NotFound("The workspace has no organisation.", fix="Add one with `testimonia org add NAME`.")
    return orgs[0]


# Sources

def add_source(conn: Connection, pseudonym: str, kind: SourceKind, organization: str,
               note: str = "") -> Source:
    pseudonym = _clean_name(pseudonym, "pseudonym", 64)
    if _source_row(conn, pseudonym) is not None:
        raise InvalidValue(f"Source '{pseudonym}' already exists.",
                           fix="Pseudonyms are unique in a workspace; choose another.")
    org_id = organization_id(conn, organization)
    result = conn.execute(insert(sources).values(
        pseudonym=pseudonym, kind=kind.value, organization_id=org_id, note=note, created_at=now()))
    assert result.inserted_primary_key is not None
    return Source(int(result.inserted_primary_key[0]), pseudonym, kind, organization, note)


def get_source(conn: Connection, pseudonym: str) -> Source:
    row = _source_row(conn, pseudonym)
    if row is None:
        raise NotFound(f"No source '{pseudonym}'.",
                       fix="See `testimonia source list`, or add it with "
                       f"`testimonia source add {pseudonym} --kind KIND`.")
    return _source(row)


def find_source(conn: Connection, pseudonym: str) -> Source | None:
    row = _source_row(conn, pseudonym)
    return None if row is None else _source(row)


def list_sources(conn: Connection) -> list[Source]:
    return [_source(r) for r in conn.execute(_source_query().order_by(sources.c.pseudonym))]


def relate_sources(conn: Connection, a: str, b: str, relation: Relation, note: str = "") -> SourceRelation:
    first, second = get_source(conn, a), get_source(conn, b)
    if first.id == second.id:
        raise InvalidValue(f"Cannot relate source '{a}' to itself.")
    try:
        with conn.begin_nested():
            conn.execute(insert(source_relations).values(
                source_a=first.id, source_b=second.id, relation=relation.value, note=note,
                created_at=now()))
    except SqlIntegrityError as exc:
        raise InvalidValue(f"'{a}' is already recorded as {relation.value} '{b}'.") from exc
    return SourceRelation(first.pseudonym, second.pseudonym, relation, note)


def list_relations(conn: Connection) -> list[SourceRelation]:
    a, b = sources.alias("a"), sources.alias("b")
    query = (select(a.c.pseudonym.label("a"), b.c.pseudonym.label("b"), source_relations.c.relation,
                    source_relations.c.note)
             .join_from(source_relations, a, source_relations.c.source_a == a.c.id)
             .join(b, source_relations.c.source_b == b.c.id)
             .order_by(source_relations.c.id))
    return [SourceRelation(r.a, r.b, Relation(r.relation), r.note) for r in conn.execute(query)]


def _source_query() -> Any:
    return (select(sources.c.id, sources.c.pseudonym, sources.c.kind, sources.c.note,
                   organizations.c.name.label("organization"))
            .join(organizations, sources.c.organization_id == organizations.c.id))


def _source_row(conn: Connection, pseudonym: str) -> Row[Any] | None:
    query = _source_query().where(func.lower(sources.c.pseudonym) == pseudonym.strip().lower())
    return conn.execute(query).first()


def _source(row: Row[Any]) -> Source:
    return Source(row.id, row.pseudonym, SourceKind(row.kind), row.organization, row.note)


# Documents

def document_exists(conn: Connection, document_id: str) -> Document | None:
    row = conn.execute(_document_query().where(documents.c.id == document_id)).first()
    return None if row is None else _document(row)


def insert_document(conn: Connection, doc: Document, sealed_text: bytes, source_id: int | None,
                    organization_id: int) -> None:
    conn.execute(insert(documents).values(
        id=doc.id, file_name=doc.file_name, size=doc.size, media_type=doc.media_type,
        received_at=doc.received_at, language=doc.language,
        language_detected=doc.language_detected, language_confidence=doc.language_confidence,
        source_id=source_id, organization_id=organization_id, state=doc.state,
        metadata=doc.metadata))
    conn.execute(insert(document_texts).values(
        document_id=doc.id, text="", sealed=sealed_text, text_sha256=doc.text_sha256,
        reader=doc.reader))


def list_documents(conn: Connection) -> list[Document]:
    query = _document_query().order_by(documents.c.received_at, documents.c.file_name)
    return [_document(r) for r in conn.execute(query)]


def iter_documents(conn: Connection) -> Iterator[Document]:
    """All documents, streamed (memory stays flat however many there are)."""
    for row in conn.execute(_document_query().order_by(documents.c.id), execution_options={"yield_per": 500}):
        yield _document(row)


def iter_document_ids(conn: Connection) -> list[str]:
    return [r.id for r in conn.execute(select(documents.c.id))]


def get_document(conn: Connection, id_prefix: str, within: set[str] | None = None) -> Document:
    """The one document whose id starts with `id_prefix`, among `within` when given (so
    that neither a match nor an ambiguity reveals a document outside it)."""
    prefix = id_prefix.strip().lower()
    if len(prefix) < 4 or any(ch not in "0123456789abcdef" for ch in prefix):
        raise InvalidValue(f"'{id_prefix}' is not a document id.",
                           fix="Give at least 4 hex characters of the id (see `testimonia documents`).")
    query = _document_query().where(documents.c.id.startswith(prefix))
    rows = [r for r in conn.execute(query) if within is None or r.id in within][:6]
    if not rows:
        raise NotFound(f"No document with id {prefix}…", fix="See `testimonia documents`.")
    if len(rows) > 1:
        names = ", ".join(f"{r.id[:12]} ({r.file_name})" for r in rows[:5])
        raise InvalidValue(f"Id prefix {prefix} matches several documents: {names}.",
                           fix="Give more characters of the id.")
    return _document(rows[0])


def sealed_text(conn: Connection, document_id: str) -> bytes:
    """The working-copy text, encrypted (protect/doccrypt.open_text reads it)."""
    row = conn.execute(select(document_texts.c.sealed).where(document_texts.c.document_id == document_id)).first()
    if row is None or row.sealed is None:
        raise NotFound(f"Document {document_id[:12]} has no stored text.")
    return bytes(row.sealed)


WITHDRAWN = "withdrawn"


def set_withdrawn(conn: Connection, document_id: str, withdrawn: bool) -> None:
    conn.execute(update(documents).where(documents.c.id == document_id)
                 .values(state=WITHDRAWN if withdrawn else "ingested"))


def correct_document(conn: Connection, document_id: str, metadata: dict[str, Any],
                     language: str | None, source: tuple[bool, int | None]) -> None:
    """Store corrected metadata (and language, and source when `source[0]`)."""
    values: dict[str, Any] = {"metadata": metadata}
    if language is not None:
        values["language"] = language
    if source[0]:
        values["source_id"] = source[1]
    conn.execute(update(documents).where(documents.c.id == document_id).values(**values))


def withdrawn_ids(conn: Connection) -> set[str]:
    return set(conn.execute(select(documents.c.id).where(documents.c.state == WITHDRAWN)).scalars())


def count_documents(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(documents)).scalar_one())


def _document_query() -> Any:
    """Documents with their source, organisation and state: "withdrawn" once withdrawn,
    "extracted" once extraction ran on their current text, else "ingested" (the stored
    `state` is "ingested" or "withdrawn")."""
    state = case((documents.c.state == WITHDRAWN, WITHDRAWN),
                 (extractions.c.text_sha256 == document_texts.c.text_sha256, "extracted"),
                 else_="ingested").label("current_state")
    return (select(documents, document_texts.c.text_sha256, document_texts.c.reader,
                   sources.c.pseudonym.label("source"), organizations.c.name.label("organization"),
                   state)
            .join(document_texts, document_texts.c.document_id == documents.c.id, isouter=True)
            .join(extractions, extractions.c.document_id == documents.c.id, isouter=True)
            .join(sources, documents.c.source_id == sources.c.id, isouter=True)
            .join(organizations, documents.c.organization_id == organizations.c.id))


def _document(row: Row[Any]) -> Document:
    return Document(
        id=row.id, file_name=row.file_name, size=row.size, media_type=row.media_type,
        received_at=row.received_at, language=row.language,
        language_detected=row.language_detected, language_confidence=row.language_confidence,
        source=row.source, organization=row.organization, state=row.current_state,
        text_sha256=row.text_sha256 or "", reader=row.reader or "", metadata=row.metadata)


def _clean_name(value: str, what: str, limit: int) -> str:
    cleaned = " ".join(value.split())
    if not cleaned or len(cleaned) > limit or any(ord(ch) < 32 for ch in value.strip(" ")):
        raise InvalidValue(f"Invalid {what} {value!r}.",
                           fix=f"Use 1 to {limit} printable characters on one line.")
    return cleaned
