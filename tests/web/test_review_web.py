"""Review in the browser: the queue, accept and reject (with a reason) through the same
service function as `testimonia claim accept|reject`, signed and audited."""

from __future__ import annotations

import re

from tests.web.conftest import Web

from testimonia.service.audit import read_audit
from testimonia.service.claims import claims_of
from testimonia.service.documents import list_documents
from testimonia.service.integrity import verify_workspace
from testimonia.service.review import review_queue, show_claim


def _kadi_claims(web: Web) -> list[int]:
    with web.open_as("s-admin") as admin:
        doc = next(d for d in list_documents(admin) if d.file_name == "kadi.md").id
        return [c.id for c in claims_of(admin, doc)]


def test_a_reviewer_accepts_and_rejects_with_a_reason(web: Web) -> None:
    first, second = _kadi_claims(web)[:2]
    csrf = web.sign_in("s-reviewer")
    queue = web.client.get("/review")
    assert "Review queue <small>(6 waiting)</small>" in queue.text
    accepted = web.client.post(f"/claims/{first}/accept", data={"csrf_token": csrf}, follow_redirects=False)
    assert (accepted.status_code, accepted.headers["location"]) == (303, "/review")
    rejected = web.client.post(f"/claims/{second}/reject", data={"csrf_token": csrf, "reason": "not at this site"},
                               headers={"HX-Request": "true"})
    assert rejected.status_code == 200 and f"Claim #{second} (" in rejected.text and "rejected" in rejected.text
    assert "(4 waiting)" in web.client.get("/review").text
    with web.open_as("s-admin") as admin:
        waiting = {c.id for c in review_queue(admin)}
        reviewed = [e for e in read_audit(admin).entries if e.action == "claim_reviewed"]
        report = verify_workspace(admin)
    assert first not in waiting and second not in waiting
    assert [(e.actor, e.details["decision"], e.signature is not None) for e in reviewed] == [
        ("s-reviewer", "accepted", True), ("s-reviewer", "rejected", True)]
    assert report.ok


def test_a_rejection_needs_a_reason(web: Web) -> None:
    claim = _kadi_claims(web)[0]
    csrf = web.sign_in("s-reviewer")
    response = web.client.post(f"/claims/{claim}/reject", data={"csrf_token": csrf, "reason": "  "})
    assert response.status_code == 400
    assert f"Rejecting claim #{claim} needs a reason." in response.text


def test_a_viewer_may_not_review_and_the_refusal_is_audited(web: Web) -> None:
    claim = _kadi_claims(web)[0]
    csrf = web.sign_in("s-viewer")
    response = web.client.post(f"/claims/{claim}/accept", data={"csrf_token": csrf})
    assert response.status_code == 403 and "may not accept, reject, edit or add claims" in response.text
    with web.open_as("s-admin") as admin:
        refused = [e for e in read_audit(admin).entries if e.action == "refused"]
    assert refused[-1].actor == "s-viewer" and refused[-1].subject == f"web POST /claims/{claim}/accept"


def test_an_unknown_claim_is_named(web: Web) -> None:
    csrf = web.sign_in("s-reviewer")
    response = web.client.post("/claims/999999/accept", data={"csrf_token": csrf})
    assert response.status_code == 404 and "999999" in response.text


def test_the_document_view_highlights_evidence_and_lists_claims_and_custody(web: Web) -> None:
    with web.open_as("s-admin") as admin:
        doc = next(d for d in list_documents(admin) if d.file_name == "oleg.md").id
    web.sign_in("s-reviewer")
    page = web.client.get(f"/documents/{doc}")
    assert page.status_code == 200
    assert '<span class="evidence kind-' in page.text
    for words in ("electric_shock", "Kherson", "first-hand", "unreviewed", "received", "text_extracted"):
        assert words in page.text, words
    bad = web.client.get("/documents/not-hex")
    assert bad.status_code == 400 and "document_id &#39;not-hex&#39;: String should match pattern" in bad.text


def _form(html: str) -> dict[str, str | list[str]]:
    """The edit form's values as a browser would submit them unchanged."""
    values: dict[str, str | list[str]] = {}
    for name, body in re.findall(r'<select name="(\w+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.findall(r'<option value="([^"]*)" selected>', body)
        values[name] = chosen if name in ("method", "violation", "perpetrator") else (chosen or [""])[0]
    for attributes in re.findall(r"<input ([^>]*)>", html):
        name, value = re.search(r'name="(\w+)"', attributes), re.search(r' value="([^"]*)"', attributes)
        if name and value and "type=" not in attributes:
            values[name.group(1)] = value.group(1)
    if re.search(r'name="denial" value="yes" checked', html):
        values["denial"] = "yes"
    return values


def test_a_reviewer_edits_a_claim_with_the_vocabularies_pick_lists(web: Web) -> None:
    claim = _kadi_claims(web)[1]
    csrf = web.sign_in("s-reviewer")
    form_page = web.client.get(f"/claims/{claim}/edit")
    assert form_page.status_code == 200 and '<option value="waterboarding">' in form_page.text
    values = _form(form_page.text)
    unchanged = web.client.post(f"/claims/{claim}/edit", data={**values, "csrf_token": csrf})
    assert unchanged.status_code == 400 and f"Nothing was changed on claim #{claim}." in unchanged.text
    methods = [*values["method"], "waterboarding"]
    edited = web.client.post(f"/claims/{claim}/edit", data={**values, "method": methods, "period": "2021",
                                                            "reason": "the notes say so", "csrf_token": csrf},
                             follow_redirects=False)
    assert edited.status_code == 303 and edited.headers["location"].endswith(f"#claim-{claim}")
    with web.open_as("s-admin") as admin:
        item = show_claim(admin, claim)
        entry = [e for e in read_audit(admin).entries if e.action == "claim_reviewed"][-1]
    assert item.state == "edited" and "waterboarding" in item.body["methods"]
    assert item.body["period"] is not None and item.body["period"]["start"].startswith("2021")
    assert entry.actor == "s-reviewer" and entry.details["decision"] == "edited"
    assert set(entry.details["changed"]) == {"methods", "period"}
    bad = web.client.post(f"/claims/{claim}/edit", data={**values, "period": "March", "csrf_token": csrf})
    assert bad.status_code == 400 and "March" in bad.text


def _kadi(web: Web) -> str:
    with web.open_as("s-admin") as admin:
        return next(d for d in list_documents(admin) if d.file_name == "kadi.md").id


def test_a_reviewer_adds_a_claim_on_words_of_the_document(web: Web) -> None:
    doc = _kadi(web)
    csrf = web.sign_in("s-reviewer")
    page = web.client.get(f"/documents/{doc}")
    assert f'action="/documents/{doc}/claims"' in page.text and '<textarea name="quote"' in page.text
    added = web.client.post(f"/documents/{doc}/claims", data={
        "csrf_token": csrf, "quote": "beat me with cables every night", "act": "ill_treatment",
        "method": ["beating", "waterboarding"], "place": "Sévaré", "period": "2022-03", "hearsay": "yes",
        "reason": "missed by extraction"}, follow_redirects=False)
    assert added.status_code == 303, added.text
    claim = int(added.headers["location"].rsplit("#claim-", 1)[1])
    assert added.headers["location"] == f"/documents/{doc}#claim-{claim}"
    with web.open_as("s-admin") as admin:
        item = show_claim(admin, claim)
        entry = [e for e in read_audit(admin).entries if e.action == "claim_reviewed"][-1]
        report = verify_workspace(admin)
    assert item.state == "added" and item.body["act"] == "ill_treatment"
    assert set(item.body["methods"]) == {"beating", "waterboarding"} and not item.body["first_hand"]
    assert item.body["evidence"][0]["quote"] == "beat me with cables every night"
    assert (entry.actor, entry.details["decision"], entry.signature is not None) == ("s-reviewer", "added", True)
    assert report.ok
    shown = web.client.get(f"/documents/{doc}").text
    assert f'id="claim-{claim}"' in shown and "state-added" in shown


def test_a_claim_from_a_selection_is_placed_by_its_span(web: Web) -> None:
    doc = _kadi(web)
    csrf = web.sign_in("s-reviewer")
    with web.open_as("s-admin") as admin:
        from testimonia.service.documents import read_text
        text = read_text(admin, doc)
    start = text.index("every night")
    added = web.client.post(f"/documents/{doc}/claims", data={
        "csrf_token": csrf, "quote": "every night", "span": f"{start}:{start + 11}", "act": "detention"},
        follow_redirects=False)
    assert added.status_code == 303, added.text
    moved = web.client.post(f"/documents/{doc}/claims", data={
        "csrf_token": csrf, "quote": "every night", "span": f"{start + 1}:{start + 12}", "act": "arrest"})
    assert moved.status_code == 400 and "are not the quote given" in moved.text


def test_a_claim_on_words_the_document_does_not_hold_is_refused_with_the_reason(web: Web) -> None:
    doc = _kadi(web)
    csrf = web.sign_in("s-reviewer")
    wrong = web.client.post(f"/documents/{doc}/claims", data={
        "csrf_token": csrf, "quote": "words nobody said", "act": "detention"})
    assert wrong.status_code == 400 and "The quote does not occur in kadi.md." in wrong.text
    assert "Quote the words exactly" in wrong.text
    empty = web.client.post(f"/documents/{doc}/claims", data={"csrf_token": csrf, "quote": " ", "act": "detention"})
    assert empty.status_code == 400 and "needs the document&#39;s exact words" in empty.text
    no_act = web.client.post(f"/documents/{doc}/claims", data={"csrf_token": csrf, "quote": "every night"})
    assert no_act.status_code == 400 and "needs an act, a method or a violation" in no_act.text
    no_csrf = web.client.post(f"/documents/{doc}/claims", data={"quote": "every night", "act": "detention"})
    assert no_csrf.status_code == 403


def test_the_place_field_offers_the_gazetteer_s_places_of_a_name_and_takes_the_one_chosen(web: Web) -> None:
    csrf = web.sign_in("s-reviewer")
    offered = web.client.get("/places.json", params={"q": "Nara"}).json()["places"]
    assert "Nara, ML" in {p["value"] for p in offered}
    assert {p["value"].rsplit(", ", 1)[1] for p in offered} >= {"ML", "JP"}  # the reviewer picks
    assert web.client.get("/places.json", params={"q": "<b>"}).json() == {"places": []}
    claim = re.search(r'action="/claims/(\d+)/accept"', web.client.get("/review").text)
    assert claim
    form = web.client.get(f"/claims/{claim.group(1)}/edit").text
    assert 'list="place-choices"' in form and '<datalist id="place-choices">' in form
    saved = web.client.post(f"/claims/{claim.group(1)}/edit", data={
        **_form(form), "csrf_token": csrf, "place": "Nara, ML", "reason": "the Malian town"}, follow_redirects=False)
    assert saved.status_code == 303
    with web.open_as("s-admin") as admin:
        assert [(p["name"], p["country"]) for p in show_claim(admin, int(claim.group(1))).body["places"]] == [
            ("Nara", "ML")]
