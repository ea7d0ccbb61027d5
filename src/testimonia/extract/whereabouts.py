"""Where a claim happened, and where a transfer went from and to.

- A country or region counts as a place only after a preposition of place ("held in
  Russia", not "the anthem of Russia"), and not when a place inside it is named too
  ("to Russia — to Taganrog" is Taganrog).
- A sentence naming no place (or only a country or region, when the narrative's place in
  this paragraph is precise: "as we used to say in Donbas") happened at the place the
  narrative last named.
- A facility type is tied to the place named next to it ("camp de Sévaré", "СИЗО-2 в
  Таганроге"); a facility named in a sentence with no place ("they put us in a
  container") belongs to the narrative's current place; once named, a place keeps its
  facility for the rest of the document ("in Taganrog" after "SIZO-2 in Taganrog").
- A transfer runs through the places of its sentence in order, the one after
  "from"/"de"/"из"/"з" first ("from A to B, then to C" is two legs); with only a
  destination, it starts where the person moved was last placed (the speaker's own trail
  when they speak of themselves); with no destination in the sentence ("they threw us in
  a truck"), it ends at the first new place named within the next two sentences of the
  paragraph ("… when they took the bag off, it was Sévaré").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from testimonia.extract.document import ExtractDoc
from testimonia.extract.sentences import Sentence
from testimonia.extract.spans import TokenIndex
from testimonia.model import Mention

FROM_WORDS = frozenset({"from", "out", "de", "depuis", "d'", "des", "du", "из", "изо", "с", "со",
                        "з", "із", "зі", "від", "од"})
TO_WORDS = frozenset({"to", "into", "towards", "à", "a", "au", "aux", "vers", "jusqu'à", "в", "во",
                      "на", "у", "до", "к", "ко"})
PLACE_WORDS = FROM_WORDS | TO_WORDS | {"in", "inside", "across", "dans", "en", "par", "через", "по"}
LOOK_AHEAD = 2  # sentences in which a transfer's destination may follow


@dataclass
class Trail:
    """What the narrative established so far about places."""

    places: list[Mention] = field(default_factory=list)
    places_from: Sentence | None = None
    own: list[Mention] = field(default_factory=list)  # where the speaker last was
    facilities: dict[str, str] = field(default_factory=dict)  # place id -> facility named there


@dataclass(frozen=True)
class Ends:
    origin: Mention | None
    destination: Mention | None
    destination_from: Sentence | None = None  # a later sentence, when looked ahead


class Whereabouts:
    def __init__(self, doc: ExtractDoc, index: TokenIndex) -> None:
        self.doc = doc
        self.index = index

    def places(self, s: Sentence) -> list[Mention]:
        found = self._candidates(s)
        precise = {p.value.get("country") for p in found if not _coarse(p)}
        return [p for p in found if not (_coarse(p) and p.value.get("country") in precise)]

    def effective(self, s: Sentence, trail: Trail) -> tuple[list[Mention], Sentence]:
        """The places a claim in `s` happened at, and the sentence that names them."""
        places = self.places(s)
        precise = [p for p in trail.places if not _coarse(p)]
        same_paragraph = trail.places_from is not None and trail.places_from.paragraph == s.paragraph
        known = {p.value.get("country") for p in precise}
        if trail.places and all(_coarse(p) and (p.value.get("country") in known or
                                                (precise and same_paragraph)) for p in places):
            return trail.places, trail.places_from or s
        return places, s

    def note_facilities(self, s: Sentence, trail: Trail) -> None:
        places = self.places(s)
        for place in places:
            facility = place.value.get("facility_type") or self.facility_near(place)
            if facility and place.value.get("id"):
                trail.facilities[str(place.value["id"])] = facility
        loose = self.loose_facility(s)
        if loose and not places and trail.places and trail.places[-1].value.get("id"):
            trail.facilities[str(trail.places[-1].value["id"])] = loose

    def as_json(self, place: Mention, trail: Trail, loose: str | None = None) -> dict[str, Any]:
        """The documented place shape. Its facility, most specific first: one named next to
        it, one named in the claim's sentence when the place comes from the narrative, the
        last one named at it, its own type (a camp in the gazetteer)."""
        value = place.value
        facility = (self.facility_near(place) or loose or trail.facilities.get(str(value.get("id")))
                    or value.get("facility_type"))
        return {"name": value.get("name", place.text), "id": value.get("id"),
                "country": value.get("country"), "lat": value.get("lat"), "lon": value.get("lon"),
                "facility": facility, "precision": value.get("precision", "unknown"),
                "text": place.text, "parent_id": value.get("parent_id"),
                "facility_place": value.get("kind") == "facility"}

    def loose_facility(self, s: Sentence) -> str | None:
        """A facility named in a sentence away from any place ("they put us in a container")."""
        places = self.index.inside(s, self.doc.mentions, "place")
        for facility in self.index.inside(s, self.doc.mentions, "facility"):
            if not any(self.index.distance(min(facility.end, p.start), max(facility.start, p.end)) <= 3
                       for p in places):
                return str(facility.value["code"])
        return None

    def facility_near(self, place: Mention) -> str | None:
        near = [f for f in self.doc.of_kind("facility")
                if self.index.distance(min(f.end, place.start), max(f.start, place.end)) <= 3]
        near.sort(key=lambda f: abs(f.start - place.start))
        return str(near[0].value["code"]) if near else None

    def stops(self, s: Sentence) -> list[Mention]:
        """The places of a transfer sentence in order, a country or region kept as a stop
        unless the next stop lies in the same country ("to Russia — to Taganrog")."""
        found = self._candidates(s)
        return [p for i, p in enumerate(found) if not (
            _coarse(p) and i + 1 < len(found) and found[i + 1].value.get("country") == p.value.get("country"))]

    def _candidates(self, s: Sentence) -> list[Mention]:
        """The sentence's places, less where someone comes from, a country or region not
        after a preposition of place, and a place inside the words of a method ("made to
        shout 'Glory to Russia'")."""
        methods = self.index.inside(s, self.doc.mentions, "method")
        return [p for p in self.index.inside(s, self.doc.mentions, "place")
                if not p.value.get("origin")
                and (not _coarse(p) or self.index.word_before(p) in PLACE_WORDS)
                and not any(m.start <= p.start and p.end <= m.end for m in methods)]

    def transfer_legs(self, position: int, trail: Trail, speaker: bool) -> list[Ends]:
        """The legs of a transfer: consecutive stops ("from A to B, then to C"), the stop
        after "from" first ("to Taganrog from Kherson"); several origins alone arrive where
        the narrative is ("they were brought to us from Crimea and from Olenivka")."""
        s = self.doc.sentences[position]
        stops = self.stops(s)
        origins = [p for p in stops if self.index.word_before(p) in FROM_WORDS]
        here = trail.places[-1] if trail.places else None
        if stops and len(origins) == len(stops):
            if here is not None and all(self.key(o) != self.key(here) for o in origins):
                return [Ends(o, here) for o in origins]
            return [self._look_ahead(position, origins[0])]
        if len(stops) >= 2:
            ordered = origins[:1] + [p for p in stops if p not in origins[:1]]
            return [Ends(a, b) for a, b in pairwise(ordered) if self.key(a) != self.key(b)]
        known = trail.own if speaker else trail.places
        start = known[-1] if known else None
        if stops:
            same = start is not None and self.key(start) == self.key(stops[0])
            return [Ends(None if same else start, stops[0])]
        return [self._look_ahead(position, start)]

    def _look_ahead(self, position: int, origin: Mention | None) -> Ends:
        here = self.doc.sentences[position]
        for later in self.doc.sentences[position + 1:position + 1 + LOOK_AHEAD]:
            if later.paragraph != here.paragraph:
                break
            for place in self.places(later):
                if origin is None or self.key(place) != self.key(origin):
                    return Ends(origin, place, later)
        return Ends(origin, None)

    def key(self, place: Mention) -> tuple[str, str | None]:
        return (str(place.value.get("id") or place.text),
                place.value.get("facility_type") or self.facility_near(place))


def _coarse(place: Mention) -> bool:
    return place.value.get("precision") in ("country", "region")
