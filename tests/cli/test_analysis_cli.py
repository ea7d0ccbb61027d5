"""analyze, sites, site …, transfers, findings, patterns, dossier through the CLI runner."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from testimonia.cli.main import app

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory, sample_workspace: Any, sample_user: Any) -> Any:
    path, key = sample_workspace(tmp_path_factory.mktemp("cli-analysis"))
    env = {"TESTIMONIA_KEY_FILE": str(key), "TESTIMONIA_PASSPHRASE": "",
           "TESTIMONIA_USER_KEY_FILE": str(sample_user(key).key_file)}

    def run(*args: str) -> Any:
        return CliRunner().invoke(app, [*args, "-w", str(path)], env=env)
    return run


def test_analyze_prints_a_summary(ws) -> None:  # type: ignore[no-untyped-def]
    result = ws("analyze")
    assert result.exit_code == 0
    first = result.stdout.splitlines()[0]
    assert " sites, " in first and " corroborated, " in first and "across a border)." in first


def test_json_outputs_parse_and_have_the_documented_keys(ws) -> None:  # type: ignore[no-untyped-def]
    sites = json.loads(ws("sites", "--json").stdout)
    assert {"id", "name", "facility", "country", "lat", "lon", "precision", "parent", "aliases",
            "first_reported", "last_reported", "forces", "sources", "source_count",
            "claim_count", "from_town", "note"} == set(sites[0])
    transfers = json.loads(ws("transfers", "--json").stdout)
    assert set(transfers) == {"edges", "trajectories"}
    assert {"from", "to", "from_name", "to_name", "count", "cross_border", "sources",
            "claims"} == set(transfers["edges"][0])
    findings = json.loads(ws("findings", "--json").stdout)
    assert {"site", "site_name", "allegation", "period", "period_start", "period_end", "status",
            "rationale", "independent_sources", "first_hand_sources", "sources", "source_kinds",
            "groups", "hearsay_sources", "unattributed_documents", "claims",
            "contradicted_by"} == set(findings[0])
    patterns = json.loads(ws("patterns", "--json").stdout)
    assert set(patterns) == {"sites", "conflicts", "site_similarity", "conflict_similarity",
                             "shared", "shared_sequences"}


def test_findings_for_a_site_in_cyrillic(ws) -> None:  # type: ignore[no-untyped-def]
    result = ws("findings", "--site", "Таганрог")
    assert result.exit_code == 0
    assert "[corroborated] pretrial detention centre, Taganrog · dog_attack · 2022" in result.stdout


def test_dossier_quotes_by_pseudonym(ws) -> None:  # type: ignore[no-untyped-def]
    result = ws("dossier", "Sevare")
    assert result.exit_code == 0
    assert result.stdout.startswith("shipping container, Sévaré — ML (")
    assert "contradicted by Séga (official denial)" in result.stdout
    assert "Wangrin: “" in result.stdout


def test_rename_merge_and_unknown_site(ws) -> None:  # type: ignore[no-untyped-def]
    renamed = ws("site", "rename", "Taganrog", "--name", "SIZO-2 Taganrog")
    assert renamed.exit_code == 0
    assert "SIZO-2 Taganrog" in ws("sites").stdout
    merged = ws("site", "merge", "basement, Kherson", "temporary detention facility, Kherson")
    assert merged.exit_code == 0, merged.output
    listed = ws("sites").stdout
    assert "basement, Kherson" in listed and "temporary detention facility, Kherson" not in listed
    missing = ws("dossier", "Atlantis")
    assert missing.exit_code == 1 and missing.stderr.startswith("Error: No site matches 'Atlantis'.")
    bad = ws("site", "rename", "Taganrog")
    assert bad.exit_code == 2  # --name is required


def test_transfers_text_marks_borders(ws) -> None:  # type: ignore[no-untyped-def]
    lines = ws("transfers").stdout.splitlines()
    olenivka = [line for line in lines if line.startswith("penal colony, Olenivka (Donetsk oblast) → ")
                and "Taganrog" in line]
    assert olenivka and olenivka[0].endswith("ACROSS A BORDER")
