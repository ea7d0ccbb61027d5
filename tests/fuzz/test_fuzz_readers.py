"""Fuzzing: readers and text parsers never fail with anything but UnreadableFile, and
never take more than 5 seconds on one input.

Each test runs TESTIMONIA_FUZZ_EXAMPLES examples (default 500, sized so that the file
runs in well under a minute on two cores); raise it for a longer run, e.g.
`TESTIMONIA_FUZZ_EXAMPLES=5000 .venv/bin/python -m pytest -q tests/fuzz`.
"""

from __future__ import annotations

import io
import os
import unicodedata
import zipfile
from datetime import timedelta
from email.message import EmailMessage

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pdfmaker import make_pdf

from testimonia.errors import UnreadableFile
from testimonia.ingest.frontmatter import parse_block, split_front_matter
from testimonia.ingest.readers import READERS
from testimonia.ingest.readers.base import Reader, ReadLimits, ReadResult
from testimonia.periods.finder import find_periods
from testimonia.places.gazetteer import get_gazetteer

EXAMPLES = int(os.environ.get("TESTIMONIA_FUZZ_EXAMPLES", "500"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=timedelta(seconds=5),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
LIMITS = ReadLimits()
LANGUAGES = ("en", "fr", "ru", "uk", "und")
RUSSIAN = "Меня задержали в Херсоне 12 октября 2022 года, потом отвезли в Таганрог.\n"
FRENCH = "On m'a arrêté à Nampala en mars 2023, puis enfermé au camp de Sévaré.\n"


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(
            "word/document.xml",
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            "<w:body><w:p><w:r><w:t>They kept me in a basement.</w:t></w:r></w:p></w:body>"
            "</w:document>",
        )
    return buffer.getvalue()


def _eml() -> bytes:
    message = EmailMessage()
    message["Subject"] = "Témoignage 12"
    message.set_content(FRENCH)
    message.add_alternative(f"<p>{FRENCH}</p>", subtype="html")
    message.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="a.pdf")
    return message.as_bytes()


# Valid files of each format, the starting points of the near-valid inputs.
SEEDS: dict[str, list[bytes]] = {
    "text": [
        ("---\nsource: W-07\nlanguage: ru\n---\n" + RUSSIAN).encode(),
        RUSSIAN.encode("cp1251"),
        FRENCH.encode("utf-16-le"),
    ],
    "markdown": [("---\nsource: W-07\nconsent: public\n---\n# Day 1\n\n" + FRENCH).encode("cp1252")],
    "html": [
        f"<html><head><meta charset='koi8-r'><title>T</title></head><body><p>{RUSSIAN}</p>"
        "<script>x()</script><table><tr><td>a</td></tr></table></body></html>".encode("koi8-r")
    ],
    "pdf": [make_pdf([["They kept me in a basement (cell 3)."], ["Page two"]], title="T")],
    "docx": [_docx()],
    "eml": [_eml()],
}


@st.composite
def near_valid(draw: st.DrawFn, seeds: list[bytes]) -> bytes:
    """A valid file with a few bytes flipped, inserted or deleted, perhaps truncated."""
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(0, 8))):
        position = draw(st.integers(0, max(len(data) - 1, 0)))
        action = draw(st.sampled_from(["flip", "insert", "delete"]))
        if action == "flip" and data:
            data[position] ^= 1 << draw(st.integers(0, 7))
        elif action == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=16))
        elif data:
            del data[position : position + draw(st.integers(1, 16))]
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return bytes(data)


def _inputs(reader: Reader) -> st.SearchStrategy[bytes]:
    return st.one_of(st.binary(max_size=3000), near_valid(SEEDS[reader.name]))


def _check_reader(reader: Reader, data: bytes) -> None:
    try:
        result = reader.read(data, "fuzz", LIMITS)
    except UnreadableFile:
        return
    assert isinstance(result, ReadResult)
    assert result.text.strip()
    assert unicodedata.is_normalized("NFC", result.text)
    assert "\r" not in result.text and "\x00" not in result.text


def test_every_reader_has_seeds() -> None:
    assert sorted(SEEDS) == sorted(reader.name for reader in READERS)


@pytest.mark.parametrize("reader", READERS, ids=[reader.name for reader in READERS])
def test_reader_gives_a_result_or_unreadable_file(reader: Reader) -> None:
    @FUZZ
    @given(data=_inputs(reader))
    def check(data: bytes) -> None:
        _check_reader(reader, data)

    check()


# --- parsers of free text ---------------------------------------------------------

WORDS = [
    "---", "...", ":", "source:", "language:", "interview_date:", "consent:", "fictional:",
    "&a", "*a", "!!python/object", "[", "{", "'", '"', "\n", "\t", "2023", "12", "31", "-",
    "/", ".", "mars", "March", "октября", "жовтня", "з", "по", "du", "au", "from", "to",
    "until", "в", "году", "року", "середине", "кінці", "early", "late", "fin", "début",
    "Taganrog", "Таганрог", "Херсоні", "Sévaré", "Kherson", "Moura", "SIZO-2", "СІЗО-2",
]
fragments = st.one_of(st.sampled_from(WORDS), st.text(max_size=8))
texts = st.one_of(
    st.text(max_size=1000),
    st.lists(fragments, max_size=150).map(" ".join),
)


@FUZZ
@given(text=texts)
def test_front_matter_gives_a_result_or_unreadable_file(text: str) -> None:
    for candidate in (text, f"---\n{text}\n---\nbody", f"---\n{text}"):
        try:
            split_front_matter(candidate, "fuzz")
        except UnreadableFile:
            pass
    try:
        parse_block(text, "fuzz")
    except UnreadableFile:
        pass


@FUZZ
@given(text=texts, language=st.sampled_from(LANGUAGES))
def test_period_parser_never_raises(text: str, language: str) -> None:
    for match in find_periods(text, language):
        assert text[match.start : match.end] == match.text


@FUZZ
@given(text=texts, language=st.sampled_from(LANGUAGES))
def test_place_parser_never_raises(text: str, language: str) -> None:
    gazetteer = get_gazetteer()
    for match in gazetteer.find(text, language):
        assert text[match.start : match.end] == match.text
    gazetteer.lookup(text[:200], language)
