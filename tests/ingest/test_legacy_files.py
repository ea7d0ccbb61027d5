"""Files a newsroom actually has: older encodings, stray NULs, UTF-16 without a
byte-order mark, PDFs with a damaged cross-reference table, one-line exports.

Every repair is named in metadata["repairs"]; the codec in metadata["encoding"].
"""

from __future__ import annotations

import re
from collections.abc import Callable
from email.message import EmailMessage
from importlib.metadata import version

import pytest
from pdfmaker import make_pdf

from testimonia.errors import UnreadableFile
from testimonia.ingest.language import detect_language
from testimonia.ingest.readers.base import Reader, ReadLimits, ReadResult
from testimonia.ingest.readers.eml import EmlReader
from testimonia.ingest.readers.html import HtmlReader
from testimonia.ingest.readers.pdf import PdfReader, xref_matches
from testimonia.ingest.readers.text import MarkdownReader, PlainTextReader
from testimonia.ingest.textdecode import BINARY_REASON

LIMITS = ReadLimits()
FRENCH = "Le gardien m’a frappé au cœur de la nuit ; j’étais à genoux près du conteneur à Sévaré.\n"
FRENCH_LATIN1 = "Le gardien m'a frappé à la tête ; j'étais à genoux près du conteneur à Sévaré.\n"
FRENCH_LATIN9 = "Le gardien m'a frappé au cœur de la nuit ; j'étais à genoux près du conteneur.\n"
RUSSIAN = "Меня задержали в Херсоне в октябре, потом отвезли в Таганрог. Там нас били каждый день.\n"
UKRAINIAN = "Мене затримали восени. Їх було четверо, вони питали про ґанок і про мою сім'ю. Є свідки.\n"
ENGLISH = "Witness B-12 said they kept him in a cell.\n"


def reason(reader: Reader, data: bytes) -> str:
    with pytest.raises(UnreadableFile) as caught:
        reader.read(data, "in.txt", LIMITS)
    return caught.value.reason


# --- older encodings ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "python_codec", "encoding", "name"),
    [
        (FRENCH, "cp1252", "cp1252", "Windows-1252"),  # ’ and œ exist only in cp1252
        # Latin-1 text without cp1252's extra characters is the same bytes in both
        (FRENCH_LATIN1, "latin-1", "cp1252", "Windows-1252"),
        (FRENCH_LATIN9, "iso8859-15", "iso8859-15", "Latin-9 (ISO-8859-15)"),  # œ is 0xbd
        (RUSSIAN, "cp1251", "cp1251", "Windows-1251"),
        (RUSSIAN, "koi8-r", "koi8-r", "KOI8-R"),
        (RUSSIAN, "cp866", "cp866", "DOS Cyrillic (CP866)"),
        (UKRAINIAN, "cp1251", "cp1251", "Windows-1251"),
        (UKRAINIAN, "koi8-u", "koi8-u", "KOI8-U"),
    ],
)
def test_legacy_encoding_is_detected_and_recorded(
    text: str, python_codec: str, encoding: str, name: str
) -> None:
    result = PlainTextReader().read(text.encode(python_codec), "t.txt", LIMITS)
    assert result == ReadResult(
        text,
        "text/plain",
        "text@2",
        {
            "front_matter": {},
            "encoding": encoding,
            "repairs": [f"decoded as {name} (not UTF-8)"],
        },
    )


def test_legacy_encoding_with_front_matter_in_markdown() -> None:
    data = ("---\nsource: W-07\nlanguage: uk\n---\n" + UKRAINIAN).encode("cp1251")
    result = MarkdownReader().read(data, "t.md", LIMITS)
    assert (result.text, result.metadata) == (
        UKRAINIAN,
        {
            "front_matter": {"source": "W-07", "language": "uk"},
            "encoding": "cp1251",
            "repairs": ["decoded as Windows-1251 (not UTF-8)"],
        },
    )


def test_utf8_is_not_a_repair() -> None:
    result = PlainTextReader().read(RUSSIAN.encode(), "t.txt", LIMITS)
    assert result.metadata == {"front_matter": {}, "encoding": "utf-8"}


def test_html_uses_the_charset_its_meta_declares() -> None:
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'
        f"<title>Показания</title></head><body><p>{RUSSIAN}</p></body></html>"
    )
    result = HtmlReader().read(page.encode("cp1251"), "p.html", LIMITS)
    assert result == ReadResult(
        RUSSIAN.strip(),
        "text/html",
        "html@2",
        {
            "title": "Показания",
            "encoding": "cp1251",
            "repairs": ["decoded as Windows-1251 (not UTF-8)"],
        },
    )


def test_eml_body_without_charset_in_an_older_encoding() -> None:
    data = b"Subject: note\nContent-Type: text/plain\nContent-Transfer-Encoding: 8bit\n\n"
    result = EmlReader().read(data + RUSSIAN.encode("koi8-r"), "m.eml", LIMITS)
    assert (result.text, result.reader) == (RUSSIAN, "eml@2")
    assert result.metadata == {
        "subject": "note",
        "body_type": "text/plain",
        "attachments": [],
        "encoding": "koi8-r",
        "repairs": ["decoded as KOI8-R (not UTF-8)"],
    }


def test_eml_with_declared_charset_records_it() -> None:
    message = EmailMessage()
    message["Subject"] = "note"
    message.set_content(FRENCH_LATIN1, charset="iso-8859-1", cte="quoted-printable")
    result = EmlReader().read(message.as_bytes(), "m.eml", LIMITS)
    assert (result.text, result.metadata["encoding"]) == (FRENCH_LATIN1, "iso8859-1")
    assert "repairs" not in result.metadata


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        bytes(range(1, 32)) * 5 + b"abcdef\xff",  # control bytes, no NUL
        b"\x00" * 100 + b"abc",  # mostly NULs
        bytes(range(256)) * 4,  # every byte, NULs on both sides
    ],
)
def test_binary_data_is_still_refused(data: bytes) -> None:
    assert reason(PlainTextReader(), data) == BINARY_REASON
    assert reason(MarkdownReader(), data) == BINARY_REASON
    assert reason(HtmlReader(), data) == BINARY_REASON


# --- NULs and UTF-16 without a byte-order mark ---------------------------------


def test_a_few_stray_nuls_are_removed_and_recorded() -> None:
    result = PlainTextReader().read(b"They kept \x00me in a \x00basement.\x00\n", "t.txt", LIMITS)
    assert (result.text, result.metadata) == (
        "They kept me in a basement.\n",
        {"front_matter": {}, "encoding": "utf-8", "repairs": ["removed 3 NUL bytes"]},
    )


def test_stray_nuls_under_one_in_a_thousand_bytes_are_removed() -> None:
    body = ("Ils m'ont frappé.\n" * 1000).encode()  # 19,000 bytes
    data = body[:5000] + b"\x00" * 10 + body[5000:10000] + b"\x00" * 9 + body[10000:]
    result = PlainTextReader().read(data, "t.txt", LIMITS)
    assert result.text == "Ils m'ont frappé.\n" * 1000
    assert result.metadata["repairs"] == ["removed 19 NUL bytes"]


def test_too_many_nuls_for_stray_ones_is_binary() -> None:
    data = b"They kept me in a basement." + b"\x00" * 9
    assert reason(PlainTextReader(), data) == BINARY_REASON


@pytest.mark.parametrize("text", [ENGLISH, UKRAINIAN])
@pytest.mark.parametrize(("codec", "order"), [("utf-16-le", "little"), ("utf-16-be", "big")])
def test_utf16_without_bom_is_decoded(text: str, codec: str, order: str) -> None:
    result = PlainTextReader().read(text.encode(codec), "t.txt", LIMITS)
    assert (result.text, result.metadata) == (
        text,
        {
            "front_matter": {},
            "encoding": codec,
            "repairs": [f"decoded as UTF-16 ({order}-endian) without a byte-order mark"],
        },
    )


# --- PDF ------------------------------------------------------------------------


def _damage_xref(data: bytes) -> bytes:
    """Shift every cross-reference entry and the startxref offset off their targets."""
    shifted = re.sub(
        rb"(\d{10}) 00000 n", lambda m: b"%010d 00000 n" % (int(m.group(1)) + 7), data
    )
    return re.sub(rb"startxref\n\d+", b"startxref\n9", shifted)


def test_pdf_with_damaged_xref_is_read_and_the_repair_recorded() -> None:
    data = make_pdf([["They kept me in a basement (cell 3)."], ["Page two"]], title="Statement")
    damaged = _damage_xref(data)
    assert damaged != data and xref_matches(data) and not xref_matches(damaged)
    result = PdfReader().read(damaged, "s.pdf", LIMITS)
    assert result == ReadResult(
        "They kept me in a basement (cell 3).\n\nPage two",
        "application/pdf",
        "pdf@2",
        {
            "page_count": 2,
            "title": "Statement",
            "pdf_engine": f"pypdfium2 {version('pypdfium2')}",
            "repairs": ["the cross-reference table did not match the file; PDFium rebuilt it"],
        },
    )


def test_pdf_whose_startxref_points_past_the_end() -> None:
    data = make_pdf([["Hello world"]])
    damaged = re.sub(rb"startxref\n\d+", b"startxref\n99999999", data)
    result = PdfReader().read(damaged, "s.pdf", LIMITS)
    assert (result.text, result.metadata["repairs"]) == (
        "Hello world",
        ["the cross-reference table did not match the file; PDFium rebuilt it"],
    )


def test_pdf_page_text_lines_come_out_with_plain_newlines() -> None:
    data = make_pdf([["Line one", "Line two", "Line three"]])
    assert PdfReader().read(data, "s.pdf", LIMITS).text == "Line one\nLine two\nLine three"


# --- one very long line -----------------------------------------------------------

SENTENCE = "On m'a arrêté à Nampala en mars 2023, puis enfermé au camp de Sévaré. "


def _one_line(chars: int) -> str:
    return (SENTENCE * (chars // len(SENTENCE) + 1))[:chars].rstrip()


READS: list[tuple[Reader, Callable[[str], str]]] = [
    (PlainTextReader(), lambda line: line),
    (MarkdownReader(), lambda line: "---\nsource: W-07\n---\n" + line),
    (HtmlReader(), lambda line: f"<html><body><p>{line}</p></body></html>"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("reader", "wrap"), READS, ids=["txt", "md", "html"])
def test_one_line_over_the_old_20_million_character_limit_is_read(
    reader: Reader, wrap: Callable[[str], str]
) -> None:
    """A whole export on one line (its speed is measured in bench/ingest.py, not here)."""
    line = _one_line(21_000_000)
    result = reader.read(wrap(line).encode(), "long", LIMITS)
    assert len(line) > 20_000_000 and result.text == line
    assert detect_language(result.text).code == "fr"


def test_the_text_limit_is_still_enforced() -> None:
    assert reason(PlainTextReader(), b"x" * 100_000_001) == (
        "text is longer than the limit of 100,000,000 characters; "
        "split the file into smaller parts"
    )
