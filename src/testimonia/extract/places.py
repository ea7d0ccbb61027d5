"""Places: the offline gazetteer finds place names in every script and inflection, then
reads the text again with the document's countries as context to settle ambiguous
names (Moura in Mali, not Portugal). A name that is a language here ("Tamasheq",
"Bambara") is not a place; how the text uses a name (a statement's place, a capital for
its government, a town's adjective) is read in place_roles.py."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from testimonia.extract.dateline import dateline_end
from testimonia.extract.document import ExtractDoc
from testimonia.extract.place_roles import (
    adjective_places,
    aside,
    names_a_region_or_body,
    names_no_place,
    settle_by_region,
)
from testimonia.model import Mention
from testimonia.places.gazetteer import Place, PlaceMatch, get_gazetteer
from testimonia.places.gazetteer_index import FOCUS_COUNTRIES
from testimonia.places.gazetteer_scan import sentence_initial
from testimonia.vocab.conflicts import conflict_of


class PlacesComponent:
    name, version = "places", "12"
    reads = ("text", "tokens", "cues")
    writes = ("mentions:place", "countries")

    def __call__(self, doc: ExtractDoc) -> None:
        implied = implied_countries(doc.text)

        def countries(found: list[PlaceMatch]) -> list[str]:
            return rank_countries([m for m in found if not lone_opening_word(doc.text, m, found)], implied)

        matches, doc.countries = get_gazetteer().find_in_context(doc.text, doc.language, countries,
                                                                 doc.tokens)
        matches = settle_by_region(doc.text, matches)
        languages = [c for c in doc.cues if c.value.get("cue") == "language"]
        published = dateline_end(doc.text)  # where the text was written is no place of its acts
        # a name the text shows is a person's ("my son Artyom") is one at every mention
        people = {m.place.id for m in matches if a_person(doc.text, m)}
        label = f"{self.name}@{self.version}"
        doc.mentions += [Mention("place", m.start, m.end, m.text,
                                 {**place_value(m.place), **origin(doc.text, m.start),
                                  **aside(doc.text, m.start)}, label) for m in matches
                         if m.start >= published and not part_of_a_name(doc.text, m, matches)
                         and not lone_opening_word(doc.text, m, matches) and m.place.id not in people
                         and not unsupported_abroad(doc.text, m, matches, implied)
                         and not names_no_place(doc.text, m.start, m.end)
                         and not names_a_region_or_body(doc.text, m.start, m.end, m.place)
                         and not any(c.start < m.end and m.start < c.end for c in languages)]
        doc.mentions += [Mention("place", start, end, doc.text[start:end], place_value(place), label)
                         for start, end, place in adjective_places(doc) if start >= published]
        doc.mentions += _dateline_place(doc, matches, published, label)


# "The town's police station", «після звільнення міста»: the town a dateline names.
_THE_TOWN = {
    "en": re.compile(r"\bthe (?:town|city|capital)(?:'s|’s)?(?=\W)", re.IGNORECASE),
    "fr": re.compile(r"\b(?:la ville|la capitale)\b", re.IGNORECASE),
    "ru": re.compile(r"(?<!\w)(?:город[аеу]?|столиц[аеуы]|местн\w+)(?!\w)", re.IGNORECASE),
    "uk": re.compile(r"(?<!\w)(?:міст[аоі]|столиц[іяю]|місцев\w+)(?!\w)", re.IGNORECASE),
}


def _dateline_place(doc: ExtractDoc, matches: list[PlaceMatch], published: int, label: str) -> list[Mention]:
    """The dateline's town where the text is about it: at each word that refers to a town
    before the text names one of its own ("IZIUM, Ukraine — … the town's police station";
    after "residents of Enerhodar", "the town" is Enerhodar), or, in a text that names no
    place of its own, at the dateline itself when the text's people or forces place it in
    that country's conflict (vocab/conflicts.yaml): "IZIOUM (Ukraine) – Dans le sous-sol du
    commissariat, des soldats russes …". A dateline abroad ("GENEVA –", "DAKAR, Senegal —"
    over a text about Mali) stays only where the text was written."""
    if not published:
        return []
    head = next((m for m in matches if m.end <= published and not part_of_a_name(doc.text, m, matches)), None)
    if head is None:
        return []
    first_named = min((m.start for m in doc.mentions if m.kind == "place" and m.start >= published),
                      default=len(doc.text))
    town = _THE_TOWN.get(doc.language)
    value = {**place_value(head.place), "dateline": True}
    found = [Mention("place", a.start(), a.end(), a.group(0), value, label)
             for a in (town.finditer(doc.text, published, first_named) if town else ())]
    if found or first_named < len(doc.text):
        return found
    conflict = conflict_of(head.place.country)
    if conflict is None or all(conflict_of(country) != conflict
                               for country in implied_countries(doc.text[published:])):
        return []
    return [Mention("place", head.start, head.end, head.text, value, label)]


# Capitalised words that continue a place's name without making it another name.
_PLACE_WORDS = frozenset("""oblast region province district raion krai republic city town village
camp sizo ik prison colony airport station airbase base oblast' область район край город село
області районі обл місто селище""".split())
_ARTICLES = frozenset({"un", "une", "a", "an"})
_STREETS = frozenset("""street st avenue ave road lane boulevard square rue avenue place boulevard
улица ул проспект переулок площадь бульвар вулиця вул проспект провулок площа бульвар""".split())
_WORD_BEFORE = re.compile(r"([^\W\d_][\w'’-]*)\s+$")
_WORD_AFTER = re.compile(r"\s+([^\W\d_][\w'’-]*)")


def part_of_a_name(text: str, match: PlaceMatch, matches: list[PlaceMatch]) -> bool:
    """True when a GeoNames place word is only part of a longer capitalised name ("Der
    Spiegel", "Teploenerhetykiv Street", "Radio Liberty") or a common noun after an
    article ("Un Blanc m'a interrogé"); curated places are never dropped this way."""
    if match.place.source == "supplement":
        return False
    if is_address(match.text):
        return True  # an address ("Teploenerhetykiv Street"), not a town
    if _PLANT_AFTER.match(text[match.end:match.end + 30]):
        return True  # "the Zaporizhzhia nuclear plant" (in Enerhodar): a plant named after a town
    if _in_a_quoted_name(text, match):
        return True  # «Восточной правозащитной группы», "Kharkiv Human Rights Group": a name
    before = _WORD_BEFORE.search(text[max(0, match.start - 60):match.start])
    after = _WORD_AFTER.match(text[match.end:match.end + 60])
    if before is not None and before.group(1).lower() in _ARTICLES:
        return True
    others = [m for m in matches if m is not match]
    if after is not None and _continues(after.group(1)) and not any(
            m.start == match.end + after.start(1) for m in others):
        return True
    if before is not None and _continues(before.group(1)):
        start = match.start - len(before.group(0))
        sentence_start = not text[:max(start, 0)].rstrip() or text[:start].rstrip()[-1] in ".!?:\n«\"(—–"
        return not sentence_start and not any(m.end == start + len(before.group(1)) for m in others)
    return False


_PLANT_AFTER = re.compile(r"\s+(?:nuclear|power|steel|thermal|hydroelectric)\s+(?:power\s+)?(?:plant|station)\b"
                          r"|\s+(?:npp|аэс|аес)\b", re.IGNORECASE)
_QUOTED_NAME = re.compile(r"«[^«»\n]{3,80}»|“[^“”\n]{3,80}”|\"[^\"\n]{3,80}\"")


def _in_a_quoted_name(text: str, match: PlaceMatch) -> bool:
    """A place word inside a quoted name of several words (an organisation's, a
    publication's, a unit's), where the place is not all of it."""
    window_start = max(0, match.start - 80)
    for quoted in _QUOTED_NAME.finditer(text, window_start, min(len(text), match.end + 80)):
        if quoted.start() < match.start and match.end < quoted.end():
            inner = quoted.group(0)[1:-1].strip()
            return len(inner.split()) >= 2 and inner.lower() != match.text.lower()
    return False


OPENING_ARTICLES = frozenset({"le", "la", "les", "the"})


def lone_opening_word(text: str, match: PlaceMatch, matches: list[PlaceMatch]) -> bool:
    """True for one capitalised word at a sentence start that the gazetteer reads as a town
    far from the testimonies' countries (gazetteer_index.FOCUS_COUNTRIES) and from those of
    the text's other places («Усі троє…» is no Wuxi, "Le Blanc a pris…" no town in
    France): at a sentence start a capital says nothing, and there is no preposition of
    place before it to say it is a place. Curated places and names of several words stay."""
    words = match.text.split()
    if words[0].lower() in OPENING_ARTICLES:
        words = words[1:]  # "Le Blanc", "La Source"
    if match.place.source != "geonames" or match.place.kind != "settlement" or len(words) != 1 \
            or not sentence_initial(text, match.start) or match.place.country in FOCUS_COUNTRIES:
        return False
    return not any(m.place.country == match.place.country for m in matches if m is not match)


# A name with an age next to it is a person's: "Bamba, a 40-year-old trader", "34-летний
# Артём", "Moussa, 52 ans,".
_AGE_BEFORE = re.compile(r"\d+\s*-?\s*(?:летн|річн)\w*\s+$", re.IGNORECASE)
_AGE_AFTER = re.compile(r"^\s*(?:\([^()]{1,30}\)\s*)?,\s*(?:an?\s+)?\d+(?:-year-old|\s*ans\b|\s*-?\s*(?:летн|річн)"
                        r"|\s*(?:года|годам|лет|рок\w*)\b)", re.IGNORECASE)


# A name right after a kinship word is a person's: «моего сына Артёма», "my brother Oleh".
_KIN_BEFORE = re.compile(
    r"(?:\b(?:son|brother|husband|father|cousin|nephew|uncle|neighbou?r|fils|frère|mari|père|cousin|neveu|"
    r"oncle|voisin)|(?<!\w)(?:сына|сын|брата|брат|мужа|муж|отца|отец|племянника|дядю|соседа|сусіда|сина|"
    r"син|чоловіка|чоловік|батька|батько|небожа|дядька))\s+$", re.IGNORECASE)


def a_person(text: str, match: PlaceMatch) -> bool:
    """True for a GeoNames word named with an age or right after a kinship word, which
    makes it a person's name."""
    if match.place.source != "geonames":
        return False
    return bool(_AGE_BEFORE.search(text[max(0, match.start - 20):match.start])
                or _AGE_AFTER.match(text[match.end:match.end + 40])
                or _KIN_BEFORE.search(text[max(0, match.start - 25):match.start]))


# Words before a name that say it is a place: "in", «à», «в», "near", "from", "to".
_LOCATIVE_BEFORE = re.compile(
    r"(?:\b(?:in|at|near|from|to|into|outside|around|à|au|aux|en|dans|près\s+de|vers|de|d['’]|du)"
    r"|(?<!\w)(?:в|во|у|на|под|під|біля|возле|около|из|з|із|до|к))\s+$", re.IGNORECASE)


def unsupported_abroad(text: str, match: PlaceMatch, matches: list[PlaceMatch], implied: Sequence[str]) -> bool:
    """True for a GeoNames name in a country the text neither names places in nor implies,
    far from the testimonies' countries, with no word of place before it ("selon
    l'Observatoire sahélien" is no district of Paris): such a place needs evidence the
    text does not give."""
    if match.place.source != "geonames" or match.place.country in FOCUS_COUNTRIES or \
            match.place.country in implied or match.place.kind == "country":
        return False
    if any(m.place.country == match.place.country for m in matches if m is not match):
        return False
    return not _LOCATIVE_BEFORE.search(text[max(0, match.start - 15):match.start])


_PEOPLE = ("trader|merchant|man|woman|men|women|boy|girl|farmer|herder|shepherd|resident|native|"
           "journalist|teacher|schoolteacher|driver|volunteer|activist|student|fisherman|imam|nurse|doctor|"
           "pensioner|priest|firefighter|mayor|councillor|official|civil\\s+servant|businessman|lawyer|"
           "blogger|preacher|marabout|chief|engineer|worker|mechanic|grandfather|grandmother")
_GENS = ("commerçant|commerçante|éleveur|homme|femme|habitant|habitante|chauffeur|journaliste|"
         "enseignant|enseignante|marchand|berger|pêcheur|étudiant|étudiante|imam|bénévole|militant|"
         "militante|volontaire|pompier|activiste|agriculteur|retraité|retraitée|médecin|infirmier|"
         "infirmière|prêtre|maire|élu|élue|notable|chef|marabout|prédicateur|avocat|fonctionnaire")
# Russian and Ukrainian: «волонтёра из Мариуполя», «цивільних із Запорізької області» (not
# «пленных из Кидаля»: prisoners from a place are moved from it).
_LYUDI = ("волонт[её]р|активист|активіст|журналист|журналіст|учител|вчител|пенсионер|пенсіонер|рыбак|"
          "рибалк|фермер|священник|священик|студент|предпринимател|підприємц|медик|врач|лікар|пастух|"
          "торговц|гражданск|цивільн")
_ORIGIN = re.compile(
    rf"(?:\b(?:{_PEOPLE})s?\s+from|originally\s+from|\b(?:came|comes|had\s+come|coming|travell?ing)\s+from|"
    r"native\s+of|born\s+in|"
    rf"\b(?:{_GENS})s?\s+(?:de|d['’])|originaires?\s+(?:de|d['’]|du|des)|natif\s+(?:de|d['’])|"
    r"en\s+provenance\s+(?:de|d['’])|venus?\s+(?:de|d['’])|"
    rf"(?<!\w)(?:{_LYUDI})\w*\s+(?:из|с|з|із)|"
    r"\bnée?\s+à|уроженец|уроженц\w*|уроженк\w*|родом\s+из|уродженець|уродженц\w*|уродженк\w*|родом\s+з)"
    r"(?:\s+(?:the\s+)?(?:village|town|district|commune|circle|cercle|du\s+cercle|de\s+la\s+commune|"
    r"du\s+village|de\s+la\s+ville|of)(?:\s+(?:of|de|d['’]))?)?\s*$",
    re.IGNORECASE)


# The words _ORIGIN may end with, right before the place: where the word before is none
# of them (most places), the pattern is not tried.
_ORIGIN_LAST = frozenset("""from of in de d' d’ du des из с з із à village town district commune
circle cercle ville уроженец уродженець""".split())
_ORIGIN_LAST_STEMS = ("уроженц", "уроженк", "уродженц", "уродженк")


def origin(text: str, start: int) -> dict[str, bool]:
    """{"origin": True} for a place named as where someone comes from ("a trader from
    Mopti", "originaire de Ségou", «уроженец Мелитополя»): not where an act happened."""
    window = text[max(0, start - 40):start]
    last = window.rsplit(None, 1)[-1].lower() if window.strip() else ""
    if last not in _ORIGIN_LAST and not last.startswith(_ORIGIN_LAST_STEMS):
        return {}
    return {"origin": True} if _ORIGIN.search(window) else {}


def is_address(text: str) -> bool:
    """A street, avenue or square named in the text ("Teploenerhetykiv Street", «вулиця
    Теплоенергетиків»): a place inside a town, never a town of its own."""
    return any(word.lower().strip(".") in _STREETS for word in text.split())


def _continues(word: str) -> bool:
    return word[:1].isupper() and word.lower() not in _PLACE_WORDS and word != "I"  # "In Morshansk I heard"


# Words for a country's people or forces imply the country even where the text names no
# town in it ("l'armée malienne … au camp de Nara" is Nara in Mali, not Nara in Japan).
_DEMONYMS = {
    "ML": r"mali(?:en|enne|ens|ennes|an|ans)|fama|малийск\w*|малійськ\w*",
    "BF": r"burkinab[eè]s?|burkinais|буркинийск\w*|буркінійськ\w*",
    "NE": r"nig[eé]rien(?:ne)?s?|нигерск\w*|нігерськ\w*",
    "CF": r"centrafricain(?:e|es|s)?|central\s+african",
    "UA": r"ukrainien(?:ne)?s?|ukrainian|украинск\w*|українськ\w*|всу|зсу",
    "RU": r"russes?|russian|российск\w*|російськ\w*",
}


def _first_letters(alternatives: str) -> str:
    """The letters the top-level alternatives of a pattern begin with."""
    depth, firsts = 0, {alternatives[0]}
    for i, char in enumerate(alternatives):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "|" and depth == 0:
            firsts.add(alternatives[i + 1])
    return "".join(sorted(firsts))


# One pass for all countries: no word is one of two countries', so each is counted alone.
# (The look-ahead at the first letters lets the engine pass most positions at once.)
_IMPLYING = re.compile(
    r"(?<!\w)(?=[" + "".join(_first_letters(words) for words in _DEMONYMS.values()) + "])(?:"
    + "|".join(f"(?P<{country}>{words})" for country, words in _DEMONYMS.items()) + r")(?!\w)", re.IGNORECASE)


def implied_countries(text: str) -> list[str]:
    """The countries whose people or forces the text names, most often named first (in
    the order of _DEMONYMS when as often)."""
    counts = Counter(m.lastgroup for m in _IMPLYING.finditer(text))
    return [c for c in sorted(_DEMONYMS, key=lambda c: -counts[c]) if counts[c]]


def rank_countries(matches: list[PlaceMatch], implied: Sequence[str] = ()) -> list[str]:
    """Countries by how often the text names places in them (curated places and countries
    named count double), each country the text implies by its people or forces counting
    as a curated place.
    Where the text implies countries, a country named by one reading of one name only
    ("Nara": Nara-shi in Japan) is left out of the context."""
    votes: Counter[str] = Counter()
    for m in matches:  # a country by its own name ("Ukraine's prosecutor") is no lone reading
        votes[m.place.country] += 2 if m.place.source == "supplement" or m.place.kind == "country" else 1
    for country in implied:
        votes[country] += 2
    ranked = [country for country, _ in votes.most_common() if country]
    if implied:  # a lone reading elsewhere (Nara-shi) does not outweigh what the text implies
        return [c for c in ranked if c in implied or votes[c] >= 2]
    return ranked


def place_value(place: Place) -> dict[str, Any]:
    return {"id": place.id, "name": place.name, "country": place.country, "admin1": place.admin1,
            "lat": place.lat, "lon": place.lon, "precision": place.precision, "kind": place.kind,
            "facility_type": place.facility_type, "parent_id": place.parent_id,
            "source": place.source}
