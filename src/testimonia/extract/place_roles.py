"""How a text uses a place name, beyond finding it: where a statement was made ("…, a
source told AFP in Dakar"), a landmark to measure from ("80 km from Niono"), a capital
standing for its government ("the Moscow-installed ombudsman", «l'administration
installée par Moscou»), a town's adjective naming a site in it («у херсонському СІЗО»,
«во владимирском СИЗО») or naming a region or a body («Рязанской области», «Кримська
правозахисна група»).

A statement's place and a landmark stay mentions but are no places of the acts told; a
capital standing for its government and an adjective naming a region or a body are no
place mentions at all; a town's adjective before a site is one.
"""

from __future__ import annotations

import re
from dataclasses import replace

from testimonia.extract.document import ExtractDoc
from testimonia.places.gazetteer import Place, PlaceMatch, get_gazetteer
from testimonia.places.gazetteer_index import FOCUS_COUNTRIES

# A speech verb, then nothing but whom it was said to or when ("a security source told AFP
# in Dakar", «publié jeudi à Genève», «заявил журналистам в Москве», "said on Tuesday in
# Geneva"), then a preposition of place; not "said he was beaten in Kherson", nor "said two
# prisoners in Olenivka …", where the words after the verb are what was said.
_TOLD_TO = (r"(?:[A-ZА-ЯЁІЇЄ][\w'’.-]*|(?i:reporters|journalists|the\s+press|la\s+presse|journalistes|"
            r"журналистам|журналістам|репортерам|прессе|пресі|[lд]['’]\w+))")
_WHEN = (r"(?i:on|today|yesterday|this|last|week|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
         r"lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|hier|aujourd['’]hui|le|la|dernier|"
         r"вчера|сегодня|вчора|сьогодні|в|у|понедельник|вторник|среду|четверг|пятницу|субботу|воскресенье|"
         r"понеділок|вівторок|середу|четвер|п['’]ятницю|суботу|неділю)")
_BETWEEN = rf"(?:\s+(?:{_TOLD_TO}|{_WHEN})){{0,3}}"
_SPOKEN_AT = re.compile(
    r"(?i:\b(?:said|says|told|tells|announced|declared|stated|speaking|spoke|wrote|briefed|"
    r"(?:press|news)\s+conference|briefing|report\s+(?:published|released|presented)))"
    rf"{_BETWEEN}\s+(?i:in|at|from)\s+$"
    r"|(?i:\b(?:déclaré|dit|indiqué|annoncé|affirmé|publié|publiée|présenté|présentée|confié|expliqué|"
    r"conférence\s+de\s+presse|communiqué\s+publié))"
    rf"{_BETWEEN}\s+(?i:à|depuis)\s+$"
    r"|(?i:(?<!\w)(?:заявил\w*|заяви\w*|сообщил\w*|повідомил\w*|сказал\w*|рассказал\w*|розповіл\w*|"
    r"опубликова\w*|опублікува\w*|оприлюдни\w*|пресс-конференци\w*|пресконференці\w*|брифинг\w*|брифінг\w*))"
    rf"{_BETWEEN}\s+(?i:в|во|у)\s+$")


# ("a few kilometres from Dioura" is near it, which is Dioura.)
_DISTANCE_FROM = re.compile(r"(?<!\d)(?:[1-9]\d+|\d{3,})\s*(?:km|kms|kilom[eè]tres?|kilometers?|kilometres?|miles?|"
                            r"км|километр\w*|кілометр\w*)\s+(?:from|away\s+from|de|d['’]|du|от|від)\s+$",
                            re.IGNORECASE)


def aside(text: str, start: int) -> dict[str, bool]:
    """{"statement": True} for a place named as where something was said or published,
    after a speech verb in the same clause ("…, a security source told AFP in Dakar",
    «Dans un rapport publié jeudi à Genève»); {"landmark": True} for a place named to
    measure a distance from ("80 km from Niono"). Neither is a place of the acts told."""
    if _DISTANCE_FROM.search(text[max(0, start - 30):start]):
        return {"landmark": True}
    window = text[max(0, start - 60):start]
    window = re.split(r"[,;:.!?«»\"“”()—–]", window)[-1]
    return {"statement": True} if _SPOKEN_AT.search(" " + window) else {}


# "the Moscow-installed ombudsman", "the Riga-based outlet", "Kyiv-backed": an adjective.
_COMPOUND_AFTER = re.compile(r"[-‑](?:based|installed|backed|appointed|led|controlled|run|born|funded|"
                             r"registered|affiliated|linked|aligned|friendly|imposed|made|style)\b",
                             re.IGNORECASE)
# A capital after "by", «par», or in the instrumental: its government ("installed by
# Moscow", «l'administration installée par Moscou», «назначенной Москвой»).
_CAPITALS = (r"moscow|moscou|kyiv|kiev|kiew|bamako|minsk|москв\w*|киев\w*|київ\w*|бамако|мінськ\w*|минск\w*")
_BY = re.compile(r"\b(?:by|par)\s+$", re.IGNORECASE)
_INSTRUMENTAL = re.compile(r"^(?:москвой|москвою|киевом|києвом)$", re.IGNORECASE)
_CAPITAL = re.compile(rf"^(?:{_CAPITALS})$", re.IGNORECASE)


# "ministère de la Défense" (no business district of Paris), "Ministry of Defence".
_MINISTRY = re.compile(r"(?:ministère|ministry|министерств\w*|міністерств\w*)\s+(?:[\w'’]+\s+)?"
                       r"(?:(?:of|de|du|des|la|le|the)\s+|[ld]['’]\s*){1,3}$", re.IGNORECASE)


# "le parquet régional de Kharkiv", "the Kharkiv regional prosecutor's office", «прокуратура
# Харьковской области»: the office that reports, not where anything happened.
_OFFICE_BEFORE = re.compile(r"(?:parquet|procureur|procurature|prosecutor['’]?s?|tribunal|cour|court|"
                            r"прокуратур\w*|суд\w*|governor|gouverneur|губернатор\w*)\s+(?:[\w'’]+\s+)?"
                            r"(?:(?:of|de|du|des|the)\s+|[ld]['’]\s*){0,2}$", re.IGNORECASE)
_OFFICE_AFTER = re.compile(r"\s+(?:regional\s+|oblast\s+|military\s+|city\s+)?(?:prosecutor|court|governor|"
                           r"administration|ombudsman|mayor)", re.IGNORECASE)


def names_no_place(text: str, start: int, end: int) -> bool:
    """A place name (text[start:end]) that is part of an adjective ("Moscow-installed",
    "Riga-based"), of a ministry's or an office's name («ministère de la Défense», "le
    parquet régional de Kharkiv", "the Kharkiv regional prosecutor's office"), or a capital
    standing for its government ("installed by Moscow", «назначенной Москвой»)."""
    before = text[max(0, start - 40):start]
    if _COMPOUND_AFTER.match(text, end) or _MINISTRY.search(before) or _OFFICE_BEFORE.search(before) \
            or _OFFICE_AFTER.match(text, end):
        return True
    name = text[start:end]
    if not _CAPITAL.match(name):
        return False
    return bool(_INSTRUMENTAL.match(name) or _BY.search(text[max(0, start - 10):start]))


# Adjectives of place names in Russian and Ukrainian: «херсонському», «владимирском»,
# «Кримська», «Рязанской».
_ADJECTIVE = re.compile(
    r"^[а-яёіїєґ'’-]+(?:ск|цк|зк|ськ|цьк|зьк)(?:ий|ого|ому|им|ом|ая|ой|ую|ое|ие|их|ими|ої|ій|ім|ою|ої|а|у|е|і|і)$",
    re.IGNORECASE)
_ADJECTIVE_SUFFIX = re.compile("[сцз]ь?к")  # in every _ADJECTIVE
# Words after an adjective that make it a region's or a body's name, not a town's.
_NAMED_AFTER = re.compile(
    r"\s+(?:област\w*|обл\b|район\w*|кра[йюя]\w*|округ\w*|ова\b|ода\b|групп\w*|груп\w*|правозахисн\w*|"
    r"правозащитн\w*|солідарн\w*|солидарн\w*|міськрад\w*|горсовет\w*|прокуратур\w*|народн\w*|"
    r"республик\w*|республік\w*|епархи\w*|єпархі\w*|митрополи\w*|мост\w*|міст\b|полуостр\w*|півостр\w*)",
    re.IGNORECASE)


def names_a_region_or_body(text: str, start: int, end: int, place: Place | None) -> bool:
    """A Russian or Ukrainian adjective of a town (text[start:end]) read as the town, or
    as a place unknown, but naming a region or a body («Рязанской области», «Кримська
    правозахисна група», «Херсонській ОВА»)."""
    if place is not None and (place.source != "geonames" or place.kind != "settlement"):
        return False
    words = text[start:end].split()
    return bool(words) and bool(_ADJECTIVE.match(words[-1])) and bool(_NAMED_AFTER.match(text, end))


def adjective_places(doc: ExtractDoc) -> list[tuple[int, int, Place]]:
    """Sites named by a town's adjective in Russian and Ukrainian, as (start, end, town):
    «у херсонському СІЗО» is the SIZO in Kherson, «из мелитопольского ИВС» the IVS in
    Melitopol. The adjective must stand right before a word for a site (or one word before
    it: «в херсонському слідчому ізоляторі») and lead back to a town of the testimonies'
    countries."""
    if doc.language not in ("ru", "uk"):
        return []
    facilities = {f.start for f in doc.of_kind("facility")}
    taken = [(m.start, m.end) for m in doc.of_kind("place")]
    found: list[tuple[int, int, Place]] = []
    for i, token in enumerate(doc.tokens):
        if not _ADJECTIVE_SUFFIX.search(token.folded):
            continue  # most words: not tried against _ADJECTIVE
        if not _ADJECTIVE.match(token.folded) or any(a < token.end and token.start < b for a, b in taken):
            continue
        if not any(t.start in facilities or t.folded.startswith(_SITE_STEMS) for t in doc.tokens[i + 1:i + 3]):
            continue
        place = _town_of(token.folded)
        if place is not None:
            found.append((token.start, token.end, place))
    return found


# Sites a town's adjective names, besides the facility vocabulary's: «в бердянському
# ізоляторі», «в мелитопольском отделе полиции», «у херсонській комендатурі».
_SITE_STEMS = ("ізолятор", "изолятор", "колон", "тюрьм", "тюрм", "в'язниц", "лагер", "табор", "табір",
               "сизо", "сізо", "ивс", "ітт", "комендатур", "райвідділ", "райотдел", "горотдел", "відділ",
               "отдел", "управлен", "управлінн")


_ENDING = re.compile(r"(?:ий|ого|ому|им|ом|ая|ой|ую|ое|ие|их|ими|ої|ій|ім|ою|а|у|е|і)$")


def _town_of(adjective: str) -> Place | None:
    """The town an adjective comes from: «херсонськ-» Херсон, «мелітопольськ-» Мелітополь,
    «курськ-» Курськ, «оленівськ-» Оленівка, «таганрозьк-» Таганрог."""
    stem = _ENDING.sub("", adjective)
    base = re.sub(r"(?:ськ|цьк|зьк|ск|цк|зк)$", "", stem)
    candidates = [stem, base, base + "ь", base + "ка", base + "е", base + "а"]
    if stem.endswith(("зьк", "зк")):
        candidates.append(base + "г")
    gazetteer = get_gazetteer()
    for name in candidates:
        if len(name) < 4:
            continue
        for place in gazetteer.named(name):
            if place.country in FOCUS_COUNTRIES and place.kind == "settlement" and (
                    place.source != "geonames" or place.population >= ADJECTIVE_MIN_POPULATION):
                return place
    return None


ADJECTIVE_MIN_POPULATION = 10_000  # a town named by its adjective is one people know


# What may stand between a town and the region it is in: "Mykhailivka, Zaporizhzhia
# region", «Михайловка Запорожской области», «Mikhaïlivka, dans la région de Zaporijjia».
_TO_REGION = re.compile(r"[\s,]*(?:(?:in|dans|en|в|у)\s+)?(?:the\s+|la\s+|l['’])?"
                        r"(?:(?:region|région|oblast|province)\s+(?:of\s+|de\s+|d['’]))?", re.IGNORECASE)


def settle_by_region(text: str, matches: list[PlaceMatch]) -> list[PlaceMatch]:
    """A town named with the region it lies in is a town of that region: of the places
    bearing its name, the one in that region (or, failing that, its country); none when no
    place of that name lies there («Михайловка Запорожской области» is no Mikhaylovka in
    Russia)."""
    out: list[PlaceMatch] = []
    for i, m in enumerate(matches):
        region = matches[i + 1].place if i + 1 < len(matches) else None
        if region is None or region.kind != "region" or m.place.kind != "settlement" or \
                not _TO_REGION.fullmatch(text, m.end, matches[i + 1].start):
            out.append(m)
            continue
        readings = (m.place, *m.alternatives)
        inside = [p for p in readings if p.country == region.country and p.admin1 == region.admin1] or \
            [p for p in readings if p.country == region.country]
        if inside:
            out.append(replace(m, place=inside[0], alternatives=tuple(p for p in readings if p is not inside[0])))
    return out
