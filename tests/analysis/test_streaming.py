"""The analysis as a stream: the same results however the claims arrive, no claim body
kept, findings made one site at a time, and a stored analysis read line by line.
Structural checks only (what is held, what is parsed), never timings."""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest
from tests.analysis.test_corroboration import CAMP, OLENIVKA, SEVARE, TAGANROG

from testimonia.analysis import corroboration, stored
from testimonia.analysis.corroboration import Rules
from testimonia.analysis.inputs import ClaimIn, RelationIn
from testimonia.analysis.persons import PersonLink
from testimonia.analysis.results import Analysis, analyze
from testimonia.analysis.sites import Judgement
from testimonia.analysis.stored import Stored, Summary, write
from testimonia.shapes import ReviewBasisJson

PLACES = [SEVARE, CAMP, TAGANROG, OLENIVKA]
FACILITIES = ["shipping_container", "military_camp", "pretrial_detention_centre", "penal_colony", None]
METHODS = ["beating", "electric_shock", "waterboarding"]
REVIEW: ReviewBasisJson = {"include_unreviewed": True, "counted": 0, "pending": 0, "pending_sources": 0,
                           "rejected": 0, "conflicts": 0, "withdrawn": 0}


def _claim(i: int) -> ClaimIn:
    """A varied claim, the same for the same i: places, facilities, periods (dated,
    loose, open, none), denials, transfers, hearsay, named victims, documents without a
    source."""
    here = {**PLACES[i % 4], "facility": FACILITIES[i % 5]}
    there = {**PLACES[(i * 3 + 1) % 4], "facility": FACILITIES[(i + 2) % 5]}
    transfer = i % 9 == 0
    month = 1 + i % 12
    period = [None, {"start": f"2022-{month:02d}-01", "end": f"2022-{month:02d}-20", "text": "days"},
              {"start": "2022-01-01", "end": "2022-12-31", "text": "2022"},
              {"start": f"2023-{month:02d}-05", "end": None, "text": "from"}][i % 4]
    source = None if i % 11 == 0 else f"S{i % 7}"
    body = {"act": "transfer" if transfer else ("detention" if i % 6 == 0 else "ill_treatment"),
            "methods": [] if transfer or i % 13 == 0 else METHODS[: 1 + i % 3], "violations":
            ["torture"] if i % 17 == 0 else [], "places": [here, there] if transfer else [here],
            "perpetrators": [{"name": "X", "canonical": ["fsb", "wagner_group", None][i % 3]}],
            "period": period, "victim": {"who": ["self", "other", "group"][i % 3], "count": None,
                                         **({"name": "Данила" if i % 2 else "Danylo"} if i % 3 == 1 else {})},
            "first_hand": i % 4 != 1, "denial": i % 10 == 3, "interrogation_languages": ["ru"] if i % 8 == 0 else [],
            "evidence": [{"start": 0, "end": 1, "quote": f"q{i}"}],
            "transfer": {"from": here, "to": there} if transfer else None}
    return ClaimIn(i, f"doc-{i // 3}", source, "survivor" if source else None, body)  # type: ignore[arg-type]


CLAIMS = [_claim(i) for i in range(1, 240)]
RELATIONS = [RelationIn("S1", "S2", "relative_of"), RelationIn("S3", "S5", "interviewed_together")]
JUDGEMENTS = [Judgement("rename", "site:supp:ml_sevare/military_camp", name="Camp S"),
              Judgement("split", "site:supp:ru_taganrog/pretrial_detention_centre", "doc-7")]
LINKS = [PersonLink("Danylo K", ("Данила", "Danylo"))]


def _analysis(claims: list[ClaimIn]) -> Analysis:
    analysis = Analysis(RELATIONS, JUDGEMENTS, Rules(), LINKS)
    for claim in claims:
        analysis.add(claim)
    return analysis


def test_the_stored_form_reads_back_as_the_whole_analysis() -> None:
    whole = analyze(CLAIMS, RELATIONS, JUDGEMENTS, Rules(), LINKS)
    assert whole["findings"] and whole["transfers"]["trajectories"] and whole["transfers"]["edges"]
    back = Stored(write(_analysis(CLAIMS), REVIEW)).results()
    assert back == {**whole, "review": REVIEW}
    assert json.dumps(back, ensure_ascii=False) == json.dumps({**whole, "review": REVIEW}, ensure_ascii=False)


def test_one_sites_findings_are_the_only_lines_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    kept = Stored(write(_analysis(CLAIMS), REVIEW))
    everything = list(kept.findings())
    site = everything[0]["site"]
    parsed: list[str] = []
    loads = json.loads
    monkeypatch.setattr(stored.json, "loads", lambda text: parsed.append(text) or loads(text))
    mine = list(kept.findings({site}))
    assert mine == [f for f in everything if f["site"] == site]
    assert len(parsed) == len(mine) < len(everything)


def test_findings_are_made_one_site_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    judged: list[str] = []
    judge = corroboration._judge
    monkeypatch.setattr(corroboration, "_judge", lambda f, g, r: judged.append(f.site) or judge(f, g, r))
    analysis = _analysis(CLAIMS)
    findings = analysis.findings()
    first = next(findings)
    assert set(judged) == {first["site"]}  # the other sites' findings are not made yet
    rest = list(findings)
    assert len(set(judged)) == len({f["site"] for f in [first, *rest]}) > 1


def test_the_analysis_keeps_no_claim_body() -> None:
    claims = [_claim(i) for i in range(1, 60)]
    bodies = [c.body for c in claims]
    places = [p for b in bodies for p in b["places"]]
    before = [sys.getrefcount(b) for b in bodies], [sys.getrefcount(p) for p in places]
    analysis = _analysis(claims)
    del claims
    after = [sys.getrefcount(b) for b in bodies], [sys.getrefcount(p) for p in places]
    assert after[0] == [n - 1 for n in before[0]]  # only the ClaimIn held them: let go
    assert after[1] == before[1]
    assert analysis.resolution.facts and not hasattr(analysis.resolution.facts[0], "body")


@pytest.mark.parametrize("size", [1, 7, 1000])
def test_claims_given_in_batches_give_the_same_stored_analysis(size: int) -> None:
    analysis = Analysis(RELATIONS, JUDGEMENTS, Rules(), LINKS)
    for start in range(0, len(CLAIMS), size):
        for claim in CLAIMS[start:start + size]:
            analysis.add(claim)
    assert write(analysis, REVIEW) == write(_analysis(CLAIMS), REVIEW)


def test_the_summary_is_gathered_as_the_findings_pass() -> None:
    whole: dict[str, Any] = analyze(CLAIMS, RELATIONS, JUDGEMENTS, Rules(), LINKS)  # type: ignore[assignment]
    summary = Summary.of(iter(whole["findings"]))
    statuses = [f["status"] for f in whole["findings"]]
    assert summary.findings == len(statuses)
    assert summary.statuses["corroborated"] == statuses.count("corroborated") > 0
    ranked = sorted(whole["findings"], key=lambda f: (-f["independent_sources"], -f["first_hand_sources"]))
    assert summary.best == [f for f in ranked if f["status"] == "corroborated"][:5]
