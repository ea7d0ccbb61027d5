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
- A transfer runs from the place after "from" (across words: "from a State Security
  site in Bamako"), else the last place named before the words that move someone
  ("detained in Enerhodar … transferred to Simferopol"), else where the person moved was
  last placed (the speaker's own trail when they speak of themselves), else where the
  people moved live ("residents of Oleshky"); through the places after those words ("to
  A, and from there to B" is two legs; "to colonies in A and B" two legs from the same
  origin). A later clause that no "to", "from" or "then" leads to ends the route ("…, a
  source told AFP in Dakar"); a town next to a facility in it is one stop. With no
  destination in the sentence ("they threw us in a truck"), it ends at the first new
  place named within the next two sentences of the paragraph ("… when they took the bag
  off, it was Sévaré").
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from testimonia.extract.document import ExtractDoc
from testimonia.extract.sentences import Sentence
from testimonia.extract.spans import TokenIndex
from testimonia.model import Mention
from testimonia.places.geo import km

FROM_WORDS = frozenset({"from", "out", "de", "depuis", "d'", "des", "du", "из", "изо", "с", "со",
                        "з", "із", "зі", "від", "од"})
TO_WORDS = frozenset({"to", "into", "towards", "à", "a", "au", "aux", "vers", "jusqu'à", "jusqu'a", "в", "во",
                      "на", "у", "до", "к", "ко"})
PLACE_WORDS = FROM_WORDS | TO_WORDS | {"in", "inside", "across", "dans", "en", "par", "через", "по"}
AND_WORDS = frozenset({"and", "et", "и", "і", "й", "та", "ou", "or"})
FRENCH_DE = frozenset({"de", "d'", "du", "des"})
# Nouns after which a French "de" says whose a site is, not where from (folded).
GENITIVE_NOUNS = frozenset("""centre centres camp camps prison prisons colonie colonies maison detention provisoire
provisoires sizo itt cave caves sous-sol base bases gendarmerie commissariat poste caserne batiment locaux
hangar ecole siege ville region cercle village commune quartier habitants habitant civils residents
sortie environs abords peripherie""".split())
ARTICLES = frozenset({"the", "la", "le", "les", "l'"})
# People named by where they live: "residents of Mariupol", «жителей Мариуполя».
RESIDENTS = frozenset({"residents", "inhabitants", "people", "civilians", "habitants", "civils",
                       "жителей", "жителя", "жители", "жительницу", "жительница", "жителям",
                       "жителів", "жителі", "мешканців", "мешканця", "мешканці",
                       "мешканку", "мешканка"})
LOOK_AHEAD = 2  # sentences in which a transfer's destination may follow
# Words that lead a later clause on to the next stop of a route (not "de"/"des", also articles).
LEADING = TO_WORDS | {"from", "out", "depuis", "из", "изо", "з", "із", "зі", "від"}
# "from there", «de là», «оттуда», «звідти»: from the last stop, on to the next one.
THERE = frozenset({"there", "là", "оттуда", "отсюда", "звідти", "звідси"})
NOT_PLACES = frozenset({"moins", "plus", "менее", "более", "меньше", "больше", "менше", "більше",
                        "us", "me", "them", "nous", "moi", "eux", "нас", "меня", "них", "нам", "мне",
                        "мене", "нами"})
TOWN_KM = 5.0  # a facility this close to a town named next to it is in it (Oleshky, 9 km from Kherson, is not)


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
        # a sentence's places, read once (and again if the document's mentions grew)
        self._places: dict[tuple[int, int], tuple[int, list[Mention]]] = {}
        self._facilities: tuple[int, list[Mention]] = (-1, [])
        self._near: dict[tuple[int, int, int], str | None] = {}  # a place's facility, read once

    def places(self, s: Sentence) -> list[Mention]:
        known = self._places.get((s.start, s.end))
        if known is None or known[0] != len(self.doc.mentions):
            known = (len(self.doc.mentions), self._read_places(s))
            self._places[s.start, s.end] = known
        return list(known[1])

    def _read_places(self, s: Sentence) -> list[Mention]:
        found = sorted(self._candidates(s), key=lambda p: p.start)
        precise = {p.value.get("country") for p in found if not _coarse(p)}
        return [p for i, p in enumerate(found) if not (_coarse(p) and p.value.get("country") in precise)
                and not (i > 0 and self._surrounds(found[i - 1], p))]

    def effective(self, s: Sentence, trail: Trail) -> tuple[list[Mention], Sentence]:
        """The places a claim in `s` happened at, and the sentence that names them."""
        places = self.places(s)
        precise = [p for p in trail.places if not _coarse(p)]
        same_paragraph = trail.places_from is not None and trail.places_from.paragraph == s.paragraph
        known = {p.value.get("country") for p in precise}
        if trail.places and all(_coarse(p) and (p.value.get("country") in known or
                                                (precise and same_paragraph)) for p in places):
            return trail.places, trail.places_from or s
        if not places and not trail.places:  # "Des habitants de Ménaka affirment qu'on a arrêté …"
            places = [p for p in self.index.inside(s, self.doc.mentions, "place")
                      if self.residence(p) and not _coarse(p)]
        return places, s

    def note_facilities(self, s: Sentence, trail: Trail) -> None:
        places = self.places(s)
        for place in places:
            facility = place.value.get("facility_type") or self.facility_near(place)
            if facility and place.value.get("id"):
                trail.facilities[str(place.value["id"])] = facility
        if not places and trail.places and trail.places[-1].value.get("id") and (
                loose := self.loose_facility(s)):
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
        key = (place.start, place.end, len(self.doc.mentions))
        if key not in self._near:
            self._near[key] = self._facility_near(place)
        return self._near[key]

    def _facility_near(self, place: Mention) -> str | None:
        if self._facilities[0] != len(self.doc.mentions):
            self._facilities = (len(self.doc.mentions), self.doc.of_kind("facility"))
        near = [f for f in self._facilities[1]
                if self.index.distance(min(f.end, place.start), max(f.start, place.end)) <= 3]
        near.sort(key=lambda f: abs(f.start - place.start))
        return str(near[0].value["code"]) if near else None

    def stops(self, s: Sentence) -> list[Mention]:
        """The places of a transfer sentence in text order, a country or region kept as a
        stop unless the next stop lies in the same country ("to Russia — to Taganrog"), a
        town dropped next to a facility in it ("to Bamako, to Camp I")."""
        found = sorted(self._candidates(s), key=lambda p: p.start)
        return [p for i, p in enumerate(found) if not (i + 1 < len(found) and (
            (_coarse(p) and found[i + 1].value.get("country") == p.value.get("country"))
            or self._houses(p, found[i + 1])))
            and not (i > 0 and (self._houses(p, found[i - 1]) or self._apposed(found[i - 1], p)
                                or self._surrounds(found[i - 1], p)))]

    def _surrounds(self, town: Mention, area: Mention) -> bool:
        """The area a town lies in, set after it: "a colony in Donskoy, in the Tula region",
        «в Донском, в Тульской области» — where the town is, not a stop of its own."""
        return bool(_IN_AREA.fullmatch(self.doc.text[town.end:area.start])) and bool(
            _AREA_WORD.match(self.doc.text[area.end:area.end + 20]) or _coarse(area))

    def _apposed(self, town: Mention, place: Mention) -> bool:
        """A name the gazetteer does not know, set after a town it knows ("to Bamako, to
        Camp I"): a site in that town, not a stop of its own."""
        if place.value.get("id") or not town.value.get("id") or _coarse(town):
            return False
        first = bisect.bisect_left(self.index.starts, town.end)
        last = bisect.bisect_left(self.index.starts, place.start)
        return "," in self.doc.text[town.end:place.start] and all(
            t.folded in TO_WORDS for t in self.doc.tokens[first:last])

    def _houses(self, town: Mention, facility: Mention, near: bool = True) -> bool:
        """A facility of the gazetteer in the town (named next to it when `near`): "to
        Bamako, to Camp I", "to Bamako, where they were held at State Security"."""
        if facility.value.get("kind") != "facility" or town.value.get("kind") == "facility":
            return False
        if near and self.index.distance(min(town.end, facility.end), max(town.start, facility.start)) > 5:
            return False
        if town.value.get("id") and facility.value.get("parent_id") == town.value.get("id"):
            return True
        points = [town.value.get(k) for k in ("lat", "lon")] + [facility.value.get(k) for k in ("lat", "lon")]
        if any(x is None for x in points):
            return False
        return km(*(float(x) for x in points if x is not None)) <= TOWN_KM

    def _candidates(self, s: Sentence) -> list[Mention]:
        """The sentence's places, less where someone comes from, where a statement was made
        ("…, a source told AFP in Dakar") or what a distance is measured from, a country or region not after a
        preposition of place, and a place inside the words of a method ("made to shout
        'Glory to Russia'")."""
        methods = self.index.inside(s, self.doc.mentions, "method")
        return [p for p in self.index.inside(s, self.doc.mentions, "place")
                if not ((p.value.get("origin") and not self._told_again(s, p))
                        or p.value.get("statement") or p.value.get("landmark"))
                and (not _coarse(p) or self._after_place_word(p))
                and not any(m.start <= p.start and p.end <= m.end for m in methods)]

    def _after_place_word(self, place: Mention) -> bool:
        """A preposition of place before the name, or before its article ("vers la
        Crimée", "to the Donbas")."""
        i = bisect.bisect_left(self.index.starts, place.start)
        before = [t.folded for t in self.doc.tokens[max(0, i - 2):i]]
        return bool(before) and (before[-1] in PLACE_WORDS or (
            len(before) == 2 and before[-1] in ARTICLES and before[0] in PLACE_WORDS))

    def _told_again(self, s: Sentence, place: Mention) -> bool:
        """Where someone comes from is where the act happened when the sentence goes back
        to it after naming it: "Un militant de Mélitopol … dans l'ancien bâtiment du SBU de
        la ville", "a student from Oleshky was detained at his home"."""
        return bool(_BACK_THERE.search(self.doc.text, place.end, s.end))

    def transfer_legs(self, position: int, trail: Trail, speaker: bool,
                      term: Mention | None = None) -> list[Ends]:
        """The legs of a transfer. With the words that move someone (`term`) and places
        after them, the route runs from the place after "from" or, failing that, the last
        place named before the words ("detained in Enerhodar … transferred to
        Simferopol"), the speaker's or the narrative's last place, or where the people
        moved lived ("residents of Oleshky … were taken to Crimea"); through the places
        after the words, each a leg ("to Taganrog, and from there to Kamensk"), places
        joined by "and" each a destination of the same leg's origin ("to colonies in
        Rostov and Voronezh"). A place in a later clause that no "to"/"from" or "then"
        leads to is no stop ("…, a source told AFP in Dakar")."""
        s = self.doc.sentences[position]
        stops = [p for p in self.stops(s) if not self.residence(p)]
        after = self._route(s, [p for p in stops if term is not None and p.start > term.start])
        if term is None or not after:
            return self._legs_in_order(position, trail, speaker, stops)
        before = [p for p in stops if p.end <= term.start]
        froms = self._origins(term, after)
        destinations = [p for p in after if p not in froms]
        if froms and not destinations:
            return self._legs_in_order(position, trail, speaker, stops)
        known = _known(trail, speaker)
        # "des habitants de Hombori": also read as where they come from, still their residence
        residences = [p for p in self.index.inside(s, self.doc.mentions, "place")
                      if self.residence(p) and not p.value.get("statement")]
        if froms:
            origins = froms
        else:
            start = (before[-1] if before else known[-1] if known else
                     residences[0] if residences else None)
            origins = [start] if start is not None else []
        if not origins:
            return [Ends(None, destinations[0])]
        legs = [Ends(o, destinations[0]) for o in origins]
        for previous, place in pairwise(destinations):
            legs.append(Ends(legs[-1].origin if self._joined(previous, place) else previous, place))
        return [leg for leg in legs if leg.origin is None or leg.destination is None
                or not (self.key(leg.origin) == self.key(leg.destination)
                        or self._houses(leg.origin, leg.destination, near=False)
                        or self._houses(leg.destination, leg.origin, near=False))]

    def _origins(self, term: Mention, after: list[Mention]) -> list[Mention]:
        """The places after the moving words that "from" leads to ("from a State Security
        site in Bamako", «из временной тюрьмы в Купянске»), with those joined to them by
        "and" («из Купянска и Изюма»)."""
        origins: list[Mention] = []
        end = term.start  # the words may end in "from" («перевели з Таганрога»)
        for place in after:
            led = self._led(end, place.start)
            if led == "from" or (led is None and origins and self._joined(origins[-1], place)):
                origins.append(place)
            elif origins:
                break
            end = place.end
        return origins

    def _led(self, start: int, end: int) -> str | None:
        """"from", "to" or "on" ("from there"): the first such word between two offsets."""
        first = bisect.bisect_left(self.index.starts, start)
        last = bisect.bisect_left(self.index.starts, end)
        for i in range(first, last):
            token = self.doc.tokens[i]
            if i + 1 < len(self.doc.tokens) and self.doc.tokens[i + 1].folded in NOT_PLACES:
                continue  # "au moins 30", «не менее 40», «у нас»: no place
            if self._there(i):
                return "on"  # "and from there by train to Stary Oskol": the route goes on
            if token.folded in FROM_WORDS and not self._genitive(i):
                return "from"
            if token.folded in TO_WORDS:
                return "to"
        holder = bisect.bisect_right(self.index.starts, end) - 1  # the token the place is in
        if holder >= first and self.doc.tokens[holder].folded.startswith("d'"):
            return "from"  # "transféré d'Oleshky"
        return None

    def _genitive(self, i: int) -> bool:
        """Token `i` is a French "de" that names whose a site or a people is, not where from:
        «un centre de détention provisoire de Moscou», «le camp de Gao», «les habitants
        d'Izioum»."""
        tokens = self.doc.tokens
        return tokens[i].folded in FRENCH_DE and i > 0 and tokens[i - 1].folded in GENITIVE_NOUNS

    def _there(self, i: int) -> bool:
        """Token `i` says "from the last place": «оттуда», or "from there", «de là» (the
        accent tells «là» from the article)."""
        tokens = self.doc.tokens
        word = self.doc.text[tokens[i].start:tokens[i].end].lower()
        if word in THERE:
            return True
        if tokens[i].folded not in FROM_WORDS or i + 1 >= len(tokens):
            return False
        return self.doc.text[tokens[i + 1].start:tokens[i + 1].end].lower() in THERE

    def residence(self, place: Mention) -> bool:
        """A place named as where the people told about live ("residents of Mariupol",
        «жителей Мариуполя», "des civils de Nova Kakhovka"): background to a transfer,
        its origin only when nothing else is."""
        i = bisect.bisect_left(self.index.starts, place.start)
        before = [t.folded for t in self.doc.tokens[max(0, i - 2):i]]
        return bool(before) and (before[-1] in RESIDENTS or (
            len(before) == 2 and before[-1] in ("of", "de", "d'", "du", "des") and before[0] in RESIDENTS))

    def _route(self, s: Sentence, after: list[Mention]) -> list[Mention]:
        """The places after the moving words that continue the route: in the same clause,
        or in a later one led to by "to", "from" or "then"."""
        cues = [c for c in self.index.inside(s, self.doc.cues) if c.value.get("cue") == "sequence"]
        route: list[Mention] = []
        for place in after:
            if route and self.index.clause_break(route[-1].end, place.start) and not (
                    self.index.word_before(place) in LEADING
                    or any(route[-1].end <= c.start and c.end <= place.start for c in cues)):
                break
            route.append(place)
        return route

    def _joined(self, a: Mention, b: Mention) -> bool:
        """Two places joined by "and" alone ("in Rostov and Voronezh", "à Gao et à Mopti")."""
        first = bisect.bisect_left(self.index.starts, a.end)
        last = bisect.bisect_left(self.index.starts, b.start)
        between = {t.folded for t in self.doc.tokens[first:last]}
        return bool(between & AND_WORDS) and between <= AND_WORDS | TO_WORDS

    def _legs_in_order(self, position: int, trail: Trail, speaker: bool,
                       stops: list[Mention]) -> list[Ends]:
        """The legs of a sentence's places taken in order ("held in Kherson, then in
        Olenivka"), the stop after "from" first ("to Taganrog from Kherson"); several
        origins alone arrive where the narrative is ("they were brought to us from Crimea
        and from Olenivka")."""
        origins = [p for p in stops if self.index.word_before(p) in FROM_WORDS
                   and not self._genitive(bisect.bisect_left(self.index.starts, p.start) - 1)]
        here = trail.places[-1] if trail.places else None
        if stops and len(origins) == len(stops):
            if here is not None and all(self.key(o) != self.key(here) for o in origins):
                return [Ends(o, here) for o in origins]
            return [self._look_ahead(position, origins[0])]
        if len(stops) >= 2:
            ordered = origins[:1] + [p for p in stops if p not in origins[:1]]
            return [Ends(a, b) for a, b in pairwise(ordered) if self.key(a) != self.key(b)]
        known = _known(trail, speaker)
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


# Words that go back to the town just named as someone's: "de la ville", "the town's", "at
# his home", «местного», «міста».
_BACK_THERE = re.compile(
    r"\b(?:(?:de|dans)\s+la\s+(?:ville|localité|commune)|(?:of|in)\s+the\s+(?:town|city)|the\s+(?:town|city)['’]s"
    r"|at\s+(?:his|her|their)\s+(?:home|house)|from\s+(?:his|her|their)\s+(?:home|house)"
    r"|(?:chez\s+(?:lui|elle|eux)|à\s+son\s+domicile|de\s+son\s+domicile))\b"
    r"|(?<!\w)(?:местн\w+|місцев\w+|города|городе|міста|місті|у\s+себе\s+дома|дома|вдома|из\s+дома|з\s+дому|з\s+хати)(?!\w)",
    re.IGNORECASE)
_IN_AREA = re.compile(r"\s*,\s*(?:in(?: the)?|dans(?: la| le| l')?|en|в|во|у)\s*", re.IGNORECASE)
_AREA_WORD = re.compile(r"\s*(?:region|oblast|province|district|r[ée]gion|oblast|province|област\w*|"
                        r"обл\b|район\w*|кра[йю]\w*)", re.IGNORECASE)


def _coarse(place: Mention) -> bool:
    return place.value.get("precision") in ("country", "region")


def _known(trail: Trail, speaker: bool) -> list[Mention]:
    """Where a route may start: the speaker's own last places, or the narrative's when the
    speaker has not yet said where they were ("the soldiers came to Dioura. They took me
    … to the camp at Nampala"); for others, the narrative's."""
    return (trail.own or trail.places) if speaker else trail.places
