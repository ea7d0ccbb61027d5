"""Reading a stored analysis is a look-up: the database moves an input generation on
every write to a table the analysis reads, and a stored result known current at that
generation is returned without opening a claim.

(Fictional testimonies; pseudonyms only.)"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import inspect, text

from testimonia.service import analysis as analysis_service
from testimonia.service.analysis import current_analysis
from testimonia.service.review import decide, review_queue
from testimonia.service.sources import relate_sources
from testimonia.service.workspace import Workspace
from testimonia.store import analyses
from testimonia.store.schema import ANALYSIS_INPUTS, NOT_ANALYSIS_INPUTS


@pytest.fixture
def analysed(reviewed_ws: Workspace) -> Iterator[Workspace]:
    current_analysis(reviewed_ws, include_unreviewed=True)
    yield reviewed_ws


def _generation(ws: Workspace) -> int:
    with ws.engine.connect() as conn:
        return analyses.generation(conn)


def test_every_table_is_classified_and_every_input_moves_the_generation(ws: Workspace) -> None:
    with ws.engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        triggers = {(r[0], r[1]) for r in conn.execute(text(
            "SELECT event_object_table, trigger_name FROM information_schema.triggers"
            if conn.dialect.name == "postgresql" else
            "SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'"))}
    tables -= {"alembic_version"}
    assert tables == set(ANALYSIS_INPUTS) | set(NOT_ANALYSIS_INPUTS), (
        "a new table must be classified in store/schema.py: if the analysis reads it, "
        "give it the input_generation triggers in its migration")
    for table in ANALYSIS_INPUTS:
        for event in ("insert", "update", "delete"):
            assert (table, f"{table}_{event}_generation") in triggers


def test_a_current_stored_analysis_is_read_without_opening_a_claim(
        analysed: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    first = current_analysis(analysed, include_unreviewed=True)
    analysis_service._MEMO.clear()  # a new process: decrypt and parse the stored result
    monkeypatch.setattr(analysis_service, "_inputs", _refuse)
    assert current_analysis(analysed, include_unreviewed=True) == first
    assert current_analysis(analysed, include_unreviewed=True) is current_analysis(analysed, True)


def _refuse(*args: object, **kwargs: object) -> None:
    raise AssertionError("the stored analysis is current: no claim should be read")


def test_reads_and_their_audit_entries_do_not_move_the_generation(analysed: Workspace) -> None:
    before = _generation(analysed)
    current_analysis(analysed, include_unreviewed=True)
    current_analysis(analysed)  # the other variant: computed and stored once
    review_queue(analysed)
    assert _generation(analysed) == before


def test_each_variant_is_stored_on_its_own(analysed: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    reviewed = current_analysis(analysed)
    everything = current_analysis(analysed, include_unreviewed=True)
    analysis_service._MEMO.clear()
    monkeypatch.setattr(analysis_service, "_inputs", _refuse)
    assert current_analysis(analysed) == reviewed
    assert current_analysis(analysed, include_unreviewed=True) == everything


def test_a_review_decision_or_a_relation_moves_the_generation_and_changes_the_result(
        analysed: Workspace) -> None:
    assert not current_analysis(analysed)["findings"]  # nothing reviewed yet
    before = _generation(analysed)
    for claim in review_queue(analysed):
        decide(analysed, claim.id, "accepted")
    assert _generation(analysed) > before
    assert current_analysis(analysed)["findings"]
    before = _generation(analysed)
    relate_sources(analysed, "Alou", "Bintou", "relative_of")
    assert _generation(analysed) > before
    statuses = {f["status"] for f in current_analysis(analysed)["findings"]}
    assert "corroborated" not in statuses  # relatives are not independent


def test_a_write_that_changes_no_input_recomputes_nothing(analysed: Workspace,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    stored = current_analysis(analysed, include_unreviewed=True)
    with analysed.transaction() as conn:  # touches an input table, says the same
        conn.execute(text("UPDATE sources SET note = note"))
    monkeypatch.setattr(analysis_service, "write_stored", _refuse)
    assert current_analysis(analysed, include_unreviewed=True) == stored
    with analysed.engine.connect() as conn:
        row = analyses.load_results(conn, analysed.user.organization_id, "all")
        assert row is not None and row.generation == analyses.generation(conn)
