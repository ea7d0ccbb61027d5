"""Reading back extracted claims, filtered the way an investigator asks:
by site, by method or violation, by source."""

from __future__ import annotations

from testimonia.extract.textfold import fold
from testimonia.store import extractions
from testimonia.store.extractions import StoredClaim
from testimonia.workspace import Workspace


def list_claims(ws: Workspace, site: str | None = None, method: str | None = None,
                source: str | None = None) -> list[StoredClaim]:
    with ws.engine.connect() as conn:
        return [c for c in extractions.iter_claims(conn)
                if _at_site(c, site) and _with_method(c, method) and _from_source(c, source)]


def _at_site(claim: StoredClaim, site: str | None) -> bool:
    if site is None:
        return True
    wanted = fold(site)
    return any(wanted in fold(str(p.get(key) or "")) for p in claim.body["places"]
               for key in ("name", "text", "id"))


def _with_method(claim: StoredClaim, method: str | None) -> bool:
    if method is None:
        return True
    wanted = method.strip().lower()
    return wanted in claim.body["methods"] or wanted in claim.body["violations"] or wanted == claim.body["act"]


def _from_source(claim: StoredClaim, source: str | None) -> bool:
    return source is None or (claim.source or "").lower() == source.strip().lower()
