"""The leak scan of an export folder: every format read as its reader sees it, file and
folder names, unreadable files, and reports that never show a clear value. All names
are fictional."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from pypdf import PdfWriter

from testimonia.export.leakscan import Leak, mask, scan_file, scan_text, scan_tree
from testimonia.export.redact import Protected, Redactor

CLEAR = ("Oleksandr", "Kovalenko", "Олександр", "Коваленко", "Aminata", "Traoré",
         "671234567", "123-45-67", "example.org")


@pytest.fixture(scope="module")
def redactor() -> Redactor:
    return Redactor([
        Protected("Oleksandr Kovalenko", "name", "[witness]"),
        Protected("Aminata Traoré", "person", "[name]"),
        Protected("+380 67 123 45 67", "phone", "[phone]"),
        Protected("Moura", "place", "[place]"),
    ])


def pdf_with_text(text: str) -> bytes:
    """A minimal one-page PDF whose text layer is `text` (Type1 Helvetica), by hand."""
    content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def pdf_by_writer(author: str = "", xmp: str = "", bookmark: str = "") -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    if author:
        writer.add_metadata({"/Author": author, "/Title": "Report"})
    if xmp:
        writer.xmp_metadata = xmp.encode("utf-8")
    if bookmark:
        writer.add_outline_item(title=bookmark, page_number=0)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def kinds(leaks: list[Leak]) -> set[tuple[str, str, str]]:
    return {(leak.path, leak.where.split(" offset ")[0], leak.kind) for leak in leaks}


def assert_nothing_clear(leaks: list[Leak]) -> None:
    for leak in leaks:
        for clear in CLEAR:
            assert clear not in f"{leak.path} {leak.where} {leak.shown}"


# --- formats ----------------------------------------------------------------------------

def test_json_value_key_and_escapes(tmp_path: Path, redactor: Redactor) -> None:
    document = {"finding": {"witness": "\u041e\u043b\u0435\u043a\u0441\u0430\u043d\u0434\u0440",
                            "Kovalenko": "key leak", "note": "clean"},
                "contacts": [380671234567]}
    (tmp_path / "finding.json").write_text(json.dumps(document), encoding="utf-8")  # \\u escapes
    leaks = scan_tree(tmp_path, redactor)
    assert kinds(leaks) == {  # the parsed document covers the raw text
        ("finding.json", "JSON value at $.finding.witness", "name"),  # decoded escapes
        ("finding.json", "JSON key at $.finding", "name"),
        ("finding.json", "JSON value at $.contacts[0]", "phone"),  # a number
    }
    assert_nothing_clear(leaks)


def test_json_lines_line_by_line(tmp_path: Path, redactor: Redactor) -> None:
    olexandr = "\u041e\u043b\u0435\u043a\u0441\u0430\u043d\u0434\u0440"  # written as \\u escapes
    lines = [{"id": "tm-1", "schema": "Address", "properties": {"name": ["prison, Moura"]}},
             {"id": "tm-2", "schema": "Person", "properties": {"name": [olexandr]}}]
    (tmp_path / "entities.ftm.json").write_text("\n".join(map(json.dumps, lines)) + "\n", encoding="utf-8")
    assert kinds(scan_tree(tmp_path, redactor)) == {
        ("entities.ftm.json", "JSON value at $[0].properties.name[0]", "place"),
        ("entities.ftm.json", "JSON value at $[1].properties.name[0]", "name")}


def test_csv_and_text(tmp_path: Path, redactor: Redactor) -> None:
    (tmp_path / "table.csv").write_text("id,place\n1,в Моурі\n", encoding="utf-8")
    (tmp_path / "notes.md").write_text("Контакт: (067) 123-45-67", encoding="utf-8")
    (tmp_path / "utf16.txt").write_text("Траоре", encoding="utf-16")  # with a BOM
    leaks = scan_tree(tmp_path, redactor)
    assert kinds(leaks) == {("table.csv", "text", "place"), ("notes.md", "text", "phone"),
                            ("utf16.txt", "UTF-16 text", "person")}
    assert_nothing_clear(leaks)


def test_html_entities_attributes_and_comments(tmp_path: Path, redactor: Redactor) -> None:
    name = "".join(f"&#{ord(c)};" for c in "Олександр")  # &#1054;&#1083;...
    page = (f"<html><body><p>Seen: {name}</p><img src='a.png' alt='Portrait of Aminata'>"
            "<span title='Mou&#114;a'>x</span><!-- interviewed Kovalenko --></body></html>")
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    leaks = scan_tree(tmp_path, redactor)
    assert kinds(leaks) == {("page.html", "HTML text", "name"),
                            ("page.html", "HTML attribute alt", "person"),
                            ("page.html", "HTML attribute title", "place"),
                            ("page.html", "HTML comment", "name"),
                            ("page.html", "text", "name"),  # the raw text: the comment
                            ("page.html", "text", "person")}  # ... and the alt attribute
    assert_nothing_clear(leaks)


def test_html_name_split_by_inline_tags(tmp_path: Path, redactor: Redactor) -> None:
    (tmp_path / "a.htm").write_text("<p>Ko<b>valenko</b></p>", encoding="utf-8")
    assert kinds(scan_tree(tmp_path, redactor)) == {("a.htm", "HTML text", "name")}


def test_pdf_text_layer(tmp_path: Path, redactor: Redactor) -> None:
    (tmp_path / "report.pdf").write_bytes(pdf_with_text("Witness Kovalenko, Moura"))
    leaks = scan_tree(tmp_path, redactor)
    assert kinds(leaks) == {("report.pdf", "PDF page 1 text", "name"),
                            ("report.pdf", "PDF page 1 text", "place")}
    assert_nothing_clear(leaks)


def test_pdf_metadata_xmp_and_bookmarks(tmp_path: Path, redactor: Redactor) -> None:
    (tmp_path / "author.pdf").write_bytes(pdf_by_writer(author="Oleksandr Kovalenko"))
    (tmp_path / "xmp.pdf").write_bytes(pdf_by_writer(xmp="<x:xmpmeta>Траоре</x:xmpmeta>"))
    (tmp_path / "outline.pdf").write_bytes(pdf_by_writer(bookmark="Testimony of Aminata"))
    leaks = scan_tree(tmp_path, redactor)
    assert kinds(leaks) == {("author.pdf", "PDF metadata /Author", "name"),
                            ("xmp.pdf", "PDF XMP metadata", "person"),
                            ("outline.pdf", "PDF bookmark", "person")}
    assert_nothing_clear(leaks)


def test_other_files_as_bytes(tmp_path: Path, redactor: Redactor) -> None:
    (tmp_path / "image.jpg").write_bytes(b"\xff\xd8\xff\xe1Exif\x00artist=Kovalenko\x00\xff")
    leaks = scan_tree(tmp_path, redactor)
    assert kinds(leaks) == {("image.jpg", "text", "name")}


# --- names, clean folders, unreadable files ------------------------------------------------

def test_file_and_folder_names(tmp_path: Path, redactor: Redactor) -> None:
    folder = tmp_path / "Traore_files"
    folder.mkdir()
    (folder / "OleksandrKovalenko.txt").write_text("clean", encoding="utf-8")
    (tmp_path / "statement_kovalenko.md").write_text("clean", encoding="utf-8")
    leaks = scan_tree(tmp_path, redactor)
    assert {(leak.where, leak.kind) for leak in leaks} == {
        ("folder name", "person"), ("file name", "name")}
    assert len(leaks) == 3
    assert {leak.path for leak in leaks} == {
        "[name]_files", "[name]_files/[witness] txt", "statement_[witness].md"}
    assert_nothing_clear(leaks)


def test_clean_folder_has_no_leak(tmp_path: Path, redactor: Redactor) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "finding.json").write_text(
        json.dumps({"witness": "[witness]", "place": "[place]", "date": "2024-05"}),
        encoding="utf-8")
    (tmp_path / "table.csv").write_text("a,b\n1,[phone]\n", encoding="utf-8")
    (tmp_path / "page.html").write_text("<p alt='[name]'>Seen in 2022.</p>", encoding="utf-8")
    (tmp_path / "report.pdf").write_bytes(pdf_with_text("Witness [witness], 2022-2023"))
    (tmp_path / "meta.pdf").write_bytes(pdf_by_writer(author="Investigations desk"))
    assert scan_tree(tmp_path, redactor) == []


def test_redacted_export_scans_clean(tmp_path: Path, redactor: Redactor) -> None:
    text = "Oleksandr Kovalenko (+380 67 123 45 67) met Aminata Traoré in Moura; a@b.org"
    (tmp_path / "out.md").write_text(redactor.redact(text), encoding="utf-8")
    (tmp_path / "raw.md").write_text(text, encoding="utf-8")
    leaks = scan_tree(tmp_path, redactor)
    assert {leak.path for leak in leaks} == {"raw.md"}
    assert {leak.kind for leak in leaks} == {"name", "phone", "person", "place", "email"}


@pytest.mark.parametrize(("name", "data"), [
    ("broken.json", b'{"witness": "Kovalenko",'),
    ("broken.ftm.json", b'{"id": "tm-1"}\n{"witness": "Kovalenko",\n'),
    ("broken.pdf", b"%PDF-1.4 not really a pdf"),
    ("bundle.zip", b"PK\x03\x04compressed..."),
])
def test_unreadable_files_are_leaks(tmp_path: Path, redactor: Redactor, name: str,
                                    data: bytes) -> None:
    (tmp_path / name).write_bytes(data)
    leaks = scan_tree(tmp_path, redactor)
    assert "unreadable" in {leak.kind for leak in leaks}
    assert_nothing_clear(leaks)


def test_scan_file_reports_path_relative_to_root(tmp_path: Path, redactor: Redactor) -> None:
    (tmp_path / "a").mkdir()
    path = tmp_path / "a" / "n.txt"
    path.write_text("x Kovalenko", encoding="utf-8")
    assert scan_file(path, redactor, tmp_path) == [Leak("a/n.txt", "text offset 2", "name",
                                                        "K********")]


# --- masking --------------------------------------------------------------------------------

def test_scan_text_uses_the_redactor_hits(redactor: Redactor) -> None:
    assert scan_text("Moura", redactor) == redactor.find("Moura")


@pytest.mark.parametrize(("clear", "shown"), [
    ("Oleksandr Kovalenko", "O******** K********"), ("Олександр", "О********"),
    ("+380 67 123 45 67", "**** *** *** *** ***"), ("x@y.org", "x******"), ("Al", "A**"),
])
def test_mask_never_shows_the_clear_value(clear: str, shown: str) -> None:
    assert mask(clear) == shown
    assert clear not in mask(clear)
