"""Places: the offline gazetteer finds place names in every script and inflection, then
reads the text again with the document's countries as context to settle ambiguous
names (Moura in Mali, not Portugal). A name that is a language here ("Tamasheq",
"Bambara") is not a place."""

from __future__ import annotations

from collections import Counter
from typing import Any

from testimonia.extract.dateline import dateline_end
from testimonia.extract.document import ExtractDoc
from testimonia.model import Mention
from testimonia.places.gazetteer import Place, PlaceMatch, get_gazetteer


class PlacesComponent:
    name, version = "places", "2"
    reads = ("text", "tokens", "cues")
    writes = ("mentions:place", "countries")

    def __call__(self, doc: ExtractDoc) -> None:
        matches, doc.countries = get_gazetteer().find_in_context(doc.text, doc.language,
                                                                 rank_countries, doc.tokens)
        languages = [c for c in doc.cues if c.value.get("cue") == "language"]
        published = dateline_end(doc.text)  # where the text was written is no place of its acts
        doc.mentions += [Mention("place", m.start, m.end, m.text, place_value(m.place),
                                 f"{self.name}@{self.version}") for m in matches
                         if m.start >= published
                         and not any(c.start < m.end and m.start < c.end for c in languages)]


def rank_countries(matches: list[PlaceMatch]) -> list[str]:
    """Countries by how often the text names places in them (curated places count double)."""
    votes: Counter[str] = Counter()
    for m in matches:
        votes[m.place.country] += 2 if m.place.source == "supplement" else 1
    return [country for country, _ in votes.most_common() if country]


def place_value(place: Place) -> dict[str, Any]:
    return {"id": place.id, "name": place.name, "country": place.country, "admin1": place.admin1,
            "lat": place.lat, "lon": place.lon, "precision": place.precision, "kind": place.kind,
            "facility_type": place.facility_type, "parent_id": place.parent_id,
            "source": place.source}
