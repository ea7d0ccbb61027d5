"""Full-text search over the testimony and the claims one user's organisation sees, with
facets (language, source kind, site, method, period, perpetrator, review state,
organisation).

Each organisation has one index, kept on disk encrypted (store/search_index.py:
`search/org-<id>.db`, an SQLCipher file) and shared by every session and process of
that organisation. Its key is derived from the organisation's private key (which only
its users can open) and the workspace key, and is never stored: a partner holding the
workspace key cannot read it, and rotating either key makes the next search build it
again from scratch. It holds what the organisation sees (its scope, not withdrawn) as of
one input generation of the workspace (Workspace.input_generation); a search that finds
the generation moved first brings the index up to date: each document's stamp (a hash of
what its items are made from: its text's hash, its extraction, its claims and the
organisation's review decisions on them, its file name, language, source kind and
organisation) is compared with the stamp it was indexed with, and only the documents
added, changed or no longer visible are written (docs/web.md, "Search").

Words are matched with case and diacritics folded (`unicode61 remove_diacritics 2`:
"Sevare" finds "Sévaré"), and by their dictionary forms (text/lemmas.py: "пытали" finds
"пытать", "пытки" its own lemma), each text indexed with its lemmas in a second column.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Connection, func, select

from testimonia.analysis.edits import claim_ref
from testimonia.errors import InvalidValue, ReadOnlyWorkspace
from testimonia.model import Document
from testimonia.service import doccrypt
from testimonia.service.policy import requires
from testimonia.service.reviewed import ReviewedClaim, reviewed_claims
from testimonia.service.workspace import Workspace
from testimonia.shapes import ClaimJson
from testimonia.store import analyses, protection, records
from testimonia.store.engine import snapshot
from testimonia.store.schema import claim_reviews, claims, extractions, sources
from testimonia.store.search_index import (
    COUNT_CAP,
    Entry,
    FacetCount,
    IndexFile,
    IndexLock,
    Item,
    Unreadable,
    build,
    is_damage,
    query_lemmas,
)
from testimonia.text.lemmas import lemmas
from testimonia.text.textfold import fold, tokens

__all__ = ["COUNT_CAP", "FACETS", "INDEX_DIR", "OPEN", "FacetCount", "Hit", "Item", "OpenIndexes", "Piece",
           "SearchIndex", "SearchResults", "search", "update_index"]

FACETS = ("language", "source_kind", "site", "method", "period", "perpetrator", "review_state", "organization")
LIMIT = 50
SNIPPET_CHARS = 240
CHUNK = 2_000  # characters of a text tokenised at a time for its snippet
MAX_QUERY_WORDS = 12
INDEX_DIR = "search"
BULK = 200  # more documents than this, and a quarter of all, to (re)index: every claim read at once
OPEN_INDEXES = 8  # index files a process keeps open (their connections and page caches)
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Piece:
    """A piece of a snippet; `mark` when it is a word the query found."""

    text: str
    mark: bool = False


@dataclass(frozen=True)
class Hit:
    item: Item
    snippet: tuple[Piece, ...]


@dataclass(frozen=True)
class SearchResults:
    query: str
    hits: list[Hit]
    total: int  # how many match; at least this many when `more`
    facets: dict[str, list[FacetCount]] = field(default_factory=dict)
    more: bool = False  # more than COUNT_CAP match
    counted: int = 0  # the facet counts are over the first `counted` matches


class SearchIndex:
    """An open index file, searched with the query's words checked and folded and the
    hits' snippets made. Safe to share between threads."""

    def __init__(self, file: IndexFile) -> None:
        self.file = file

    def search(self, query: str, filters: Mapping[str, Sequence[str]] | None = None,
               limit: int = LIMIT) -> SearchResults:
        """Items holding every word of `query` (or all, for an empty query) and, for each
        facet of `filters`, one of its values; best first, with facet counts over them."""
        chosen = _filters(filters)
        words = _query_words(query)
        found = self.file.search(words, chosen, limit)
        return SearchResults(query, _snippets(found.items, words), found.total, found.facets,
                             found.more, found.counted)


def _query_words(query: str) -> list[str]:
    """The query's words, folded; InvalidValue past MAX_QUERY_WORDS."""
    words = _WORD.findall(fold(query))
    if len(words) > MAX_QUERY_WORDS:
        raise InvalidValue(f"The search has {len(words)} words; it takes at most {MAX_QUERY_WORDS}.",
                           fix="Search for the few words that matter.")
    return words


def _filters(filters: Mapping[str, Sequence[str]] | None) -> dict[str, list[str]]:
    chosen = {k: list(v) for k, v in (filters or {}).items() if v}
    unknown = sorted(set(chosen) - set(FACETS))
    if unknown:
        raise InvalidValue(f"Unknown search facet '{unknown[0]}'.", fix=f"Use one of: {', '.join(FACETS)}.")
    return chosen


def _snippets(items: Iterable[Item], words: Sequence[str]) -> list[Hit]:
    wanted = set(words) | {lemma for w in words for lemma in query_lemmas(w)}
    return [Hit(item, _snippet(item, wanted)) for item in items]


def _snippet(item: Item, wanted: set[str]) -> tuple[Piece, ...]:
    """About SNIPPET_CHARS of the item's text around the first words the query found,
    those words marked (plain text: the page escapes every piece). The text is read in
    chunks only as far as the snippet's end: a long testimony is not tokenised whole."""
    text = item.text
    found = _marked(text, item.language, wanted) if wanted else iter(())
    first = next(found, None)
    start = max(0, first[0] - SNIPPET_CHARS // 3) if first else 0
    end = min(len(text), start + SNIPPET_CHARS)
    if start > 0 and " " in text[start:start + 20]:
        start = text.index(" ", start) + 1
    pieces = [Piece("…")] if start > 0 else []
    at = start
    marks = [first] if first else []
    for mark in found:
        if mark[0] >= end:
            break
        marks.append(mark)
    for a, b in marks:
        if a < start or b > end:
            continue
        pieces += [Piece(text[at:a]), Piece(text[a:b], mark=True)]
        at = b
    pieces.append(Piece(text[at:end] + ("…" if end < len(text) else "")))
    return tuple(p for p in pieces if p.text)


def _marked(text: str, language: str, wanted: set[str]) -> Iterator[tuple[int, int]]:
    """(start, end) of each word of `text` the query found, in order; tokenised a chunk
    of about CHUNK characters at a time, cut at a space."""
    at = 0
    while at < len(text):
        stop = len(text) if len(text) - at <= CHUNK else text.rfind(" ", at + 1, at + CHUNK)
        if stop <= at:
            stop = at + CHUNK
        for t in tokens(text[at:stop]):
            if _found(t.folded, language, wanted):
                yield at + t.start, at + t.end
        at = stop


def _found(folded: str, language: str, wanted: set[str]) -> bool:
    for word in _WORD.findall(folded):
        if word in wanted or any(lemma in wanted for lemma in lemmas(word, language)):
            return True
    return False


# The organisation's index: where, under which key, brought up to date

@requires("read_text")
def search(ws: Workspace, query: str, filters: Mapping[str, Sequence[str]] | None = None,
           limit: int = LIMIT) -> SearchResults:
    """Search what the acting user's organisation sees (its index, first brought up to
    date with the workspace); each hit's document is checked once more against what the
    organisation sees (read once per input generation), and left out if it does not."""
    _filters(filters)
    _query_words(query)  # bad input is refused before any work
    try:
        index, generation = _index(ws)
        results = index.search(query, filters, limit)
    except Exception as exc:
        if not is_damage(exc):
            raise
        index, generation = _index(ws, damaged=True)  # built anew
        results = index.search(query, filters, limit)
    seen = OPEN.visible(index.file.path, generation, lambda: _visible(ws))
    if all(h.item.document_id in seen for h in results.hits):
        return results
    return SearchResults(results.query, [h for h in results.hits if h.item.document_id in seen],
                         results.total, results.facets, results.more, results.counted)


@requires("read_text")
def update_index(ws: Workspace) -> None:
    """Bring the organisation's index up to date now (as the next search would)."""
    _index(ws)


def _visible(ws: Workspace) -> frozenset[str]:
    with ws.engine.connect() as conn:
        return frozenset(ws.scope(conn).document_ids(conn))


def _path(ws: Workspace, organization_id: int) -> Path:
    return ws.paths.root / INDEX_DIR / f"org-{organization_id}.db"


class OpenIndexes:
    """The index files this process holds open (their connections and page caches), the
    most recently used OPEN_INDEXES of them."""

    def __init__(self) -> None:
        # read each index into its page cache in the background when it is opened: set by
        # `testimonia serve`, whose first searches otherwise read their pages from disk one
        # by one (docs/benchmarks.md, "Search")
        self.warm = False
        self._held: OrderedDict[Path, tuple[bytes, IndexFile]] = OrderedDict()
        self._lock = threading.Lock()
        self._writing: dict[Path, threading.Lock] = {}
        self._scopes: dict[Path, tuple[int, frozenset[str]]] = {}

    def get(self, path: Path, key: bytes) -> IndexFile | None:
        """The open index at `path` under `key` (opened now if need be, again if another
        process replaced the file); None when there is none or it does not open."""
        tag = hashlib.sha256(key).digest()
        with self._lock:
            held = self._held.get(path)
            if held is not None and held[0] == tag and not held[1].replaced():
                self._held.move_to_end(path)
                return held[1]
            self._held.pop(path, None)  # not closed: a search in another thread may still read it
            try:
                index = IndexFile(path, key)
            except Unreadable:
                return None
            self._held[path] = (tag, index)
            while len(self._held) > OPEN_INDEXES:
                self._held.popitem(last=False)
            if self.warm:
                threading.Thread(target=index.warm, name=f"warm {path.name}", daemon=True).start()
            return index

    def writing(self, path: Path) -> threading.Lock:
        """The lock this process's threads take to write the index at `path`."""
        with self._lock:
            return self._writing.setdefault(path, threading.Lock())

    def visible(self, path: Path, generation: int, scope: Callable[[], frozenset[str]]) -> frozenset[str]:
        """The documents the organisation of the index at `path` sees, read with `scope`
        once per input generation."""
        with self._lock:
            held = self._scopes.get(path)
        if held is not None and held[0] == generation:
            return held[1]
        found = scope()
        with self._lock:
            self._scopes[path] = (generation, found)
        return found

    def forget(self) -> None:
        """Let go of every index (each closes once no search still reads it); the next
        search opens its file again."""
        with self._lock:
            self._held.clear()
            self._scopes.clear()


OPEN = OpenIndexes()


def _index(ws: Workspace, damaged: bool = False) -> tuple[SearchIndex, int]:
    """The organisation's index, current with the workspace's input generation (and that
    generation)."""
    user = ws.user
    path = _path(ws, user.organization_id)
    with ws.engine.connect() as conn:
        generation = analyses.generation(conn)
        key = _index_key(ws, conn)
    index = None if damaged else OPEN.get(path, key)
    if index is not None and index.generation() == generation:
        return SearchIndex(index), generation
    if ws.read_only:
        raise ReadOnlyWorkspace(f"The search index of {user.organization} is not up to date, and the "
                                f"workspace {ws.paths.root} is on read-only media.",
                                fix="Copy the workspace to a writable disk to search it.")
    with OPEN.writing(path):
        path.parent.mkdir(mode=0o700, exist_ok=True)
        with IndexLock(path.with_suffix(".lock"), float(ws.config["lock_timeout"])).held():
            index = None if damaged else OPEN.get(path, key)
            if index is None or index.generation() != generation:
                _refresh(ws, path, key, index)
                index = OPEN.get(path, key)
            if index is None:
                raise Unreadable(f"{path.name}: not readable just after it was built")
            return SearchIndex(index), generation


def _index_key(ws: Workspace, conn: Connection) -> bytes:
    """The index's key: derived from the organisation's active private key and the
    workspace data key, so that it changes with either."""
    user = ws.user
    private = ws.org_private_keys(conn, user.organization_id, user.organization)
    active = protection.active_org_key(conn, user.organization_id).key_id
    if active not in private:  # rotated by another process since these keys were opened
        ws.forget_org_keys()
        private = ws.org_private_keys(conn, user.organization_id, user.organization)
    key_id = active if active in private else max(private)
    info = f"testimonia/search-index|org:{user.organization_id}|{key_id}|{ws.keys.key_id}".encode()
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(
        private[key_id] + ws.keys.data_key)


def _refresh(ws: Workspace, path: Path, key: bytes, index: IndexFile | None) -> None:
    """Write what changed since the index was last brought up to date (everything, into a
    new file, when there is no readable index), then audit it: `search_index` with how
    many documents and claims were (re)indexed and how many documents removed."""
    with snapshot(ws.engine) as conn:  # one consistent state for every read
        generation = analyses.generation(conn)
        wanted = _stamps(ws, conn)
        have = index.stamps() if index is not None else {}
        changed = [d for d, (stamp, _doc) in wanted.items() if have.get(d) != stamp]
        removed = [d for d in have if d not in wanted]
        tally = {"documents": 0, "claims": 0}
        bulk = len(changed) > max(BULK, len(wanted) // 4)
        entries = _entries(ws, conn, [wanted[d] for d in changed], tally, bulk)
        if index is None:
            build(path, key, generation, entries)
        else:
            index.update(generation, removed, entries)
    if index is None or tally["documents"] or removed:  # nothing opened, nothing to audit
        with ws.transaction() as conn:
            ws.audit(conn, "search_index", None, {**tally, "removed": len(removed)})


def _stamps(ws: Workspace, conn: Connection) -> dict[str, tuple[str, Document]]:
    """Each document the organisation sees (not withdrawn), with the stamp of what its
    items are made from; read from plain columns, nothing decrypted."""
    visible = ws.scope(conn).document_ids(conn)
    organization = ws.user.organization_id
    claimed = {r[0]: list(r[1:]) for r in conn.execute(
        select(claims.c.document_id, func.count(), func.max(claims.c.id), func.sum(claims.c.id))
        .group_by(claims.c.document_id))}
    decided = {r[0]: list(r[1:]) for r in conn.execute(
        select(claim_reviews.c.document_id, func.count(), func.max(claim_reviews.c.id))
        .where(claim_reviews.c.organization_id == organization).group_by(claim_reviews.c.document_id))}
    extracted = {r[0]: list(r[1:]) for r in conn.execute(
        select(extractions.c.document_id, extractions.c.pipeline_version, extractions.c.at))}
    kinds = dict(conn.execute(select(sources.c.pseudonym, sources.c.kind)).all())
    found = {}
    for doc in records.list_documents(conn):
        if doc.id not in visible or doc.state == records.WITHDRAWN:
            continue
        basis = [doc.text_sha256, doc.file_name, doc.language, doc.organization,
                 kinds.get(doc.source or ""), extracted.get(doc.id), claimed.get(doc.id), decided.get(doc.id)]
        found[doc.id] = (hashlib.sha256(json.dumps(basis).encode()).hexdigest()[:32], doc)
    return found


def _entries(ws: Workspace, conn: Connection, changed: list[tuple[str, Document]],
             tally: dict[str, int], bulk: bool) -> Iterator[Entry]:
    """The index entries of the changed documents, each opened (audited by the caller);
    with `bulk`, every claim the organisation sees read at once rather than a document's
    at a time."""
    kinds = {s.pseudonym: s.kind.value for s in records.list_sources(conn)}
    every: dict[str, list[ReviewedClaim]] | None = None
    if bulk:
        every = {}
        for item in reviewed_claims(ws, conn):
            every.setdefault(item.claim.document_id, []).append(item)
    for stamp, doc in changed:
        own = every.get(doc.id, []) if every is not None else reviewed_claims(ws, conn, doc.id)
        own = [c for c in own if not c.withdrawn]
        text = doccrypt.open_text(doccrypt.key_for(ws, conn, doc.id), doc.id, records.sealed_text(conn, doc.id))
        tally["documents"] += 1
        tally["claims"] += len(own)
        yield Entry(doc.id, stamp, doc.file_name, doc.language, _items(doc, text, own, kinds))


def _items(doc: Document, text: str, own: list[ReviewedClaim], kinds: Mapping[str, str]) -> tuple[Item, ...]:
    common = {"language": [doc.language], "organization": [doc.organization],
              "source_kind": [kinds.get(doc.source or "", "unknown")]}
    document = Item("document", doc.id, doc.file_name, doc.language, text, {
        **common, **{name: [v for c in own for v in values(c.body)] for name, values in _CLAIM_FACETS.items()},
        "review_state": [c.state for c in own]}, title=doc.file_name)
    return (document, *(Item("claim", doc.id, doc.file_name, doc.language, _claim_text(c.body), {
        **common, **{name: values(c.body) for name, values in _CLAIM_FACETS.items()},
        "review_state": [c.state]}, claim_id=c.id, title=f"{claim_ref(c.id)} {c.body['act']}") for c in own))


def _sites(body: ClaimJson) -> list[str]:
    return [p["name"] for p in body["places"] if p.get("name")]


def _methods(body: ClaimJson) -> list[str]:
    return [*body["methods"], *body["violations"]]


def _years(body: ClaimJson) -> list[str]:
    """The years a claim's period touches (an open or undated one: none), at most 30."""
    period = body["period"] or {}
    first, last = (str(period.get(k) or "")[:4] for k in ("start", "end"))
    first, last = first or last, last or first
    if not (first.isdigit() and last.isdigit()) or int(last) < int(first):
        return []
    return [str(year) for year in range(int(first), min(int(last), int(first) + 29) + 1)]


def _perpetrators(body: ClaimJson) -> list[str]:
    return [str(p.get("canonical") or p["name"]) for p in body["perpetrators"] if p.get("canonical") or p.get("name")]


_CLAIM_FACETS = {"site": _sites, "method": _methods, "period": _years, "perpetrator": _perpetrators}


def _claim_text(body: ClaimJson) -> str:
    """What a claim is found by: its act, methods, places, perpetrators and its quotes."""
    fields = [body["act"].replace("_", " "), *(m.replace("_", " ") for m in _methods(body)),
              *_sites(body), *(p["name"] for p in body["perpetrators"]),
              *(e["quote"] for e in body["evidence"])]
    return " · ".join(f for f in fields if f)
