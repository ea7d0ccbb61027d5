"""The analysis in the browser: the findings matrix (with each cell's claims), a site's
dossier, the map (its data as JSON) and the timeline. Each page counts reviewed claims
only unless asked (`unreviewed=1`, as `--include-unreviewed`); the figures come from the
service layer (service/analysis.py), the pages only lay them out."""

from __future__ import annotations

import json
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import HTMLResponse

from testimonia.analysis.overview import PRECISION_KM, STATUSES
from testimonia.errors import NotFound
from testimonia.service.analysis import cell_claims, dossier, findings_matrix, map_data, site_timeline
from testimonia.web.access import Access
from testimonia.web.render import claim_facts, kind_class, page
from testimonia.web.sessions import Session

router = APIRouter()
Unreviewed = Annotated[bool, Query(alias="unreviewed")]
SiteId = Annotated[str, Query(min_length=1, max_length=300)]
MATRIX_ROWS = 50  # sites per page of the findings matrix
Code = Annotated[str, Query(min_length=1, max_length=80, pattern=r"^[a-z_]+(:[a-z_]+)?$")]
When = Annotated[str | None, Query(max_length=10, pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")]


def status_class(status: str) -> str:
    """A CSS class for a status of analysis/overview.py (only those)."""
    return f"status-{STATUSES.index(status)}" if status in STATUSES else "status-other"


@router.get("/findings", response_class=HTMLResponse)
def matrix(request: Request, session: Annotated[Session, Depends(Access("read_results"))],
           unreviewed: Unreviewed = False, number: Annotated[int, Query(alias="page", ge=1)] = 1) -> Response:
    """The matrix, MATRIX_ROWS sites a page (the most reported first)."""
    found, basis = findings_matrix(session.ws, unreviewed)
    pages = max(1, -(-len(found.sites) // MATRIX_ROWS))
    number = min(number, pages)
    rows = found.sites[(number - 1) * MATRIX_ROWS:number * MATRIX_ROWS]
    extra = {"unreviewed": "1"} if unreviewed else {}

    def cell_href(site: str, allegation: str, pending: bool) -> str:
        return "/findings/cell?" + urlencode({"site": site, "allegation": allegation,
                                              **({"unreviewed": "1"} if unreviewed or pending else {})})

    def page_href(n: int) -> str:
        return "/findings?" + urlencode({**extra, "page": str(n)})

    return page(request, "findings.html", {
        "matrix": found, "rows": rows, "first": (number - 1) * MATRIX_ROWS + 1, "number": number,
        "pages": pages, "basis": basis, "unreviewed": unreviewed, "statuses": STATUSES,
        "status_class": status_class, "cell_href": cell_href, "page_href": page_href,
        "dossier_href": lambda site: "/dossier?" + urlencode({"site": site, **extra})}, session=session)


@router.get("/findings/cell", response_class=HTMLResponse)
def cell(request: Request, session: Annotated[Session, Depends(Access("read_claims"))],
         site: SiteId, allegation: Code, unreviewed: Unreviewed = False) -> Response:
    chosen, findings, claims = cell_claims(session.ws, site, allegation, unreviewed)
    return page(request, "cell.html", {
        "site": chosen, "allegation": allegation, "findings": findings, "unreviewed": unreviewed,
        "status_class": status_class,
        "claims": [(c, claim_facts(c.body), kind_class(c.body["act"])) for c in claims]}, session=session)


@router.get("/dossier", response_class=HTMLResponse)
def site_dossier(request: Request, session: Annotated[Session, Depends(Access("read_claims"))],
                 site: SiteId, unreviewed: Unreviewed = False) -> Response:
    only_unreviewed = False
    try:
        report = dossier(session.ws, site, unreviewed)
    except NotFound:
        if unreviewed:
            raise
        report = dossier(session.ws, site, include_unreviewed=True)  # a site only unreviewed claims name
        unreviewed = only_unreviewed = True
    return page(request, "dossier.html", {"report": report, "s": report["site"], "unreviewed": unreviewed,
                                          "only_unreviewed": only_unreviewed, "status_class": status_class},
                session=session)


@router.get("/map", response_class=HTMLResponse)
def map_page(request: Request, session: Annotated[Session, Depends(Access("read_results"))],
             unreviewed: Unreviewed = False) -> Response:
    return page(request, "map.html", {"unreviewed": unreviewed, "statuses": STATUSES,
                                      "tiles": str(session.ws.config["map_tiles"] or ""),
                                      "status_class": status_class, "precision_km": PRECISION_KM},
                session=session)


@router.get("/map/data.json")
def map_json(session: Annotated[Session, Depends(Access("read_results"))], unreviewed: Unreviewed = False,
             method: Annotated[str | None, Query(max_length=80, pattern=r"^[a-z_]+(:[a-z_]+)?$")] = None,
             start: When = None, end: When = None,
             perpetrator: Annotated[str | None, Query(max_length=80, pattern=r"^[a-z0-9_]+$")] = None,
             conflict: Annotated[str | None, Query(max_length=80, pattern=r"^[a-z0-9_]+$")] = None) -> Response:
    """The map's layers as JSON (json.dumps: every value a JSON string, never markup; `<`,
    `>` and `&` as \\u escapes too, so that no text of it reads as markup anywhere)."""
    data = json.dumps(map_data(session.ws, unreviewed, method, start, end, perpetrator, conflict),
                      ensure_ascii=True)
    for char in "<>&":
        data = data.replace(char, f"\\u{ord(char):04x}")
    return Response(data, media_type="application/json")


@router.get("/timeline", response_class=HTMLResponse)
def timeline_page(request: Request, session: Annotated[Session, Depends(Access("read_results"))],
                  unreviewed: Unreviewed = False) -> Response:
    return page(request, "timeline.html", {"timeline": site_timeline(session.ws, unreviewed),
                                           "unreviewed": unreviewed, "status_class": status_class,
                                           "statuses": STATUSES}, session=session)
