"""Reading back extracted claims, filtered the way an investigator asks:
by site, by method or violation, by source."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from testimonia.model import StoredClaim
from testimonia.places.gazetteer import Place, get_gazetteer
from testimonia.places.geo import km
from testimonia.service import doccrypt
from testimonia.service.policy import requires
from testimonia.service.workspace import Workspace
from testimonia.shapes import PlaceJson
from testimonia.text.textfold import fold

__all__ = ["SITE_KM", "list_claims", "quotable"]

SITE_KM = 15.0


@requires('read_claims')
def list_claims(ws: Workspace, site: str | None = None, method: str | None = None,
                source: str | None = None) -> list[StoredClaim]:
    at_site = _site_filter(site)
    with ws.transaction() as conn:
        found = [c for c in doccrypt.visible_claims(ws, conn)
                 if at_site(c) and _with_method(c, method) and _from_source(c, source)]
        ws.audit(conn, "read_claims", None, {"site": site, "method": method, "source": source,
                                             "claims": len(found)})
    return found


def _site_filter(site: str | None) -> Callable[[StoredClaim], bool]:
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

    return lambda claim: any(matches(p) for p in claim.body["places"])


def _near(place: PlaceJson, known: Place) -> bool:
    if None in (place.get("lat"), place.get("lon"), known.lat, known.lon):
        return False
    return km(place["lat"], place["lon"], known.lat, known.lon) <= SITE_KM  # type: ignore[arg-type]


def _with_method(claim: StoredClaim, method: str | None) -> bool:
    if method is None:
        return True
    wanted = method.strip().lower()
    return wanted in claim.body["methods"] or wanted in claim.body["violations"] or wanted == claim.body["act"]


def _from_source(claim: StoredClaim, source: str | None) -> bool:
    return source is None or (claim.source or "").lower() == source.strip().lower()


@requires('read_claims')
def quotable(ws: Workspace, ids: set[int]) -> dict[int, dict[str, Any]]:
    """Claim id -> {"source", "body"} for the given claims (a dossier's quotes)."""
    with ws.engine.connect() as conn:
        return {c.id: {"source": c.source or f"document {c.document_id[:8]}", "body": c.body}
                for c in doccrypt.visible_claims(ws, conn) if c.id in ids}
