"""Claims as review left them, for the services that read claims (no access check
here: the calling service made it; like doccrypt, this module is no API).

Every decision is a row of store/reviews.py; a decision is anchored to the act and the
evidence spans of the claim decided on, so when extraction runs again (new claim ids)
it finds its claim by the same words of the source:

- the claim extracted again as it was: the decision stands;
- extracted differently (another place, another method …): the decided version stands
  and the claim is listed as a *conflict* until someone decides again;
- not extracted any more: an accepted or edited version stands, listed as a conflict,
  under the id `r<decision id>` (a rejected one stays on record there, counting nothing).

Decisions belong to the deciding organisation: each organisation answers for the
findings it publishes, so its analysis counts its own decisions, also on material
another organisation shared with it.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import cast

from sqlalchemy import Connection

from testimonia.analysis.edits import claim_ref, differences, digest, spans
from testimonia.analysis.inputs import ClaimIn
from testimonia.analysis.persons import PersonLink
from testimonia.errors import NotFound
from testimonia.model import StoredClaim
from testimonia.service import doccrypt, orgkeys
from testimonia.service.workspace import Workspace
from testimonia.shapes import ClaimJson
from testimonia.store import extractions, persons, records, reviews
from testimonia.text.textfold import fold

__all__ = ["BATCH", "COUNTED", "STATES", "Decision", "ReviewedClaim", "each_reviewed", "find", "person_links",
           "reviewed_by_id", "reviewed_claim", "reviewed_claims", "reviewed_in"]

STATES = ("unreviewed", "accepted", "edited", "rejected", "added")
COUNTED = frozenset({"accepted", "edited", "added"})

@dataclass(frozen=True)
class Decision:
    id: int
    decision: str  # accepted | edited | rejected | added
    actor: str
    at: str
    reason: str | None
    body: ClaimJson  # the claim as decided (for a rejection: as it was rejected)
    based_on: str  # digest of the version decided on (store: the extracted one)
    origin: str  # of the claim decided on: extraction, or analyst (its anchor is theirs)
    act: str  # the anchor: the act and evidence spans of the claim decided on
    spans: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class ReviewedClaim:
    """A claim as the acting user's organisation sees it after review."""

    claim: StoredClaim  # as stored: extracted, or added by an analyst
    state: str  # one of STATES
    body: ClaimJson  # what the analysis counts: the decided version, else the extracted one
    history: tuple[Decision, ...] = ()
    conflict: str | None = None  # why a decision needs to be made again
    withdrawn: bool = False  # its document was withdrawn: it counts nowhere

    @property
    def id(self) -> int:
        return self.claim.id

    def as_input(self) -> ClaimIn:
        """What the analysis reads of it: the version review made, with its source."""
        return ClaimIn(self.id, self.claim.document_id, self.claim.source, self.claim.source_kind,
                       self.body)

    def counts(self, include_unreviewed: bool = False) -> bool:
        if self.withdrawn:
            return False
        return self.state in COUNTED or (include_unreviewed and self.state == "unreviewed")


BATCH = 500  # claims read from the database (and decrypted) at a time


def reviewed_claims(ws: Workspace, conn: Connection, only: str | None = None) -> list[ReviewedClaim]:
    """Every claim of the documents the acting user's organisation sees (or of the one
    document `only`), with the state its decisions give it (no access check: the calling
    service has made it). A list: a caller that reads every claim of a large workspace
    takes them one at a time from `each_reviewed` instead."""
    return list(each_reviewed(ws, conn, only))


def each_reviewed(ws: Workspace, conn: Connection, only: str | None = None,
                  batch: int | None = None, where: extractions.ClaimFilter | None = None) -> Iterator[ReviewedClaim]:
    """`reviewed_claims` one claim at a time: the claims are read `batch` rows at a time
    and decrypted as they come, a document's claims resolved against its decisions when
    its last claim has been read (the decisions, an analyst's work, are read first).
    `where` leaves out in the query what it can tell in clear (a source, an act): a
    document it leaves out is left out whole, its decisions too."""
    visible = ws.scope(conn).document_ids(conn, only=only)
    chosen = where.documents() if where is not None else None
    if chosen is not None:
        visible &= set(conn.execute(chosen).scalars())
    decided: dict[str, list[tuple[reviews.ReviewRow, Decision]]] = {}
    keys: dict[str, bytes] = {}
    for row in reviews.rows(conn, ws.user.organization_id, only):
        if row.document_id in visible:
            if row.document_id not in keys:
                keys[row.document_id] = doccrypt.key_for(ws, conn, row.document_id)
            decided.setdefault(row.document_id, []).append((row, _open(keys[row.document_id], row)))
    withdrawn = records.withdrawn_ids(conn)
    seen: set[str] = set()
    claims = doccrypt.visible_claims(ws, conn, only, BATCH if batch is None else batch, where)
    for document_id, its_claims in itertools.groupby(claims, key=lambda c: c.document_id):
        seen.add(document_id)
        found = _resolve(list(its_claims), decided.pop(document_id, []), conn, document_id)
        yield from (replace(c, withdrawn=True) if document_id in withdrawn else c for c in found)
    for document_id in sorted(decided.keys() - seen):  # documents whose claims are all gone
        found = _resolve([], decided[document_id], conn, document_id)
        yield from (replace(c, withdrawn=True) if document_id in withdrawn else c for c in found)


def reviewed_claim(ws: Workspace, conn: Connection, claim_id: int) -> ReviewedClaim:
    """One claim as review left it (an extracted or added claim by its id, a reviewed
    version extraction no longer finds by -(its first decision)), reading only its
    document's claims and decisions."""
    return reviewed_by_id(ws, conn, [claim_id])[claim_id]


def reviewed_by_id(ws: Workspace, conn: Connection, claim_ids: Iterable[int]) -> dict[int, ReviewedClaim]:
    """Claims as review left them, by id, reading each of their documents once; NotFound
    names the first that is not among the claims the organisation sees."""
    wanted = list(dict.fromkeys(claim_ids))
    found = reviewed_in(ws, conn, wanted)
    for claim_id in wanted:
        if claim_id not in found:
            find((), claim_id)
    return found


def reviewed_in(ws: Workspace, conn: Connection, claim_ids: Iterable[int]) -> dict[int, ReviewedClaim]:
    """The claims among `claim_ids` that the organisation sees, as review left them,
    reading (and decrypting) only their documents, each once."""
    by_document: dict[str, set[int]] = {}
    for claim_id in dict.fromkeys(claim_ids):
        document = (extractions.document_of_claim(conn, claim_id) if claim_id > 0
                    else reviews.document_of(conn, -claim_id))
        if document:
            by_document.setdefault(document, set()).add(claim_id)
    found: dict[int, ReviewedClaim] = {}
    for document, wanted in by_document.items():
        found.update((c.id, c) for c in each_reviewed(ws, conn, document) if c.id in wanted)
    return found


def _open(data_key: bytes, row: reviews.ReviewRow) -> Decision:
    sealed = extractions.SealedRow(row.id, row.document_id, row.sealed)
    content = doccrypt.open_row(data_key, sealed, "review")
    return Decision(row.id, row.decision, row.actor, row.at, content.get("reason"),
                    cast(ClaimJson, content["body"]), str(content["based_on"]),
                    str(content.get("origin", extractions.EXTRACTION)), row.act, row.spans)


def _resolve(claims: list[StoredClaim], decided: list[tuple[reviews.ReviewRow, Decision]],
             conn: Connection, document_id: str) -> Iterator[ReviewedClaim]:
    """Attach each decision to the claim with the same act whose evidence shares the most
    characters with the decision's anchor; the latest decision on a claim is its state."""
    threads: dict[int, list[Decision]] = {}
    orphans: dict[tuple[str, tuple[tuple[int, int], ...]], list[Decision]] = {}
    for row, decision in decided:
        target = _best_match(claims, row, decision)
        if target is not None:
            threads.setdefault(target.id, []).append(decision)
        else:
            orphans.setdefault((row.act, row.spans), []).append(decision)
    for claim in claims:
        history = tuple(threads.get(claim.id, ()))
        yield _state(claim, history)
    for history_list in orphans.values():
        last = history_list[-1]
        placeholder = _placeholder(claims, document_id, conn, history_list[0].id, last)
        conflict = None if last.decision == "rejected" else (
            "extraction no longer finds this claim; the reviewed version still counts")
        yield ReviewedClaim(placeholder, last.decision, last.body, tuple(history_list), conflict)


def _best_match(claims: list[StoredClaim], row: reviews.ReviewRow,
                decision: Decision) -> StoredClaim | None:
    analyst = decision.origin == extractions.ANALYST
    best: tuple[int, int, int] | None = None
    chosen = None
    for claim in claims:
        if (claim.origin == extractions.ANALYST) != analyst or claim.body["act"] != row.act:
            continue
        words = spans(claim.body)
        shared = sum(max(0, min(b, d) - max(a, c)) for a, b in row.spans for c, d in words)
        if shared == 0:
            continue
        score = (int(words == row.spans), shared, -claim.id)
        if best is None or score > best:
            best, chosen = score, claim
    return chosen


def _state(claim: StoredClaim, history: tuple[Decision, ...]) -> ReviewedClaim:
    if not history:
        return ReviewedClaim(claim, "unreviewed", claim.body)
    last = history[-1]
    conflict = None
    if last.decision != "added" and last.based_on != digest(claim.body):
        conflict = (f"extraction changed this claim after it was {last.decision} "
                    f"({', '.join(differences(last.body, claim.body)) or 'its evidence'})")
    return ReviewedClaim(claim, last.decision, claim.body if last.decision == "rejected" else last.body,
                         history, conflict)


def _placeholder(claims: list[StoredClaim], document_id: str, conn: Connection, first: int,
                 last: Decision) -> StoredClaim:
    """The reviewed version of a claim extraction no longer finds: id -(its thread's first
    decision), so that it keeps its name (r<first>) through later decisions."""
    doc = claims[0] if claims else None
    if doc is not None:
        return StoredClaim(-first, document_id, doc.file_name, doc.source, last.body,
                           doc.source_kind, last.origin)
    document = records.get_document(conn, document_id)
    source = records.find_source(conn, document.source) if document.source else None
    return StoredClaim(-first, document_id, document.file_name, document.source, last.body,
                       source.kind.value if source else None, last.origin)


def find(found: Iterable[ReviewedClaim], claim_id: int) -> ReviewedClaim:
    for item in found:
        if item.id == claim_id:
            return item
    raise NotFound(f"No claim {claim_ref(claim_id)} among the claims your organisation sees.",
                   fix="See `testimonia claims` or `testimonia review --list`.")


def person_links(ws: Workspace, conn: Connection) -> list[PersonLink]:
    """The acting organisation's confirmed person links: the latest decision per person."""
    rows = list(persons.rows(conn, ws.user.organization_id))
    if not rows:
        return []
    keys = ws.org_private_keys(conn, ws.user.organization_id, ws.user.organization)
    latest: dict[str, PersonLink] = {}
    for row in rows:
        content = json.loads(orgkeys.read_record(conn, person_binding(row.id), row.sealed, keys))
        link = PersonLink(str(content["name"]), tuple(content["aliases"]))
        latest[fold(link.name)] = link
    return [link for link in latest.values() if link.aliases]


def person_binding(row_id: int) -> str:
    return f"person_link|{row_id}"
