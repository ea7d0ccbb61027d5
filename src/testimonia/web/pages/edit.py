"""Editing a claim's fields in the browser, with pick-lists from the vocabularies: the
same decision as `testimonia claim edit` (service.review.decide, "edited"), signed and
audited. Only the fields the form changed are sent, parsed as a review plan's fields
(analysis.edits.changes_from). And adding a claim extraction missed, on words selected
in the document (or typed as a quote): `testimonia claim add DOC --quote …`
(service.review.add_claim, "added")."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse

from testimonia.analysis.edits import VICTIMS, changes_from
from testimonia.errors import InvalidValue
from testimonia.service.review import add_claim, decide, place_choices, show_claim
from testimonia.shapes import ClaimJson
from testimonia.vocab import load_vocabulary
from testimonia.web.access import Access
from testimonia.web.render import claim_facts, page
from testimonia.web.sessions import Session

router = APIRouter()
ClaimId = Annotated[int, Path(ge=1, le=2**62)]
DocumentId = Annotated[str, Path(min_length=4, max_length=64, pattern="^[0-9a-f]+$")]
SPAN = re.compile(r"(\d{1,9}):(\d{1,9})")
MAX_QUOTE = 5000
MANY = ("method", "violation", "perpetrator")


def form_values(body: ClaimJson) -> dict[str, str | list[str]]:
    """A claim's fields as the edit form shows them (and as changes_from reads them)."""
    period = body["period"] or {}
    start, end = period.get("start"), period.get("end")
    return {
        "act": body["act"], "method": sorted(body["methods"]), "violation": sorted(body["violations"]),
        "perpetrator": sorted(p["canonical"] for p in body["perpetrators"] if p["canonical"]),
        "place": "; ".join(p.get("name", "") for p in body["places"]),
        "period": "" if not start else start if start == end or not end else f"{start}..{end}",
        "victim": body["victim"]["who"], "hearsay": "" if body["first_hand"] else "yes",
        "denial": "yes" if body["denial"] else "",
    }


def changed_fields(before: Mapping[str, str | list[str]], form: Mapping[str, str | list[str]]) -> dict[str, object]:
    """The fields whose submitted value differs from the claim's, ready for changes_from."""
    fields: dict[str, object] = {}
    for key, old in before.items():
        new = form.get(key, [] if key in MANY else "")
        if (sorted(new) if isinstance(new, list) else str(new).strip()) == old:
            continue
        if key == "place":
            fields[key] = [p.strip() for p in str(new).split(";") if p.strip()]
        elif key in ("hearsay", "denial"):
            fields[key] = new == "yes"
        else:
            fields[key] = new
    return fields


@router.get("/places.json")
def places(session: Annotated[Session, Depends(Access("review_claims"))],
           q: Annotated[str, Query(max_length=200)] = "") -> Response:
    """The gazetteer's places a name may be, for the place fields of the edit and add
    forms: each with the value to put in the field ("NAME, CC") and what tells it apart."""
    found = [{"value": f"{p.name}, {p.country}",
              "label": " · ".join(x for x in (p.name, p.country, p.admin1 and f"region {p.admin1}",
                                                 p.facility_type or p.kind,
                                                 f"{p.population:,} inhabitants" if p.population else "") if x)}
             for p in place_choices(session.ws, q)]
    return JSONResponse({"places": found})


@router.get("/claims/{claim_id}/edit", response_class=HTMLResponse)
def edit_form(request: Request, claim_id: ClaimId,
              session: Annotated[Session, Depends(Access("review_claims"))]) -> Response:
    item = show_claim(session.ws, claim_id)
    vocab = load_vocabulary()
    return page(request, "edit.html", {
        "item": item, "facts": claim_facts(item.body), "values": form_values(item.body),
        "acts": vocab.acts, "methods": vocab.methods, "violations": vocab.violations,
        "perpetrators": vocab.perpetrators, "victims": VICTIMS}, session=session)


@router.post("/claims/{claim_id}/edit", response_class=HTMLResponse)
async def edit(request: Request, claim_id: ClaimId,
               session: Annotated[Session, Depends(Access("review_claims"))]) -> Response:
    form = await request.form()
    submitted: dict[str, str | list[str]] = {
        key: ([str(v) for v in form.getlist(key)] if key in MANY else str(form.get(key) or ""))
        for key in ("act", "method", "violation", "perpetrator", "place", "period", "victim",
                    "hearsay", "denial")}
    reason = str(form.get("reason") or "").strip()[:2000] or None
    item = show_claim(session.ws, claim_id)
    fields = changed_fields(form_values(item.body), submitted)
    if not fields:
        raise InvalidValue(f"Nothing was changed on claim #{claim_id}.",
                           fix="Change a field, or accept the claim as it is.")
    decide(session.ws, claim_id, "edited", reason, changes_from(fields))
    return RedirectResponse(f"/documents/{item.claim.document_id}#claim-{claim_id}", status_code=303)


@router.post("/documents/{document_id}/claims", response_class=HTMLResponse)
async def add(request: Request, document_id: DocumentId,
              session: Annotated[Session, Depends(Access("review_claims"))]) -> Response:
    """A claim on the words selected in the document (`span`, START:END, checked against
    `quote`) or on a quote alone, found once in the text; its fields as the form gives them."""
    form = await request.form()
    quote = str(form.get("quote") or "").strip()
    if not quote or len(quote) > MAX_QUOTE:
        raise InvalidValue("A new claim needs the document's exact words"
                           + (f" (at most {MAX_QUOTE} characters)." if quote else "."),
                           fix="Select the words in the text, or type them in the quote field.")
    found = SPAN.fullmatch(str(form.get("span") or "").strip())
    span = (int(found.group(1)), int(found.group(2))) if found else None
    fields: dict[str, object] = {}
    for key in ("act", "period"):
        value = str(form.get(key) or "").strip()
        if value:
            fields[key] = value
    for key in ("method", "violation"):
        values = [str(v) for v in form.getlist(key) if str(v).strip()]
        if values:
            fields[key] = values
    places = [p.strip() for p in str(form.get("place") or "").split(";") if p.strip()]
    if places:
        fields["place"] = places
    if form.get("hearsay") == "yes":
        fields["hearsay"] = True
    reason = str(form.get("reason") or "").strip()[:2000] or None
    item = add_claim(session.ws, document_id, changes_from(fields), span, quote, reason)
    return RedirectResponse(f"/documents/{item.claim.document_id}#claim-{item.id}", status_code=303)
