"""Claims read from the database one batch at a time: the same claims and the same
analysis whatever the batch, and a listing that decrypts only what its query keeps.
(Fictional testimonies; pseudonyms only.)"""

from __future__ import annotations

import pytest

from testimonia.service import analysis as analysis_service
from testimonia.service import doccrypt, reviewed
from testimonia.service.analysis import current_analysis, stored_analysis
from testimonia.service.claims import list_claims
from testimonia.service.review import decide, review_page, review_queue
from testimonia.service.workspace import Workspace


def _opened(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The ids of the claims decrypted from now on."""
    seen: list[int] = []
    open_row = doccrypt.open_row

    def counting(data_key: bytes, row: doccrypt.extractions.SealedRow, what: str) -> object:
        if what == "claim":
            seen.append(row.id)
        return open_row(data_key, row, what)
    monkeypatch.setattr(doccrypt, "open_row", counting)
    return seen


@pytest.mark.parametrize("batch", [1, 2, 10_000])
def test_claims_read_in_batches_are_the_same_claims(reviewed_ws: Workspace, batch: int) -> None:
    with reviewed_ws.engine.connect() as conn:
        whole = reviewed.reviewed_claims(reviewed_ws, conn)
        assert len(whole) > 2
        assert list(reviewed.each_reviewed(reviewed_ws, conn, batch=batch)) == whole


def test_the_analysis_is_the_same_whatever_the_batch(reviewed_ws: Workspace,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    results = {}
    for batch in (1, 10_000):
        analysis_service._MEMO.clear()
        monkeypatch.setattr(reviewed, "BATCH", batch)
        with reviewed_ws.transaction() as conn:  # forget the stored result: compute again
            conn.execute(analysis_service.analyses.analysis_results.delete())
        results[batch] = current_analysis(reviewed_ws, include_unreviewed=True)
    assert results[1]["findings"] and results[1] == results[10_000]


def test_the_stored_form_gives_the_current_analysis(reviewed_ws: Workspace) -> None:
    whole = current_analysis(reviewed_ws, include_unreviewed=True)
    kept = stored_analysis(reviewed_ws, include_unreviewed=True)
    assert list(kept.findings()) == whole["findings"]
    assert kept.head["sites"] == whole["sites"] and kept.results() == whole


def test_a_listing_by_source_decrypts_only_that_sources_claims(reviewed_ws: Workspace,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    everything = list(list_claims(reviewed_ws))
    alou = [c.id for c in everything if c.claim.source == "Alou"]
    assert alou and len(alou) < len(everything)
    opened = _opened(monkeypatch)
    assert [c.id for c in list_claims(reviewed_ws, source="alou")] == alou
    assert sorted(opened) == sorted(alou)


def test_a_listing_by_review_state_opens_only_documents_with_decisions(
        reviewed_ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    everything = list(list_claims(reviewed_ws))
    chosen = next(c for c in everything if c.claim.source == "Bintou")
    decide(reviewed_ws, str(chosen.id), "accepted")
    opened = _opened(monkeypatch)
    assert [c.id for c in list_claims(reviewed_ws, state="accepted")] == [chosen.id]
    bintou = {c.id for c in everything if c.claim.source == "Bintou"}
    assert set(opened) == bintou  # Alou's document has no decision: never opened
    opened.clear()
    assert [c.id for c in list_claims(reviewed_ws, method="detention")] == [
        c.id for c in everything if c.body["act"] == "detention"]
    undecided = {c.id for c in everything if c.claim.source == "Alou"}
    assert set(opened) <= bintou | {c.id for c in everything if c.id in undecided
                                    and c.body["act"] == "detention"}


def test_a_listing_is_given_as_it_is_read(reviewed_ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    total = len(list(list_claims(reviewed_ws)))
    opened = _opened(monkeypatch)
    monkeypatch.setattr(reviewed, "BATCH", 1)
    listing = list_claims(reviewed_ws)
    assert not opened  # nothing read before it is asked for
    next(listing)
    assert 0 < len(opened) < total  # the first document's claims, not all of them
    listing.close()


def test_the_review_queue_page_by_page(reviewed_ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    queue = review_queue(reviewed_ws)
    assert len(queue) > 2
    pages = [review_page(reviewed_ws, n, 2) for n in range(1, 4)]
    assert [p.total for p in pages] == [len(queue)] * 3 and pages[0].pages == -(-len(queue) // 2)
    assert [c.id for p in pages for c in p.claims] == [c.id for c in queue][:6]
    first = queue[0]
    first_document = {c.id for c in queue if c.claim.document_id == first.claim.document_id}
    opened = _opened(monkeypatch)
    assert [c.id for c in review_page(reviewed_ws, 1, 1).claims] == [first.id]
    assert set(opened) == first_document < {c.id for c in queue}  # the other document stays closed
    decide(reviewed_ws, str(queue[-1].id), "accepted")  # the last document now has a decision
    opened.clear()
    page = review_page(reviewed_ws, 1, 1)
    assert [c.id for c in page.claims] == [first.id] and page.total == len(queue) - 1
    decided = {c.id for c in queue if c.claim.document_id == queue[-1].claim.document_id}
    assert set(opened) == first_document | decided  # no other document is decrypted
