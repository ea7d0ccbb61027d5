"""Search over the testimony and the claims the user's organisation sees, with facets.
The index is built in memory at the session's first search and dropped with the
session (service/search.py; docs/web.md), rebuilt after the session's own review
decisions and when it is older than INDEX_SECONDS (others' decisions)."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import HTMLResponse

from testimonia.service.search import FACETS, SearchIndex, build_index
from testimonia.web.access import Access
from testimonia.web.render import page
from testimonia.web.sessions import Session

router = APIRouter()
FacetValues = Annotated[list[str], Query(max_length=20)]
INDEX_SECONDS = 5 * 60


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, session: Annotated[Session, Depends(Access("read_text"))],
           q: Annotated[str, Query(max_length=300)] = "", language: FacetValues = [],  # noqa: B006
           source_kind: FacetValues = [], site: FacetValues = [], method: FacetValues = [],  # noqa: B006
           review_state: FacetValues = [], organization: FacetValues = []) -> Response:  # noqa: B006
    filters = {"language": language, "source_kind": source_kind, "site": site, "method": method,
               "review_state": review_state, "organization": organization}
    results = None
    if q.strip() or any(filters.values()):
        results = index_of(session).search(q, filters)
    template = "_results.html" if request.headers.get("HX-Request") else "search.html"
    return page(request, template, {"q": q, "results": results, "facets": FACETS, "filters": filters},
                session=session)


def index_of(session: Session) -> SearchIndex:
    """The session's index, built at its first search (one build at a time)."""
    with session.lock:
        if session.index is None or time.monotonic() - session.index_built > INDEX_SECONDS:
            if session.index is not None:
                session.index.close()
            session.index = build_index(session.ws)
            session.index_built = time.monotonic()
        return session.index
