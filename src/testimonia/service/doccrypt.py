"""Documents encrypted for the organisations that may read them.

Each document has its own data key. Its working-copy text (in the database) and its
original (a sealed file) are encrypted with it (protect/envelope.py; bindings
"document|ID|text" and "document|ID|original"), and the key is wrapped for the owning
organisation and for every organisation it is shared with (record "document|ID"). So a
partner holding the workspace key, even with a copy of the database and of the
originals, reads none of another organisation's unshared documents. Sharing or
unsharing re-wraps the keys of the documents concerned (the owner's key opens them);
ingest wraps with public keys only.

What extraction derives from a document (claim bodies with their quotes, mention texts
and values) is encrypted with the same document key, each row bound to its id, so it is
readable exactly where the document is. What stays under the workspace key alone
(docs/threat-model.md): document metadata (file name, dates, language, front matter) and
the shape of the derived rows (kinds, acts, offsets).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, select, update

from testimonia.crypto import envelope
from testimonia.crypto.envelope import new_data_key
from testimonia.errors import NotFound
from testimonia.model import Mention, StoredClaim
from testimonia.service.policy import Scope, User, shareable
from testimonia.store import extractions, protection
from testimonia.store.originals import Originals
from testimonia.store.schema import document_texts, documents, organization_keys, sources

__all__ = ["KeyHolder", "binding", "document_mentions", "key_for", "open_original", "open_row", "open_text",
           "recipients", "seal_original", "seal_text", "sealer", "sync_shares", "visible_claims",
           "wrap_new"]


class KeyHolder(Protocol):
    """What reading a document's key needs of an open workspace: who is acting, what
    their organisation sees, and its private keys (service/workspace.py)."""

    @property
    def user(self) -> User: ...

    def scope(self, conn: Connection) -> Scope: ...

    def org_private_keys(self, conn: Connection, organization_id: int, name: str) -> dict[str, bytes]: ...


def binding(document_id: str) -> str:
    return f"document|{document_id}"


def seal_text(data_key: bytes, document_id: str, text: str) -> bytes:
    return envelope.encrypt(data_key, f"{binding(document_id)}|text", text.encode("utf-8"))


def open_text(data_key: bytes, document_id: str, blob: bytes) -> str:
    return envelope.decrypt(data_key, f"{binding(document_id)}|text", blob).decode("utf-8")


def seal_original(data_key: bytes, document_id: str, data: bytes) -> bytes:
    return envelope.encrypt(data_key, f"{binding(document_id)}|original", data)


def open_original(data_key: bytes, document_id: str, blob: bytes) -> bytes:
    if not blob.startswith(envelope.RECORD_MAGIC):
        return blob  # sealed by a version before 0006 and not upgraded yet
    return envelope.decrypt(data_key, f"{binding(document_id)}|original", blob)


def sealer(data_key: bytes, document_id: str) -> extractions.Seal:
    """Encrypts a claim's or mention's content, bound to its document and row id."""
    def seal(what: str, row_id: int, plaintext: bytes) -> bytes:
        return envelope.encrypt(data_key, f"{binding(document_id)}|{what}:{row_id}", plaintext)
    return seal


def visible_claims(ws: KeyHolder, conn: Connection, only: str | None = None,
                   batch: int = 500, where: extractions.ClaimFilter | None = None) -> Iterator[StoredClaim]:
    """The claims of every document the acting user's organisation sees (or of the one
    document `only`, if it sees it), opened; read `batch` rows at a time, a document's
    claims together; `where` leaves out, without decrypting them, the claims it can tell
    apart in clear."""
    keys = _KeyCache(ws, conn)
    visible = ws.scope(conn).document_ids(conn, only=only)
    for row in extractions.sealed_claims(conn, only, batch, where):
        if row.document_id in visible:
            body = open_row(keys.get(row.document_id), row, "claim")
            yield StoredClaim(row.id, row.document_id, row.file_name, row.source, body,
                              row.source_kind, row.origin)


def document_mentions(ws: KeyHolder, conn: Connection, document_id: str) -> list[Mention]:
    """A visible document's mentions, opened."""
    data_key = key_for(ws, conn, document_id)
    found = []
    for row in extractions.sealed_mentions(conn, document_id):
        content = open_row(data_key, row, "mention")
        found.append(Mention(row.kind, row.start, row.end, content["text"], content["value"],
                             row.component))
    return found


class _KeyCache:
    """Document keys opened once each while reading many rows."""

    def __init__(self, ws: KeyHolder, conn: Connection) -> None:
        self.ws, self.conn = ws, conn
        self.keys: dict[str, bytes] = {}

    def get(self, document_id: str) -> bytes:
        if document_id not in self.keys:
            self.keys[document_id] = key_for(self.ws, self.conn, document_id)
        return self.keys[document_id]


def open_row(data_key: bytes, row: extractions.SealedRow, what: str) -> Any:
    plaintext = envelope.decrypt(data_key, f"{binding(row.document_id)}|{what}:{row.id}", row.sealed)
    return json.loads(plaintext)


def recipients(conn: Connection, organization_id: int, pseudonym: str | None,
               document_id: str, metadata: Mapping[str, Any]) -> set[int]:
    """The owning organisation and every organisation a share lets see this document
    (none for a document with internal-only consent)."""
    found = {organization_id}
    if not shareable(metadata):
        return found
    for _owner, with_id, kind, item in protection.shares_of(conn, organization_id):
        if (kind == "organization" or (kind == "source" and item == pseudonym)
                or (kind == "document" and item == document_id)):
            found.add(with_id)
    return found


def wrap_new(conn: Connection, document_id: str, data_key: bytes, organization_ids: set[int]) -> None:
    for organization_id in sorted(organization_ids):
        key = protection.active_org_key(conn, organization_id)
        protection.put_wrapped(conn, binding(document_id), key.key_id,
                           envelope.wrap(data_key, key.public_key, key.key_id, binding(document_id)))


def key_for(ws: KeyHolder, conn: Connection, document_id: str) -> bytes:
    """The document's data key, opened with the acting user's organisation's key."""
    user = ws.user
    wrapped = protection.wrapped_for(conn, binding(document_id))
    mine = ws.org_private_keys(conn, user.organization_id, user.organization)
    for key_id, blob in wrapped.items():
        if key_id in mine:
            return envelope.unwrap(blob, mine[key_id], key_id, binding(document_id))
    raise NotFound(f"Document {document_id[:12]} is not readable by {user.organization}.",
                   fix="Its organisation can share it: `testimonia share document ID --with ORG`.")


def sync_shares(ws: KeyHolder, conn: Connection, organization_id: int, name: str,
                only: str | None = None) -> int:
    """Make the wrapped keys of an organisation's documents (or of the one document
    `only`) match its shares; returns how many keys were added or removed."""
    key_orgs = {r.key_id: r.organization_id for r in conn.execute(
        select(organization_keys.c.key_id, organization_keys.c.organization_id))}
    changed = 0
    for document_id, pseudonym, metadata in _documents_of(conn, organization_id, only):
        want = recipients(conn, organization_id, pseudonym, document_id, metadata)
        have = protection.wrapped_for(conn, binding(document_id))
        have_orgs = {key_orgs[k] for k in have}
        for key_id in [k for k in have if key_orgs[k] not in want]:
            protection.remove_wrapped(conn, binding(document_id), key_id)
            changed += 1
        missing = want - have_orgs
        if missing:
            owner_keys = ws.org_private_keys(conn, organization_id, name)
            key_id = next(k for k in have if k in owner_keys)
            data_key = envelope.unwrap(have[key_id], owner_keys[key_id], key_id, binding(document_id))
            wrap_new(conn, document_id, data_key, missing)
            changed += len(missing)
    return changed


def _documents_of(conn: Connection, organization_id: int,
                  only: str | None = None) -> list[tuple[str, str | None, Any]]:
    query = (select(documents.c.id, sources.c.pseudonym, documents.c.metadata)
             .join_from(documents, sources, documents.c.source_id == sources.c.id, isouter=True)
             .where(documents.c.organization_id == organization_id))
    if only is not None:
        query = query.where(documents.c.id == only)
    return [(r.id, r.pseudonym, r.metadata) for r in conn.execute(query)]


class Upgrading(Protocol):
    """What the legacy upgrade needs of a workspace opened alone (service/workspace.py)."""

    @property
    def engine(self) -> Engine: ...

    @property
    def originals(self) -> Originals: ...

    def transaction(self, signed: bool = True) -> AbstractContextManager[Connection]: ...


def seal_legacy(ws: Upgrading) -> int:
    """Encrypt, per organisation, the texts and originals a version before 0006 stored
    under the workspace key only; returns how many documents were upgraded."""
    query = (select(documents.c.id, documents.c.organization_id, sources.c.pseudonym,
                    documents.c.metadata, document_texts.c.text)
             .join(document_texts, document_texts.c.document_id == documents.c.id)
             .join(sources, documents.c.source_id == sources.c.id, isouter=True)
             .where(document_texts.c.sealed.is_(None)))
    with ws.engine.connect() as conn:
        legacy = [(r.id, r.organization_id, r.pseudonym, r.metadata, r.text)
                  for r in conn.execute(query)]
    for document_id, organization_id, pseudonym, metadata, text in legacy:
        data_key = new_data_key()
        original = ws.originals.read(document_id)  # legacy: no inner layer yet
        with ws.transaction(signed=False) as conn:
            wrap_new(conn, document_id, data_key, recipients(
                conn, organization_id, pseudonym, document_id, metadata))
            conn.execute(update(document_texts).where(document_texts.c.document_id == document_id)
                         .values(text="", sealed=seal_text(data_key, document_id, text)))
        # After the commit: until then the row's key is not stored, and an original
        # without the inner layer still opens (open_original), so a crash loses nothing.
        ws.originals.put(document_id, seal_original(data_key, document_id, original))
    return len(legacy)
