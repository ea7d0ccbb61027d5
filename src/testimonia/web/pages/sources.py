"""Sources: pseudonyms, kinds, organisations and relations (`testimonia source list`),
with the relations as a small graph — never an identity. An identity is shown only to
the roles the library allows (service.vault.show_identity: vault_read, the source's own
organisation), on a deliberate POST, and each view is written to the audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse

from testimonia.analysis.graphs import source_graph
from testimonia.service.sources import list_relations, list_sources
from testimonia.service.vault import list_entries, show_identity
from testimonia.web.access import Access
from testimonia.web.render import page
from testimonia.web.sessions import Session

router = APIRouter()


@router.get("/sources", response_class=HTMLResponse)
def sources(request: Request, session: Annotated[Session, Depends(Access("read_sources"))]) -> Response:
    found, relations = list_sources(session.ws), list_relations(session.ws)
    return page(request, "sources.html", {
        "sources": found, "relations": relations, "vaulted": set(list_entries(session.ws)),
        "graph": source_graph([(r.a, r.b, r.relation.value) for r in relations])}, session=session)


@router.post("/sources/identity", response_class=HTMLResponse)
def identity(request: Request, session: Annotated[Session, Depends(Access("vault_read"))],
             source: Annotated[str, Form(min_length=1, max_length=200)]) -> Response:
    """One source's vault entry (audited as vault_read by the service)."""
    return page(request, "identity.html", {"source": source, "identity": show_identity(session.ws, source)},
                session=session)
