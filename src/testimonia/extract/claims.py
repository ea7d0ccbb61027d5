"""Claim assembly: per sentence, one claim per act, with who, where, when and the words.

Reading order matters in testimony: a place or period named once ("They took me to
Sévaré.") frames the sentences after it ("There they beat me."). The assembler walks the
sentences in order and carries the last place (see whereabouts.py), the last
perpetrators and the last period (both within a paragraph) into sentences that name
none; the sentence that supplied them is added to the claim's evidence, so every claim
shows the exact words each of its parts rests on. A force carries from any sentence
that names it as acting, even one that alleges nothing itself ("Russian soldiers came
to the village. They took my son …"), but not from one that negates it, asks about it
or threatens with it.

Qualifiers, by clause (split at , ; : and "but"/"mais"/"но"/"але"):
- a negation just before a term ("they did not beat me"; in Russian and Ukrainian also
  just after it: "Током меня не били") drops that term;
- a hypothetical before it ("if you don't talk we will use electricity") drops it; when
  the hypothesis is a demand put to the detainee in speech ("he said: «Don't sign and
  you go to the basement»", "they told me that if I did not confess they would beat
  me"), the violence it announces is a threat, from the demand to the violence's words,
  and so is any consequence it announces ("my daughter will be in the next cell"); what
  the demand asks («не підпишеш»: the signing) is not alleged;
- a denial cue ("nobody was held there") keeps the negated terms as a claim with
  denial=true, which the analysis counts as a contradiction;
- a hearsay cue before the term ("they told me …") makes the claim second-hand;
- a phrase where the word means something else ("power cuts") is no allegation, and
  neither is a question (an interviewer's).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

from testimonia.extract.custody import follow_custody
from testimonia.extract.dateline import dateline_end
from testimonia.extract.document import ExtractDoc
from testimonia.extract.sentences import Sentence
from testimonia.extract.spans import TokenIndex
from testimonia.extract.victims import victim_of
from testimonia.extract.whereabouts import Ends, Trail, Whereabouts
from testimonia.model import Claim, Evidence, Mention
from testimonia.vocab import load_vocabulary

NEGATION_REACH = 4  # tokens between a negation and the term it negates
HYPOTHETICAL_REACH = 8
DEMAND_WORDS = 10  # the longest demand clause looked at ("if tomorrow you don't give the names")
CONSEQUENCE_WORDS = 3  # words after a demand's clause that make it an ultimatum
FREE_WORD_ORDER = frozenset({"ru", "uk"})
PERSON_CUES = frozenset({"first_person", "group", "witness", "third_person", "people"})
NOBODY = {"who": "unknown", "count": None}  # a denial is about no one in particular
VIOLATION_ACTS = {"arbitrary_detention": "detention", "incommunicado_detention": "detention",
                  "enforced_disappearance": "disappearance", "extrajudicial_killing": "killing"}
# "not less than 40", «не менее 40»: a number, not a negation.
QUANTITIES = frozenset({"less", "fewer", "moins", "менее", "меньше", "более", "больше", "менше",
                        "більше"})
RELATIVES = frozenset({"who", "that", "qui", "кто", "который", "которые", "хто", "який", "які"})
CONJUNCTIONS = frozenset({"и", "і", "й", "та", "а"})
QUESTION_LABELS = ("q:", "q.", "question:", "вопрос:", "питання:")
AFTERWORD_REACH = 2  # sentences after an act where the witness may still say who did it
# A sentence with one of these cues names nothing about what came before: a denial, a
# hypothesis. One with a speech cue may say who did it, but its places and dates are the
# statement's.
UNSPOKEN = frozenset({"denial", "hypothetical"})
SPEECH = frozenset({"attribution", "statement", "hearsay"})
PASSIVE_AGENT = frozenset({"by", "par", "как", "як"})  # "fighters described by witnesses as …"
# A hypothesis that is a demand: "if … not", "or else", «не подпишешь» (the cue itself),
# and the words that open one in each language.
NOT_WORDS = frozenset({"not", "don't", "didn't", "won't", "n't", "ne", "n'", "pas", "не", "ні"})
CONDITIONS = frozenset({"if", "si", "s'il", "s'ils", "если", "якщо", "коли"})
DEMANDS = frozenset({"unless", "or else", "otherwise", "sinon", "à moins que", "sauf si",
                     "faute de quoi", "иначе", "а то", "в противном случае", "інакше",
                     "в іншому разі"})
# Words that open the captors' speech (beginnings of folded words): a demand after one is put to
# the detainee. Quotation marks do the same.
SPOKEN = ("said", "told", "tell", "warn", "shout", "yell", "repeat", "kept saying", "dit",
          "disai", "repet", "prevenu", "cri", "lanc", "сказа", "говори", "крича", "предупред",
          "повторя", "каза", "попереди", "повторю")
QUOTES = "«“\"„"
# "No" before a noun negates that noun only: "rooms with no toilet and too little space".
NO_NOUN = frozenset({"no", "aucun", "aucune", "sans"})
AND_WORDS = frozenset({"and", "et", "or", "ou"})
CONTRASTS = frozenset({"but", "mais", "но", "а", "але", "проте", "однак", "однако"})
OTHERS = frozenset({"others", "other", "autres", "другие", "других", "другим", "остальных", "остальные",
                    "інші", "інших", "іншим", "решту", "ребят", "ребята", "парней", "хлопців", "хлопці"})
# A hypothesis, not a habit: the words of a future or a conditional, and (French) their endings.
MODALS = {"en": frozenset({"would", "'d", "will", "'ll", "wo", "could", "might", "shall", "going",
                           "gonna", "can", "may"}),
          "fr": frozenset({"va", "vont", "vais", "allait", "allaient", "allons", "pourrait",
                           "pourraient", "peut", "peuvent"}),
          "ru": frozenset({"бы", "б", "будем", "будут", "будет", "буду", "будешь", "можем", "могут"}),
          "uk": frozenset({"б", "би", "будемо", "будуть", "буде", "буду", "будеш", "можемо", "можуть"})}
FUTURE_ENDINGS = {"fr": ("rait", "raient", "rais", "ront", "rons", "rez"),
                  "ru": ("ешь", "ёшь", "ишь"), "uk": ("еш", "єш", "иш", "їш", "имо", "емо", "ете", "ите")}
PAST_ENDINGS = {"ru": ("л", "ла", "ли", "ло", "лся", "лась", "лись", "лось"),
                "uk": ("в", "ла", "ли", "ло", "вся", "лася", "лися", "лося")}
THREATENED_ACTS = frozenset({"ill_treatment", "killing", "detention", "disappearance"})


@dataclass
class Context:
    """What earlier sentences established."""

    trail: Trail = field(default_factory=Trail)
    perpetrators: list[Mention] = field(default_factory=list)
    perpetrators_from: Sentence | None = None
    period: Mention | None = None
    period_from: Sentence | None = None
    dated: Mention | None = None  # the last date the account gave, in any paragraph
    dated_from: Sentence | None = None
    languages: list[str] = field(default_factory=list)  # of the interrogations being told
    languages_from: Sentence | None = None
    victim: dict[str, Any] | None = None  # the last one the words named, for the next sentences
    victim_from: Sentence | None = None

    def enter(self, s: Sentence) -> None:
        """Perpetrators, periods and interrogation languages do not outlive their paragraph."""
        if self.perpetrators_from and self.perpetrators_from.paragraph != s.paragraph:
            self.perpetrators, self.perpetrators_from = [], None
        if self.period_from and self.period_from.paragraph != s.paragraph:
            self.period, self.period_from = None, None
        if self.languages_from and self.languages_from.paragraph != s.paragraph:
            self.languages, self.languages_from = [], None
        if self.victim_from and self.victim_from.paragraph != s.paragraph:
            self.victim, self.victim_from = None, None


class ClaimsComponent:
    name, version = "claims", "25"
    reads = ("sentences", "tokens", "mentions", "cues")
    writes = ("claims",)

    def __call__(self, doc: ExtractDoc) -> None:
        reader = _Reader(doc, f"{self.name}@{self.version}")
        context = Context()
        told: list[list[Claim]] = []  # each sentence's claims
        for position, sentence in enumerate(doc.sentences):
            context.enter(sentence)
            claims = reader.claims(position, context)
            reader.update(sentence, context, claims)
            told.append(claims)
        for position, claims in enumerate(told):
            told[position] = [reader.named_after(position, c, told) for c in claims]
        told = follow_custody(doc, told, reader.where, reader.component)
        doc.claims = [c for claims in told for c in claims]
        doc.claims = _killings_in_custody(_named_later(doc.claims, reader.paragraphs, reader.unnamed))


class _Reader:
    def __init__(self, doc: ExtractDoc, component: str) -> None:
        self.doc = doc
        self.component = component
        self.index = TokenIndex(doc)
        self.where = Whereabouts(doc, self.index)
        self.methods = load_vocabulary().methods
        self.arrival: Mention | None = None  # where this sentence's transfer went
        self.report = _is_report(doc)
        self.paragraphs: dict[int, int] = {}  # claim (by id) → its sentence's paragraph
        self.unnamed: set[int] = set()  # claims whose words named no victim
        self.naming = True  # whether the claim being built had its victim named
        self.afterwords: dict[int, dict[str, Any]] = {}  # sentence → what it names after an act
        # this sentence's victims by their act's first term (id), with whether the words named them
        self.victims: dict[int, tuple[dict[str, Any], bool]] = {}
        self.actors: dict[tuple[int, int, bool], list[Mention]] = {}  # `_actors`, read once (never changed)
        self.questions: dict[int, bool] = {}  # sentence (by start) → `_is_question`

    def claims(self, position: int, ctx: Context) -> list[Claim]:
        s = self.doc.sentences[position]
        self.victims = {}
        if self._question(s):
            return []
        cues = self.index.inside(s, self.doc.cues)
        kinds = {_cue(c) for c in cues}
        # what a demand asks («Не підпишеш»: the signing) is not what was done
        blocked = [c for c in cues if _cue(c) == "not_allegation" or (
            _cue(c) == "hypothetical" and " " in c.text and self._demand(c))]
        terms = [t for t in self.index.inside(s, self.doc.mentions, "act", "method", "violation")
                 if not any(b.start <= t.start and t.end <= b.end for b in blocked)]
        # A violation's terms name an absence ("never saw a lawyer"): negation is its sense.
        negated = [t for t in terms if t.kind != "violation" and self._negated(t, cues)
                   and not self._done_to_others(s, t, cues)]
        denial = "denial" in kinds or ("statement" in kinds and bool(negated))
        groups: dict[str, list[Mention]] = {}
        for term in terms:
            if not self._hypothetical(s, term, cues) and (denial or term not in negated):
                groups.setdefault(self._act_of(term), []).append(term)
                if term.value.get("implies"):  # "detained": seized, and held
                    groups.setdefault(term.value["implies"], []).append(term)
        threat = self._threat(s, terms, cues)
        if threat is not None:
            groups.setdefault(self._act_of(threat), []).append(threat)
        if "detention" in groups and "transfer" not in groups and self._in_sequence(s, cues):
            groups["transfer"] = groups["detention"]  # "held in Kherson, then in Olenivka"
        if groups and not denial and "detention" not in groups and self._held(s, groups):
            groups["detention"] = next(iter(groups.values()))  # ill-treated in a cell: held there
        claims: list[Claim] = []
        for act, group in groups.items():
            if act != "transfer":
                claims.append(self._claim(position, ctx, act, group, cues, denial))
                continue
            victim = self._victim(position, ctx, group, cues)
            moving = min((t for t in group if t.kind == "act" and t.value["code"] == "transfer"),
                         key=lambda t: t.start, default=None)
            # the speaker's own route: "me", or "us" in a testimony (a report's "the men" are others)
            speaker = victim["who"] == "self" or (victim["who"] == "group" and not self.report)
            legs = [leg for leg in self.where.transfer_legs(position, ctx.trail, speaker, moving)
                    if leg.origin is not None and leg.destination is not None]
            claims += [self._claim(position, ctx, act, group, cues, denial, leg) for leg in legs] or \
                [self._claim(position, ctx, act, group, cues, denial)]
        return claims

    def _held(self, s: Sentence, groups: dict[str, list[Mention]]) -> bool:
        """Someone moved as a prisoner, released, or ill-treated where the paragraph names
        a place of confinement was held: "It was the colony in Novozybkov.", "C'était au
        camp de Sofara." A facility named in the sentence itself holds for any act."""
        if groups.keys() & {"transfer", "release"}:
            return True
        if self.index.inside(s, self.doc.mentions, "facility"):
            return True
        paragraph = [x for x in self.doc.sentences if x.paragraph == s.paragraph]
        return "ill_treatment" in groups and any(
            m.kind == "facility" or m.value.get("facility_type")
            for x in paragraph for m in self.index.inside(x, self.doc.mentions, "facility", "place"))

    def _in_sequence(self, s: Sentence, cues: Sequence[Mention]) -> bool:
        stops = self.where.stops(s)
        return any(_cue(c) == "sequence" and a.end <= c.start and c.end <= b.start
                   for a, b in pairwise(stops) for c in cues)

    def _victim(self, position: int, ctx: Context, terms: list[Mention],
                cues: Sequence[Mention]) -> dict[str, Any]:
        """Who the words around the act name; when they name no one ("Били каждый день.",
        "Воды — кружка в день."), the one the paragraph last named ("Меня держали в
        контейнере.")."""
        first = min(terms, key=lambda t: t.start)
        if id(first) not in self.victims:  # the acts of a sentence often share their first term
            self.victims[id(first)] = self._read_victim(position, ctx, first, cues)
        victim, self.naming = self.victims[id(first)]
        return victim if victim is ctx.victim else dict(victim)

    def _read_victim(self, position: int, ctx: Context, first: Mention,
                     cues: Sequence[Mention]) -> tuple[dict[str, Any], bool]:
        """`_victim`, and whether the words named the victim."""
        s = self.doc.sentences[position]
        person = self._person_cues(first, cues, self._hearsay(first, cues))
        naming = self._names_someone(s, person)
        if ctx.victim is not None and not naming:
            return ctx.victim, True
        return victim_of(self.doc, s, first, person), naming

    def _names_someone(self, s: Sentence, cues: list[Mention]) -> bool:
        return any(_cue(c) in PERSON_CUES for c in cues) or any(
            s.start <= p.start and p.end <= s.end for p in self.index.of_kind("person"))

    def _hearsay(self, first: Mention, cues: Sequence[Mention]) -> list[Mention]:
        return [c for c in cues if _cue(c) == "hearsay" and c.start < first.end
                and not any(_cue(w) == "witness" and w.start <= c.start < w.end for w in cues)]

    def _told_after(self, first: Mention, cues: Sequence[Mention]) -> bool:
        """A hearsay cue after the act, in its sentence: "They kept him in the basement, he
        told me after", «… c'est ce que disent ceux qui étaient avec lui»; not where the
        speaker says they saw it too."""
        if any(_cue(w) == "witness" for w in cues):
            return False  # "…; I heard it, and in the morning I saw the marks"
        return any(_cue(c) == "hearsay" and c.start >= first.end for c in cues)

    def update(self, s: Sentence, ctx: Context, claims: list[Claim]) -> None:
        trail = ctx.trail
        self.where.note_facilities(s, trail)
        cues = {_cue(c) for c in self.index.inside(s, self.doc.cues)}
        named = [c for c in claims if not c.denial]
        if named and cues & PERSON_CUES:
            ctx.victim, ctx.victim_from = named[0].victim, s
        elif not claims and not cues & {"hearsay", "hypothetical", "third_person"} and \
                cues & {"first_person", "group"}:  # "Меня взяли в Горловке." (no act term)
            who = "group" if "group" in cues else "self"
            ctx.victim, ctx.victim_from = {"who": who, "count": None}, s
        perpetrators = self._actors(s, self.report)
        if perpetrators:  # "Russian soldiers came. They took my son"
            ctx.perpetrators, ctx.perpetrators_from = perpetrators, s
        if "hypothetical" in cues:
            return  # a threat moves no one ("on va t'envoyer en Russie")
        places, source = self.where.effective(s, trail)
        if self.arrival is not None:  # a transfer took someone somewhere: the story goes on there
            places, source = [self.arrival], s
        if places and source is s:
            trail.places, trail.places_from = places, s
            speaking = claims or cues & {"first_person", "group"}
            if speaking and all(c.first_hand and c.victim["who"] != "other" for c in claims):
                trail.own = places  # the speaker's own trail, not "X stayed in Olenivka"
        self.arrival = None
        period = self._period(s)
        if period is not None:
            ctx.period, ctx.period_from = period, s
            if _dated(period.value):
                ctx.dated, ctx.dated_from = period, s
        spoken = self._languages(s)
        if spoken and "interrogation" in cues:  # "Допитували російською …": what follows too
            ctx.languages, ctx.languages_from = spoken, s

    def named_after(self, position: int, claim: Claim, told: list[list[Claim]]) -> Claim:
        """Where, when and by whom, when the witness says so after telling it ("… poured
        water until I thought my lungs were full. That was the Nampala camp, September 2023,
        and it was the white soldiers who did it."; «C'était au camp de Niafunké.»): what
        one of the next two sentences of the paragraph names, in sentences that tell no act
        themselves (see `_afterword`), fills what the claim lacks."""
        named = [p for p in claim.perpetrators if p["canonical"] not in unidentified()]  # "armed men": who?
        missing = {name for name, value in (("perpetrators", named), ("period", claim.period),
                                            ("places", claim.places or claim.transfer)) if not value}
        if claim.denial or not missing:
            return claim
        s = self.doc.sentences[position]
        changes: dict[str, Any] = {}
        sources: list[Sentence] = []
        for later in range(position + 1, min(position + 1 + AFTERWORD_REACH, len(self.doc.sentences))):
            after = self.doc.sentences[later]
            if after.paragraph != s.paragraph or told[later]:
                break
            for name, value in self._afterword(later).items():
                if name in missing and name not in changes and value:
                    changes[name] = value
                    sources.append(after)
        if not changes:
            return claim
        spans = sorted({(x.start, x.end) for x in sources} - {(e.start, e.end) for e in claim.evidence})
        evidence = (*claim.evidence, *(Evidence(a, b, self.doc.text[a:b]) for a, b in spans))
        return replace(claim, evidence=evidence, **changes)

    def _afterword(self, position: int) -> dict[str, Any]:
        """What a sentence that tells no act names: forces acting, places, a period (read
        once per sentence). Nothing from a denial; from someone's statement, hearsay or a
        hypothesis, the forces named before it only."""
        if position in self.afterwords:
            return self.afterwords[position]
        after = self.doc.sentences[position]
        found: dict[str, Any] = {}
        cues = self.index.inside(after, self.doc.cues)
        kinds = {_cue(c) for c in cues}
        if "denial" not in kinds:
            # "The guards were from the FSIN, he said.", «соседи сказали, что это были
            # росгвардейцы»: who did it, as someone told it; not a force that speaks itself
            # ("Russia's prison service said …") or one only supposed; places and dates of a
            # statement or a hypothesis are their own.
            found = {"perpetrators": tuple(_unique_perpetrators(self._actors(after)))}
            if not kinds & (UNSPOKEN | SPEECH):
                places = [p for p in self.where.places(after) if not self.where.residence(p)]
                period = self._period(after)
                found |= {"places": tuple(self.where.as_json(p, Trail()) for p in _unique_places(places)),
                          "period": None if period is None else {**period.value, "text": period.text}}
        self.afterwords[position] = found
        return found

    def _question(self, s: Sentence) -> bool:
        if s.start not in self.questions:
            self.questions[s.start] = _is_question(self.doc.text[s.start:s.end])
        return self.questions[s.start]

    def _actors(self, s: Sentence, quiet: bool = True) -> list[Mention]:
        key = (s.start, s.end, quiet)
        if key not in self.actors:
            self.actors[key] = self._read_actors(s, quiet)
        return self.actors[key]

    def _read_actors(self, s: Sentence, quiet: bool) -> list[Mention]:
        """The forces a sentence names as acting, not those it negates ("it was not Wagner"),
        asks about or names after a hypothesis ("… on te remet aux Russes"); with `quiet`,
        not those that speak ("Russia's prison service said …", «в ФСИН заявили»): in a
        report a force speaking is the source of a statement (in a testimony, "the FSB
        investigator said" is a captor)."""
        if self._question(s):
            return []
        cues = self.index.inside(s, self.doc.cues)
        negations = [c for c in cues if _cue(c) == "negation"]
        supposed = min((c.start for c in cues if _cue(c) == "hypothetical"), default=s.end)
        speaking = [c for c in cues if quiet and _cue(c) in SPEECH and self.index.word_after(c) not in PASSIVE_AGENT]
        return [p for p in self.index.inside(s, self.doc.mentions, "perpetrator")
                if p.start < supposed  # "if the Russians come …": a force only supposed
                and not any(c.end <= p.start and self.index.same_clause(c, p)
                           and self.index.distance(c.end, p.start) <= NEGATION_REACH for c in negations)
                and not any(c.start >= p.end and self.index.distance(p.end, c.start) <= 2
                            and not self.index.clause_break(p.end, c.start) for c in speaking)]

    def _claim(self, position: int, ctx: Context, act: str, terms: list[Mention],
               cues: Sequence[Mention], denial: bool, leg: Ends | None = None) -> Claim:
        s = self.doc.sentences[position]
        first = min(terms, key=lambda t: t.start)
        places, places_from = self.where.effective(s, ctx.trail)
        loose = None if places_from is not s else self.where.loose_facility(s)
        sources: list[Sentence | None] = [places_from if places else None]
        transfer = None
        if leg is not None and leg.origin is not None and leg.destination is not None:
            transfer = {"from": self.where.as_json(leg.origin, ctx.trail),
                        "to": self.where.as_json(leg.destination, ctx.trail)}
            places, sources, loose = [leg.origin, leg.destination], [leg.destination_from], None
            self.arrival = leg.destination
        perps: Sequence[Mention] = self._actors(s, self.report)  # not a force the sentence negates
        perps_from = s
        if not perps and ctx.perpetrators:
            perps, perps_from = ctx.perpetrators, ctx.perpetrators_from or s
        period, period_from = self._period(s), s
        if leg is not None and leg.destination is not None:
            period = self._leg_period(s, leg.destination) or period
        if period is None and ctx.period is not None:
            period, period_from = ctx.period, ctx.period_from or s
        when = None if period is None else {**period.value, "text": period.text}
        if when is not None and not _dated(when) and ctx.dated is not None:
            # "In April 2022 the LPR militia took me. They held me three days …": how long,
            # within the last date the account gave (a new paragraph goes on with the story)
            when = {**ctx.dated.value, "duration_days": when.get("duration_days"),
                    "text": f"{ctx.dated.text} … {when['text']}"}
            if when.get("precision") == "day" and when.get("end") and when.get("duration_days"):
                # from that day to that many days after it, not that one day ("after about two
                # weeks I was moved")
                last = date.fromisoformat(when["end"]) + timedelta(days=int(when["duration_days"]))
                when |= {"end": last.isoformat(), "precision": "range", "approximate": True}
            sources.append(ctx.dated_from)
        languages, languages_from = self._languages(s), s
        if not languages and ctx.languages:
            languages, languages_from = ctx.languages, ctx.languages_from or s
        sources += [perps_from if perps else None, period_from if period is not None else None,
                    languages_from if languages else None]
        claim = Claim(
            act=act,
            methods=_unique(t.value["code"] for t in terms
                            if t.kind == "method" and self._act_of(t) == act),
            # A denial denies acts and methods ("no civilian was executed": a killing);
            # the violation the words would name is what the allegation, not the denial, says.
            violations=() if denial else _unique(t.value["code"] for t in terms
                                                 if t.kind == "violation" and self._act_of(t) == act),
            places=tuple(self.where.as_json(p, ctx.trail, loose) for p in _unique_places(places)),
            perpetrators=() if denial else tuple(_unique_perpetrators(perps)),
            period=when,
            victim=NOBODY if denial else self._victim(position, ctx, terms, cues),
            first_hand=not (self.report or self._hearsay(first, cues) or self._told_after(first, cues)),
            denial=denial,
            interrogation_languages=tuple(languages),
            evidence=self._evidence(s, sources), component=self.component, transfer=transfer)
        self.paragraphs[id(claim)] = s.paragraph
        if not denial and not self.naming:
            self.unnamed.add(id(claim))
        return claim

    # qualifiers

    def _negated(self, term: Mention, cues: Sequence[Mention]) -> bool:
        after = self.doc.language in FREE_WORD_ORDER
        return any(_cue(c) == "negation" and self.index.same_clause(c, term)
                   and self.index.word_after(c) not in QUANTITIES and (
            (c.start <= term.start and term.end <= c.end) or  # around it: "ne nous frappait plus"
            (c.end <= term.start and self.index.distance(c.end, term.start) <= NEGATION_REACH
             and not self._between(c.end, term.start, RELATIVES)
             and not (c.text.lower() in NO_NOUN and self._between(c.end, term.start, AND_WORDS))) or
            (after and c.start >= term.end and self.index.distance(term.end, c.start) <= NEGATION_REACH
             and not self._between(term.end, c.start, CONJUNCTIONS)))
            for c in cues)

    def _done_to_others(self, s: Sentence, term: Mention, cues: Sequence[Mention]) -> bool:
        """"Not to me, but to the others": a negated term followed in its sentence by "but"
        and other people («Током меня не пытали, но я слышал, как пытают других»,
        «Електрошокером мене не били, а хлопців — постійно», "on ne m'a pas fait le
        courant, mais mon voisin, si") is alleged, of them."""
        first = bisect.bisect_left(self.index.starts, term.end)
        last = bisect.bisect_left(self.index.starts, s.end)
        contrast = next((t.start for t in self.doc.tokens[first:last] if t.folded in CONTRASTS), None)
        if contrast is None:
            return False
        return any(c.start > contrast and _cue(c) in {"people", "third_person"} for c in cues) \
            or self._between(contrast, s.end, OTHERS)

    def _between(self, start: int, end: int, words: frozenset[str]) -> bool:
        """Does one of `words` stand between two offsets? A negation before "who" is about
        the actor ("it was not Wagner who beat me"); one after "and" is about the next verb
        («стояти обличчям до стіни і не давали пити»)."""
        first = bisect.bisect_left(self.index.starts, start)
        last = bisect.bisect_left(self.index.starts, end)
        return any(t.folded in words for t in self.doc.tokens[first:last])

    def _hypothetical(self, s: Sentence, term: Mention, cues: Sequence[Mention]) -> bool:
        """Under a hypothesis before it, unless the term is itself a threat (a threat is
        said, not done: "they threatened to …", «si tu ne parles pas, on va …» both allege
        it) or the hypothesis is a habit ("if my arms came down the guard hit me")."""
        if term.kind == "method" and term.value["code"] == "threats":
            return False
        return any(not self._habit(s, c, term) for c in self._hypotheses(term, cues))

    def _hypotheses(self, term: Mention, cues: Sequence[Mention]) -> Iterator[Mention]:
        """The hypothetical cues that reach `term`."""
        return (c for c in cues if _cue(c) == "hypothetical" and c.end <= term.start
                and self.index.distance(self._reach_from(c), term.start) <= HYPOTHETICAL_REACH)

    def _reach_from(self, cue: Mention) -> int:
        """Where a hypothesis starts to reach: after a demand's own clause ("Si demain tu ne
        donnes pas les noms, | on te met dans le conteneur …"), else after the cue."""
        if not self._demand(cue):
            return cue.end
        first = bisect.bisect_left(self.index.starts, cue.end)
        for token in self.doc.tokens[first:first + DEMAND_WORDS]:
            if self.index.clause_break(cue.end, token.end):
                return token.start
        return cue.end

    def _habit(self, s: Sentence, cue: Mention, term: Mention) -> bool:
        """"If" telling what happened each time, not what would have: a plain condition
        ("if", «если», "si") with no "not" after it, no word of a future or a conditional
        after it in the sentence, outside speech, and in Russian and Ukrainian with a verb in
        the past between it and the term ("если кто-то закрыл глаза, всю камеру ставили к стене"). "If they had
        found the radio, they would have killed me" and «якщо не підпишеш, будемо бити»
        stay hypotheses."""
        if cue.text.lower() not in CONDITIONS or self._demand(cue):
            return False
        first = bisect.bisect_left(self.index.starts, cue.end)
        words = [t.folded for t in self.doc.tokens[first:bisect.bisect_left(self.index.starts, s.end)]]
        language = self.doc.language
        if any(w in MODALS.get(language, ()) or w.endswith(FUTURE_ENDINGS.get(language, ()))
               for w in words):
            return False  # "if they had found the phone, they would have …"
        if self._spoken(s, cue):
            return False
        to_term = words[:bisect.bisect_left(self.index.starts, term.end) - first]
        return language not in FREE_WORD_ORDER or any(w.endswith(PAST_ENDINGS[language]) for w in to_term)

    def _threat(self, s: Sentence, terms: Sequence[Mention], cues: Sequence[Mention]) -> Mention | None:
        """The violence a demand in the captors' speech announces, as a threat: a method or
        an act of harm or detention dropped as hypothetical, after a hypothesis that is a
        demand ("if … not", "or else", «не підпишеш»), after quotation marks or a word of
        speech in the same sentence. None when the sentence names a threat itself."""
        if any(t.kind == "method" and t.value["code"] == "threats" for t in terms):
            return None
        for term in terms:
            if term.kind == "violation" or (term.kind == "act" and term.value["code"] not in THREATENED_ACTS):
                continue
            demand = next((c for c in self._hypotheses(term, cues) if self._demand(c)), None)
            if demand is None or not self._spoken(s, demand):
                continue
            return replace(term, kind="method", start=demand.start,
                           text=self.doc.text[demand.start:term.end],
                           value={"code": "threats", "term": f"{demand.text} … {term.text}"})
        return self._ultimatum(s, cues)

    def _ultimatum(self, s: Sentence, cues: Sequence[Mention]) -> Mention | None:
        """A demand in the captors' speech with a consequence of any kind after it is a
        threat, even when the consequence names no violence: «Не подпишешь — жена окажется
        в соседней камере», "if I don't sign, he makes one call and my daughter is in the
        next cell", «si je ne signais pas, ma femme viendrait me tenir compagnie»."""
        for demand in cues:
            if _cue(demand) != "hypothetical" or not self._demand(demand) or not self._spoken(s, demand):
                continue
            start = self._reach_from(demand)
            if self.index.distance(start, s.end) < CONSEQUENCE_WORDS:
                continue
            end = s.start + len(self.doc.text[s.start:s.end].rstrip(" .!»“\"„"))
            return Mention("method", demand.start, end, self.doc.text[demand.start:end],
                           {"code": "threats", "term": f"{demand.text} …"}, self.component)
        return None

    def _demand(self, cue: Mention) -> bool:
        words = cue.text.lower()
        if words in DEMANDS or (" " in words and words.split()[0] in {"не", "ne"}):
            return True  # «не подпишешь»
        if words not in CONDITIONS:
            return False
        first = bisect.bisect_left(self.index.starts, cue.end)
        return any(t.folded in NOT_WORDS for t in self.doc.tokens[first:first + 4])

    def _spoken(self, s: Sentence, demand: Mention) -> bool:
        before = self.doc.text[s.start:demand.start]
        if any(q in before for q in QUOTES):
            return True
        return any(t.folded.startswith(SPOKEN) for t in self.doc.tokens[
            bisect.bisect_left(self.index.starts, s.start):bisect.bisect_left(self.index.starts, demand.start)])

    def _person_cues(self, term: Mention, cues: Sequence[Mention], hearsay: list[Mention]) -> list[Mention]:
        """Cues that say who the act was done to: those of the term's own clause when it says
        (a person cue or a name), else the sentence's; after a hearsay cue, only what
        follows it ("he told me they beat him": not me)."""
        after = max((h.end for h in hearsay), default=0)
        pool = [c for c in cues if c.start >= after]
        own = [c for c in pool if self.index.same_clause(c, term)]
        named = any(self.index.same_clause(p, term) for p in self.index.of_kind("person"))
        return own if named or any(_cue(c) in PERSON_CUES for c in own) else pool

    # parts

    def _act_of(self, term: Mention) -> str:
        code = str(term.value["code"])
        if term.kind == "method":
            return self.methods[code].act
        if term.kind == "violation":
            return VIOLATION_ACTS.get(code, "detention")
        return code

    def _languages(self, s: Sentence) -> list[str]:
        return list(_unique(str(c.value["value"]) for c in self.index.inside(s, self.doc.cues)
                            if _cue(c) == "language"))

    def _leg_period(self, s: Sentence, destination: Mention) -> Mention | None:
        """The date told for one leg of a route, between the stop before it and its
        destination ("to Melitopol, and from there, in early January, to Taganrog")."""
        if not s.start <= destination.start < s.end:
            return None
        before = [p.end for p in self.where.stops(s) if p.end <= destination.start]
        after = max(before, default=s.start)
        dated = [p for p in self.index.inside(s, self.doc.mentions, "period")
                 if after <= p.start and p.end <= destination.start and _dated(p.value)]
        return dated[-1] if dated else None

    def _period(self, s: Sentence) -> Mention | None:
        periods = self.index.inside(s, self.doc.mentions, "period")
        dated = [p for p in periods if _dated(p.value)]
        chosen = dated or periods
        return chosen[0] if chosen else None

    def _evidence(self, s: Sentence, sources: list[Sentence | None]) -> tuple[Evidence, ...]:
        """The sentence that states the act first (the one a finding quotes), then the
        sentences that supplied its place, perpetrators or period, in text order."""
        others = sorted({(x.start, x.end) for x in sources if x is not None} - {(s.start, s.end)})
        return tuple(Evidence(a, b, self.doc.text[a:b]) for a, b in [(s.start, s.end), *others])


@functools.cache
def unidentified() -> frozenset[str]:
    """The perpetrator ids that say the witness could not tell who ("armed men"):
    perpetrators.yaml's type `unidentified`."""
    return frozenset(o.id for o in load_vocabulary().perpetrators.values() if o.type == "unidentified")


CUSTODY = frozenset({"arrest", "detention", "transfer"})


def _named_later(claims: list[Claim], paragraphs: dict[int, int], unnamed: set[int]) -> list[Claim]:
    """A claim whose words named no victim, told before its paragraph names one ("Еду давали
    раз в два дня. Я за это время килограммов пятнадцать скинул."), is about that one."""
    out = []
    for i, c in enumerate(claims):
        later = None if id(c) not in unnamed else next(
            (d for d in claims[i + 1:] if id(d) not in unnamed and not d.denial
             and paragraphs.get(id(d)) == paragraphs.get(id(c))), None)
        out.append(c if later is None else replace(c, victim=later.victim))
    return out


def _killings_in_custody(claims: list[Claim]) -> list[Claim]:
    """A killing told in an account of arrest or detention is a killing of someone in the
    killers' hands: extrajudicial ("they took him at the checkpoint; a week later his body
    was found"). Denials stay as they are."""
    if not any(c.act in CUSTODY and not c.denial for c in claims):
        return claims
    return [replace(c, violations=(*c.violations, "extrajudicial_killing"))
            if c.act == "killing" and not c.denial and "extrajudicial_killing" not in c.violations
            else c for c in claims]


_QUOTED = re.compile(r"«[^»]*»|“[^”]*”|\"[^\"]*\"")


def _is_report(doc: ExtractDoc) -> bool:
    """A text where no one speaks in the first person outside quotation marks, and that
    names its sources ("a rights group said", "selon des élus", «сообщили
    правозащитники»), opens with a dateline or tells of others ("detainees", «отца»): a
    report or a relative's account of what they did not see, second-hand
    (tests/eval/README.md). A text naming no one ("Клали на лавку …") stays first-hand."""
    quoted = [m.span() for m in _QUOTED.finditer(doc.text)]
    spoken = [c for c in doc.cues if not any(a <= c.start < b for a, b in quoted)]
    kinds = {_cue(c) for c in spoken}
    if kinds & {"first_person", "group", "witness"}:
        return False
    return bool(kinds & {"attribution", "hearsay", "people", "third_person"}) or \
        dateline_end(doc.text) > 0


def _is_question(sentence: str) -> bool:
    """An interviewer's question asserts nothing."""
    return (sentence.rstrip(" \"'»”’)").endswith("?")
            or sentence.lstrip().lower().startswith(QUESTION_LABELS))


def _dated(period: dict[str, Any]) -> bool:
    """A period with a date at either end, not a length alone ("three days")."""
    return bool(period.get("start") or period.get("end"))


def _cue(m: Mention) -> str:
    return str(m.value["cue"])


def _unique(values: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _unique_places(places: list[Mention]) -> list[Mention]:
    seen: dict[Any, Mention] = {}
    for p in places:
        seen.setdefault(p.value.get("id") or p.text, p)
    return list(seen.values())


def _unique_perpetrators(perps: Sequence[Mention]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for p in perps:
        seen.setdefault(p.value["canonical"], {"name": p.text, "canonical": p.value["canonical"]})
    return list(seen.values())
