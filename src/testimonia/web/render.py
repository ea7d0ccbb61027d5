"""Rendering: every page through one function (the signed-in user and the CSRF token
in its context), and the pieces a page shows of a claim and of a text."""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse

from testimonia.service.policy import ACTIONS
from testimonia.service.reviewed import ReviewedClaim
from testimonia.shapes import ClaimJson
from testimonia.web.sessions import Session
from testimonia.web.state import SESSION_COOKIE, state_of

__all__ = ["Segment", "claim_facts", "kind_class", "page", "segments"]

_CLASS = re.compile(r"[a-z_]{1,40}")


def page(request: Request, template: str, context: Mapping[str, Any], status: int = 200,
         session: Session | None = None, anonymous: bool = False) -> HTMLResponse:
    """The template rendered (autoescaped) with the session's user, the actions their role
    may take (`may`) and the CSRF token (none when `anonymous`: the sign-in page)."""
    state = state_of(request)
    if session is None and not anonymous:
        session = state.sessions.get(request.cookies.get(SESSION_COOKIE))
    may = {action for action, (roles, _) in ACTIONS.items() if session and session.user.role in roles}
    values = {"request": request, "session": session, "may": may, "toggle": _toggled(request),
              "user": session.user if session else None,
              "csrf": session.csrf if session else None, **context}
    response = state.pages.TemplateResponse(request, template, values, status_code=status)
    assert isinstance(response, HTMLResponse)
    return response


def _toggled(request: Request) -> str:
    """This page's address counting unreviewed claims too, or no longer (`unreviewed=1`)."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "unreviewed"]
    if request.query_params.get("unreviewed") not in ("1", "true", "on", "yes"):
        params.append(("unreviewed", "1"))
    return request.url.path + (f"?{urlencode(params)}" if params else "")


def kind_class(act: str) -> str:
    """A CSS class for a claim's act; only plain codes become classes."""
    return f"kind-{act}" if _CLASS.fullmatch(act) else "kind-other"


@dataclass(frozen=True)
class Segment:
    """A run of a text covered by the same claims (none: plain text)."""

    text: str
    claims: tuple[int, ...] = ()
    kind: str = ""
    start: int = 0  # where it starts in the text (its anchor: #at-START)


def segments(text: str, claims: Sequence[ReviewedClaim]) -> list[Segment]:
    """The text cut where a claim's evidence starts or ends; each run knows the claims
    whose evidence covers it and the kind (act) of the first one."""
    spans = [(int(e["start"]), int(e["end"]), c) for c in claims for e in c.body["evidence"]
             if 0 <= int(e["start"]) < int(e["end"]) <= len(text)]
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    found = []
    for a, b in itertools.pairwise(cuts):
        covering = [c for s, e, c in spans if s <= a and b <= e]
        ids = tuple(dict.fromkeys(c.id for c in covering))
        found.append(Segment(text[a:b], ids, kind_class(covering[0].body["act"]) if covering else "", a))
    return found


def claim_facts(body: ClaimJson) -> dict[str, str]:
    """A claim's fields in words, as the document view and the review queue show them."""
    places = "; ".join(p.get("name", "") + (f" ({p['facility']})" if p.get("facility") else "")
                       for p in body["places"])
    return {
        "act": body["act"],
        "methods": ", ".join([*body["methods"], *body["violations"]]) or "—",
        "place": places or "place unknown",
        "period": _period(body),
        "perpetrators": ", ".join(p["canonical"] or p["name"] for p in body["perpetrators"]) or "unknown",
        "heard": "first-hand" if body["first_hand"] else "hearsay",
        "victim": body["victim"]["who"],
        "quote": " … ".join(e["quote"] for e in body["evidence"]),
    }


def _period(body: ClaimJson) -> str:
    period = body["period"]
    if not period:
        return "date unknown"
    return period.get("text") or "–".join(str(v) for v in (period.get("start"), period.get("end")) if v) \
        or "date unknown"
