"""The home page, the document list and one document: its text with the claims'
evidence highlighted by kind, the claims beside it and its custody history."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response
from fastapi.responses import HTMLResponse

from testimonia.service.claims import claims_of
from testimonia.service.documents import list_documents, read_text, show_document
from testimonia.vocab import load_vocabulary
from testimonia.web.access import SIGNED_IN, Access
from testimonia.web.render import claim_facts, kind_class, page, segments
from testimonia.web.sessions import Session

router = APIRouter()
DocumentId = Annotated[str, Path(min_length=4, max_length=64, pattern="^[0-9a-f]+$")]


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: Annotated[Session, Depends(Access(SIGNED_IN))]) -> Response:
    return page(request, "home.html", {}, session=session)


@router.get("/documents", response_class=HTMLResponse)
def documents(request: Request, session: Annotated[Session, Depends(Access("list_documents"))]) -> Response:
    return page(request, "documents.html", {"documents": list_documents(session.ws)}, session=session)


@router.get("/documents/{document_id}", response_class=HTMLResponse)
def document(request: Request, document_id: DocumentId,
             session: Annotated[Session, Depends(Access("read_text"))]) -> Response:
    ws = session.ws
    view = show_document(ws, document_id)
    found = claims_of(ws, view.document.id)
    text = read_text(ws, view.document.id)
    vocab = load_vocabulary()
    return page(request, "document.html", {
        "doc": view.document, "history": view.history, "segments": segments(text, found),
        "acts": vocab.acts, "methods": vocab.methods, "violations": vocab.violations,
        "claims": [(c, claim_facts(c.body), kind_class(c.body["act"])) for c in found]}, session=session)
