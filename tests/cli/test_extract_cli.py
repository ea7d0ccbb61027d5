"""extract-file, extract, claims and eval through the CLI runner."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from testimonia.cli.main import app
from testimonia.crypto.keys import KeyMaterial

pytestmark = pytest.mark.slow
SAMPLE = Path(__file__).parents[2] / "examples" / "sample-investigation" / "testimonies"
ONE_PER_LANGUAGE = ["04-hamadoun-moura-sevare.md", "01-wangrin-nampala-sevare.md",
                    "18-lisovenko-olenivka-kursk.md", "15-sokolenko-kherson-taganrog.md"]
CLAIM_KEYS = {"act", "methods", "violations", "places", "perpetrators", "period", "victim",
              "first_hand", "denial", "interrogation_languages", "evidence", "component",
              "transfer"}


@pytest.fixture
def run(key_file: Path, me: KeyMaterial):  # type: ignore[no-untyped-def]
    def invoke(*args: str) -> Any:
        return CliRunner().invoke(app, list(args), env={"TESTIMONIA_KEY_FILE": str(key_file),
                                                        "TESTIMONIA_PASSPHRASE": "",
                                                        "TESTIMONIA_USER_KEY_FILE": str(me.key_file)})
    return invoke


def test_extract_file_json_shape_in_four_languages(run) -> None:  # type: ignore[no-untyped-def]
    result = run("extract-file", *[str(SAMPLE / name) for name in ONE_PER_LANGUAGE], "--json")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(Path(d["file"]).name, d["language"]) for d in lines] == list(
        zip(ONE_PER_LANGUAGE, ["en", "fr", "ru", "uk"], strict=True))
    for doc in lines:
        assert set(doc) == {"file", "language", "claims", "transfers", "mentions"}
        assert doc["claims"] and doc["transfers"] and doc["mentions"]
        for claim in doc["claims"]:
            assert set(claim) == CLAIM_KEYS
            assert set(claim["victim"]) >= {"who", "count"}
            for place in claim["places"]:
                assert set(place) >= {"name", "country", "lat", "lon", "facility", "precision"}
            for perpetrator in claim["perpetrators"]:
                assert set(perpetrator) == {"name", "canonical"}
            if claim["period"]:
                assert set(claim["period"]) >= {"start", "end", "precision", "text"}
            assert all(set(e) == {"start", "end", "quote"} for e in claim["evidence"])
        for transfer in doc["transfers"]:
            assert set(transfer) == {"from", "to", "evidence"} and transfer["from"]["name"]
        for mention in doc["mentions"]:
            assert set(mention) >= {"kind", "text", "start", "end", "value"}


def test_extract_file_reports_a_bad_file_and_goes_on(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    result = run("extract-file", str(bad), str(SAMPLE / ONE_PER_LANGUAGE[0]), "--json")
    assert result.exit_code == 1
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first == {"file": str(bad), "error": "the file is empty"} or "empty" in first["error"]
    assert second["claims"]


def test_extract_in_a_workspace_is_incremental(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ws = str(tmp_path / "ws")
    assert run("init", ws).exit_code == 0
    assert run("ingest", str(SAMPLE / ONE_PER_LANGUAGE[3]), str(SAMPLE / ONE_PER_LANGUAGE[2]),
               "-w", ws).exit_code == 0
    first = run("extract", "-w", ws)
    assert first.exit_code == 0 and first.stdout.startswith("2 documents extracted (pipeline ")
    again = run("extract", "-w", ws)
    assert again.stdout.startswith("0 documents extracted")
    listed = run("claims", "--site", "Таганрог", "--method", "electric_shock", "-w", ws)
    assert listed.exit_code == 0
    assert "electric_shock" in listed.stdout and "Sokolenko · 15-sokolenko" in listed.stdout
    assert "“На допити в Таганрозі приходили люди з ФСБ" in listed.stdout
    as_json = [json.loads(line) for line in run("claims", "--json", "-w", ws).stdout.splitlines()]
    assert as_json and all({"id", "document", "file"} | CLAIM_KEYS <= set(c) for c in as_json)
    verified = run("verify", "-w", ws)
    assert verified.exit_code == 0  # the `extracted` custody entries chain like the others


def test_extract_engine_options_are_checked(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ws = str(tmp_path / "ws")
    assert run("init", ws).exit_code == 0
    assert run("ingest", str(SAMPLE / ONE_PER_LANGUAGE[0]), "-w", ws).exit_code == 0
    bogus = run("extract", "--engine", "spark", "-w", ws)
    assert bogus.exit_code == 2 and "'spark' is no engine. Use one of: local, ray." in bogus.output
    stray = run("extract", "--address", "ray://10.0.0.5:10001", "-w", ws)
    assert stray.exit_code == 2 and "--address is for --engine ray." in stray.output
    no_workers = run("extract", "--workers", "0", "-w", ws)
    assert no_workers.exit_code == 2
    both = run("extract", "--engine", "ray", "--address", "auto", "--workers", "2", "-w", ws)
    assert both.exit_code == 1 and "Leave out --workers." in both.stderr
    untrusted = run("extract", "--engine", "ray", "--address", "ray://10.0.0.5:10001", "-w", ws)
    assert untrusted.exit_code == 1
    assert "sends the documents' texts, in clear" in untrusted.stderr and "--trust-cluster" in untrusted.stderr
    one = run("extract", "--workers", "1", "-w", ws)  # in this process
    assert one.exit_code == 0 and one.stdout.startswith("1 documents extracted (pipeline ")


def test_eval_prints_scores(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    gold = tmp_path / "gold.jsonl"
    item = {"id": "x", "language": "en", "text": "They beat me in Sévaré.",
            "expect": {"acts": ["ill_treatment"], "methods": ["beating"], "victim": "self",
                       "first_hand": True, "places": [{"name": "Sévaré", "lat": 14.53, "lon": -4.1}]}}
    gold.write_text(json.dumps(item) + "\n", encoding="utf-8")
    result = run("eval", str(gold))
    assert result.exit_code == 0
    assert "methods" in result.stdout and "1.00/1.00/1.00" in result.stdout and "1 items." in result.stdout


def test_eval_names_a_bad_gold_line(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"id": 1}\n', encoding="utf-8")
    result = run("eval", str(gold))
    assert result.exit_code == 1 and f"{gold}:1: not a gold item." in result.stderr
