"""Periods: when things happened, with honest precision (see docs/periods.md)."""

from __future__ import annotations

from testimonia.extract.dateline import dateline_end
from testimonia.extract.document import ExtractDoc
from testimonia.model import Mention
from testimonia.periods.finder import find_periods


class PeriodsComponent:
    name, version = "periods", "4"
    reads = ("text", "reference")
    writes = ("mentions:period",)

    def __call__(self, doc: ExtractDoc) -> None:
        published = dateline_end(doc.text)  # when the text was written is no time of its acts
        doc.mentions += [Mention("period", m.start, m.end, m.text, m.period.to_json(),
                                 f"{self.name}@{self.version}")
                         for m in find_periods(doc.text, doc.language, doc.reference)
                         if m.start >= published]
