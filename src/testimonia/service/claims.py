"""Reading back claims as review left them, filtered the way an investigator asks:
by site, by method or violation, by source, by review state."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import Connection

from testimonia.errors import InvalidValue, did_you_mean
from testimonia.places.gazetteer import Place, get_gazetteer
from testimonia.places.geo import km
from testimonia.service.documents import visible_document
from testimonia.service.policy import requires
from testimonia.service.reviewed import STATES, ReviewedClaim, each_reviewed, reviewed_claims, reviewed_in
from testimonia.service.workspace import Workspace
from testimonia.shapes import ClaimJson, PlaceJson
from testimonia.store import records
from testimonia.store.engine import snapshot
from testimonia.store.extractions import ClaimFilter
from testimonia.text.textfold import fold
from testimonia.vocab import load_vocabulary

__all__ = ["SITE_KM", "claims_of", "list_claims", "quotable"]

SITE_KM = 15.0


@requires('read_claims')
def list_claims(ws: Workspace, site: str | None = None, method: str | None = None,
                source: str | None = None, state: str | None = None) -> Iterator[ReviewedClaim]:
    """Claims with the version review made of them (`body`) and their review state, one
    at a time as they are read (the filters are checked first: a bad one fails here).

    What can be told in clear is filtered in the query, and those claims are never
    decrypted: the source (a document's), an act as extracted (unless a decision on the
    document may have changed it), a review state other than unreviewed (only documents
    with a decision of the organisation can have one). The place and the methods are in
    the encrypted claim: those filters open each claim the query keeps. The read is
    audited when the listing ends, with the number of claims given."""
    if state is not None and state not in (*STATES, "conflict"):
        raise InvalidValue(f"Unknown review state '{state}'.",
                           fix=f"Use one of: {', '.join((*STATES, 'conflict'))}.")
    at_site = _site_filter(site)
    method = _known_code(method)
    if source is not None:
        with ws.engine.connect() as conn:
            _known_source(ws, conn, source)
    where = ClaimFilter(source=source, act=method if method in load_vocabulary().acts else None,
                        decided_only=state not in (None, "unreviewed"), organization_id=ws.user.organization_id)
    return _listed(ws, where, lambda c: at_site(c.body) and _with_method(c.body, method) and (
        state is None or c.state == state or (state == "conflict" and c.conflict is not None)),
        {"site": site, "method": method, "source": source})


def _listed(ws: Workspace, where: ClaimFilter, keep: Callable[[ReviewedClaim], bool],
            asked: dict[str, Any]) -> Iterator[ReviewedClaim]:
    given = 0
    try:
        with snapshot(ws.engine) as conn:  # printed as read: a reader must not hold the write lock
            for claim in each_reviewed(ws, conn, where=where):
                if keep(claim):
                    given += 1
                    yield claim
    finally:
        with ws.transaction() as conn:
            ws.audit(conn, "read_claims", None, {**asked, "claims": given})


def _known_code(method: str | None) -> str | None:
    """A method, violation or act code as written or with spaces ("electric shock"); an
    unknown one is refused with the closest codes."""
    if method is None:
        return None
    vocab = load_vocabulary()
    wanted = "_".join(method.strip().lower().replace("-", " ").split())
    codes = [*vocab.methods, *vocab.violations, *vocab.acts]
    if wanted in codes:
        return wanted
    raise InvalidValue(f"No method, violation or act is called '{method}'.",
                       fix=did_you_mean(wanted, codes) + "`testimonia codes` lists them.")


def _known_source(ws: Workspace, conn: Connection, source: str) -> None:
    scope = ws.scope(conn)
    names = [s.pseudonym for s in records.list_sources(conn) if scope.sees_source(s)]
    if source.strip().lower() in {n.lower() for n in names}:
        return
    raise InvalidValue(f"No source '{source}' among those your organisation sees.",
                       fix=did_you_mean(source.strip(), names) + "`testimonia source list` lists them.")


def _site_filter(site: str | None) -> Callable[[ClaimJson], bool]:
    """A place in any spelling or script: the gazetteer's place (or anything within
    SITE_KM of it, such as a camp in the town), else the name as written."""
    if site is None:
        return lambda claim: True
    wanted = fold(site)
    known = get_gazetteer().lookup(site, "und")[:1]

    def matches(place: PlaceJson) -> bool:
        if known and (place.get("id") == known[0].id or _near(place, known[0])):
            return True
        return any(wanted in fold(str(place.get(key) or "")) for key in ("name", "text"))

    return lambda body: any(matches(p) for p in body["places"])


def _near(place: PlaceJson, known: Place) -> bool:
    if None in (place.get("lat"), place.get("lon"), known.lat, known.lon):
        return False
    return km(place["lat"], place["lon"], known.lat, known.lon) <= SITE_KM  # type: ignore[arg-type]


def _with_method(body: ClaimJson, method: str | None) -> bool:
    if method is None:
        return True
    wanted = method.strip().lower()
    return wanted in body["methods"] or wanted in body["violations"] or wanted == body["act"]


@requires('read_claims')
def quotable(ws: Workspace, ids: set[int]) -> dict[int, dict[str, Any]]:
    """Claim id -> {"source", "body", "document"} for the given claims (a dossier's
    quotes), as review left them."""
    with ws.engine.connect() as conn:
        return {c.id: {"source": c.claim.source or f"document {c.claim.document_id[:8]}",
                       "body": c.body, "document": c.claim.document_id}
                for c in reviewed_in(ws, conn, sorted(ids)).values()}


@requires('read_claims')
def claims_of(ws: Workspace, document: str) -> list[ReviewedClaim]:
    """The claims of one document (its id or a prefix of it) as review left them, in the
    order of their words in the text."""
    with ws.engine.connect() as conn:
        doc = visible_document(ws, conn, document)
        found = reviewed_claims(ws, conn, doc.id)
    return sorted(found, key=lambda c: (min((e["start"] for e in c.body["evidence"]), default=0), c.id))
