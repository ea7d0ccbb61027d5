"""Every format for every audience on the sample investigation, through the service and
the CLI: what each writes, that no vault identity is in any byte of it, the audit and
custody entries, and the refusals (an empty workspace, a leak) that leave nothing."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from testimonia.cli.main import app
from testimonia.crypto.keys import KeyMaterial
from testimonia.errors import InvalidValue, PublicationRefused
from testimonia.export import bundle, csv_events, report_pdf
from testimonia.export.choices import AUDIENCES, FORMATS
from testimonia.service.audit import read_audit
from testimonia.service.documents import show_document
from testimonia.service.export import export
from testimonia.service.integrity import verify_workspace
from testimonia.service.workspace import Workspace

pytestmark = pytest.mark.slow
FILES = {"json": ["findings.json"], "geojson": ["sites.geojson"], "csv": ["codebook.md", "events.csv"],
         "ftm": ["entities.ftm.json"],
         "html": ["report.html", "report.pdf"] if report_pdf.find_browser() else ["report.html"]}
VAULT = ("Amadou", "Exemple", "70 00 00 01", "Dogofry")
PSEUDONYMS = ("Wangrin", "Aminata", "Sokolenko", "Oumou", "Tiéman")


def _bytes(folder: Path) -> str:
    """Every file's text (a PDF's text layer)."""
    return "".join(" ".join(page.extract_text() for page in PdfReader(p).pages) if p.suffix == ".pdf"
                   else p.read_text(encoding="utf-8") for p in sorted(folder.iterdir()))


def test_every_format_for_every_audience(sample: Workspace, tmp_path: Path) -> None:
    for format in [f for f in FORMATS if f != bundle.NAME]:  # the bundle: tests/export/test_bundle.py
        for audience in AUDIENCES:
            folder = tmp_path / f"{format}-{audience}"
            report = export(sample, folder, format=format, audience=audience)
            assert sorted(p.name for p in folder.iterdir()) == FILES[format] == sorted(report.files)
            text = _bytes(folder)
            assert [v for v in VAULT if v in text] == [], (format, audience)
            named = [p for p in PSEUDONYMS if p in text]
            assert named == [] if audience == "public" else named, (format, audience)
            no_quotes = format == "geojson" or (format, audience) == ("csv", "public")
            assert (report.quotes == 0) == no_quotes, (format, audience)
            entry = read_audit(sample).entries[-1]
            assert (entry.action, entry.subject, entry.details["audience"]) == ("exported", folder.name, audience)
            assert entry.details["files"] == {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
                                              for p in folder.iterdir()}
            assert ("k" in entry.details) == (audience == "public")
    assert verify_workspace(sample).problems == []  # the custody entries are signed and chained


def test_a_public_map_and_event_list_of_the_sample(sample: Workspace, tmp_path: Path) -> None:
    export(sample, tmp_path / "map", format="geojson")
    data: dict[str, Any] = json.loads((tmp_path / "map" / "sites.geojson").read_text(encoding="utf-8"))
    sites = {f["properties"]["name"]: f for f in data["features"] if f["properties"]["kind"] == "site"}
    taganrog = sites["pretrial detention centre, Taganrog"]
    assert taganrog["geometry"]["coordinates"] == [38.9053, 47.2363]  # [lon, lat]
    assert taganrog["properties"]["admin1"] == "Rostov Oblast"
    assert taganrog["properties"]["status"] == "corroborated"
    routes = [f["properties"] for f in data["features"] if f["properties"]["kind"] == "transfer"]
    assert any(r["to_name"] == taganrog["properties"]["name"] and r["cross_border"] for r in routes)
    report = export(sample, tmp_path / "events", format="csv")
    header = (tmp_path / "events" / "events.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("event_id,event_date_start,event_date_end,date_precision,event_type")
    assert report.items > 100 and report.quotes == 0


def test_a_csv_export_quoting_documents_enters_them_in_their_custody_log(
        sample: Workspace, tmp_path: Path) -> None:
    report = export(sample, tmp_path / "out", format="csv", audience="internal")
    assert report.quotes > 0
    entry = read_audit(sample).entries[-1]
    assert entry.details["events"] == report.items and entry.details["quotes"] == report.quotes
    with (tmp_path / "out" / "events.csv").open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    quoted = [d for d in _own_documents(sample) if show_document(sample, d).history[-1].action == "exported"]
    assert quoted and all(show_document(sample, d).history[-1].details == {
        "export": "out", "format": "csv", "audience": "internal",
        "quotes": show_document(sample, d).history[-1].details["quotes"]} for d in quoted)
    said = [r for r in rows if f". {r['source'] or 'Unattributed'}: «" in r["notes"]]
    assert len(said) == sum(show_document(sample, d).history[-1].details["quotes"] for d in quoted)


def _own_documents(ws: Workspace) -> list[str]:
    from testimonia.service.documents import list_documents
    return [d.id for d in list_documents(ws) if d.organization == ws.user.organization]


def test_a_leak_in_a_csv_refuses_the_export_and_leaves_nothing(
        sample: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    notes = csv_events._notes

    def leaky(*args: Any) -> str:
        return notes(*args) + " As Amadou EXEMPLE told us."

    monkeypatch.setattr(csv_events, "_notes", leaky)
    with pytest.raises(PublicationRefused, match="leak scan") as refused:
        export(sample, tmp_path / "out", format="csv", audience="legal")
    assert "Amadou" not in str(refused.value) and "events.csv" in str(refused.value)
    assert not (tmp_path / "out").exists() and not list(tmp_path.glob(".out*"))
    assert read_audit(sample).entries[-1].action == "export_refused"


def test_a_legal_export_rests_on_reviewed_claims_only(sample: Workspace, tmp_path: Path) -> None:
    with pytest.raises(InvalidValue, match="reviewed claims only"):
        export(sample, tmp_path / "out", audience="legal", include_unreviewed=True)
    with pytest.raises(InvalidValue, match="Unknown format 'kml'") as unknown:
        export(sample, tmp_path / "out", format="kml")
    assert unknown.value.fix == f"Use one of: {', '.join(FORMATS)}."
    assert not (tmp_path / "out").exists()


@pytest.fixture
def empty(ws: Workspace, key_file: Path, me: KeyMaterial) -> tuple[Path, dict[str, str]]:
    """An empty workspace and the environment its creator's commands run with."""
    ws.close()
    return ws.paths.root, {"TESTIMONIA_KEY_FILE": str(key_file), "TESTIMONIA_PASSPHRASE": "",
                           "TESTIMONIA_USER_KEY_FILE": str(me.key_file)}


@pytest.mark.parametrize("format", FORMATS)
def test_an_empty_workspace_refuses_every_format(empty: tuple[Path, dict[str, str]], tmp_path: Path,
                                                 format: str) -> None:
    root, env = empty
    for audience in bundle.AUDIENCES if format == bundle.NAME else AUDIENCES:
        out = tmp_path / f"{format}-{audience}"
        result = CliRunner().invoke(app, ["export", "--format", format, "--audience", audience,
                                          "-o", str(out), "-w", str(root)], env=env)
        assert result.exit_code == 1, result.output
        assert "Refused" in result.output and "no findings to export" in result.output
        assert not out.exists() and not list(tmp_path.glob(f".{out.name}*"))


def test_export_command_writes_each_format(sample: Workspace, built: tuple[Path, Path], tmp_path: Path,
                                           sample_user: Any) -> None:
    sample.close()
    env = {"TESTIMONIA_KEY_FILE": str(built[1]), "TESTIMONIA_PASSPHRASE": "",
           "TESTIMONIA_USER_KEY_FILE": str(sample_user(built[1]).key_file)}
    base = ["export", "-w", str(sample.paths.root)]
    result = CliRunner().invoke(app, [*base, "--format", "geojson", "-o", str(tmp_path / "map")], env=env)
    assert result.exit_code == 0, result.output
    assert "features as geojson for the public audience" in result.stdout and "sites.geojson  sha256" in result.stdout
    assert "k-anonymity:" in result.stdout
    result = CliRunner().invoke(app, [*base, "--format", "csv", "--audience", "partner",
                                      "-o", str(tmp_path / "events")], env=env)
    assert result.exit_code == 0, result.output
    assert "events with" in result.stdout and "redacted quotes" in result.stdout
    assert "codebook.md  sha256" in result.stdout and "k-anonymity" not in result.stdout
    result = CliRunner().invoke(app, [*base, "--format", "kml", "-o", str(tmp_path / "x")], env=env)
    assert result.exit_code == 1 and "Unknown format 'kml'" in result.output
    assert "json, geojson, csv, ftm" in result.output
    result = CliRunner().invoke(app, [*base, "--audience", "press", "-o", str(tmp_path / "x")], env=env)
    assert result.exit_code == 1 and "Unknown audience 'press'" in result.output
    assert not (tmp_path / "x").exists()
