"""Search over the testimony and the claims the user's organisation sees, with facets.
The index is the organisation's, encrypted on disk and shared by its sessions and
processes; a search first brings it up to date with what changed since (a review
decision, a new extraction, a share — by anyone), service/search.py and docs/web.md."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import HTMLResponse

from testimonia.service import search as searching
from testimonia.service.search import FACETS
from testimonia.web.access import Access
from testimonia.web.render import page
from testimonia.web.sessions import Session

router = APIRouter()
FacetValues = Annotated[list[str], Query(max_length=20)]


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, session: Annotated[Session, Depends(Access("read_text"))],
           q: Annotated[str, Query(max_length=300)] = "", language: FacetValues = [],  # noqa: B006
           source_kind: FacetValues = [], site: FacetValues = [], method: FacetValues = [],  # noqa: B006
           period: FacetValues = [], perpetrator: FacetValues = [],  # noqa: B006
           review_state: FacetValues = [], organization: FacetValues = []) -> Response:  # noqa: B006
    filters = {"language": language, "source_kind": source_kind, "site": site, "method": method,
               "period": period, "perpetrator": perpetrator, "review_state": review_state,
               "organization": organization}
    results = None
    if q.strip() or any(filters.values()):
        results = searching.search(session.ws, q, filters)
    template = "_results.html" if request.headers.get("HX-Request") else "search.html"
    return page(request, template, {"q": q, "results": results, "facets": FACETS, "filters": filters},
                session=session)

