"""Review in the browser: the queue, and accepting or rejecting a claim through the same
service function as `testimonia claim accept|reject` (signed, audited)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from testimonia.errors import InvalidValue
from testimonia.service.review import decide, review_page
from testimonia.service.reviewed import ReviewedClaim
from testimonia.web.access import Access
from testimonia.web.render import claim_facts, kind_class, page
from testimonia.web.sessions import Session

router = APIRouter()
PER_PAGE = 25
ClaimId = Annotated[int, Path(ge=1, le=2**62)]


@router.get("/review", response_class=HTMLResponse)
def queue(request: Request, session: Annotated[Session, Depends(Access("read_claims"))],
          page_number: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1) -> Response:
    found = review_page(session.ws, page_number, PER_PAGE)  # reads only that page's documents
    return page(request, "review.html", {
        "claims": [_row(c) for c in found.claims], "total": found.total, "page": found.page,
        "pages": found.pages}, session=session)


def _row(item: ReviewedClaim) -> tuple[ReviewedClaim, dict[str, str], str]:
    return item, claim_facts(item.body), kind_class(item.body["act"])


@router.post("/claims/{claim_id}/accept", response_class=HTMLResponse)
def accept(request: Request, claim_id: ClaimId,
           session: Annotated[Session, Depends(Access("review_claims"))]) -> Response:
    return _decided(request, session, decide(session.ws, claim_id, "accepted")[0])


@router.post("/claims/{claim_id}/reject", response_class=HTMLResponse)
def reject(request: Request, claim_id: ClaimId, session: Annotated[Session, Depends(Access("review_claims"))],
           reason: Annotated[str, Form(max_length=2000)] = "") -> Response:
    if not reason.strip():
        raise InvalidValue(f"Rejecting claim #{claim_id} needs a reason.",
                           fix="Say why (e.g. 'not at this site', 'hypothetical'), then reject.")
    return _decided(request, session, decide(session.ws, claim_id, "rejected", reason.strip())[0])


def _decided(request: Request, session: Session, item: ReviewedClaim) -> Response:
    if request.headers.get("HX-Request"):
        return page(request, "_decided.html", {"item": item, "facts": claim_facts(item.body)}, session=session)
    return RedirectResponse("/review", status_code=303)
