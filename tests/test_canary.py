"""Canary sentences planted in testimonies appear in no byte of the workspace folder."""

from __future__ import annotations

import base64
import io
import zipfile
from pathlib import Path

from testimonia.model import Identity
from testimonia.service.audit import read_audit
from testimonia.service.documents import read_text
from testimonia.service.ingest import IngestOptions, Outcome, ingest_paths
from testimonia.service.sources import add_source, relate_sources
from testimonia.service.vault import set_identity, show_identity
from testimonia.service.workspace import Workspace

CANARIES = [
    "Canary Okonkwo-Lindqvist was held in container 7",
    "Zhuravlyova-Canary-Тринадцать сказала правду",
    "Canarywitness Mbeki-Fontaine a été frappé",
]


def _variants(canary: str) -> list[bytes]:
    raw = canary.encode("utf-8")
    return [raw, canary.encode("utf-16-le"), canary.encode("utf-16-be"),
            base64.b64encode(raw), canary.lower().encode("utf-8"),
            # a distinctive fragment, so partial pages are caught too
            canary.split()[1].encode("utf-8")]


def _docx(text: str) -> bytes:
    buffer = io.BytesIO()
    body = ("<w:document xmlns:w='http://schemas.openxmlformats.org/wordprocessingml/2006/main'>"
            f"<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>")
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", body)
    return buffer.getvalue()


def _plant(folder: Path) -> None:
    folder.mkdir()
    (folder / "a.md").write_text(f"---\nsource: Zhuravlyova-Canary\nsource_kind: survivor\n---\n"
                                 f"{CANARIES[0]}. {CANARIES[1]}.\n", encoding="utf-8")
    (folder / f"{CANARIES[2].split()[0]}.txt").write_text(CANARIES[2] + ".\n", encoding="utf-8")
    (folder / "c.html").write_text(f"<html><title>{CANARIES[0]}</title><body><p>{CANARIES[2]}</p>"
                                   "</body></html>", encoding="utf-8")
    (folder / "d.docx").write_bytes(_docx(CANARIES[1]))
    (folder / "e.eml").write_text(f"Subject: {CANARIES[0]}\nContent-Type: text/plain; "
                                  f"charset=utf-8\n\n{CANARIES[2]}\n", encoding="utf-8")


def _hits(root: Path) -> list[str]:
    found = []
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [f"{path.name}: {v!r}" for c in CANARIES for v in _variants(c) if v in data]
    return found


def test_no_canary_in_any_byte_of_the_workspace(ws: Workspace, tmp_path: Path) -> None:
    _plant(tmp_path / "canaries")
    seen: list[Outcome] = []
    report = ingest_paths(ws, [tmp_path / "canaries"], IngestOptions(), progress=seen.append)
    assert report.count("ingested") == 5, [o.detail for o in report.failed]
    add_source(ws, "Canarysource Adeyemi-Holm", "relative", note=CANARIES[0])
    relate_sources(ws, "Canarysource Adeyemi-Holm", "Zhuravlyova-Canary", "relative_of", CANARIES[2])
    doc_ids = [o.document_id for o in seen if o.document_id]
    assert any(CANARIES[0] in read_text(ws, doc_id[:12]) for doc_id in doc_ids)
    assert _hits(ws.paths.root) == []  # while open: WAL and shared memory included
    ws.close()
    assert _hits(ws.paths.root) == []  # after checkpoint on close
    assert b"Adeyemi" not in b"".join(p.read_bytes() for p in ws.paths.root.rglob("*") if p.is_file())


VAULT_CANARY = Identity(name="Canaryvault Nwachukwu-Sorensen", aliases=["Канарейка Вигадана"],
                        contacts=["+380 44 123 45 67", "canary.vault@example.org"], home="Canaryville")


def _vault_variants() -> list[bytes]:
    values = [VAULT_CANARY.name, *VAULT_CANARY.aliases, *VAULT_CANARY.contacts, VAULT_CANARY.home]
    return [v for value in values for v in (value.encode("utf-8"), value.encode("utf-16-le"),
                                            base64.b64encode(value.encode("utf-8")))]


def test_vault_identities_are_in_no_byte_and_no_audit_entry(ws: Workspace, tmp_path: Path) -> None:
    add_source(ws, "Vaulted", "survivor")
    set_identity(ws, "Vaulted", VAULT_CANARY)
    assert show_identity(ws, "Vaulted") == VAULT_CANARY
    audit = repr([(e.subject, e.details) for e in read_audit(ws).entries])
    assert not any(v.decode("utf-8", "ignore") in audit for v in _vault_variants()[::3])
    ws.close()
    data = b"".join(p.read_bytes() for p in ws.paths.root.rglob("*") if p.is_file())
    assert [v for v in _vault_variants() if v in data] == []


def test_vault_identities_named_in_a_testimony_are_absent_from_every_export(ws: Workspace,
                                                                            tmp_path: Path) -> None:
    from testimonia.export.choices import AUDIENCES, FORMATS
    from testimonia.service.export import export
    from testimonia.service.extraction import extract_workspace
    from testimonia.service.review import decide, review_queue

    folder = tmp_path / "public"
    folder.mkdir()
    (folder / "v.md").write_text(
        "---\nsource: Vaulted\nsource_kind: survivor\nconsent: public\ninterview_date: 2024-05-12\n---\n"
        "Call me on +380 44 123 45 67. Soldiers beat me, Canaryvault Nwachukwu-Sorensen, with "
        "cables in the Sévaré camp in March 2022. Канарейку Вигадану тоже били.\n",
        encoding="utf-8")
    ingest_paths(ws, [folder], IngestOptions())
    set_identity(ws, "Vaulted", VAULT_CANARY)
    extract_workspace(ws)
    decide(ws, [c.id for c in review_queue(ws)], "accepted")
    for format in FORMATS:
        for audience in AUDIENCES:
            if format == "bundle" and audience != "legal":
                continue  # (refused: the bundle is for lawyers only)
            report = export(ws, tmp_path / f"{format}-{audience}", format=format, audience=audience, k=1)
            # The bundle's originals, their texts and the claims' quotes (checked against
            # them at their offsets) are the evidence itself, unaltered by design
            # (docs/exports.md); everything else in it is held to the same rule.
            data = b"".join(_readable(p) for p in report.folder.rglob("*") if p.is_file()
                            and not {"originals", "texts", "claims.json"} & set(p.relative_to(report.folder).parts))
            assert [v for v in _vault_variants() if v in data] == [], (format, audience)
            assert b"Canaryvault" not in data and b"Nwachukwu" not in data, (format, audience)
            assert "Канарейк".encode() not in data, (format, audience)
            if report.quotes:
                assert "[witness]" in data.decode("utf-8")  # the quote was kept, redacted
    assert export(ws, tmp_path / "quoted", k=1).quotes >= 1


def _readable(path: Path) -> bytes:
    """A file's bytes; a PDF's text layer (its streams are compressed)."""
    if path.suffix != ".pdf":
        return path.read_bytes()
    from pypdf import PdfReader
    return "\n".join(page.extract_text() for page in PdfReader(path).pages).encode()
