"""Front matter: the valid keys and values, and an exact reason for every mistake."""

from __future__ import annotations

import pytest

from testimonia.errors import UnreadableFile
from testimonia.ingest.frontmatter import KNOWN_KEYS, FrontMatter, split_front_matter

FULL = """---
source: W-07
source_kind: survivor
interview_date: 2023-05-14
interview_place: Kharkiv
interviewer_org: Example Documentation Group
language: uk
consent: consortium
title: "Basement, Izium"
fictional: true
---
Мене тримали в підвалі.
"""


def error(text: str) -> str:
    with pytest.raises(UnreadableFile) as caught:
        split_front_matter(text, "t.md")
    return caught.value.reason


def test_full_block() -> None:
    front, body = split_front_matter(FULL, "t.md")
    assert front == FrontMatter(
        source="W-07",
        source_kind="survivor",
        interview_date="2023-05-14",
        interview_place="Kharkiv",
        interviewer_org="Example Documentation Group",
        language="uk",
        consent="consortium",
        title="Basement, Izium",
        fictional=True,
    )
    assert body == "Мене тримали в підвалі.\n"


def test_as_metadata_has_only_set_fields() -> None:
    front, _ = split_front_matter(
        "---\nsource: A-1\nconsent: internal\nfictional: false\n---\nbody", "t.md"
    )
    assert front is not None
    assert front.as_metadata() == {"source": "A-1", "consent": "internal"}


def test_no_front_matter_leaves_text_alone() -> None:
    assert split_front_matter("Plain testimony.\n---\n", "t.txt") == (
        None,
        "Plain testimony.\n---\n",
    )
    assert split_front_matter("--- not a block\nx", "t.txt") == (None, "--- not a block\nx")


def test_dots_close_the_block_and_empty_block_is_allowed() -> None:
    assert split_front_matter("---\nsource: B\n...\nbody", "t.md") == (
        FrontMatter(source="B"),
        "body",
    )
    assert split_front_matter("---\n---\nbody", "t.md") == (FrontMatter(), "body")


@pytest.mark.parametrize(
    ("written", "stored"),
    [("2023-05-14", "2023-05-14"), ("'2023-05'", "2023-05"), ("2023", "2023"), ("'1999'", "1999")],
)
def test_interview_date_forms(written: str, stored: str) -> None:
    front, _ = split_front_matter(f"---\ninterview_date: {written}\n---\nx", "t.md")
    assert front is not None and front.interview_date == stored


def test_choices_are_case_insensitive_and_null_means_unset() -> None:
    front, _ = split_front_matter("---\nsource_kind: Witness\nlanguage: FR\ntitle:\n---\nx", "t.md")
    assert front == FrontMatter(source_kind="witness", language="fr")


def test_unknown_key_lists_known_keys() -> None:
    assert error("---\nsorce: A\n---\nx") == (
        "front matter: unknown key 'sorce'; known keys: consent, fictional, interview_date, "
        "interview_place, interviewer_org, language, source, source_kind, title"
    )
    assert len(KNOWN_KEYS) == 9


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "consent: everyone",
            "front matter: consent is 'everyone'; valid values: internal, consortium, public",
        ),
        ("language: de", "front matter: language is 'de'; valid values: en, fr, ru, uk"),
        (
            "source_kind: victim",
            "front matter: source_kind is 'victim'; valid values: survivor, witness, "
            "relative, official, defector, journalist, document",
        ),
        ("source: 17", "front matter: source is 17, not text; put the value in quotes"),
        ("title: [a, b]", "front matter: title is ['a', 'b'], not text; put the value in quotes"),
        ("fictional: 'yes'", "front matter: fictional is 'yes'; use true or false"),
        (
            "interview_place: '  '",
            "front matter: interview_place is empty; give a value or remove the line",
        ),
    ],
)
def test_bad_values(line: str, expected: str) -> None:
    assert error(f"---\n{line}\n---\nbody") == expected


@pytest.mark.parametrize(
    "value", ["14/05/2023", "'2023-13'", "'2023-02-30'", "2023-05-14 10:00:00", "99"]
)
def test_bad_dates(value: str) -> None:
    assert error(f"---\ninterview_date: {value}\n---\nx").endswith(
        "; use YYYY-MM-DD, YYYY-MM or YYYY (e.g. 2023-05-14)"
    )


def test_unclosed_block_is_an_error() -> None:
    assert error("---\nsource: A\nThe testimony starts here.\n") == (
        "front matter: the block opened by '---' on line 1 is never closed; add a line '---' "
        "after the last key (or remove line 1 if the file has no front matter)"
    )


def test_yaml_that_is_not_a_mapping() -> None:
    assert error("---\n- a\n- b\n---\nx").startswith(
        "front matter: must be a list of 'key: value' lines"
    )


def test_invalid_yaml_names_the_line() -> None:
    assert error("---\nsource: A\ntitle: [unclosed\n---\nx").startswith(
        "front matter: not valid YAML at line"
    )


def test_impossible_yaml_date() -> None:
    assert error("---\ninterview_date: 2023-13-45\n---\nx").startswith(
        "front matter: not valid YAML"
    )


def test_python_tags_are_refused() -> None:
    assert error("---\ntitle: !!python/object/apply:os.system ['echo hi']\n---\nx").startswith(
        "front matter: not valid YAML"
    )


def test_huge_block_is_refused() -> None:
    assert "longer than 65,536 characters" in error("---\n" + "#" * 70_000 + "\n---\nx")
