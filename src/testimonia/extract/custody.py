"""Transfers told without a word that moves anyone: the person taken at one place turns up
held at another ("They took Serhiy from his garden in Kakhovka … Then his name appeared on
a list: prisoner, Ryazhsk colony."; «Брата забрали в Мелитополе … письмо от сокамерника:
он в Таганроге, в СИЗО»; "grabbed me at the well in Boni … I was in the camp in
Douentza"; «Ils m'ont arrêté à Bourem, et le soir même j'étais au camp de Gao»).

Within a paragraph, the custody of its victim is followed from claim to claim: an arrest
or a detention puts them at a place; a later detention of the same victim at a place
further away, or a sentence that names no act but puts someone in a place of confinement
there (a SIZO, a colony, a camp), is a transfer between the two. A sentence of the second
kind also gives the detention it tells. Denials, negations, hypotheses and questions put
no one anywhere; a transfer already told to that place is not told twice.
"""

from __future__ import annotations

import bisect
from dataclasses import replace
from typing import Any

from testimonia.extract.document import ExtractDoc
from testimonia.extract.sentences import Sentence
from testimonia.extract.spans import TokenIndex
from testimonia.extract.whereabouts import Trail, Whereabouts
from testimonia.model import Claim, Evidence
from testimonia.places.geo import km

SAME_PLACE_KM = 15.0  # two places this close are one stop (a camp in its town)
# Places of confinement that a sentence may put someone in without saying "held":
# not a police station, a gendarmerie or an office, which relatives visit.
CONFINEMENT = frozenset({"pretrial_detention_centre", "penal_colony", "temporary_detention_facility",
                         "prison", "filtration_camp", "military_camp", "former_un_base",
                         "shipping_container", "pit"})
# "the camp in Douentza", «au camp de Gao», «в лагере в Кати», "a colony in Kamyshin": in
# these testimonies a camp or a colony named with its town is a place of confinement.
CAMP_WORDS = frozenset({"camp", "camps", "colony", "colonies", "colonie"})
CAMP_STEMS = ("лагер", "табор", "табір", "колони", "колоні")
REFUGEE_WORDS = ("refugee", "displaced", "refugie", "deplace", "беженц", "біженц", "переселен")
HELD = frozenset({"arrest", "detention"})
SILENCING = frozenset({"negation", "hypothetical", "denial"})


def follow_custody(doc: ExtractDoc, told: list[list[Claim]], where: Whereabouts,
                   component: str) -> list[list[Claim]]:
    """Each sentence's claims, with the transfers (and detentions) that the custody of a
    paragraph's victim implies added to the sentence that tells where they turned up."""
    index = TokenIndex(doc)
    stated = [(c.transfer["from"], c.transfer["to"]) for claims in told for c in claims if c.transfer is not None]
    last: tuple[dict[str, Any], Claim, Sentence] | None = None
    visited: list[dict[str, Any]] = []  # where the paragraph's victim has been: no move back there
    out: list[list[Claim]] = []
    for position, claims in enumerate(told):
        s = doc.sentences[position]
        if last is not None and last[2].paragraph != s.paragraph:
            last, visited = None, []
        added: list[Claim] = []
        moves = [c for c in claims if c.transfer is not None and not c.denial]
        if moves:  # the sentence tells the move itself: the story goes on where it ended
            destination = moves[-1].transfer["to"] if moves[-1].transfer else None
            if destination is not None and _precise(destination):
                last = (destination, moves[-1], s)
                visited += [moves[-1].transfer["from"], destination] if moves[-1].transfer else []
            out.append(claims)
            continue
        if not claims and last is not None:
            onward = _onward(doc, index, where, s, last[1])
            held = _turned_up(doc, index, where, s)
            if onward is not None and _apart(last[0], onward) and not _been(onward, visited):
                # «Et de là, en février, un convoi de nuit jusqu'à Koursk.»
                added.append(_transfer(doc, last[0], onward, last[1], s, last, component))
                last = (onward, last[1], s)
                visited.append(onward)
            elif held is not None:
                detention = replace(last[1], act="detention", methods=(), violations=(), places=(held,),
                                    interrogation_languages=(), transfer=None,
                                    evidence=_evidence(doc, s, last[1]))
                added.append(detention)
                claims = [detention]
        for claim in claims:
            places = [p for p in claim.places if _precise(p)]
            if claim.denial or claim.act not in HELD or not places:
                continue
            if last is None or claim.act == "arrest":
                last = (places[0], claim, s)
                visited.append(places[0])
                # «arrêté à Bourem, … au camp de Gao»: a place of confinement after it
                places = [p for p in places[1:] if claim.act == "arrest" and _confining(doc, index, s, p)]
            elif claim not in added and not _says_held(doc, index, s):
                # a detention only implied (by a release, by ill-treatment in a cell): the
                # place must be one of confinement
                places = [p for p in places[:1] if _confining(doc, index, s, p)]
            else:
                places = places[:1]  # where they were held ("in a cellar in Hola Prystan near Kherson")
            for place in places:
                if _apart(last[0], place) and _same_victim(doc, last[1], claim) and not _been(place, visited) \
                        and not any(
                        (not _apart(place, b) and (not _apart(last[0], a) or not _apart(place, a)))
                        or (not _apart(place, a) and not _apart(last[0], b)) for a, b in stated):
                    added.append(_transfer(doc, last[0], place, claim, s, last, component))
                    stated.append((last[0], place))
                    last = (place, claim, s)
                    visited.append(place)
        out.append([*told[position], *added])
    return out


def _been(place: dict[str, Any], visited: list[dict[str, Any]]) -> bool:
    """The victim was there before: going back in the story ("Pendant les premiers mois,
    passés dans un sous-sol à Berdiansk"), not a move."""
    return any(not _apart(place, v) for v in visited)


# "from there", «de là», «оттуда», «звідти»: the story goes on from the last place.
THERE = frozenset({"there", "là", "оттуда", "звідти"})
ONWARD = frozenset({"to", "a", "au", "jusqu'a", "vers", "в", "во", "на", "до", "у", "к"})  # folded
SPEAKER = frozenset({"first_person", "group"})


def _onward(doc: ExtractDoc, index: TokenIndex, where: Whereabouts, s: Sentence,
            earlier: Claim) -> dict[str, Any] | None:
    """The place a sentence that tells no act goes on to from the last one ("And from
    there, in February, a night convoy to Kursk", «Звідти він потрапив до Старого Оскола»),
    unless it negates, supposes, denies or asks, or the speaker goes there about someone
    else ("From there we went to Odesa to find a lawyer")."""
    text = doc.text[s.start:s.end]
    first, last = bisect.bisect_left(index.starts, s.start), bisect.bisect_left(index.starts, s.end)
    if text.rstrip(" \"'»”’)").endswith("?") or not any(
            doc.text[t.start:t.end].lower() in THERE for t in doc.tokens[first:last]):
        return None
    cues = {c.value.get("cue") for c in index.inside(s, doc.cues)}
    if cues & SILENCING or (cues & SPEAKER and earlier.victim.get("who") == "other"):
        return None
    for place in where.places(s):
        if place.value.get("precision") not in ("country", "region") and index.word_before(place) in ONWARD:
            return where.as_json(place, Trail())
    return None


def _precise(place: dict[str, Any]) -> bool:
    return place.get("precision") not in ("country", "region")


def _says_held(doc: ExtractDoc, index: TokenIndex, s: Sentence) -> bool:
    """The sentence says someone was held, in words ("kept", «тримали», "détenu")."""
    return any(m.value.get("code") == "detention" or m.value.get("implies") == "detention"
               for m in index.inside(s, doc.mentions, "act"))


def _turned_up(doc: ExtractDoc, index: TokenIndex, where: Whereabouts, s: Sentence) -> dict[str, Any] | None:
    """The place of confinement a sentence telling no act puts someone in ("he is in
    Taganrog, in the SIZO", "prisoner, Ryazhsk colony", "I was in the camp in Douentza"),
    unless it negates, supposes, denies or asks."""
    text = doc.text[s.start:s.end]
    if text.rstrip(" \"'»”’)").endswith("?"):
        return None
    if any(c.value.get("cue") in SILENCING for c in index.inside(s, doc.cues)):
        return None
    for place in where.places(s):
        if place.value.get("precision") in ("country", "region"):
            continue
        facility = where.facility_near(place) or place.value.get("facility_type")
        if facility in CONFINEMENT or _after_camp(doc, index, place.start):
            return where.as_json(place, Trail())
    return None


def _confining(doc: ExtractDoc, index: TokenIndex, s: Sentence, place: dict[str, Any]) -> bool:
    """A place of a claim (as JSON) that is one of confinement: by its facility, or named
    after the word "camp" in the claim's sentence."""
    if place.get("facility") in CONFINEMENT:
        return True
    return any(m.text == place.get("text") and _after_camp(doc, index, m.start)
               for m in index.inside(s, doc.mentions, "place"))


def _after_camp(doc: ExtractDoc, index: TokenIndex, start: int) -> bool:
    """A camp or colony word within three words before `start`, not a camp of refugees («лагерь
    беженцев Мбера», "the M'bera refugee camp")."""
    first = bisect.bisect_left(index.starts, start)
    words = [t.folded for t in doc.tokens[max(0, first - 3):first]]
    return any(w in CAMP_WORDS or w.startswith(CAMP_STEMS) for w in words) and \
        not any(w.startswith(REFUGEE_WORDS) for w in words)


def _apart(a: dict[str, Any], b: dict[str, Any]) -> bool:
    points = [a.get("lat"), a.get("lon"), b.get("lat"), b.get("lon")]
    if any(x is None for x in points):
        return (a.get("id") or a.get("name")) != (b.get("id") or b.get("name"))
    return km(*(float(x) for x in points if x is not None)) > SAME_PLACE_KM


def _same_victim(doc: ExtractDoc, earlier: Claim, later: Claim) -> bool:
    """The later claim may be about the one taken earlier: the same kind of victim (the
    speaker among a group counts), the same name when both are named, and the same kin
    when both sentences name kin ("my brother was arrested …", "my cousin is held …": two
    people)."""
    a, b = earlier.victim, later.victim
    if a.get("name") and b.get("name") and a["name"] != b["name"]:
        return False
    kinds = {a.get("who"), b.get("who")}
    if not (len(kinds) == 1 or kinds == {"self", "group"}):
        return False
    kin = [_kin(doc, claim) for claim in (earlier, later)]
    return not (kin[0] and kin[1] and not kin[0] & kin[1])


# Pronouns among the third-person cues: they name no one in particular.
_PRONOUNS = frozenset("""him her lui l'avait l'avaient l'ont l'a его её ему ей него неё нему нём ней
його її йому їй нього неї ньому ній""".split())


def _kin(doc: ExtractDoc, claim: Claim) -> set[str]:
    """The kin a claim's own sentence names ("my brother", «сына»), by the first letters of
    the word, so that its cases meet («брата», «брат»)."""
    first = claim.evidence[0]
    found = set()
    for cue in doc.cues:
        if cue.value.get("cue") == "third_person" and first.start <= cue.start < first.end:
            word = cue.text.split()[-1].lower()
            if word not in _PRONOUNS and len(word) > 3:
                found.add(word[:4])
    return found


def _transfer(doc: ExtractDoc, origin: dict[str, Any], destination: dict[str, Any], claim: Claim,
              s: Sentence, last: tuple[dict[str, Any], Claim, Sentence], component: str) -> Claim:
    return Claim(act="transfer", methods=(), violations=(), places=(origin, destination),
                 perpetrators=claim.perpetrators, period=claim.period, victim=claim.victim,
                 first_hand=claim.first_hand, denial=False, interrogation_languages=(),
                 evidence=_evidence(doc, s, last[1], last[2]), component=component,
                 transfer={"from": origin, "to": destination})


def _evidence(doc: ExtractDoc, s: Sentence, earlier: Claim, before: Sentence | None = None) -> tuple[Evidence, ...]:
    """The sentence that places the person, then those the earlier claim rests on."""
    spans = {(e.start, e.end) for e in earlier.evidence}
    if before is not None:
        spans.add((before.start, before.end))
    others = sorted(spans - {(s.start, s.end)})
    return tuple(Evidence(a, b, doc.text[a:b]) for a, b in [(s.start, s.end), *others])
