"""Each extraction component reads and writes only what it declares (as spaCy's pipe
analysis checks `requires` and `assigns`): the pipeline runs over the sample testimonies
with a document that records, per component, which fields it touched and what it added."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest

from testimonia.extract.document import Component, ExtractDoc
from testimonia.extract.pipeline import components
from testimonia.ingest.language import detect_language

SAMPLE = Path(__file__).parents[2] / "examples" / "sample-investigation" / "testimonies"
FIELDS = {f.name for f in fields(ExtractDoc)}
INPUTS = {"text", "language"}  # what every component may read: the document itself


class RecordingDoc(ExtractDoc):
    """An ExtractDoc that notes every field read while `touched` is a set."""

    touched: set[str] | None = None

    def __getattribute__(self, name: str) -> Any:
        touched = object.__getattribute__(self, "__dict__").get("touched")
        if touched is not None and name in FIELDS:
            touched.add(name)
        return object.__getattribute__(self, name)


def _state(doc: ExtractDoc) -> dict[str, Any]:
    """What a component may change: each field's length, and the kinds of mentions."""
    return {"sentences": len(doc.sentences), "tokens": len(doc.tokens), "cues": len(doc.cues),
            "claims": len(doc.claims), "countries": list(doc.countries),
            "mentions": sorted((m.kind, m.start, m.end) for m in doc.mentions)}


def _run(text: str) -> dict[str, tuple[set[str], set[str]]]:
    """Component name -> (fields it read, what it wrote: field names or "mentions:KIND")."""
    doc = RecordingDoc(text=text, language=detect_language(text).code)
    seen: dict[str, tuple[set[str], set[str]]] = {}
    for component in components():
        before = _state(doc)
        doc.touched = set()
        component(doc)
        read, doc.touched = doc.touched, None
        after = _state(doc)
        wrote = {name for name in after if name != "mentions" and after[name] != before[name]}
        wrote |= {f"mentions:{kind}" for kind, *_ in set(after["mentions"]) - set(before["mentions"])}
        seen[component.name] = (read, wrote)
    return seen


def _declared(component: Component) -> tuple[set[str], set[str]]:
    return set(component.reads), set(component.writes)


@pytest.mark.slow
def test_components_touch_only_what_they_declare() -> None:
    declared = {c.name: _declared(c) for c in components()}
    problems = []
    for path in sorted(SAMPLE.iterdir())[:8]:
        for name, (read, wrote) in _run(path.read_text(encoding="utf-8")).items():
            reads, writes = declared[name]
            may_touch = INPUTS | reads | {w.split(":")[0] for w in writes}
            problems += [f"{name} reads {field} undeclared" for field in sorted(read - may_touch)]
            problems += [f"{name} writes {what} undeclared" for what in sorted(wrote - writes)]
    assert sorted(set(problems)) == []
