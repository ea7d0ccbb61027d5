"""Periods: when things happened, with honest precision (see docs/periods.md)."""

from __future__ import annotations

from datetime import date

from testimonia.extract.dateline import dateline_end
from testimonia.extract.document import ExtractDoc
from testimonia.model import Mention
from testimonia.periods.finder import find_periods


class PeriodsComponent:
    name, version = "periods", "5"
    reads = ("text", "reference")  # the interview date, or a dated dateline's day
    writes = ("mentions:period",)

    def __call__(self, doc: ExtractDoc) -> None:
        published = dateline_end(doc.text)  # when the text was written is no time of its acts
        reference = doc.reference or _publication_day(doc.text[:published], doc.language)
        doc.mentions += [Mention("period", m.start, m.end, m.text, m.period.to_json(),
                                 f"{self.name}@{self.version}")
                         for m in find_periods(doc.text, doc.language, reference)
                         if m.start >= published]


def _publication_day(dateline: str, language: str) -> date | None:
    """The day a dated dateline gives ("BAMAKO, 14 mai 2024 –"): what "last week" and
    "on Monday" in a report are counted from when no interview date is known."""
    for m in find_periods(dateline, language) if dateline else ():
        if m.period.precision == "day" and m.period.start is not None and m.period.start == m.period.end:
            return date.fromisoformat(m.period.start)
    return None
