"""Full-text search over the testimony and the claims one user's organisation sees, with
facets (language, source kind, site, method, period, perpetrator, review state,
organisation).

Testimony is encrypted at rest, so no index is ever written to disk: `build_index` opens
the documents and claims in the acting user's scope and builds an SQLite FTS5 index in
memory (`:memory:`), which the caller keeps for as long as it may (web/: per signed-in
session, dropped with it; docs/web.md). Words are matched with case and diacritics
folded (`unicode61 remove_diacritics 2`: "Sevare" finds "Sévaré"), and Russian and
Ukrainian words also by their dictionary forms (text/lemmas.py: "пытали" finds "пытать",
"пытки" its own lemma), each text indexed with its lemmas in a second column.
"""

from __future__ import annotations

import itertools
import re
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from testimonia.analysis.edits import claim_ref
from testimonia.errors import InvalidValue
from testimonia.service import doccrypt
from testimonia.service.policy import requires
from testimonia.service.reviewed import ReviewedClaim, reviewed_claims
from testimonia.service.workspace import Workspace
from testimonia.shapes import ClaimJson
from testimonia.store import records
from testimonia.text.lemmas import LANGUAGES, lemmas
from testimonia.text.textfold import fold, tokens

__all__ = ["FACETS", "FacetCount", "Hit", "Item", "Piece", "SearchIndex", "SearchResults",
           "build_index"]

FACETS = ("language", "source_kind", "site", "method", "period", "perpetrator", "review_state", "organization")
LIMIT = 50
SNIPPET_CHARS = 240
MAX_QUERY_WORDS = 12
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Item:
    """One searchable thing: a document's text, or a claim (its words and fields)."""

    kind: str  # "document" | "claim"
    document_id: str
    file_name: str
    language: str
    text: str
    facets: Mapping[str, Sequence[str]]
    claim_id: int | None = None
    title: str = ""


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
class FacetCount:
    value: str
    count: int
    selected: bool


@dataclass(frozen=True)
class SearchResults:
    query: str
    hits: list[Hit]
    total: int
    facets: dict[str, list[FacetCount]] = field(default_factory=dict)


class SearchIndex:
    """An FTS5 index in memory over `items`; safe to share between threads. `generation`:
    the workspace's input generation it was built at (Workspace.input_generation)."""

    def __init__(self, items: Iterable[Item], generation: int = 0) -> None:
        self.generation = generation
        self._lock = threading.Lock()
        # In memory only; its own connection, never the workspace's (autocommit: BEGIN/COMMIT below).
        self._db = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        self._db.execute("CREATE VIRTUAL TABLE words USING fts5(body, lemmas, "
                         "tokenize = 'unicode61 remove_diacritics 2')")
        self._db.execute("CREATE TABLE facets (item INTEGER, facet TEXT, value TEXT)")
        self._db.execute("CREATE INDEX facets_by_value ON facets (facet, value, item)")
        self.items: list[Item] = []
        # Each item's facet values as numbers (the counts are made here: a GROUP BY over
        # every found item's values would sort them all in SQLite)
        self._values: dict[tuple[str, str], int] = {}
        self._of_item: list[tuple[int, ...]] = []
        self._db.execute("BEGIN")
        for number, item in enumerate(items, 1):
            self.items.append(item)
            self._of_item.append(tuple(self._values.setdefault((name, value), len(self._values))
                                       for name, values in item.facets.items() for value in dict.fromkeys(values)))
            self._db.execute("INSERT INTO words (rowid, body, lemmas) VALUES (?, ?, ?)",
                             (number, item.text, " ".join(_lemmas_of(item.text, item.language))))
            self._db.executemany("INSERT INTO facets VALUES (?, ?, ?)",
                                 [(number, name, value) for name, values in item.facets.items()
                                  for value in dict.fromkeys(values)])
        self._db.execute("COMMIT")

    def close(self) -> None:
        self._db.close()

    def search(self, query: str, filters: Mapping[str, Sequence[str]] | None = None,
               limit: int = LIMIT) -> SearchResults:
        """Items holding every word of `query` (or all, for an empty query) and, for each
        facet of `filters`, one of its values; best first, with facet counts over them."""
        chosen = {k: list(v) for k, v in (filters or {}).items() if v}
        unknown = sorted(set(chosen) - set(FACETS))
        if unknown:
            raise InvalidValue(f"Unknown search facet '{unknown[0]}'.", fix=f"Use one of: {', '.join(FACETS)}.")
        words = _WORD.findall(fold(query))
        if len(words) > MAX_QUERY_WORDS:
            raise InvalidValue(f"The search has {len(words)} words; it takes at most {MAX_QUERY_WORDS}.",
                               fix="Search for the few words that matter.")
        with self._lock:
            found = self._matching(words, chosen)
            counts = self._counts(found, chosen)
        wanted = set(words) | {lemma for w in words for lemma in _query_lemmas(w)}
        hits = [Hit(self.items[n - 1], _snippet(self.items[n - 1], wanted)) for n in found[:limit]]
        return SearchResults(query, hits, len(found), counts)

    def _matching(self, words: list[str], filters: Mapping[str, list[str]]) -> list[int]:
        """Item numbers, best first: the items holding the words (FTS5, ranked), then those
        of each facet's chosen values (an index look-up each), intersected here — one
        query a part, so that neither makes the other scan. The SQL is fixed text and `?`
        placeholders; every value (the FTS query, facet names and values) is bound."""
        if words:
            found = [int(r[0]) for r in self._db.execute(
                "SELECT rowid FROM words WHERE words MATCH ? ORDER BY rank", (_fts_query(words),))]
        else:
            found = list(range(1, len(self.items) + 1))
        for facet, values in filters.items():
            marks = ", ".join("?" * len(values))
            allowed = {int(r[0]) for r in self._db.execute(
                f"SELECT item FROM facets WHERE facet = ? AND value IN ({marks})",  # nosec B608
                (facet, *values))}
            found = [n for n in found if n in allowed]
        return found

    def _counts(self, found: list[int], filters: Mapping[str, list[str]]) -> dict[str, list[FacetCount]]:
        """Each facet's values among the found items, the most frequent first."""
        tally = Counter(itertools.chain.from_iterable(self._of_item[n - 1] for n in found))
        names = list(self._values)
        counts: dict[str, dict[str, int]] = {name: {} for name in FACETS}
        for key, count in sorted(tally.items(), key=lambda kv: (names[kv[0]][0], -kv[1], names[kv[0]][1])):
            facet, value = names[key]
            counts.setdefault(facet, {})[value] = count
        for facet, values in filters.items():
            for value in values:
                counts[facet].setdefault(value, 0)
        return {facet: [FacetCount(v, c, v in filters.get(facet, [])) for v, c in values.items()]
                for facet, values in counts.items() if facet in FACETS}


def _fts_query(words: list[str]) -> str:
    """Every word, as itself or (Russian, Ukrainian) by one of its dictionary forms."""
    def either(word: str) -> str:
        forms = [f'body : "{word}"', f'lemmas : "{word}"']
        forms += [f'lemmas : "{lemma}"' for lemma in _query_lemmas(word)]
        return "(" + " OR ".join(forms) + ")"
    return " AND ".join(either(w) for w in words)


def _query_lemmas(word: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(lemma for language in sorted(LANGUAGES) for lemma in lemmas(word, language)))


def _lemmas_of(text: str, language: str) -> list[str]:
    if language not in LANGUAGES:
        return []
    return [lemma for token in tokens(text) for word in _WORD.findall(token.folded)
            for lemma in lemmas(word, language)]


def _snippet(item: Item, wanted: set[str]) -> tuple[Piece, ...]:
    """About SNIPPET_CHARS of the item's text around the first words the query found,
    those words marked (plain text: the page escapes every piece)."""
    text = item.text
    marks = [(t.start, t.end) for t in tokens(text) if _found(t.folded, item.language, wanted)]
    start = max(0, marks[0][0] - SNIPPET_CHARS // 3) if marks else 0
    end = min(len(text), start + SNIPPET_CHARS)
    if start > 0 and " " in text[start:start + 20]:
        start = text.index(" ", start) + 1
    pieces = [Piece("…")] if start > 0 else []
    at = start
    for a, b in marks:
        if a < start or b > end:
            continue
        pieces += [Piece(text[at:a]), Piece(text[a:b], mark=True)]
        at = b
    pieces.append(Piece(text[at:end] + ("…" if end < len(text) else "")))
    return tuple(p for p in pieces if p.text)


def _found(folded: str, language: str, wanted: set[str]) -> bool:
    for word in _WORD.findall(folded):
        if word in wanted or any(lemma in wanted for lemma in lemmas(word, language)):
            return True
    return False


@requires("read_text")
def build_index(ws: Workspace) -> SearchIndex:
    """An index in memory of the documents (not withdrawn) and claims the acting user's
    organisation sees; the read is audited (`search_index`: how many of each)."""
    generation = ws.input_generation()  # before the reads: a later write makes it out of date
    with ws.transaction() as conn:
        visible = ws.scope(conn).document_ids(conn)
        withdrawn = records.withdrawn_ids(conn)
        docs = [d for d in records.list_documents(conn) if d.id in visible and d.id not in withdrawn]
        kinds = {s.pseudonym: s.kind.value for s in records.list_sources(conn)}
        claims: dict[str, list[ReviewedClaim]] = {}
        for item in reviewed_claims(ws, conn):
            if not item.withdrawn:
                claims.setdefault(item.claim.document_id, []).append(item)
        items: list[Item] = []
        for doc in docs:
            text = doccrypt.open_text(doccrypt.key_for(ws, conn, doc.id), doc.id,
                                      records.sealed_text(conn, doc.id))
            common = {"language": [doc.language], "organization": [doc.organization],
                      "source_kind": [kinds.get(doc.source or "", "unknown")]}
            own = claims.get(doc.id, [])
            items.append(Item("document", doc.id, doc.file_name, doc.language, text, {
                **common, **{name: [v for c in own for v in values(c.body)] for name, values in _CLAIM_FACETS.items()},
                "review_state": [c.state for c in own]}, title=doc.file_name))
            items += [Item("claim", doc.id, doc.file_name, doc.language, _claim_text(c.body), {
                **common, **{name: values(c.body) for name, values in _CLAIM_FACETS.items()},
                "review_state": [c.state]}, claim_id=c.id, title=f"{claim_ref(c.id)} {c.body['act']}")
                for c in own]
        ws.audit(conn, "search_index", None, {"documents": len(docs),
                                               "claims": sum(len(v) for v in claims.values())})
    return SearchIndex(items, generation)


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
