"""`export --format json --audience public` on the sample investigation: the vault
identities, pseudonyms, interview dates and places appear nowhere; a deliberately unique
witness is generalised, or the export is refused and lists the records at risk; a leak
the redaction missed makes the leak scan refuse the export, leaving nothing behind."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from testimonia.cli.main import app
from testimonia.errors import PublicationRefused
from testimonia.export import findings_json, gate, public
from testimonia.export.published import Context
from testimonia.service.audit import read_audit
from testimonia.service.export import export, gather
from testimonia.service.sources import set_profile
from testimonia.service.workspace import Workspace

pytestmark = pytest.mark.slow


def _published(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / "findings.json").read_text(encoding="utf-8"))
    return data


def test_public_export_passes_the_gate_and_names_nobody(sample: Workspace, tmp_path: Path) -> None:
    report = export(sample, tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["findings.json"]
    raw = (tmp_path / "out" / "findings.json").read_text(encoding="utf-8")
    for secret in ("Amadou", "Exemple", "70 00 00 01", "Dogofry", "Wangrin", "Aminata", "Sokolenko",
                   "2024-03-12", "KIU-Brief-14"):
        assert secret not in raw
    data = _published(tmp_path / "out")
    assert data["k_anonymity"]["k"] == 5 and report.decision.passed
    assert len(data["witness_accounts"]) >= report.decision.smallest_group >= 5
    assert gate.verify_published(data["witness_accounts"], public.QUASI_IDENTIFIERS, 5) == []
    quotes = [q["text"] for f in data["findings"] for q in f["quotes"]]
    assert quotes and all(q.strip() for q in quotes)
    assert not any("Bamako" in q for q in quotes)  # Wangrin's interview place: redacted if quoted
    counts = [f["independent_sources"] for f in data["findings"]]  # as they are (docs/exports.md)
    assert all(isinstance(c, int) for c in counts) and 0 < min(c for c in counts if c) < 5
    entry = read_audit(sample).entries[-1]
    assert entry.action == "exported" and entry.details["files"] == report.files


def test_only_public_consent_own_documents_are_quoted(sample: Workspace, tmp_path: Path) -> None:
    export(sample, tmp_path / "out")
    quotes = {q["text"] for f in _published(tmp_path / "out")["findings"] for q in f["quotes"]}
    wangrin_doc = (Path(__file__).parents[2] / "examples/sample-investigation/testimonies/"
                   "01-wangrin-nampala-sevare.md").read_text(encoding="utf-8")
    assert quotes and all(_unredacted_in(q, wangrin_doc) for q in quotes)


def _unredacted_in(quote: str, document: str) -> bool:
    return all(part.strip() in document for part in quote.replace("[place]", "|").split("|") if part.strip())


def test_a_unique_witness_is_generalised(sample: Workspace, tmp_path: Path) -> None:
    set_profile(sample, "Oumou", {"age_band": "70+", "occupation": "imam", "ethnicity": "Tatar"})
    records = public.accounts(gather(sample))
    unique = gate.at_risk(records, public.attributes(), 5)
    assert any(any(r.values["occupation"] == ("imam",) for r in records if r.id in group.ids)
               for group in unique)
    report = export(sample, tmp_path / "out")
    published = _published(tmp_path / "out")["witness_accounts"]
    assert report.decision.passed
    assert not any(v in ("imam", "70+", "Tatar") for row in published for v in row.values())
    assert gate.verify_published(published, public.QUASI_IDENTIFIERS, 5) == []


def test_a_unique_witness_blocks_a_strict_export(sample: Workspace, tmp_path: Path) -> None:
    set_profile(sample, "Oumou", {"age_band": "70+", "occupation": "imam"})
    with pytest.raises(PublicationRefused, match="fewer than 5 records") as refused:
        export(sample, tmp_path / "out", on_risk="refuse")
    assert refused.value.at_risk and not (tmp_path / "out").exists()
    assert not list(tmp_path.glob(".out*"))
    assert read_audit(sample).entries[-1].action == "export_refused"


def test_too_few_witnesses_for_k_is_refused(sample: Workspace, tmp_path: Path) -> None:
    with pytest.raises(PublicationRefused, match="at least 50"):
        export(sample, tmp_path / "out", k=50)
    assert not (tmp_path / "out").exists()


def test_a_missed_identifier_fails_the_leak_scan(sample: Workspace, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    findings = findings_json.findings

    def leaky(ctx: Context, quoted: dict[str, int]) -> list[dict[str, Any]]:
        out = findings(ctx, quoted)
        out[0]["rationale"] += " (as Amadou EXEMPLE told us)"
        return out

    monkeypatch.setattr(findings_json, "findings", leaky)
    with pytest.raises(PublicationRefused, match="leak scan") as refused:
        export(sample, tmp_path / "out")
    assert "Amadou" not in str(refused.value) and "A***** E******" in str(refused.value)
    assert not (tmp_path / "out").exists() and not list(tmp_path.glob(".out*"))


def test_export_command(sample: Workspace, built: tuple[Path, Path], tmp_path: Path,
                        sample_user: Any) -> None:
    sample.close()
    env = {"TESTIMONIA_KEY_FILE": str(built[1]), "TESTIMONIA_PASSPHRASE": "",
           "TESTIMONIA_USER_KEY_FILE": str(sample_user(built[1]).key_file)}
    args = ["export", "--format", "json", "--audience", "public", "-o", str(tmp_path / "out"),
            "-w", str(sample.paths.root)]
    result = CliRunner().invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    assert "witness accounts" in result.stdout and "sha256" in result.stdout
    again = CliRunner().invoke(app, args, env=env)
    assert again.exit_code == 1 and "not empty" in again.output
    strict = CliRunner().invoke(app, [*args[:-3], str(tmp_path / "o2"), "--on-risk", "refuse",
                                      "-w", str(sample.paths.root)], env=env)
    assert strict.exit_code == 1 and "Refused" in strict.output and "at risk: W" in strict.output
