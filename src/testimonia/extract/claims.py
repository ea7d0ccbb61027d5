"""Claim assembly: per sentence, one claim per act, with who, where, when and the words.

Reading order matters in testimony: a place or period named once ("They took me to
Sévaré.") frames the sentences after it ("There they beat me."). The assembler walks the
sentences in order and carries the last place, the last perpetrators (within a
paragraph) and the last period (within a paragraph) into sentences that name none; the
sentence that supplied them is added to the claim's evidence, so every claim shows the
exact words each of its parts rests on.

Qualifiers, by clause (split at , ; : and "but"/"mais"/"но"/"але"):
- a negation just before a term ("they did not beat me") drops that term;
- a hypothetical before it ("if you don't talk we will use electricity") drops it;
- a denial cue ("nobody was held there") keeps the negated terms as a claim with
  denial=true, which the analysis counts as a contradiction;
- a hearsay cue ("they told me …") makes the claim second-hand.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from testimonia.extract.document import ExtractDoc
from testimonia.extract.sentences import Sentence
from testimonia.extract.victims import victim_of
from testimonia.model import Claim, Evidence, Mention
from testimonia.vocab import load_vocabulary

NEGATION_REACH = 4  # tokens between a negation and the term it negates
FREE_WORD_ORDER = frozenset({"ru", "uk"})
PERSON_CUES = frozenset({"first_person", "group", "witness"})
HYPOTHETICAL_REACH = 8
CLAUSE_BREAKS = frozenset({",", ";", ":", "—", "–", "(", ")", "but", "mais", "но", "але", "однак",
                           "однако", "whereas", "tandis", "cependant", "pourtant"})
VIOLATION_ACTS = {"arbitrary_detention": "detention", "incommunicado_detention": "detention",
                  "enforced_disappearance": "disappearance", "extrajudicial_killing": "killing"}
FROM_WORDS = frozenset({"from", "out", "de", "depuis", "d'", "des", "du", "из", "изо", "с", "со",
                        "з", "із", "зі", "від", "од"})
TO_WORDS = frozenset({"to", "into", "towards", "à", "a", "au", "aux", "vers", "jusqu'à", "в", "во",
                      "на", "у", "до", "к", "ко", "в'"})
PLACE_WORDS = FROM_WORDS | TO_WORDS | {"in", "inside", "across", "dans", "en", "par", "через", "по"}


@dataclass
class Context:
    """What earlier sentences established."""

    places: list[Mention] = field(default_factory=list)
    places_from: Sentence | None = None
    own_places: list[Mention] = field(default_factory=list)  # where the speaker last was
    facilities: dict[str, str] = field(default_factory=dict)  # place id -> facility last named there
    perpetrators: list[Mention] = field(default_factory=list)
    perpetrators_from: Sentence | None = None
    period: Mention | None = None
    period_from: Sentence | None = None


class ClaimsComponent:
    name, version = "claims", "1"
    reads = ("sentences", "tokens", "mentions", "cues")
    writes = ("claims",)

    def __call__(self, doc: ExtractDoc) -> None:
        reader = _Reader(doc, f"{self.name}@{self.version}")
        context = Context()
        for sentence in doc.sentences:
            if context.perpetrators_from and context.perpetrators_from.paragraph != sentence.paragraph:
                context.perpetrators, context.perpetrators_from = [], None
            if context.period_from and context.period_from.paragraph != sentence.paragraph:
                context.period, context.period_from = None, None
            claims = reader.claims(sentence, context)
            reader.update(sentence, context, claims)
            doc.claims += claims


class _Reader:
    def __init__(self, doc: ExtractDoc, component: str) -> None:
        self.doc = doc
        self.component = component
        self.starts = [t.start for t in doc.tokens]
        self.methods = load_vocabulary().methods

    # per sentence

    def claims(self, s: Sentence, ctx: Context) -> list[Claim]:
        terms = self._in(s, self.doc.mentions, "act", "method", "violation")
        cues = self._in(s, self.doc.cues)
        denial = any(_cue(c) == "denial" for c in cues)
        kept = [t for t in terms if not self._hypothetical(t, cues, s)
                and (denial or not self._negated(t, cues, s))]
        groups: dict[str, list[Mention]] = {}
        for term in kept:
            groups.setdefault(self._act_of(term), []).append(term)
        return [self._claim(s, ctx, act, group, cues, denial) for act, group in groups.items()]

    def update(self, s: Sentence, ctx: Context, claims: list[Claim]) -> None:
        for place in self._places(s):
            facility = place.value.get("facility_type") or self._facility_near(place)
            if facility and place.value.get("id"):
                ctx.facilities[str(place.value["id"])] = facility
        places, source = self._effective_places(s, ctx)
        if places and source is s:
            speaker = not any(c.victim["who"] == "other" for c in claims)
            transfer_to = self._transfer_ends(s, places, ctx, speaker)
            ctx.places = [transfer_to[1]] if transfer_to and transfer_to[1] else places
            ctx.places_from = s
            if speaker:
                ctx.own_places = ctx.places
        perpetrators = self._in(s, self.doc.mentions, "perpetrator")
        if perpetrators:
            ctx.perpetrators, ctx.perpetrators_from = perpetrators, s
        period = self._period(s)
        if period is not None:
            ctx.period, ctx.period_from = period, s

    def _claim(self, s: Sentence, ctx: Context, act: str, terms: list[Mention],
               cues: list[Mention], denial: bool) -> Claim:
        first = min(terms, key=lambda t: t.start)
        places, places_from = self._effective_places(s, ctx)
        transfer = None
        victim = victim_of(self.doc, s, first, self._clause_first(first, cues))
        if act == "transfer":
            ends = self._transfer_ends(s, self._places(s), ctx, victim["who"] != "other")
            if ends and ends[0] is not None and ends[1] is not None:
                transfer = {"from": self._place_json(ends[0], ctx), "to": self._place_json(ends[1], ctx)}
                places = [ends[0], ends[1]]
        perps, perps_from = self._in(s, self.doc.mentions, "perpetrator"), s
        if not perps and ctx.perpetrators:
            perps, perps_from = ctx.perpetrators, ctx.perpetrators_from or s
        period, period_from = self._period(s), s
        if period is None and ctx.period is not None:
            period, period_from = ctx.period, ctx.period_from or s
        return Claim(
            act=act,
            methods=_unique(t.value["code"] for t in terms if t.kind == "method"),
            violations=_unique(t.value["code"] for t in terms if t.kind == "violation"),
            places=tuple(self._place_json(p, ctx) for p in _unique_places(places)),
            perpetrators=tuple(_unique_perpetrators(perps)),
            period=None if period is None else {**period.value, "text": period.text},
            victim=victim,
            first_hand=not any(_cue(c) == "hearsay" and c.start < first.end for c in cues),
            denial=denial,
            interrogation_languages=self._languages(cues),
            evidence=self._evidence(s, [places_from if places else None,
                                        perps_from if perps else None,
                                        period_from if period is not None else None]),
            component=self.component, transfer=transfer)

    # qualifiers

    def _negated(self, term: Mention, cues: list[Mention], s: Sentence) -> bool:
        """A negation shortly before the term in its clause; in Russian and Ukrainian also
        shortly after it, where the negated verb follows the method ("Током меня не били")."""
        after = self.doc.language in FREE_WORD_ORDER
        return any(_cue(c) == "negation" and (
            (c.end <= term.start and self._distance(c.end, term.start) <= NEGATION_REACH
             and not self._clause_break(c.end, term.start)) or
            (after and c.start >= term.end and self._distance(term.end, c.start) <= NEGATION_REACH
             and not self._clause_break(term.end, c.start))) for c in cues)

    def _hypothetical(self, term: Mention, cues: list[Mention], s: Sentence) -> bool:
        return any(_cue(c) == "hypothetical" and c.end <= term.start and
                   self._distance(c.end, term.start) <= HYPOTHETICAL_REACH for c in cues)

    def _clause_first(self, term: Mention, cues: list[Mention]) -> list[Mention]:
        """The cues of the term's own clause when it says who (a person cue or a name),
        else all the sentence's."""
        def same_clause(m: Mention) -> bool:
            return not self._clause_break(min(m.end, term.start), max(m.start, term.end))
        own = [c for c in cues if same_clause(c)]
        named = any(same_clause(p) for p in self.doc.of_kind("person"))
        return own if named or any(_cue(c) in PERSON_CUES for c in own) else cues

    def _distance(self, start: int, end: int) -> int:
        """Tokens lying between two character offsets."""
        return bisect.bisect_left(self.starts, end) - bisect.bisect_left(self.starts, start)

    def _clause_break(self, start: int, end: int) -> bool:
        first, last = bisect.bisect_left(self.starts, start), bisect.bisect_left(self.starts, end)
        between = self.doc.text[start:end]
        return any(ch in between for ch in ",;:()—–") or any(
            self.doc.tokens[i].folded in CLAUSE_BREAKS for i in range(first, last))

    # parts

    def _act_of(self, term: Mention) -> str:
        code = str(term.value["code"])
        if term.kind == "method":
            return self.methods[code].act
        if term.kind == "violation":
            return VIOLATION_ACTS.get(code, "detention")
        return code

    def _places(self, s: Sentence) -> list[Mention]:
        """The sentence's places. A country or region counts only after a preposition of
        place ("held in Russia", not "the anthem of Russia"), and not when a place in it
        is named too ("to Russia — to Taganrog" is Taganrog)."""
        places = [p for p in self._in(s, self.doc.mentions, "place")
                  if not _coarse(p) or self._preposition(p) in PLACE_WORDS]
        precise = {p.value.get("country") for p in places if not _coarse(p)}
        return [p for p in places if not (_coarse(p) and p.value.get("country") in precise)]

    def _effective_places(self, s: Sentence, ctx: Context) -> tuple[list[Mention], Sentence]:
        """The sentence's own places; else the context's, also when the sentence only names
        the country or region the context place lies in ("the guards of that Russian prison")."""
        places = self._places(s)
        known = {p.value.get("country") for p in ctx.places if not _coarse(p)}
        if ctx.places and all(_coarse(p) and p.value.get("country") in known for p in places):
            return ctx.places, ctx.places_from or s
        return places, s

    def _period(self, s: Sentence) -> Mention | None:
        periods = self._in(s, self.doc.mentions, "period")
        dated = [p for p in periods if p.value.get("start") or p.value.get("end")]
        chosen = dated or periods
        return chosen[0] if chosen else None

    def _place_json(self, place: Mention, ctx: Context) -> dict[str, Any]:
        """The documented place shape; a facility named earlier at the same place ("SIZO-2
        in Taganrog", then "in Taganrog") is carried over."""
        value = place.value
        facility = (value.get("facility_type") or self._facility_near(place)
                    or ctx.facilities.get(str(value.get("id"))))
        return {"name": value.get("name", place.text), "id": value.get("id"),
                "country": value.get("country"), "lat": value.get("lat"), "lon": value.get("lon"),
                "facility": facility, "precision": value.get("precision", "unknown"),
                "text": place.text}

    def _facility_near(self, place: Mention) -> str | None:
        """A facility type named within a few words of the place ("camp de Sévaré")."""
        near = [f for f in self.doc.of_kind("facility")
                if self._distance(min(f.end, place.start), max(f.start, place.end)) <= 3]
        near.sort(key=lambda f: abs(f.start - place.start))
        return str(near[0].value["code"]) if near else None

    def _transfer_ends(self, s: Sentence, places: list[Mention], ctx: Context,
                       speaker: bool) -> tuple[Mention | None, Mention | None] | None:
        """(from, to) of a transfer sentence. With one place named, the other end is where
        the person moved was last placed (the speaker's own trail when they speak of
        themselves)."""
        terms = self._in(s, self.doc.mentions, "act")
        if not any(t.value["code"] == "transfer" for t in terms) or not places:
            return None
        origin = [p for p in places if self._preposition(p) in FROM_WORDS]
        rest = [p for p in places if p not in origin]
        if origin and rest:
            return origin[0], rest[-1]
        if len(places) >= 2:
            return places[0], places[-1]
        if origin:
            return origin[0], None
        trail = ctx.own_places if speaker else ctx.places
        previous = trail[-1] if trail else None
        if previous is not None and self._place_key(previous) != self._place_key(places[0]):
            return previous, places[0]
        return None, places[0]

    def _place_key(self, place: Mention) -> tuple[str, str | None]:
        return (str(place.value.get("id") or place.text),
                place.value.get("facility_type") or self._facility_near(place))

    def _preposition(self, place: Mention) -> str:
        i = bisect.bisect_left(self.starts, place.start)
        return self.doc.tokens[i - 1].folded if i > 0 else ""

    def _languages(self, cues: list[Mention]) -> tuple[str, ...]:
        return _unique(str(c.value["value"]) for c in cues if _cue(c) == "language")

    def _evidence(self, s: Sentence, sources: Sequence[Sentence | None]) -> tuple[Evidence, ...]:
        spans = sorted({(x.start, x.end) for x in [s, *sources] if x is not None})
        return tuple(Evidence(a, b, self.doc.text[a:b]) for a, b in spans)

    def _in(self, s: Sentence, pool: list[Mention], *kinds: str) -> list[Mention]:
        return [m for m in pool if s.start <= m.start and m.end <= s.end and (not kinds or m.kind in kinds)]


def _coarse(place: Mention) -> bool:
    return place.value.get("precision") in ("country", "region")


def _cue(m: Mention) -> str:
    return str(m.value["cue"])


def _unique(values: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _unique_places(places: list[Mention]) -> list[Mention]:
    seen: dict[Any, Mention] = {}
    for p in places:
        seen.setdefault(p.value.get("id") or p.text, p)
    return list(seen.values())


def _unique_perpetrators(perps: list[Mention]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for p in perps:
        seen.setdefault(p.value["canonical"], {"name": p.text, "canonical": p.value["canonical"]})
    return list(seen.values())
