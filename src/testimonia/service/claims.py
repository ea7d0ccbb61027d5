"""Reading back claims as review left them, filtered the way an investigator asks:
by site, by method or violation, by source, by review state."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection

from testimonia.errors import InvalidValue, did_you_mean
from testimonia.model import StoredClaim
from testimonia.places.gazetteer import Place, get_gazetteer
from testimonia.places.geo import km
from testimonia.service.documents import visible_document
from testimonia.service.policy import requires
from testimonia.service.reviewed import STATES, ReviewedClaim, reviewed_claims, reviewed_in
from testimonia.service.workspace import Workspace
from testimonia.shapes import ClaimJson, PlaceJson
from testimonia.store import records
from testimonia.text.textfold import fold
from testimonia.vocab import load_vocabulary

__all__ = ["SITE_KM", "claims_of", "list_claims", "quotable"]

SITE_KM = 15.0


@requires('read_claims')
def list_claims(ws: Workspace, site: str | None = None, method: str | None = None,
                source: str | None = None, state: str | None = None) -> list[ReviewedClaim]:
    """Claims with the version review made of them (`body`) and their review state."""
    if state is not None and state not in (*STATES, "conflict"):
        raise InvalidValue(f"Unknown review state '{state}'.",
                           fix=f"Use one of: {', '.join((*STATES, 'conflict'))}.")
    at_site = _site_filter(site)
    method = _known_code(method)
    with ws.transaction() as conn:
        if source is not None:
            _known_source(ws, conn, source)
        found = [c for c in reviewed_claims(ws, conn)
                 if at_site(c.body) and _with_method(c.body, method) and _from_source(c.claim, source)
                 and (state is None or c.state == state or (state == "conflict" and c.conflict))]
        ws.audit(conn, "read_claims", None, {"site": site, "method": method, "source": source,
                                             "claims": len(found)})
    return found


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


def _from_source(claim: StoredClaim, source: str | None) -> bool:
    return source is None or (claim.source or "").lower() == source.strip().lower()


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
