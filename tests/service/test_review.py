"""Analyst review: decisions count, are kept, survive a new extraction, and are verified.

(Fictional testimonies; pseudonyms only.)"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, update

from testimonia.analysis.edits import ClaimChanges, parse_period, parse_plan
from testimonia.errors import InvalidValue, NotFound, PublicationRefused
from testimonia.extract import pipeline
from testimonia.service import extraction
from testimonia.service.analysis import current_analysis, dossier
from testimonia.service.claims import list_claims
from testimonia.service.documents import read_text
from testimonia.service.export import export
from testimonia.service.ingest import IngestOptions, ingest_paths
from testimonia.service.integrity import verify_workspace
from testimonia.service.persons import link_persons, list_persons
from testimonia.service.review import (
    add_claim,
    apply_plan,
    context,
    decide,
    keep,
    review_queue,
    show_claim,
)
from testimonia.service.reviewed import ReviewedClaim
from testimonia.service.workspace import Workspace
from testimonia.store.schema import claim_reviews, person_links


def _claims(ws: Workspace) -> list[ReviewedClaim]:
    return review_queue(ws)


def _of(ws: Workspace, source: str, method: str | None = None) -> ReviewedClaim:
    return next(c for c in _claims(ws) if c.claim.source == source
                and (method is None or method in c.body["methods"]))


def _findings(ws: Workspace, include_unreviewed: bool = False) -> list[dict[str, Any]]:
    return list(current_analysis(ws, include_unreviewed)["findings"])  # type: ignore[arg-type]


def test_unreviewed_claims_wait_and_count_only_when_asked(reviewed_ws: Workspace) -> None:
    ws = reviewed_ws
    results = current_analysis(ws)
    assert results["findings"] == []
    assert results["review"]["pending"] == len(_claims(ws)) > 0
    assert results["review"]["pending_sources"] == 2
    assert any(f["status"] == "corroborated" for f in _findings(ws, include_unreviewed=True))


def test_accepted_claims_count_and_rejected_never(reviewed_ws: Workspace) -> None:
    ws = reviewed_ws
    alou, bintou = _of(ws, "Alou", "beating"), _of(ws, "Bintou", "beating")
    decide(ws, [alou.id, bintou.id], "accepted", "both read in full")
    beating = [f for f in _findings(ws) if f["allegation"] == "beating"]
    assert [f["status"] for f in beating] == ["corroborated"]
    decide(ws, bintou.id, "rejected", "she was not inside the camp")
    for include in (False, True):  # a rejection holds even when unreviewed claims count
        beating = [f for f in _findings(ws, include) if f["allegation"] == "beating"]
        assert [f["status"] for f in beating] == ["single source"], beating
    assert current_analysis(ws)["review"]["rejected"] == 1


def test_an_edit_keeps_the_extracted_version_and_every_decision(reviewed_ws: Workspace) -> None:
    ws = reviewed_ws
    claim = _of(ws, "Alou", "beating")
    decide(ws, claim.id, "accepted")
    [edited] = decide(ws, claim.id, "edited", "the beatings were in April",
                      ClaimChanges(period="2022-04", methods=("beating", "restraint")))
    shown = show_claim(ws, claim.id)
    assert shown.state == "edited" and shown == edited
    assert shown.body["methods"] == ["beating", "restraint"]
    assert shown.body["period"] == parse_period("2022-04")
    assert shown.claim.body == claim.claim.body  # the extracted version, untouched
    assert [d.decision for d in shown.history] == ["accepted", "edited"]
    assert shown.history[-1].reason == "the beatings were in April"
    assert shown.history[-1].actor == ws.actor
    assert verify_workspace(ws).problems == []


def test_unknown_values_are_refused_with_the_closest_known(reviewed_ws: Workspace) -> None:
    claim = _of(reviewed_ws, "Alou", "beating")
    with pytest.raises(InvalidValue, match="Did you mean electric_shock"):
        decide(reviewed_ws, claim.id, "edited", changes=ClaimChanges(methods=("electric shok",)))
    with pytest.raises(InvalidValue, match="not a period"):
        decide(reviewed_ws, claim.id, "edited", changes=ClaimChanges(period="spring"))
    with pytest.raises(InvalidValue, match="No place called"):
        decide(reviewed_ws, claim.id, "edited", changes=ClaimChanges(places=("Qwxzy",)))
    with pytest.raises(NotFound):
        decide(reviewed_ws, 9999, "accepted")
    assert show_claim(reviewed_ws, claim.id).state == "unreviewed"


def test_a_place_is_found_by_any_of_its_names() -> None:
    from testimonia.analysis.edits import place_json
    assert place_json("Таганрог")["country"] == "RU"
    assert place_json("Sevare")["country"] == "ML"
    assert place_json("Nara, ML")["country"] == "ML"  # a country code picks among places of one name
    assert place_json("Nara, JP")["country"] == "JP"
    with pytest.raises(InvalidValue, match="No place called 'Nara'"):
        place_json("Nara, FR")


# A new extraction -------------------------------------------------------------------------

def _reextract(ws: Workspace, monkeypatch: pytest.MonkeyPatch, version: str,
               change: Callable[[Any], Any | None] = lambda claim: claim) -> None:
    """Extract again under a new pipeline version, each claim passed through `change`
    (None drops it)."""
    real = pipeline.extract_text

    def changed(*args: Any, **kwargs: Any) -> Any:
        doc = real(*args, **kwargs)
        kept = tuple(c for c in (change(claim) for claim in doc.claims) if c is not None)
        return dataclasses.replace(doc, claims=kept)

    monkeypatch.setattr(extraction, "pipeline_version", lambda: version)  # the driver's
    monkeypatch.setattr(pipeline, "pipeline_version", lambda: version)  # the worker's (extract_batch)
    monkeypatch.setattr(pipeline, "extract_text", changed)
    assert extraction.extract_workspace(ws).documents == 2


def test_decisions_survive_a_new_extraction(reviewed_ws: Workspace,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    ws = reviewed_ws
    alou = _of(ws, "Alou", "beating")
    decide(ws, alou.id, "accepted")
    decide(ws, _of(ws, "Bintou", "beating").id, "rejected", "saw it from outside")
    _reextract(ws, monkeypatch, "new-version")
    states = {(c.claim.source, c.state) for c in list_claims(ws) if "beating" in c.body["methods"]}
    assert states == {("Alou", "accepted"), ("Bintou", "rejected")}
    kept = [c for c in current_analysis(ws, include_unreviewed=True)["findings"]
            if c["allegation"] == "beating"]
    assert [f["status"] for f in kept] == ["single source"]  # the rejection held
    assert review_queue(ws, conflicts_only=True) == []
    assert current_analysis(ws)["review"]["counted"] == 1


def test_a_new_extraction_that_disagrees_is_listed_not_resolved(reviewed_ws: Workspace,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    ws = reviewed_ws
    claim = _of(ws, "Alou", "beating")
    decide(ws, claim.id, "edited", "cables: beating", ClaimChanges(period="2022-03"))

    def other_method(c: Any) -> Any:
        return dataclasses.replace(c, methods=("whipping",)) if "beating" in c.methods else c

    _reextract(ws, monkeypatch, "disagreeing-version", other_method)
    [conflict] = review_queue(ws, conflicts_only=True)
    assert conflict.state == "edited" and conflict.conflict and "methods" in conflict.conflict
    assert "beating" in conflict.body["methods"]  # the analyst's version still counts
    assert conflict.claim.body["methods"] == ["whipping"]
    [resolved] = [keep(ws, conflict.id, "still beating")]
    assert resolved.conflict is None and "beating" in resolved.body["methods"]
    assert review_queue(ws, conflicts_only=True) == []


def test_a_claim_no_longer_extracted_keeps_its_reviewed_version(reviewed_ws: Workspace,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    ws = reviewed_ws
    claim = _of(ws, "Alou", "beating")
    decide(ws, claim.id, "accepted")
    _reextract(ws, monkeypatch, "forgetful-version", lambda c: None if "beating" in c.methods else c)
    [orphan] = review_queue(ws, conflicts_only=True)
    assert orphan.id < 0 and orphan.state == "accepted" and "no longer finds" in (orphan.conflict or "")
    assert current_analysis(ws)["review"]["counted"] == 1
    decide(ws, f"r{-orphan.id}", "rejected", "the new reading is right")
    assert current_analysis(ws)["review"]["counted"] == 0


def test_an_added_claim_stays_through_a_new_extraction(reviewed_ws: Workspace,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    ws = reviewed_ws
    doc = _of(ws, "Alou").claim.document_id
    added = add_claim(ws, doc[:12], ClaimChanges(act="detention", places=("Sévaré",),
                                                 period="2022-03"),
                      quote="soldiers held me in a container", reason="missed by extraction")
    assert added.state == "added" and added.body["evidence"][0]["quote"] == "soldiers held me in a container"
    _reextract(ws, monkeypatch, "another-version")
    again = show_claim(ws, added.id)
    assert again.state == "added" and again.body == added.body
    with pytest.raises(InvalidValue, match="occur"):
        add_claim(ws, doc[:12], ClaimChanges(act="detention"), quote="words nobody said")


# Verified and published ---------------------------------------------------------------------

def test_verify_names_a_decision_removed_or_changed_outside(reviewed_ws: Workspace) -> None:
    ws = reviewed_ws
    decide(ws, _of(ws, "Alou", "beating").id, "rejected", "to be removed")
    decide(ws, _of(ws, "Bintou", "beating").id, "accepted")
    with ws.engine.begin() as conn:
        conn.execute(delete(claim_reviews).where(claim_reviews.c.id == 1))
        conn.execute(update(claim_reviews).where(claim_reviews.c.id == 2).values(sealed=b"forged"))
    problems = [str(p) for p in verify_workspace(ws).problems]
    assert any("claim decision 1" in p and "removed" in p for p in problems), problems
    assert any("claim decision 2" in p and "not the one" in p for p in problems), problems


def test_a_public_export_uses_reviewed_claims_and_says_so(reviewed_ws: Workspace, tmp_path: Path) -> None:
    ws = reviewed_ws
    with pytest.raises(PublicationRefused, match="await review"):
        export(ws, tmp_path / "none", k=1)
    assert not (tmp_path / "none").exists()
    decide(ws, [c.id for c in _claims(ws)], "accepted")
    report = export(ws, tmp_path / "out", k=1)
    text = (report.folder / "findings.json").read_text(encoding="utf-8")
    assert '"claims": "claims accepted, edited or added in review only"' in text


# A review plan, and persons ------------------------------------------------------------------

def test_a_review_plan_applies_all_its_decisions_or_none(reviewed_ws: Workspace) -> None:
    ws = reviewed_ws
    pending = len(_claims(ws))
    bad = parse_plan({"documents": [
        {"file": "alou.md", "claims": [{"add": {"quote": "soldiers held me in a container",
                                                "act": "detention", "place": "Sévaré"}}]},
        {"file": "bintou.md", "claims": [{"accept": {"quote": "words she never said"}}]}]}, "plan.yaml")
    with pytest.raises(InvalidValue, match=r"bintou\.md, entry 1: the quote matches no claim"):
        apply_plan(ws, bad)
    assert len(_claims(ws)) == pending and current_analysis(ws)["review"]["counted"] == 0
    good = parse_plan({"documents": [
        {"file": "alou.md", "reject_rest": "recoded from the full text",
         "claims": [{"add": {"quote": "soldiers held me in a container", "act": "detention",
                             "place": "Sévaré", "period": "2022-03", "reason": "as she tells it"}}]},
        {"file": "bintou.md", "claims": [{"accept": {"quote": "beat detainees", "was": "ill_treatment"}}]}]},
        "plan.yaml")
    report = apply_plan(ws, good)
    assert report.decisions["added"] == 1 and report.decisions["accepted"] == 1
    assert not [c for c in _claims(ws) if c.claim.source == "Alou"]  # the rest rejected


def test_a_plan_entry_names_what_is_wrong() -> None:
    with pytest.raises(InvalidValue, match=r"plan\.yaml: document 1 \(alou\.md\), entry 1: give exactly one"):
        parse_plan({"documents": [{"file": "alou.md", "claims": [{"quote": "x"}]}]}, "plan.yaml")
    with pytest.raises(InvalidValue, match="unknown field 'methods'"):
        parse_plan({"documents": [{"file": "a", "claims": [{"add": {"quote": "x", "methods": []}}]}]}, "p")
    with pytest.raises(InvalidValue, match=r"unknown key 'documnts'\. Did you mean documents"):
        parse_plan({"documnts": []}, "p")
    with pytest.raises(InvalidValue, match=r"unknown key 'reject_rset'\. Did you mean reject_rest"):
        parse_plan({"documents": [{"file": "a", "reject_rset": "typo"}]}, "p")


def test_a_person_is_linked_by_a_reviewer_and_the_link_is_verified(reviewed_ws: Workspace) -> None:
    ws = reviewed_ws
    doc = _of(ws, "Alou").claim.document_id
    add_claim(ws, doc[:12], ClaimChanges(act="detention", victim="other:Sékou", places=("Sévaré",)),
              quote="My cousin lives in Mopti")
    with pytest.raises(InvalidValue, match="No claim names 'Sekou Traoré'"):
        link_persons(ws, ["Sekou Traoré"], "Sékou")
    link = link_persons(ws, ["sékou"], "Sékou")
    assert link.aliases == ("Sékou",)
    assert list_persons(ws)[0] == [link]
    assert verify_workspace(ws).problems == []
    with ws.engine.begin() as conn:
        conn.execute(delete(person_links))
    assert any("person link 1" in str(p) and "removed" in str(p) for p in verify_workspace(ws).problems)


def test_a_dossier_quotes_each_witness_once_on_the_sentence_of_the_act(reviewed_ws: Workspace) -> None:
    ws = reviewed_ws
    decide(ws, [c.id for c in _claims(ws)], "accepted")
    report = dossier(ws, "Sévaré")
    beating = next(f for f in report["findings"] if f["allegation"] == "beating")
    assert sorted(q["source"] for q in beating["quotes"]) == ["Alou", "Bintou"]
    assert all("beat" in q["quote"] for q in beating["quotes"])
    for q in beating["quotes"]:  # where each quote is: the web dossier links to it
        assert read_text(ws, q["document"])[q["start"]:q["end"]] == q["quote"]


def test_a_reviewer_sees_the_other_places_the_words_could_name(ws: Workspace, tmp_path: Path) -> None:
    (tmp_path / "ali.md").write_text("---\nsource: Ali\nsource_kind: survivor\nlanguage: en\n---\n"
                                     "(Fictional.) They held me in Moura for a week.\n", encoding="utf-8")
    ingest_paths(ws, [tmp_path / "ali.md"], IngestOptions())
    extraction.extract_workspace(ws)
    [place] = context(ws, review_queue(ws)[0].id).places
    assert place["country"] == "ML" and any("(PT," in c for c in place["candidates"])
