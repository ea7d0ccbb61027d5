"""review, claim show|accept|reject|edit|add, codes, and the review basis printed by the
analysis commands, through the CLI runner. (Fictional testimonies; pseudonyms only.)"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from testimonia.cli.main import app
from testimonia.crypto.keys import KeyMaterial

pytestmark = pytest.mark.slow
TESTIMONY = ("---\nsource: Issa\nsource_kind: survivor\nlanguage: en\n---\n"
             "(Fictional.) In May 2022 soldiers locked me in a container at the Sévaré camp and "
             "beat me with cables. Later they drove me to the prison in Bamako.\n")


@pytest.fixture
def run(key_file: Path, me: KeyMaterial, tmp_path: Path):  # type: ignore[no-untyped-def]
    ws = str(tmp_path / "ws")

    def invoke(*args: str, input: str | None = None) -> Any:
        where = {"init": [ws], "codes": []}.get(args[0], ["-w", ws])
        return CliRunner().invoke(app, [*args, *where], input=input,
                                  env={"TESTIMONIA_KEY_FILE": str(key_file), "TESTIMONIA_PASSPHRASE": "",
                                       "TESTIMONIA_USER_KEY_FILE": str(me.key_file)})
    assert invoke("init").exit_code == 0
    (tmp_path / "issa.md").write_text(TESTIMONY, encoding="utf-8")
    assert invoke("ingest", str(tmp_path / "issa.md")).exit_code == 0
    assert invoke("extract").exit_code == 0
    return invoke


def _ids(run: Any, *args: str) -> list[str]:
    result = run("claims", "--json", *args)
    return [json.loads(line)["id"] for line in result.stdout.splitlines()]


def test_a_review_from_the_queue_to_the_findings(run: Any) -> None:
    waiting = run("review", "--list")
    assert waiting.exit_code == 0 and "claims wait for review." in waiting.stdout
    assert "pending review:" in run("findings").stdout
    assert run("findings").stdout.startswith("0 findings.")
    beating = _ids(run, "--method", "beating")[0]
    edited = run("claim", "edit", beating, "--method", "beating", "--method", "restraint",
                 "--reason", "tied up as well")
    assert edited.exit_code == 0 and "edited: ill_treatment: beating, restraint" in edited.stdout
    shown = run("claim", "show", beating)
    assert "beat me with cables" in shown.stdout and "edited — tied up as well" in shown.stdout
    assert "Sévaré" in run("findings").stdout
    assert run("claims", "--state", "edited", "--json").stdout.count('"review": "edited"') == 1


def test_interactive_review_records_each_answer(run: Any) -> None:
    before = len(_ids(run, "--state", "unreviewed"))
    walked = run("review", input="a\nr\nsaid by the interpreter\nq\n")
    assert walked.exit_code == 0, walked.output
    assert "2 decisions recorded." in walked.stdout
    assert len(_ids(run, "--state", "unreviewed")) == before - 2
    assert len(_ids(run, "--state", "rejected")) == 1


def test_wrong_values_get_the_closest_known_and_the_codes(run: Any) -> None:
    claim = _ids(run)[0]
    wrong = run("claim", "edit", claim, "--method", "electric shok")
    assert wrong.exit_code == 1 and "Did you mean electric_shock" in wrong.stderr
    codes = run("codes", "methods")
    assert codes.exit_code == 0 and "electric_shock" in codes.stdout and "waterboarding" in codes.stdout
    missing = run("claim", "accept", "9999")
    assert missing.exit_code == 1 and "No claim 9999" in missing.stderr


def test_a_missed_claim_is_added_on_the_exact_words(run: Any) -> None:
    doc = run("documents").stdout.split("\n")[3].split()[1]
    added = run("claim", "add", doc[:8], "--quote", "they drove me to the prison in Bamako",
                "--act", "transfer", "--place", "Sévaré", "--place", "Bamako", "--period", "2022-05")
    assert added.exit_code == 0, added.output
    assert "added: transfer: transfer — at Sévaré; Bamako" in added.stdout
    assert "Sévaré → Bamako: 1 (Issa)" in run("transfers").stdout


def test_filters_answer_with_the_closest_known_values(run: Any) -> None:
    wrong = run("claims", "--source", "Isa")
    assert wrong.exit_code == 1 and "Did you mean Issa?" in wrong.stderr
    assert run("claims", "--method", "beating").stdout == run("claims", "--method", "Beating").stdout
    assert "claims." in run("claims", "--method", "electric shock").stdout
    typo = run("claims", "--method", "electrik shock")
    assert typo.exit_code == 1 and "Did you mean electric_shock" in typo.stderr
    nowhere = run("findings", "--site", "Sevarés", "--include-unreviewed")
    assert nowhere.exit_code == 1 and "Did you mean" in nowhere.stderr
    cyrillic = run("findings", "--site", "Севаре", "--include-unreviewed")  # the texts say Sévaré
    assert cyrillic.exit_code == 0 and "Sévaré" in cyrillic.stdout, cyrillic.output


def test_documents_show_their_review_state(run: Any) -> None:
    assert " extracted" in run("documents").stdout
    [listed] = [json.loads(line) for line in run("documents", "--json").stdout.splitlines()]
    assert (listed["source"], listed["state"], listed["language"]) == ("Issa", "extracted", "en")
    ids = _ids(run, "--state", "unreviewed")
    assert run("claim", "accept", *ids).exit_code == 0
    assert " reviewed" in run("documents").stdout
