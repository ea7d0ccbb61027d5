"""Extraction quality may not drop below the level reached (tests/eval/README.md).

Thresholds sit a little under the F1 measured with `testimonia eval tests/eval/gold.jsonl`
(docs/extraction.md has the full table); raise them when the pipeline improves.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from testimonia.extract.evaluate import Evaluation, evaluate, load_gold, part_of, select

pytestmark = pytest.mark.slow
GOLD = Path(__file__).with_name("gold.jsonl")
FIELD_F1 = {"acts": 0.85, "methods": 0.87, "violations": 0.88, "perpetrators": 0.82,
            "places": 0.90, "period": 0.82, "victim": 0.82, "first_hand": 0.87, "denial": 0.89,
            "transfers": 0.95}
LANGUAGE_F1 = {"en": 0.84, "fr": 0.83, "ru": 0.86, "uk": 0.91}


@pytest.fixture(scope="module")
def result() -> Evaluation:
    return evaluate(load_gold(GOLD))


def test_the_gold_set_is_whole(result: Evaluation) -> None:
    assert result.items >= 160 and set(result.by_language) == set(LANGUAGE_F1)


@pytest.mark.parametrize(("field", "floor"), sorted(FIELD_F1.items()))
def test_field_quality(result: Evaluation, field: str, floor: float) -> None:
    assert result.total(field).f1 >= floor


@pytest.mark.parametrize(("language", "floor"), sorted(LANGUAGE_F1.items()))
def test_language_quality(result: Evaluation, language: str, floor: float) -> None:
    assert result.micro(language).f1 >= floor


def test_overall_quality(result: Evaluation) -> None:
    assert result.micro().f1 >= 0.86


REAL = sorted(GOLD.parent.glob("real/*.jsonl"))
# The held-out third of the set in real language (tests/eval/README.md), measured
# after the fifth round (dictionary forms in every language, what is told after an act):
# a floor under today's figures, to raise as extraction improves.
HELDOUT_FIELD_F1 = {"acts": 0.82, "methods": 0.82, "places": 0.82, "perpetrators": 0.83,
                    "transfers": 0.71, "violations": 0.74, "period": 0.81, "victim": 0.79,
                    "first_hand": 0.85}
HELDOUT_MICRO_F1 = 0.81


@pytest.fixture(scope="module")
def real() -> list[dict[str, object]]:
    return [item for path in REAL for item in load_gold(path)]


def test_the_real_set_is_whole(real: list[dict[str, object]]) -> None:
    by_language = Counter(str(i["language"]) for i in real)
    styles = Counter((str(i["language"]), str(i["style"])) for i in real)
    assert len(real) >= 400 and min(by_language.values()) >= 60 and set(by_language) == set(LANGUAGE_F1)
    assert all(styles[(lang, style)] >= 40 for lang in by_language for style in ("testimony", "report"))
    # The held-out third of the first files stays as it was; the `-s` … `-w` files added later
    # are development passages only (their ids were chosen to fall in dev).
    assert Counter(part_of(i) for i in real)["heldout"] >= 140
    assert all(part_of(i) == "dev" for i in real if str(i["id"]).split("-")[1].startswith(("s", "t", "u", "v", "w")))


@pytest.fixture(scope="module")
def heldout(real: list[dict[str, object]]) -> Evaluation:
    return evaluate(select(real, "heldout"))  # type: ignore[arg-type]


@pytest.mark.parametrize(("field", "floor"), sorted(HELDOUT_FIELD_F1.items()))
def test_heldout_field_quality(heldout: Evaluation, field: str, floor: float) -> None:
    assert heldout.total(field).f1 >= floor


def test_heldout_overall_quality(heldout: Evaluation) -> None:
    assert heldout.micro().f1 >= HELDOUT_MICRO_F1
