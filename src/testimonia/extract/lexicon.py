"""Dictionary components: acts, methods, violations, facility types, perpetrators and the
cue words that qualify an allegation — all from the vocabularies in testimonia/vocab.

These do the heavy lifting; NER later only fills in names nobody listed.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from testimonia.extract.document import ExtractDoc
from testimonia.extract.matcher import TermMatch, TermMatcher, longest
from testimonia.model import Mention
from testimonia.vocab import Vocabulary, load_vocabulary

CONCEPT_FAMILIES = (("act", "method", "violation"), ("facility",))
IMPLIES = ">"  # in a matcher key: "act:arrest>detention" is a term stating both


class ConceptsComponent:
    """Acts, methods and violations (one family: the longest term wins) and facility types."""

    name, version = "concepts", "8"
    reads = ("tokens",)
    writes = ("mentions:act", "mentions:method", "mentions:violation", "mentions:facility")

    def __call__(self, doc: ExtractDoc) -> None:
        matches = _concepts(doc.language).find(doc.tokens)
        for family in CONCEPT_FAMILIES:
            chosen = longest((m for m in matches if m.key.split(":")[0] in family), _specificity)
            chosen += _methods_under_acts(chosen, matches)
            chosen += _methods_sharing_words(chosen, matches)
            doc.mentions += [_mention(doc, m, self.label) for m in chosen]

    @property
    def label(self) -> str:
        return f"{self.name}@{self.version}"


SPECIFICITY = {"violation": 0, "method": 1, "act": 2}  # "died in custody": the violation


def _methods_under_acts(chosen: list[TermMatch], matches: list[TermMatch]) -> list[TermMatch]:
    """A method or violation that a longer act term overlapped is kept too, when no other
    method or violation took its words: one running past the act ("kept me alone in a
    cell": the act "kept me … in a", the method "alone in a cell"), and one inside the
    words an act's `~` skipped ("held incommunicado at the gendarmerie": the act "held ~
    at the", the violation "held incommunicado"). One inside an act's own words stays out
    ("coups de feu" is shooting, not "coups")."""
    acts = [m for m in chosen if m.key.startswith("act:")]
    taken = {i for m in chosen if not m.key.startswith("act:") for i in range(m.first, m.last + 1)}
    free = [m for m in matches if m.key.startswith(("method:", "violation:"))
            and not any(i in taken for i in range(m.first, m.last + 1))]
    past = longest((m for m in free if any(a.first <= m.last and m.first <= a.last < m.last for a in acts)),
                   _specificity)
    taken |= {i for m in past for i in range(m.first, m.last + 1)}
    skipped = longest((m for m in free if not any(i in taken for i in range(m.first, m.last + 1))
                       and any(a.first <= m.first and m.last <= a.last and "~" in a.term for a in acts)),
                      _specificity)
    return sorted(past + skipped, key=lambda m: m.first)


def _methods_sharing_words(chosen: list[TermMatch], matches: list[TermMatch]) -> list[TermMatch]:
    """A method or violation that shares some of its words with a chosen one of another
    kind, neither inside the other, is kept too: two phrases meeting on a word ("coups de
    matraque électrique": a beating, "coups de matraque", and an electric shock, "matraque
    électrique"); so is a method inside a violation's words ("their hands tied with wire,
    all dead": a killing, and the restraint)."""
    kept = [m for m in chosen if not m.key.startswith("act:")]

    def meets(m: TermMatch) -> bool:
        crossing = [c for c in kept if c.first <= m.last and m.first <= c.last]
        return bool(crossing) and all(
            c.key != m.key and (_inside_a_violation(m, c) or (
                not (c.first <= m.first and m.last <= c.last)
                and not (m.first <= c.first and c.last <= m.last))) for c in crossing)

    keys = {m.key for m in kept}
    return longest((m for m in matches if m.key.startswith(("method:", "violation:"))
                    and m.key not in keys and meets(m)), _specificity)


def _inside_a_violation(m: TermMatch, c: TermMatch) -> bool:
    return m.key.startswith("method:") and c.key.startswith("violation:") and c.first <= m.first and m.last <= c.last


def _specificity(match: TermMatch) -> int:
    return SPECIFICITY.get(match.key.split(":")[0], len(SPECIFICITY))


class CuesComponent:
    """Negation, hypothetical, hearsay, denial, person and interrogation cues, and names of
    languages; kept apart from the published mentions."""

    name, version = "cues", "4"
    reads = ("tokens",)
    writes = ("cues",)

    def __call__(self, doc: ExtractDoc) -> None:
        matches = [m for m in _cues(doc.language).find(doc.tokens)
                   if not _language_as_adjective(doc, m)] + _demands(doc)
        kinds = {m.key for m in matches}
        for kind in sorted(kinds):
            doc.cues += [_mention(doc, m, f"{self.name}@{self.version}", "cue")
                         for m in longest(m for m in matches if m.key == kind)]


# Russian and Ukrainian put a demand as "not" and a verb of the second person singular:
# «Не підпишеш — …», «Не скажешь — …» ("if you don't sign …"); the vocabulary lists the
# commonest, this finds the rest.
SECOND_PERSON = {"ru": ("ешь", "ёшь", "ишь"), "uk": ("еш", "єш", "иш", "їш")}


def _demands(doc: ExtractDoc) -> list[TermMatch]:
    endings = SECOND_PERSON.get(doc.language)
    if endings is None:
        return []
    tokens = doc.tokens
    return [TermMatch("hypothetical:", "не …", i, i + 1, token.start, tokens[i + 1].end)
            for i, token in enumerate(tokens[:-1])
            if token.folded == "не" and len(tokens[i + 1].folded) > 4
            and tokens[i + 1].folded.endswith(endings)]


# In English and French a language's name is also the adjective of its people: "Russian
# soldiers", "l'armée ukrainienne". It names the language spoken only after one of these
# words, or before "language"/"langue".
_SPOKEN_BEFORE = frozenset("in en speak speaks spoke speaking spoken parle parlait parlaient parler "
                           "parlant said shouted asked dit disait criaient".split())
_SPOKEN_AFTER = frozenset({"language", "langue"})


def _language_as_adjective(doc: ExtractDoc, m: TermMatch) -> bool:
    if doc.language not in ("en", "fr") or not m.key.startswith("language"):
        return False
    if len(m.term.split()) > 1:
        return False  # "in Russian", "en russe": the term itself says it is spoken
    before = doc.tokens[m.first - 1].folded if m.first > 0 else ""
    after = doc.tokens[m.last + 1].folded if m.last + 1 < len(doc.tokens) else ""
    return before not in _SPOKEN_BEFORE and after not in _SPOKEN_AFTER


class PerpetratorsComponent:
    """Armed forces, groups and agencies by their names and the names witnesses use;
    context-dependent names ("the Russians") only where the document's countries fit."""

    name, version = "perpetrators", "4"
    reads = ("tokens", "countries", "mentions:place")
    writes = ("mentions:perpetrator",)

    def __call__(self, doc: ExtractDoc) -> None:
        countries = context_countries(doc)
        matches = [m for m in _perpetrators(doc.language).find(doc.tokens)
                   if _fits_context(m.key, countries)]
        chosen = longest(matches, lambda m: _context_rank(m.key, countries))
        sites = [m for m in chosen if _a_site(doc, m)]
        for m in chosen:
            if m in sites and any(o not in sites and o.key.split(":")[1] != m.key.split(":")[1] for o in chosen):
                continue  # "Russian-speaking fighters … at the army camp": the fighters
            if _accused_of(doc.text, m.start) or _former_premises(doc.text, m.start) \
                    or _replaced(doc.text, m.start) or _named_next(doc, m, chosen):
                continue  # what the victims were accused of supporting, whose building it was,
                # the force another replaced, or a generic name the next words name exactly
            self._add(doc, m.key, m.start, m.end)
        taken = [(m.start, m.end) for m in doc.of_kind("perpetrator")]
        for unit in _RUSSIAN_UNIT.finditer(doc.text):  # "the 64th Separate Guards Motor Rifle Brigade"
            if not any(a < unit.end() and unit.start() < b for a, b in taken):
                self._add(doc, "perpetrator:russian_armed_forces", unit.start(), unit.end())

    def _add(self, doc: ExtractDoc, key: str, start: int, end: int) -> None:
        org = load_vocabulary().perpetrators[key.split(":")[1]]
        value = {"canonical": org.id, "name": org.name, "type": org.type,
                 "country": org.country, "contextual": key.count(":") > 1}
        doc.mentions.append(Mention("perpetrator", start, end, doc.text[start:end],
                                    value, f"{self.name}@{self.version}"))


# Units of the Russian army by their kind and number: motor rifle brigades and regiments
# (a kind Ukraine's army does not have), and military units by their five-digit number («в/ч
# 12345»; Ukraine's carry a letter: А1234).
_RUSSIAN_UNIT = re.compile(
    r"\b\d{1,3}(?:st|nd|rd|th|e|ème|-?[а-яіїє]{1,3})?\s+(?:[\w-]+\s+){0,3}?"
    r"(?:motori[sz]ed[\s-]+rifle|motor[\s-]+rifle|fusiliers\s+motorisés|мотострелков\w*|мотострілецьк\w*)"
    r"(?:\s+(?:brigade|regiment|division|бригад\w*|полк\w*|дивизи\w*|дивізі\w*))?"
    r"|(?:military\s+unit|unité\s+militaire|в/ч|войсков\w+\s+част\w+|воинск\w+\s+част\w+|"
    r"військов\w+\s+частин\w+)\s*(?:№|no\.?|n°)?\s*\d{5}\b",
    re.IGNORECASE)


_ACCUSED = re.compile(
    r"(?:accus\w*|suspect\w*|charg\w*)\s+(?:\w+\s+){0,3}?(?:of|with)\s+(?:\w+\s+){0,4}?"
    r"(?:support\w*|help\w*|aid\w*|collaborat\w*|link\w*|ties|being|spying|working|joining|fighting)"
    r"|(?:accus\w*|soupçonn\w*|suspect\w*)\s+(?:\w+\s+){0,3}?(?:de|d['’])\s*(?:\w+\s+){0,4}?"
    r"(?:souten\w*|soutien|aid\w*|collabor\w*|liens|appartenir|complicité|espionn\w*|travailler)"
    r"|(?:обвин\w*|подозрева\w*|звинув\w*|підозрю\w*)\s+(?:\w+\s+){0,5}?"
    r"(?:в|у|во)\s+(?:\w+\s+){0,3}?(?:помощ\w*|пособничеств\w*|сотрудничеств\w*|связ\w*|"
    r"шпионаж\w*|допомоз\w*|співпрац\w*|зв'яз\w*|шпигун\w*|сприянн\w*)"
    r"|(?:за\s+(?:связь|связи|помощь|зв'язок|допомогу))",
    re.IGNORECASE)


# "Former" before a person ("Former detainees said Wagner …") is about the person.
_FORMER = re.compile(r"(?:former|ex-|ancien\w*|бывш\w*|колишн\w*)\s+"
                     r"(?!(?:detainee|prisoner|inmate|captive|détenu|prisonnier|otage|заключ|узник|пленн|"
                     r"задержан|в'язн|в’язн|полонен|затриман|ув'язнен)\w*)(?:\w+\s+){0,2}$", re.IGNORECASE)
# "collaborating with the SBU", «про співпрацю з СБУ»: what someone was accused of.
_WITH = re.compile(r"(?:collaborat\w*|cooperat\w*|collabor\w*|coopér\w*|сотрудничеств\w*|сотруднича\w*|"
                   r"співпрац\w*|работ\w* на|працю\w* на|working for)"
                   r"\s+(?:with\s+|avec\s+|с\s+|з\s+|the\s+|l[ae']\s*)?$",
                   re.IGNORECASE)


# "passing coordinates to the SBU", «que j'avais donné à manger aux jihadistes», «передавав
# координати СБУ», "asked where the jihadists were": whom the victim was said to help.
_HELPED = re.compile(
    r"(?:passing|passed|pass|giving|gave|give|sending|sent|send|selling|sold|sell|feeding|fed|bringing|brought)"
    r"\s+(?:\w+\s+)?(?:coordinates|information|intelligence|data|food|money|locations|positions|names|photos)"
    r"\s+(?:\w+\s+)?(?:to|for)\s+(?:the\s+)?$"
    r"|(?:donn\w*|pass\w*|transm\w*|vend\w*|apport\w*|envoy\w*)\s+(?:\w+\s+)?"
    r"(?:à\s+manger|informations?|renseignements?|coordonnées|positions|nourriture|argent|vivres|photos)"
    r"\s+(?:\w+\s+)?(?:à|aux|au|pour)\s+(?:la\s+|les\s+|l['’])?$"
    r"|(?:передава\w*|передал\w*|передав\w*|сливал\w*|зливав\w*|отправля\w*|надсила\w*)\s+(?:\w+\s+)?"
    r"(?:координат\w*|информаци\w*|данны\w*|сведени\w*|разведданн\w*|фото\w*|інформаці\w*|дані|"
    r"відомост\w*|розвіддан\w*)\s+(?:\w+\s+)?$"
    r"|(?:informer|informant|наводчик\w*|информатор\w*|навідник\w*|інформатор\w*)\s+(?:for\s+)?(?:the\s+)?$"
    r"|(?:ask\w*|demand\w*|спрашива\w*|спросил\w*|допытыва\w*|питал\w*|питав\w*|допитува\w*)"
    r"(?:\s+\w+){0,2}?[\s,]+(?:where|où|где|де)\s+(?:are|were|was|is|étaient|sont|était|se\s+cach\w*|"
    r"находятся|прячутся|стоят|ховаються|стоять)?\s*(?:the\s+|les\s+|ваши\s+|ваші\s+)?$",
    re.IGNORECASE)


def _former_premises(text: str, start: int) -> bool:
    """A force named for a building it no longer holds ("the basement of the former SBU
    building", «у підвалі колишнього СБУ»), as what someone was said to work with or
    help, or as whom the captors asked about."""
    window = text[max(0, start - 40):start]
    return bool(_FORMER.search(window) or _WITH.search(window) or _HELPED.search(window))


def _accused_of(text: str, start: int) -> bool:
    """True when a force is named as what someone was accused of supporting ("accused of
    supporting the jihadists of JNIM", «обвинили в помощи ВСУ»)."""
    window = text[max(0, start - 90):start]
    window = window[max(window.rfind("."), window.rfind(";")) + 1:]
    return bool(_ACCUSED.search(window)) and not re.search(r"[,:]\s*$", window)


def _mention(doc: ExtractDoc, m: TermMatch, component: str, kind: str | None = None) -> Mention:
    family, _, concept = m.key.partition(":")
    concept, _, implied = concept.partition(IMPLIES)
    value: dict[str, Any] = {"code": concept, "term": m.term} if kind is None else {
        "cue": family, "value": concept, "term": m.term}
    if implied:
        value["implies"] = implied  # "detained": the arrest, and the detention it began
    return Mention(kind or family, m.start, m.end, doc.text[m.start:m.end], value, component)


CONTEXT_COUNTRIES = 2  # a context-dependent name fits one of the text's first two countries


def context_countries(doc: ExtractDoc) -> list[str]:
    """The countries a context-dependent name is read in: where the text's places lie, most
    named first, then the document's other countries (a dateline's, those its peoples and
    forces imply). "Les Russes" in a text whose only place is Bria are in the Central
    African Republic, whatever "russes" implies; "DAKAR, Senegal — … in Ségou" is Mali."""
    named = Counter(str(m.value["country"]) for m in doc.of_kind("place") if m.value.get("country"))
    ranked = [country for country, _ in named.most_common()]
    return (ranked + [c for c in doc.countries if c not in ranked])[:CONTEXT_COUNTRIES]


def _fits_context(key: str, countries: list[str]) -> bool:
    parts = key.split(":")
    return len(parts) < 3 or bool(set(parts[2].split(",")) & set(countries))


def _context_rank(key: str, countries: list[str]) -> int:
    """0 for a name that needs no context, else 1 + the rank of the first of the text's
    countries it fits: of two forces a name may mean, the one of the text's main country."""
    parts = key.split(":")
    if len(parts) < 3:
        return 0
    fits = set(parts[2].split(","))
    return 1 + next((i for i, c in enumerate(countries) if c in fits), len(countries))


# "Africa Corps troops, who took over from Wagner", «ce n'étaient plus les Wagner», «на
# смену Вагнеру»: the force replaced, not the one that acted.
_REPLACED = re.compile(
    r"(?:took\s+over\s+from|taken\s+over\s+from|replac\w*|succeed\w*|successor\s+(?:of|to)|no\s+longer"
    r"|remplac\w*|succéd\w*|ont\s+pris\s+la\s+relève\s+d\w*|(?:n['’]|ne\s+)(?:étai\w*|sont|est|était)\s+plus"
    r"|на\s+смену|вместо|сменил\w*|заменил\w*|уже\s+не|на\s+зміну|замість|змінил\w*|замінил\w*|вже\s+не)"
    r"\s+(?:\w+\s+){0,2}$", re.IGNORECASE)


def _replaced(text: str, start: int) -> bool:
    window = text[max(0, start - 40):start]
    return bool(_REPLACED.search(window[max(window.rfind("."), window.rfind(";")) + 1:]))


# Words joining a generic name to the force it belongs to: "soldiers of Africa Corps",
# «боевики «Исламского государства»», «des combattants de la « République … »».
_OF = frozenset({"of", "from", "de", "du", "des", "d'", "la", "l'", "the", "russia's", "из"})


def _named_next(doc: ExtractDoc, m: TermMatch, chosen: list[TermMatch]) -> bool:
    """A name ("Russian soldiers", «боевики») followed within three words, through "of" and
    articles only, by another force's own name ("… of Russia's Africa Corps", «… «Исламского
    государства в Сахеле»»), or a context-dependent one right after it ("Africa Corps
    troops"): the force named exactly is who they are."""
    own = m.key.split(":")[1]
    if m.key.count(":") > 1 and any(o.last + 1 == m.first and o.key.count(":") == 1 and o.key.split(":")[1] != own
                                    for o in chosen):
        return True  # "Africa Corps troops": the troops are Africa Corps
    for other in chosen:
        if other.first <= m.last or other.first - m.last > 4 or other.key.count(":") > 1 \
                or other.key.split(":")[1] == own:
            continue
        between = doc.tokens[m.last + 1:other.first]
        return all(t.folded in _OF for t in between) and not re.search(r"[.;!?]", doc.text[m.end:other.start])
    return False


# Words for a site that a generic name of a force qualifies: "the army camp", "a military
# base", «camp I de la gendarmerie».
_SITES = frozenset("""camp camps base bases post checkpoint barracks compound building buildings
headquarters office premises poste caserne bâtiment locaux siège""".split())


def _a_site(doc: ExtractDoc, m: TermMatch) -> bool:
    """A context-dependent name ("the army", "la gendarmerie") that says what kind of site
    is meant ("at the army camp in Ségou", «au camp I de la gendarmerie»): where another
    force is named, that force acted there."""
    if m.key.count(":") < 2:
        return False
    if m.last + 1 < len(doc.tokens) and doc.tokens[m.last + 1].folded in _SITES:
        return True
    before = m.first - 1
    while before >= 0 and m.first - before <= 3 and doc.tokens[before].folded in _OF | {"i"}:
        before -= 1
    return before >= 0 and before < m.first - 1 and doc.tokens[before].folded in _SITES


@functools.cache
def _concepts(language: str) -> TermMatcher:
    vocab = load_vocabulary()
    families = {"act": vocab.acts, "method": vocab.methods, "violation": vocab.violations,
                "facility": vocab.facilities}
    languages = _languages(vocab, language)
    terms = [(f"{family}:{concept.id}", term) for family, concepts in families.items()
             for concept in concepts.values() for term in _in(concept.terms, languages)]
    terms += [(f"act:{act.id}{IMPLIES}{other}", term) for act in vocab.acts.values()
              for other, implying in act.implies.items() for term in _in(implying, languages)]
    return TermMatcher(terms, language)


@functools.cache
def _cues(language: str) -> TermMatcher:
    vocab = load_vocabulary()
    languages = _languages(vocab, language)
    cues = ((f"{kind}:", term) for kind, terms in vocab.cues.by_kind.items()
            for term in _in(terms, languages))
    names = ((f"language:{code}", term) for code, terms in vocab.cues.language_names.items()
             for term in _in(terms, languages))
    return TermMatcher([*cues, *names])


@functools.cache
def _perpetrators(language: str) -> TermMatcher:
    """Every language's names at once ("Wagner" or "FSB" appear in any language's text),
    words in their dictionary form matching every form of them in the text's language
    ("російський військовий" matches «російськими військовими», "occupier" "occupiers")."""
    vocab = load_vocabulary()
    return TermMatcher(_perpetrator_terms(vocab), language)


def _perpetrator_terms(vocab: Vocabulary) -> Iterator[tuple[str, str]]:
    for org in vocab.perpetrators.values():
        yield from ((f"perpetrator:{org.id}", t) for t in _in(org.aliases, vocab.languages))
        for group in org.contextual_aliases:
            key = f"perpetrator:{org.id}:{','.join(group.context_countries)}"
            yield from ((key, t) for t in _in(group.terms, vocab.languages))


def _languages(vocab: Vocabulary, language: str) -> tuple[str, ...]:
    """The document's language; every supported one when it is undetermined."""
    return (language,) if language in vocab.languages else vocab.languages


def _in(terms: Mapping[str, tuple[str, ...]], languages: Iterable[str]) -> list[str]:
    return [t for lang in languages for t in terms.get(lang, ())]
