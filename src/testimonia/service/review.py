"""Analyst review of claims: the queue, a claim in its text, and the decisions —
accept, reject, edit, keep (a conflict), add what extraction missed.

Every decision is a new row (store/reviews.py), signed into the audit log; nothing is
overwritten: the claim as decided, the digest of the extracted version it was made on,
and the reason are kept, encrypted with the document's key. How decisions find their
claims again after a new extraction, and what counts: service/reviewed.py. Reviewers,
analysts and admins may review; viewers may not (service/policy.py).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Connection

from testimonia.analysis.edits import (
    ANALYST_COMPONENT,
    ClaimChanges,
    Plan,
    PlanEntry,
    apply_changes,
    claim_ref,
    differences,
    digest,
    parse_ref,
    spans,
)
from testimonia.errors import InvalidValue, NotFound
from testimonia.extract.sentences import split_sentences
from testimonia.model import Document, StoredClaim
from testimonia.places.gazetteer import get_gazetteer
from testimonia.places.gazetteer_index import Place
from testimonia.service import doccrypt
from testimonia.service.documents import visible_document
from testimonia.service.persons import link_persons
from testimonia.service.policy import requires
from testimonia.service.reviewed import (
    Decision,
    ReviewedClaim,
    each_reviewed,
    reviewed_by_id,
    reviewed_claim,
    reviewed_claims,
)
from testimonia.service.workspace import Workspace
from testimonia.shapes import ClaimJson
from testimonia.store import extractions, records, reviews
from testimonia.store.engine import snapshot

__all__ = ["Context", "PlanReport", "QueuePage", "add_claim", "place_choices", "apply_plan", "context", "decide",
           "keep", "review_page", "review_queue", "show_claim"]

@requires('read_claims')
def review_queue(ws: Workspace, conflicts_only: bool = False) -> list[ReviewedClaim]:
    """Claims waiting for a decision: unreviewed ones and conflicts, in document order (by
    file name, then document id: two documents of the same name are not interleaved)."""
    with ws.engine.connect() as conn:
        found = reviewed_claims(ws, conn)
    waiting = [c for c in found if not c.withdrawn
               and (c.conflict or (not conflicts_only and c.state == "unreviewed"))]
    return sorted(waiting, key=lambda c: (c.claim.file_name, c.claim.document_id, _first_offset(c.body), c.id))


@dataclass(frozen=True)
class QueuePage:
    claims: list[ReviewedClaim]
    total: int  # claims waiting, on every page
    page: int
    pages: int


@requires('read_claims')
def review_page(ws: Workspace, page: int = 1, per_page: int = 25) -> QueuePage:
    """One page of the review queue (`review_queue`'s claims, a document's in the order of
    their words, documents by file name then id). Only two kinds of documents are read
    and decrypted: those with a decision of the organisation (which of their claims wait
    can only be told by matching the decisions: an analyst's work, not the bulk) and
    those the page shows. A document nobody decided on is counted in the database: all
    its claims wait."""
    if page < 1 or per_page < 1:
        raise InvalidValue(f"No page {page} of {per_page} claims.", fix="Pages are numbered from 1.")
    organization = ws.user.organization_id
    with snapshot(ws.engine) as conn:  # the count and the page from one state, writers not blocked
        decided = reviews.decided_documents(conn, organization)
        waiting: dict[str, list[ReviewedClaim]] = {}
        for c in each_reviewed(ws, conn, where=extractions.ClaimFilter(decided_only=True,
                                                                        organization_id=organization)):
            if _waits(c):
                waiting.setdefault(c.claim.document_id, []).append(c)
        visible = ws.scope(conn).document_ids(conn)
        withdrawn = records.withdrawn_ids(conn)
        blocks = [(name, doc, count) for name, doc, count in extractions.claim_counts(conn)
                  if doc in visible and doc not in withdrawn and doc not in decided]
        blocks += [(items[0].claim.file_name, doc, len(items)) for doc, items in waiting.items()]
        blocks.sort()
        total = sum(count for _, _, count in blocks)
        first, last = (page - 1) * per_page, page * per_page
        shown: list[ReviewedClaim] = []
        at = 0
        for _name, doc, count in blocks:
            if at < last and at + count > first:
                items = waiting.get(doc) or [c for c in each_reviewed(ws, conn, only=doc) if _waits(c)]
                items.sort(key=lambda c: (_first_offset(c.body), c.id))
                shown += items[max(0, first - at):last - at]
            at += count
    return QueuePage(shown, total, page, max(1, -(-total // per_page)))


def _waits(c: ReviewedClaim) -> bool:
    return not c.withdrawn and (c.conflict is not None or c.state == "unreviewed")


def _first_offset(body: ClaimJson) -> int:
    return min((int(e["start"]) for e in body["evidence"]), default=0)


@requires('read_claims')
def show_claim(ws: Workspace, ref: str | int) -> ReviewedClaim:
    with ws.engine.connect() as conn:
        return reviewed_claim(ws, conn, parse_ref(ref))


@dataclass(frozen=True)
class Context:
    """What a reviewer reads before deciding: the claim, its words in the surrounding
    text, and what the extraction found in those words (the candidates behind its
    place and period)."""

    item: ReviewedClaim
    before: str
    quoted: list[str]
    after: str
    places: list[dict[str, Any]]  # place mentions in the evidence: words and the gazetteer place
    periods: list[dict[str, Any]]  # period mentions in the evidence


CONTEXT_CHARS = 300


@requires('read_text')
def context(ws: Workspace, ref: str | int) -> Context:
    """The claim in its text (the read is entered in the custody log as `viewed`)."""
    with ws.transaction() as conn:
        item = reviewed_claim(ws, conn, parse_ref(ref))
        document_id = item.claim.document_id
        data_key = doccrypt.key_for(ws, conn, document_id)
        text = doccrypt.open_text(data_key, document_id, records.sealed_text(conn, document_id))
        found = doccrypt.document_mentions(ws, conn, document_id)
        ws.record(conn, "viewed", document_id, {"what": f"claim {claim_ref(item.id)} in review"})
        ws.audit(conn, "read_text", document_id, {"claim": claim_ref(item.id)})
    words = spans(item.body)
    start, end = words[0][0], words[-1][1]
    inside = [m for m in found if any(m.start < b and a < m.end for a, b in words)]
    before, after = _around(text, start, end)
    return Context(item, before, [text[a:b] for a, b in words], after,
                   [{"text": m.text, **m.value, "candidates": _candidates(m.text, m.value.get("id"))}
                    for m in inside if m.kind == "place"],
                   [{"text": m.text, **m.value} for m in inside if m.kind == "period"])


def _candidates(words: str, chosen: Any) -> list[str]:
    """The other places the gazetteer knows by these words, for a reviewer to weigh."""
    return [f"{p.name} ({p.country}, {p.id})" for p in get_gazetteer().lookup(words, "und")[:4]
            if p.id != chosen][:3]


def _around(text: str, start: int, end: int) -> tuple[str, str]:
    """The sentence before the quoted words and the sentence after them, as the
    extraction splits sentences (each at most CONTEXT_CHARS)."""
    sentences = split_sentences(text)
    before = [x for x in sentences if x.end <= start][-1:]
    after = [x for x in sentences if x.start >= end][:1]
    return (" ".join(text[x.start:x.end] for x in before)[-CONTEXT_CHARS:],
            " ".join(text[x.start:x.end] for x in after)[:CONTEXT_CHARS])


# Deciding -------------------------------------------------------------------------------

@requires('review_claims')
def decide(ws: Workspace, refs: str | int | Sequence[str | int], decision: str,
           reason: str | None = None, changes: ClaimChanges | None = None) -> list[ReviewedClaim]:
    """Accept, reject or edit claims (one transaction: all of them or none). An edit keeps
    the extracted version and every earlier decision; a rejection is better with a reason."""
    if decision not in ("accepted", "rejected", "edited"):
        raise InvalidValue(f"Unknown decision '{decision}'.", fix="accepted, rejected or edited.")
    if decision == "edited" and (changes is None or changes.empty()):
        raise InvalidValue("An edit needs at least one field to change.",
                           fix="Give --method, --place, --period, --perpetrator, --victim, "
                           "--act, --violation, --first-hand/--hearsay or --denial/--no-denial.")
    wanted = list(dict.fromkeys(parse_ref(r) for r in ([refs] if isinstance(refs, (str, int)) else refs)))
    with ws.transaction() as conn:  # each document's claims read once, however many are decided
        before = reviewed_by_id(ws, conn, wanted)
        for claim_id in wanted:
            _decide_one(ws, conn, before[claim_id], decision, reason, changes)
        after = reviewed_by_id(ws, conn, wanted)
        return [after[claim_id] for claim_id in wanted]


def _decide_one(ws: Workspace, conn: Connection, item: ReviewedClaim, decision: str,
                reason: str | None, changes: ClaimChanges | None) -> None:
    extracted = item.claim.body
    if decision == "edited":
        assert changes is not None
        body = apply_changes(item.body, changes)
    else:
        body = extracted if item.claim.id > 0 else item.body
    _record(ws, conn, item.claim, decision, body, digest(extracted), reason, _anchor(item))


@requires('review_claims')
def keep(ws: Workspace, ref: str | int, reason: str | None = None) -> ReviewedClaim:
    """Resolve a conflict by keeping the version decided before, now based on what
    extraction gives today."""
    with ws.transaction() as conn:
        item = reviewed_claim(ws, conn, parse_ref(ref))
        if not item.history:
            raise InvalidValue(f"Claim {claim_ref(item.id)} has no decision to keep.",
                               fix="Accept, reject or edit it.")
        last = item.history[-1]
        _record(ws, conn, item.claim, last.decision, last.body, digest(item.claim.body), reason,
                _anchor(item))
        return reviewed_claim(ws, conn, item.id)


@requires('review_claims')
def add_claim(ws: Workspace, document: str, changes: ClaimChanges, span: tuple[int, int] | None = None,
              quote: str | None = None, reason: str | None = None) -> ReviewedClaim:
    """A claim extraction missed, on the exact words of the document (a span of its text,
    or a quote found in it)."""
    if changes.act is None and not changes.methods and not changes.violations:
        raise InvalidValue("A new claim needs an act, a method or a violation.",
                           fix="Give --act (e.g. detention), --method or --violation.")
    with ws.transaction() as conn:
        doc = visible_document(ws, conn, document)
        claim_id = _add_one(ws, conn, doc, changes, span, quote, reason)
        return reviewed_claim(ws, conn, claim_id)


class SameWords(InvalidValue):
    """An added claim would repeat an extracted one: same act, same words."""

    def __init__(self, item: ReviewedClaim, message: str, fix: str) -> None:
        self.item = item
        super().__init__(message, fix=fix)


def _add_one(ws: Workspace, conn: Connection, doc: Document, changes: ClaimChanges,
             span: tuple[int, int] | None, quote: str | None, reason: str | None) -> int:
    data_key = doccrypt.key_for(ws, conn, doc.id)
    text = doccrypt.open_text(data_key, doc.id, records.sealed_text(conn, doc.id))
    start, end = _locate(text, span, quote, doc.file_name)
    blank = cast(ClaimJson, {
        "act": "", "methods": [], "violations": [], "places": [], "perpetrators": [],
        "period": None, "victim": {"who": "self" if changes.first_hand is not False else "other"},
        "first_hand": True, "denial": False, "interrogation_languages": [],
        "evidence": [{"start": start, "end": end, "quote": text[start:end]}],
        "component": ANALYST_COMPONENT, "transfer": None})
    body = apply_changes(blank, changes)
    same = [c for c in reviewed_claims(ws, conn, doc.id) if c.claim.body["act"] == body["act"]
            and c.claim.id > 0 and spans(c.claim.body) == ((start, end),)]
    if same:
        raise SameWords(same[0], f"Claim {same[0].id} already states {body['act']} on these words.",
                        fix=f"Edit it instead: `testimonia claim edit {same[0].id} …`.")
    claim_id = extractions.add_claim(conn, doc.id, body["act"], cast(dict[str, Any], body),
                                     doccrypt.sealer(data_key, doc.id))
    stored = StoredClaim(claim_id, doc.id, doc.file_name, doc.source, body, None,
                         extractions.ANALYST)
    _record(ws, conn, stored, "added", body, digest(body), reason)
    return claim_id


@dataclass
class PlanReport:
    decisions: dict[str, int] = field(default_factory=dict)  # accepted, rejected, edited, added -> count
    persons: list[str] = field(default_factory=list)


DECIDED = {"accept": "accepted", "reject": "rejected", "edit": "edited", "add": "added"}


@requires('review_claims')
def apply_plan(ws: Workspace, plan: Plan) -> PlanReport:
    """A review written down beforehand (docs/review.md): every decision of every document
    in one transaction — all of them, or none with the reason naming the entry — then
    the persons it links."""
    report = PlanReport()
    with ws.transaction() as conn:
        for number, planned in enumerate(plan.documents, 1):
            try:
                doc = _plan_document(ws, conn, planned.file)
            except (InvalidValue, NotFound) as exc:
                raise InvalidValue(f"document {number} ({planned.file}): {exc.message}",
                                   fix="Give the file name as `testimonia documents` shows it, "
                                   "or the document id.") from exc
            for number, entry in enumerate(planned.entries, 1):
                where = f"{planned.file}, entry {number}"
                try:
                    done = _apply_entry(ws, conn, doc, entry, where)
                except (InvalidValue, NotFound) as exc:
                    if exc.message.startswith(where):
                        raise
                    raise InvalidValue(f"{where} ({entry.action} “{entry.quote[:40]}”): {exc.message}",
                                       fix=exc.fix) from exc
                report.decisions[done] = report.decisions.get(done, 0) + 1
            if planned.reject_rest:
                for item in reviewed_claims(ws, conn, doc.id):
                    if item.state == "unreviewed":
                        _decide_one(ws, conn, item, "rejected", planned.reject_rest, None)
                        report.decisions["rejected"] = report.decisions.get("rejected", 0) + 1
    for name, names in plan.persons:
        link_persons(ws, names, name)
        report.persons.append(name)
    return report


def _apply_entry(ws: Workspace, conn: Connection, doc: Document, entry: PlanEntry, where: str) -> str:
    """One decision of a plan; what it became. An `add` on the very words of a claim the
    extraction made with the same act edits that claim instead: the analyst's version
    replaces the machine's, and the extracted one stays on record."""
    if entry.action == "add":
        try:
            _add_one(ws, conn, doc, entry.changes, None, entry.quote, entry.reason)
            return "added"
        except SameWords as same:
            _decide_one(ws, conn, same.item, "edited", entry.reason, entry.changes)
            return "edited"
    item = _by_quote(reviewed_claims(ws, conn, doc.id), entry, where)
    _decide_one(ws, conn, item, DECIDED[entry.action], entry.reason,
                entry.changes if entry.action == "edit" else None)
    return DECIDED[entry.action]


def _plan_document(ws: Workspace, conn: Connection, file: str) -> Document:
    visible = ws.scope(conn).document_ids(conn)
    named = [d for d in records.list_documents(conn) if d.id in visible and d.file_name == file]
    if len(named) > 1:
        raise InvalidValue(f"Several documents are called {file}.", fix="Give the document id instead.")
    return named[0] if named else visible_document(ws, conn, file)


def _by_quote(found: list[ReviewedClaim], entry: PlanEntry, where: str) -> ReviewedClaim:
    """The one claim of a document (`found`) whose evidence holds the entry's quote."""
    wanted = " ".join(entry.quote.split())
    matching = [c for c in found if not c.withdrawn
                and (entry.was is None or c.claim.body["act"] == entry.was)
                and any(wanted in " ".join(e["quote"].split()) for e in c.claim.body["evidence"])]
    if len(matching) != 1:
        ids = ", ".join(claim_ref(c.id) for c in matching)
        raise InvalidValue(f"{where}: the quote matches {'no claim' if not matching else 'claims ' + ids}.",
                           fix="Quote words of one claim's evidence (`testimonia claims --json`), "
                           "add `was: ACT` to choose among several, or `add` a claim.")
    return matching[0]


def _anchor(item: ReviewedClaim) -> Decision | None:
    return item.history[-1] if item.claim.id < 0 and item.history else None


def _locate(text: str, span: tuple[int, int] | None, quote: str | None, name: str) -> tuple[int, int]:
    """Where the claim's words are: a span, a quote found once in the text, or both (a
    selection in the browser: the span, checked against the words it should hold)."""
    if span is None and quote is None:
        raise InvalidValue("Say where the claim is in the document: --span START:END or "
                           "--quote \"exact words\" (one of them).")
    if span is not None:
        start, end = span
        if not 0 <= start < end <= len(text):
            raise InvalidValue(f"Span {start}:{end} is outside {name} (0:{len(text)}).",
                               fix="Offsets are characters of the working-copy text "
                               "(`testimonia show ID --text`).")
        if quote is not None and " ".join(text[start:end].split()) != " ".join(quote.split()):
            raise InvalidValue(f"The words at {start}:{end} of {name} are not the quote given.",
                               fix="Select the words again in the document as it is now.")
        return start, end
    assert quote is not None
    found = [m.start() for m in re.finditer(re.escape(quote.strip()), text)]
    if len(found) != 1:
        problem = "does not occur in" if not found else f"occurs {len(found)} times in"
        raise InvalidValue(f"The quote {problem} {name}.",
                           fix="Quote the words exactly as in `testimonia show ID --text`, long enough "
                           "to occur once, or give --span START:END.")
    return found[0], found[0] + len(quote.strip())


def _record(ws: Workspace, conn: Connection, claim: StoredClaim, decision: str, body: ClaimJson,
            based_on: str, reason: str | None, anchor: Decision | None = None) -> None:
    """Append a decision, anchored to the claim's act and evidence (or, for a version
    extraction no longer finds, to the anchor of the decisions before it)."""
    act, words = (anchor.act, list(anchor.spans)) if anchor else (claim.body["act"], list(spans(claim.body)))
    data_key = doccrypt.key_for(ws, conn, claim.document_id)
    row = reviews.add(conn, claim.document_id, ws.user.organization_id, act, words,
                      decision, {"body": body, "based_on": based_on, "reason": reason,
                                 "origin": claim.origin},
                      doccrypt.sealer(data_key, claim.document_id), ws.actor)
    ws.audit(conn, "claim_reviewed", claim.document_id, {
        "review": row.id, "claim": claim_ref(claim.id), "decision": decision,
        "organization": ws.user.organization,
        "changed": differences(claim.body, body) if decision in ("edited", "added") else [],
        "sealed_sha256": hashlib.sha256(row.sealed).hexdigest()})


# Edits -----------------------------------------------------------------------------------



@requires('review_claims')
def place_choices(ws: Workspace, name: str, limit: int = 10) -> list[Place]:
    """The gazetteer's places that `name` may be (any spelling or script), best first:
    what a reviewer picks from when correcting a claim's place."""
    name = name.strip()
    return get_gazetteer().lookup(name, "und")[:limit] if 2 <= len(name) <= 200 else []
