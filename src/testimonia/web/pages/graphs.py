"""The transfer network and the patterns across sites and conflicts: what `testimonia
transfers` and `testimonia patterns` give, laid out by the service layer
(service/analysis.py, analysis/graphs.py) and drawn as SVG by the templates (no script)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse

from testimonia.analysis.overview import STATUSES
from testimonia.service.analysis import pattern_report, transfer_network
from testimonia.web.access import Access
from testimonia.web.pages.analysis import Unreviewed, status_class
from testimonia.web.render import page
from testimonia.web.sessions import Session

router = APIRouter()


@router.get("/transfers", response_class=HTMLResponse)
def transfers(request: Request, session: Annotated[Session, Depends(Access("read_results"))],
              unreviewed: Unreviewed = False) -> Response:
    drawn, basis = transfer_network(session.ws, unreviewed)
    return page(request, "transfers.html", {"network": drawn, "basis": basis, "unreviewed": unreviewed,
                                            "statuses": STATUSES, "status_class": status_class},
                session=session)


@router.get("/patterns", response_class=HTMLResponse)
def patterns(request: Request, session: Annotated[Session, Depends(Access("read_results"))],
             unreviewed: Unreviewed = False) -> Response:
    found, basis = pattern_report(session.ws, unreviewed)
    return page(request, "patterns.html", {"patterns": found, "basis": basis, "unreviewed": unreviewed},
                session=session)
