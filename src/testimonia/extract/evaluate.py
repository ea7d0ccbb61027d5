"""`testimonia eval GOLD.jsonl`: precision, recall and F1 per field and per language.

Each gold item is a short passage with the facts a careful investigator extracts from it
(format: tests/eval/README.md). The pipeline's claims over the passage are pooled and
compared field by field as sets: acts, methods, violations, perpetrators, places (a
predicted place matches a gold one within 30 km, or by name), period (start and end),
victim, first-hand, denial and transfers (both ends matching). A negated or hypothetical
act the pipeline reports anyway counts as a false positive.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from testimonia.errors import InvalidValue
from testimonia.extract.claims import unidentified
from testimonia.extract.document import ExtractDoc
from testimonia.extract.pipeline import extract_text
from testimonia.places.geo import km
from testimonia.text.textfold import fold

FIELDS = ("acts", "methods", "violations", "perpetrators", "places", "period", "victim",
          "first_hand", "denial", "transfers")
PLACE_KM = 30.0


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Score) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Evaluation:
    items: int = 0
    by_language: dict[str, dict[str, Score]] = field(default_factory=lambda: defaultdict(
        lambda: {f: Score() for f in FIELDS}))

    def total(self, field_name: str, language: str | None = None) -> Score:
        score = Score()
        for lang, fields in self.by_language.items():
            if language is None or lang == language:
                score.add(fields[field_name])
        return score

    def micro(self, language: str | None = None) -> Score:
        score = Score()
        for f in FIELDS:
            score.add(self.total(f, language))
        return score


def load_gold(path: Path) -> list[dict[str, Any]]:
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError as exc:
            raise InvalidValue(f"{path}:{number}: not JSON ({exc}).") from exc
        if isinstance(item, dict) and "_comment" in item:
            continue  # a note about the file (e.g. that its passages are fictional)
        if not isinstance(item, dict) or not {"text", "language", "expect"} <= item.keys():
            raise InvalidValue(f"{path}:{number}: not a gold item.",
                               fix='Each line needs "text", "language" and "expect"; '
                               "see tests/eval/README.md.")
        items.append(item)
    return items


PARTS = ("all", "dev", "heldout")


def part_of(item: dict[str, Any]) -> str:
    """"heldout" for a third of the items, chosen by a hash of their id (so the split
    never changes and does not follow the file's order); "dev" for the rest. Rules are
    tuned on dev only; figures are reported on heldout (tests/eval/README.md)."""
    digest = hashlib.sha256(str(item.get("id", "")).encode("utf-8")).digest()
    return "heldout" if digest[0] % 3 == 0 else "dev"


def select(items: list[dict[str, Any]], part: str) -> list[dict[str, Any]]:
    if part not in PARTS:
        raise InvalidValue(f"Unknown part '{part}'.", fix=f"Use one of: {', '.join(PARTS)}.")
    return items if part == "all" else [i for i in items if part_of(i) == part]


def evaluate(items: Iterable[dict[str, Any]],
             progress: Callable[[str], None] | None = None) -> Evaluation:
    result = Evaluation()
    for item in items:
        reference = date.fromisoformat(item["reference"]) if item.get("reference") else None
        doc = extract_text(item["text"], item["language"], reference)
        for name, score in compare(predicted(doc), item["expect"]).items():
            result.by_language[item["language"]][name].add(score)
        result.items += 1
        if progress is not None:
            progress(str(item.get("id", "")))
    return result


def predicted(doc: ExtractDoc) -> dict[str, Any]:
    claims = [c.to_json() for c in doc.claims]
    periods = [c["period"] for c in claims if c["period"]]
    return {
        "acts": {c["act"] for c in claims},
        "methods": {m for c in claims for m in c["methods"]},
        "violations": {v for c in claims for v in c["violations"]},
        # "Armed men", "masked men": the witness could not say who (tests/eval/README.md:
        # unnamed actors are no perpetrator group), so they count as none named.
        "perpetrators": {p["canonical"] for c in claims for p in c["perpetrators"]} - unidentified(),
        "places": [p for c in claims for p in c["places"]],
        "period": {(p.get("start"), p.get("end")) for p in periods},
        "victim": {c["victim"]["who"] for c in claims} - {"unknown"},
        "first_hand": {c["first_hand"] for c in claims},
        "denial": {c["denial"] for c in claims if c["denial"]},
        "transfers": doc.to_json()["transfers"],
    }


def compare(pred: dict[str, Any], gold: dict[str, Any]) -> dict[str, Score]:
    scores = {name: _sets(pred[name], set(gold.get(name) or ())) for name in
              ("acts", "methods", "violations", "perpetrators")}
    scores["places"] = _matched(pred["places"], gold.get("places") or [], _same_place)
    period = gold.get("period")
    gold_period = {(period.get("start"), period.get("end"))} if period and (
        period.get("start") or period.get("end")) else set()
    scores["period"] = _sets({p for p in pred["period"] if p != (None, None)}, gold_period)
    scores["victim"] = _sets(pred["victim"], {gold["victim"]} if gold.get("victim") else set())
    scores["first_hand"] = _sets(pred["first_hand"], {gold["first_hand"]}
                                 if gold.get("first_hand") is not None else set())
    scores["denial"] = _sets(pred["denial"], {True} if gold.get("denial") else set())
    scores["transfers"] = _matched(pred["transfers"], gold.get("transfers") or [], _same_transfer)
    return scores


def _sets(pred: set[Any], gold: set[Any]) -> Score:
    return Score(len(pred & gold), len(pred - gold), len(gold - pred))


def _matched(pred: list[Any], gold: list[Any], same: Callable[[Any, Any], bool]) -> Score:
    """Greedy one-to-one matching; duplicates in the prediction are not double-counted."""
    unmatched_gold, tp, fp = list(gold), 0, 0
    seen: list[Any] = []
    for p in pred:
        if any(same(p, s) for s in seen):
            continue
        seen.append(p)
        hit = next((g for g in unmatched_gold if same(p, g)), None)
        if hit is None:
            fp += 1
        else:
            unmatched_gold.remove(hit)
            tp += 1
    return Score(tp, fp, len(unmatched_gold))


def _same_place(a: dict[str, Any], b: dict[str, Any]) -> bool:
    if None not in (a.get("lat"), a.get("lon"), b.get("lat"), b.get("lon")):
        return km(a["lat"], a["lon"], b["lat"], b["lon"]) <= PLACE_KM
    return bool(a.get("name")) and fold(str(a.get("name"))) == fold(str(b.get("name")))


def _same_transfer(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return _same_place(a["from"], b["from"]) and _same_place(a["to"], b["to"])
