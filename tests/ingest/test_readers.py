"""Format readers: exact text out of small hand-built files, and every kind of bad file."""

from __future__ import annotations

import codecs
import io
import struct
import unicodedata
import zipfile
from email.message import EmailMessage
from importlib.metadata import version
from pathlib import Path

import pypdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pdfmaker import make_pdf

from testimonia.errors import UnreadableFile, UnsupportedFormat
from testimonia.ingest.readers import READERS, SUPPORTED_EXTENSIONS, reader_for
from testimonia.ingest.readers.base import Reader, ReadLimits, ReadResult
from testimonia.ingest.readers.docx import DocxReader, InflationBudget, read_member
from testimonia.ingest.readers.eml import EmlReader
from testimonia.ingest.readers.html import HtmlReader
from testimonia.ingest.readers.pdf import PdfReader
from testimonia.ingest.readers.text import MarkdownReader, PlainTextReader

LIMITS = ReadLimits()
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
CORE_XML = (
    "<cp:coreProperties "
    'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    "<dc:title>Interview 7</dc:title><dc:creator>Real Name</dc:creator>"
    "<cp:lastModifiedBy>Other Name</cp:lastModifiedBy>"
    '<dcterms:created xsi:type="dcterms:W3CDTF">2023-05-14T09:00:00Z</dcterms:created>'
    '<dcterms:modified xsi:type="dcterms:W3CDTF">2023-05-15T10:30:00Z</dcterms:modified>'
    "</cp:coreProperties>"
)
DOCX_BODY = (
    '<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>'
    "<w:r><w:rPr><w:b/></w:rPr><w:t>Date:</w:t></w:r>"
    "<w:r><w:tab/><w:t>14 May 2023</w:t></w:r></w:p>"
    '<w:p><w:r><w:t xml:space="preserve">They kept me </w:t></w:r>'
    "<w:r><w:t>in a basement.</w:t><w:br/><w:t>Then a van.</w:t></w:r></w:p>"
    "<w:p/>"
    "<w:p><w:del><w:r><w:delText>deleted words</w:delText></w:r></w:del>"
    "<w:r><w:t>Kept words</w:t></w:r></w:p>"
    "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>cell one</w:t></w:r></w:p></w:tc>"
    "<w:tc><w:p><w:r><w:t>cell two</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
    "<w:p><w:r><mc:AlternateContent><mc:Choice><w:t>box text</w:t></mc:Choice>"
    "<mc:Fallback><w:t>box text</w:t></mc:Fallback></mc:AlternateContent></w:r></w:p><w:sectPr/>"
)
DOCX_TEXT = (
    "Date:\t14 May 2023\nThey kept me in a basement.\nThen a van.\n\n"
    "Kept words\ncell one\ncell two\nbox text"
)
HTML_PAGE = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Statement &amp; notes</title>"
    "<style>p { color: red }</style><script>var secret = 'leak';</script></head>"
    "<body><h1>Witness  B-12</h1><p>They said:&nbsp;&laquo;sign&raquo;.</p>\n\n\n"
    "<div>Line one<br>Line two</div><script>document.write('leak')</script>"
    "<ul><li>cold</li><li>dark</li></ul><table><tr><td>Day</td><td>3</td></tr></table>"
    "<noscript>enable scripts</noscript></body></html>"
)
HTML_TEXT = "Witness B-12\n\nThey said: «sign».\n\nLine one\nLine two\n\ncold\ndark\n\nDay\t3"


def docx(
    body: str = DOCX_BODY, core: str | None = CORE_XML, extra: dict[str, bytes] | None = None
) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<w:document xmlns:w="{W_NS}" xmlns:mc="{MC_NS}">'
            f"<w:body>{body}</w:body></w:document>",
        )
        if core is not None:
            archive.writestr("docProps/core.xml", core)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def eml(html_only: bool = False) -> bytes:
    message = EmailMessage()
    message["Subject"] = "Témoignage 12 — Донецьк"
    message["From"] = "Interviewer <interviewer@example.org>"
    message["To"] = "desk@example.org"
    message["Date"] = "Mon, 15 May 2023 10:30:00 +0200"
    html = (
        "<html><head><style>b{}</style></head>"
        "<body><p>Ils m'ont frappé.</p><script>x()</script></body></html>"
    )
    if html_only:
        message.set_content(html, subtype="html")
    else:
        message.set_content("Ils m'ont frappé.\nDeux fois.\n")
        message.add_alternative(html, subtype="html")
    message.add_attachment(
        b"%PDF-1.4 fake", maintype="application", subtype="pdf", filename="scan.pdf"
    )
    return message.as_bytes()


def reason(reader: Reader, data: bytes, limits: ReadLimits = LIMITS) -> str:
    with pytest.raises(UnreadableFile) as caught:
        reader.read(data, "in.file", limits)
    return caught.value.reason


# --- registry -------------------------------------------------------------


def test_supported_extensions() -> None:
    assert SUPPORTED_EXTENSIONS == (
        ".docx",
        ".eml",
        ".htm",
        ".html",
        ".markdown",
        ".md",
        ".pdf",
        ".txt",
    )


@pytest.mark.parametrize(
    ("name", "reader_name"),
    [
        ("a.TXT", "text"),
        ("b.Md", "markdown"),
        ("c.markdown", "markdown"),
        ("d.HTM", "html"),
        ("e.pdf", "pdf"),
        ("f.DOCX", "docx"),
        ("g.eml", "eml"),
    ],
)
def test_reader_for_is_case_insensitive(name: str, reader_name: str) -> None:
    assert reader_for(Path("dir") / name).name == reader_name


def test_reader_for_unknown_extension_names_it_and_the_supported_list() -> None:
    with pytest.raises(UnsupportedFormat) as caught:
        reader_for(Path("notes.odt"))
    assert "'.odt'" in caught.value.reason
    assert ".docx, .eml, .htm, .html, .markdown, .md, .pdf, .txt" in caught.value.reason


def test_reader_for_without_extension() -> None:
    with pytest.raises(UnsupportedFormat, match="no file extension"):
        reader_for(Path("README"))


def test_reader_identities_are_unique() -> None:
    assert len({f"{reader.name}@{reader.version}" for reader in READERS}) == len(READERS)


# --- text, markdown and decoding --------------------------------------------


def test_text_normalises_newlines_and_nfc() -> None:
    result = PlainTextReader().read("Cafe\u0301 line\r\nnext\rlast\n".encode(), "t.txt", LIMITS)
    assert result == ReadResult(
        "Café line\nnext\nlast\n", "text/plain", "text@2", {"front_matter": {}, "encoding": "utf-8"}
    )


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (codecs.BOM_UTF8 + "Привіт, світ".encode(), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + "Привіт, світ".encode("utf-16-le"), "utf-16"),
        (codecs.BOM_UTF16_BE + "Привіт, світ".encode("utf-16-be"), "utf-16"),
        (codecs.BOM_UTF32_LE + "Привіт, світ".encode("utf-32-le"), "utf-32"),
        (codecs.BOM_UTF32_BE + "Привіт, світ".encode("utf-32-be"), "utf-32"),
    ],
)
def test_text_accepts_utf_encodings_with_bom(data: bytes, encoding: str) -> None:
    result = PlainTextReader().read(data, "t.txt", LIMITS)
    assert (result.text, result.metadata) == (
        "Привіт, світ",
        {"front_matter": {}, "encoding": encoding},
    )


def test_text_body_after_front_matter() -> None:
    data = b"---\r\nsource: W-07\r\nlanguage: fr\r\nconsent: public\r\n---\r\n"
    data += "Ils m'ont frappé.\r\n".encode()
    result = MarkdownReader().read(data, "t.md", LIMITS)
    assert result.text == "Ils m'ont frappé.\n"
    assert result.metadata == {
        "front_matter": {"source": "W-07", "language": "fr", "consent": "public"},
        "encoding": "utf-8",
    }
    assert (result.media_type, result.reader) == ("text/markdown", "markdown@2")


def test_markdown_markup_is_kept() -> None:
    assert MarkdownReader().read(b"# Day 1\n\n*cold*", "t.md", LIMITS).text == "# Day 1\n\n*cold*"


@pytest.mark.parametrize("data", [b"", b"  \n\t\r\n  "])
def test_text_empty(data: bytes) -> None:
    assert (
        reason(PlainTextReader(), data)
        == "contains no text (the file is empty or holds only whitespace)"
    )


def test_text_with_front_matter_only() -> None:
    assert "no testimony text" in reason(PlainTextReader(), b"---\nsource: A\n---\n\n")


def test_text_in_no_known_encoding_names_byte_and_offset() -> None:
    # every single-byte encoding decodes these, but mostly as symbols, not words
    assert reason(PlainTextReader(), b"\xb1\xb0\xd7\xa9\xae\xbb\xab\xb6") == (
        "not valid UTF-8 (byte 0xb1 at offset 0, and not in an older encoding Testimonia "
        "recognises (Windows-1252, Latin-1, Windows-1251, KOI8-R, KOI8-U, ...)); "
        "re-save the file as UTF-8 (in most editors: Save As, Encoding: UTF-8)"
    )


def test_binary_garbage() -> None:
    garbage = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    assert reason(PlainTextReader(), garbage).startswith("binary data, not text")


def test_control_characters_mean_binary() -> None:
    assert reason(PlainTextReader(), b"ab\x01\x02\x03\x04cdefgh").startswith("binary data")


def test_utf16_without_bom_that_is_not_text_gets_its_own_hint() -> None:
    assert "UTF-16 without a byte-order mark" in reason(
        PlainTextReader(), "hello\x01\x02\x03world".encode("utf-16-le")
    )


def test_text_longer_than_limit() -> None:
    assert "longer than the limit of 10 characters" in reason(
        PlainTextReader(), b"x" * 11, ReadLimits(max_text_chars=10)
    )


# --- HTML -------------------------------------------------------------------


def test_html_text_title_and_no_script_leak() -> None:
    result = HtmlReader().read(HTML_PAGE.encode(), "p.html", LIMITS)
    assert result.text == HTML_TEXT
    assert result.metadata == {"title": "Statement & notes", "encoding": "utf-8"}
    assert "leak" not in result.text and "color" not in result.text


def test_html_head_without_closing_tag() -> None:
    page = b"<html><head><title>T</title><body><p>Body text</p>"
    assert HtmlReader().read(page, "p.htm", LIMITS).text == "Body text"


def test_html_with_only_script_has_no_text() -> None:
    assert reason(HtmlReader(), b"<script>alert('x')</script>").startswith("contains no text")


def test_html_the_parser_gives_up_on() -> None:
    assert reason(HtmlReader(), b"<![foo[ bar ]]>text").startswith(
        "the HTML is too malformed to read"
    )


# --- PDF --------------------------------------------------------------------


def test_pdf_pages_joined_with_blank_line() -> None:
    data = make_pdf(
        [["They kept me in a basement (cell 3).", "Second line"], ["Page two"]], title="Statement"
    )
    result = PdfReader().read(data, "s.pdf", LIMITS)
    assert result.text == "They kept me in a basement (cell 3).\nSecond line\n\nPage two"
    assert result.metadata == {
        "page_count": 2,
        "title": "Statement",
        "pdf_engine": f"pypdfium2 {version('pypdfium2')}",
    }
    assert result.reader == "pdf@2"


def test_pdf_without_title() -> None:
    assert PdfReader().read(make_pdf([["Hello world"]]), "s.pdf", LIMITS).metadata == {
        "page_count": 1,
        "pdf_engine": f"pypdfium2 {version('pypdfium2')}",
    }


def test_pdf_truncated_prints_nothing(capfd: pytest.CaptureFixture[str]) -> None:
    data = make_pdf([["Hello world"]])
    assert "truncated" in reason(PdfReader(), data[: len(data) // 2])
    assert capfd.readouterr() == ("", "")


def test_pdf_damaged_inside(capfd: pytest.CaptureFixture[str]) -> None:
    assert reason(PdfReader(), b"%PDF-1.4\ngarbage\n%%EOF\n").startswith("damaged PDF")
    assert capfd.readouterr() == ("", "")


def test_pdf_magic_and_empty() -> None:
    assert reason(PdfReader(), b"hello %%EOF").startswith("not a PDF file")
    assert reason(PdfReader(), b"") == "the file is empty"


def _encrypted(user: str, owner: str) -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(make_pdf([["Secret words"]]))))
    writer.encrypt(user_password=user, owner_password=owner)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_pdf_needing_a_password_is_refused() -> None:
    assert reason(PdfReader(), _encrypted("secret", "owner")).startswith(
        "the PDF is encrypted and needs a password"
    )


def test_pdf_with_owner_password_only_is_read() -> None:
    assert PdfReader().read(_encrypted("", "owner"), "s.pdf", LIMITS).text == "Secret words"


def test_pdf_too_many_pages() -> None:
    data = make_pdf([["one"], ["two"]])
    assert "2 pages, more than the limit of 1" in reason(
        PdfReader(), data, ReadLimits(max_pdf_pages=1)
    )


def test_pdf_without_text_layer() -> None:
    assert reason(PdfReader(), make_pdf([[]])).startswith(
        "no text layer — is it a scan? OCR is not supported"
    )


# --- DOCX -------------------------------------------------------------------


def test_docx_text_and_metadata_without_author() -> None:
    result = DocxReader().read(docx(), "d.docx", LIMITS)
    assert result.text == DOCX_TEXT
    assert result.metadata == {
        "title": "Interview 7",
        "created": "2023-05-14T09:00:00Z",
        "modified": "2023-05-15T10:30:00Z",
    }


def test_docx_without_core_properties() -> None:
    assert DocxReader().read(docx(core=None), "d.docx", LIMITS).metadata == {}


def test_docx_not_a_zip() -> None:
    assert reason(DocxReader(), b"just some text").startswith("not a .docx file (no ZIP signature)")
    assert reason(DocxReader(), b"") == "the file is empty"


def test_old_word_doc() -> None:
    assert "old Word .doc" in reason(DocxReader(), b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100))


def test_zip_without_document() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert "no word/document.xml" in reason(DocxReader(), buffer.getvalue())


def test_docx_compression_ratio_bomb() -> None:
    data = docx(extra={"word/media/zeros.bin": bytes(10_000_000)})
    assert (
        "possible zip bomb: member 'word/media/zeros.bin' compresses more than 200 to 1"
        in reason(DocxReader(), data)
    )


@pytest.fixture(scope="module")
def big_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        with archive.open("word/media/zeros.bin", "w") as member:
            for _ in range(300):
                member.write(bytes(1 << 20))
    return buffer.getvalue()


def test_docx_300_mb_of_zeros_is_refused_before_inflating(big_bomb: bytes) -> None:
    assert len(big_bomb) < 1_000_000
    assert "declares 314,572,8" in reason(DocxReader(), big_bomb)


def test_docx_too_many_members() -> None:
    data = docx(extra={f"word/media/{i}.txt": b"x" for i in range(10)})
    assert "it has 13 members, more than the limit of 12" in reason(
        DocxReader(), data, ReadLimits(max_zip_members=12)
    )


def _lie_about_size(data: bytes, name: bytes, size: int) -> bytes:
    out = bytearray(data)
    start = out.index(b"PK\x01\x02")
    while True:
        name_length = struct.unpack_from("<H", out, start + 28)[0]
        if out[start + 46 : start + 46 + name_length] == name:
            struct.pack_into("<I", out, start + 24, size)
            return bytes(out)
        start = out.index(b"PK\x01\x02", start + 4)


def test_docx_whose_declared_size_lies() -> None:
    data = _lie_about_size(docx(), b"word/document.xml", 40)
    assert reason(DocxReader(), data).startswith("damaged .docx")


def test_inflation_stops_at_the_budget() -> None:
    archive = zipfile.ZipFile(io.BytesIO(docx()))
    with pytest.raises(UnreadableFile, match="inflates to more than 100 bytes"):
        read_member(archive, "word/document.xml", InflationBudget(100, "d.docx"))


def test_docx_with_entity_expansion_is_refused() -> None:
    body = (
        '<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        "<w:document>&b;</w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", body)
    assert "word/document.xml is not valid XML" in reason(DocxReader(), buffer.getvalue())


def test_docx_with_only_empty_paragraphs() -> None:
    assert reason(DocxReader(), docx(body="<w:p/><w:p/>")).startswith("contains no text")


# --- e-mail -----------------------------------------------------------------


def test_eml_prefers_plain_and_lists_attachments() -> None:
    result = EmlReader().read(eml(), "m.eml", LIMITS)
    assert result.text == "Ils m'ont frappé.\nDeux fois.\n"
    assert result.metadata == {
        "subject": "Témoignage 12 — Донецьк",
        "date": "Mon, 15 May 2023 10:30:00 +0200",
        "body_type": "text/plain",
        "attachments": ["scan.pdf"],
        "encoding": "utf-8",
    }
    assert "example.org" not in repr(result.metadata)


def test_eml_with_html_only_body() -> None:
    result = EmlReader().read(eml(html_only=True), "m.eml", LIMITS)
    assert (result.text, result.metadata["body_type"]) == ("Ils m'ont frappé.", "text/html")


def test_eml_without_headers() -> None:
    assert reason(EmlReader(), b"Just a note\nwith two lines\n").startswith(
        "no e-mail headers found"
    )


def test_eml_with_attachment_only() -> None:
    message = EmailMessage()
    message["Subject"] = "scan"
    message.add_attachment(b"\x00\x01", maintype="application", subtype="pdf", filename="scan.pdf")
    assert (
        reason(EmlReader(), message.as_bytes())
        == "the e-mail has no text body (attachments are not ingested)"
    )


def test_eml_with_unknown_charset() -> None:
    data = b"Subject: x\nContent-Type: text/plain; charset=x-nothing\n\nhello\n"
    assert "unknown character set" in reason(EmlReader(), data)


def test_eml_binary_and_empty() -> None:
    assert reason(EmlReader(), bytes(range(256))).startswith("binary data")
    assert reason(EmlReader(), b" \n") == "the file is empty"


# --- any bytes at all -------------------------------------------------------

SAMPLES = [
    b"---\ntitle: T\n---\nbody",
    HTML_PAGE.encode(),
    make_pdf([["Hello"], ["world"]], title="T"),
    docx(),
    eml(),
]
MAGICS = [b"---\n", b"%PDF-1.4\n", b"PK\x03\x04", b"<html>", b"Subject: x\n\n"]


@st.composite
def hostile_bytes(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["random", "magic", "mutated"]))
    if kind == "random":
        return draw(st.binary(max_size=600))
    if kind == "magic":
        return draw(st.sampled_from(MAGICS)) + draw(st.binary(max_size=600))
    data = bytearray(draw(st.sampled_from(SAMPLES)))
    for _ in range(draw(st.integers(0, 6))):
        data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data[: draw(st.integers(0, len(data)))])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=hostile_bytes())
def test_any_bytes_give_nfc_text_or_unreadable_file(data: bytes) -> None:
    for reader in READERS:
        try:
            result = reader.read(data, "fuzz", LIMITS)
        except UnreadableFile:
            continue
        assert result.text.strip()
        assert unicodedata.is_normalized("NFC", result.text)
        assert "\r" not in result.text
