"""Word lists for time expressions in English, French, Russian and Ukrainian.

Internal to :mod:`testimonia.periods.finder`. Every word is stored lower-case, with
``ё`` folded to ``е`` and typographic apostrophes folded to ``'``. A French elision
(``l'année``, ``jusqu'à``) is two tokens: ``l'`` and ``année``. Phrases are written
with spaces between tokens; ``a=b; c d=e`` maps the phrase ``a`` to ``b`` and
``c d`` to ``e``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache

LANGUAGES = ("en", "fr", "ru", "uk")
DASHES = "-=dash; –=dash; —=dash; ‒=dash; ‐=dash; −=dash; /=dash"

# Month forms: "strong forms | weak forms". Weak forms (abbreviations, English "may")
# count as a month only next to a day or a year, or inside a range.
_MONTHS: dict[str, tuple[str, ...]] = {
    "en": ("january | jan", "february | feb", "march | mar", "april | apr", "| may",
           "june | jun", "july | jul", "august | aug", "september | sept sep",
           "october | oct", "november | nov", "december | dec"),
    "fr": ("janvier | janv", "février fevrier | févr fevr fév fev", "mars", "avril | avr",
           "mai", "juin", "juillet | juil", "août aout", "septembre | sept", "octobre | oct",
           "novembre | nov", "décembre decembre | déc dec"),
    "ru": ("январь января январе январю | янв", "февраль февраля феврале февралю | фев февр",
           "март марта марте марту | мар", "апрель апреля апреле апрелю | апр",
           "май мая мае маю", "июнь июня июне июню | июн", "июль июля июле июлю | июл",
           "август августа августе августу | авг",
           "сентябрь сентября сентябре сентябрю | сен сент",
           "октябрь октября октябре октябрю | окт", "ноябрь ноября ноябре ноябрю | ноя нояб",
           "декабрь декабря декабре декабрю | дек"),
    "uk": ("січень січня січні | січ", "лютий лютого лютому | лют",
           "березень березня березні | бер", "квітень квітня квітні | квіт",
           "травень травня травні | трав", "червень червня червні | черв",
           "липень липня липні | лип", "серпень серпня серпні | серп",
           "вересень вересня вересні | вер", "жовтень жовтня жовтні | жовт",
           "листопад листопада листопаді | лист", "грудень грудня грудні | груд"),
}
# Season words: "season=forms" ("_" joins a multi-word form). Forms after "|" are adverbs ("летом" = "in summer") that
# need no preposition; forms after "!" are weak (need a year or last/this).
_SEASONS: dict[str, str] = {
    "en": "spring=spring; summer=summer; autumn=autumn | ! fall; winter=winter; "
    "rainy=rainy_season wet_season",
    "fr": "spring=printemps; summer=été ete; autumn=automne; winter=hiver; "
    "rainy=saison_des_pluies saison_pluvieuse | hivernage",
    "ru": "spring=весна весну весны весне | весной; summer=лето лета лету лете | летом; "
    "autumn=осень осени | осенью; winter=зима зиму зимы зиме | зимой; "
    "rainy=сезон_дождей сезона_дождей сезоне_дождей",
    "uk": "spring=весна весну весни | навесні весною; "
    "summer=літо літа | влітку улітку літом; autumn=осінь осені | восени осінню; "
    "winter=зима зиму зими | взимку узимку зимою; "
    "rainy=сезон_дощів сезону_дощів сезоні_дощів",
}
SEASON_MONTHS: dict[str, tuple[int, int]] = {
    "spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "winter": (12, 2), "rainy": (6, 9),
}
# Words that make a bare month or season ("in March", "en mars", "в марте") a date.
_CUES: dict[str, str] = {
    "en": "in during since until till by from through before after",
    "fr": "en de depuis dès pendant durant avant après vers l' jusqu'",
    "ru": "в во с со до по к после перед от",
    "uk": "в у з із зі до по від після перед протягом",
}
_OPENERS: dict[str, str] = {
    "en": "from=from; since=from; starting from=from; starting in=from; beginning in=from; "
    "between=between; until=until; till=until; up to=until; up until=until; by=until; "
    "before=before; prior to=before; after=after",
    "fr": "de=range; du=range; des=range; d'=range; depuis=from; dès=from; à partir de=from; "
    "à partir du=from; à partir d'=from; à compter de=from; à compter du=from; "
    "entre=between; jusqu' à=until; jusqu' au=until; jusqu' en=until; avant=before; "
    "après=after; jusqu' au mois de=until; jusqu' au mois d'=until; depuis le mois de=from",
    "ru": "с=from; со=from; начиная с=from; начиная со=from; от=range; между=between; "
    "до=until; вплоть до=until; к=until; после=after",
    "uk": "з=from; із=from; зі=from; починаючи з=from; починаючи від=from; від=from; "
    "між=between; до=until; аж до=until; після=after; перед=before",
}
_CONNECTORS: dict[str, str] = {
    "en": "to=to; till=to; until=to; through=to; thru=to; and=and",
    "fr": "à=to; au=to; jusqu' à=to; jusqu' au=to; jusqu' en=to; et=and",
    "ru": "по=to; до=to; и=and",
    "uk": "по=to; до=to; і=and; й=and; та=and",
}
_PARTS: dict[str, str] = {
    "en": "early=early; the beginning of=early; beginning of=early; the start of=early; "
    "start of=early; mid=mid; mid -=mid; the middle of=mid; middle of=mid; late=late; "
    "the end of=late; end of=late",
    "fr": "début=early; début de=early; début d'=early; au début de=early; "
    "au début d'=early; mi=mid; mi -=mid; à la mi -=mid; milieu de=mid; au milieu de=mid; "
    "au milieu d'=mid; fin=late; fin de=late; fin d'=late; à la fin de=late; "
    "à la fin d'=late",
    "ru": "в начале=early; начала=early; начало=early; в середине=mid; середины=mid; "
    "середина=mid; в конце=late; конца=late; конец=late; к концу=late; под конец=late",
    "uk": "на початку=early; напочатку=early; початку=early; початок=early; "
    "у середині=mid; в середині=mid; середини=mid; посередині=mid; наприкінці=late; "
    "в кінці=late; у кінці=late; кінця=late; кінець=late; під кінець=late",
}
_APPROX: dict[str, str] = {
    "en": "around=1; about=1; circa=1; c .=1; approximately=1; roughly=1",
    "fr": "vers=1; environ=1; aux alentours de=1; aux alentours du=1; autour de=1",
    "ru": "около=1; примерно=1; приблизительно=1",
    "uk": "близько=1; приблизно=1; орієнтовно=1",
}
_COMPARATORS: dict[str, str] = {
    "en": "over=1; more than=1; at least=1; almost=1; nearly=1; about=1; around=1; "
    "approximately=1; roughly=1; less than=1; under=1; some=1",
    "fr": "plus de=1; plus d'=1; au moins=1; près de=1; presque=1; environ=1; moins de=1; "
    "moins d'=1",
    "ru": "больше=1; более=1; свыше=1; около=1; почти=1; примерно=1; менее=1; меньше=1; "
    "не менее=1; не меньше=1; порядка=1",
    "uk": "понад=1; більше=1; більш ніж=1; більше ніж=1; майже=1; близько=1; приблизно=1; "
    "менше=1; менш ніж=1; щонайменше=1; не менше=1; не менш ніж=1",
}
_DURATION_PREPS: dict[str, str] = {
    "en": "for=1; during=1",
    "fr": "pendant=1; durant=1",
    "ru": "в течение=1; на протяжении=1",
    "uk": "протягом=1; впродовж=1; упродовж=1; на протязі=1",
}
_DURATION_SUFFIXES: dict[str, str] = {
    "en": "or more=approx; or so=approx; and a half=half",
    "fr": "ou plus=approx; et demi=half; et demie=half",
    "ru": "с лишним=approx; с небольшим=approx",
    "uk": "з лишком=approx; з гаком=approx",
}
# Count words: value, then "~" for a vague count ("several") or "a" for an article-like
# "a"/"un" that counts only after "for"/"more than".
_NUMBERS: dict[str, str] = {
    "en": "a=1a; an=1a; one=1; two=2; three=3; four=4; five=5; six=6; seven=7; eight=8; "
    "nine=9; ten=10; eleven=11; twelve=12; fifteen=15; twenty=20; a couple of=2~; "
    "a few=2~; few=2~; several=2~",
    "fr": "un=1a; une=1a; deux=2; trois=3; quatre=4; cinq=5; six=6; sept=7; huit=8; "
    "neuf=9; dix=10; onze=11; douze=12; quinze=15; vingt=20; quelques=2~; plusieurs=2~",
    "ru": "один=1; одна=1; одну=1; одного=1; одной=1; два=2; две=2; двух=2; три=3; трех=3; "
    "четыре=4; четырех=4; пять=5; пяти=5; шесть=6; шести=6; семь=7; семи=7; восемь=8; "
    "восьми=8; девять=9; девяти=9; десять=10; десяти=10; одиннадцать=11; "
    "одиннадцати=11; двенадцать=12; двенадцати=12; пятнадцать=15; двадцать=20; "
    "несколько=2~; нескольких=2~; пару=2~; пара=2~; полтора=1.5; полторы=1.5; "
    "полутора=1.5",
    "uk": "один=1; одна=1; одну=1; одного=1; однієї=1; два=2; дві=2; двох=2; три=3; "
    "трьох=3; чотири=4; чотирьох=4; п'ять=5; п'яти=5; шість=6; шести=6; сім=7; семи=7; "
    "вісім=8; восьми=8; дев'ять=9; дев'яти=9; десять=10; десяти=10; одинадцять=11; "
    "дванадцять=12; п'ятнадцять=15; двадцять=20; кілька=2~; кількох=2~; декілька=2~; "
    "пару=2~; півтора=1.5; півтори=1.5",
}
_UNITS: dict[str, str] = {
    "en": "day=day; days=day; night=day; nights=day; week=week; weeks=week; month=month; "
    "months=month; year=year; years=year",
    "fr": "jour=day; jours=day; journée=day; journées=day; nuit=day; nuits=day; "
    "semaine=week; semaines=week; mois=month; an=year; ans=year; année=year; années=year",
    "ru": "день=day; дня=day; дней=day; дни=day; сутки=day; суток=day; ночь=day; ночи=day; "
    "ночей=day; неделя=week; недели=week; неделю=week; недель=week; месяц=month; "
    "месяца=month; месяцев=month; месяцы=month; год=year; года=year; лет=year; годы=year",
    "uk": "день=day; дні=day; днів=day; дня=day; доба=day; доби=day; діб=day; ніч=day; "
    "ночі=day; ночей=day; тиждень=week; тижні=week; тижня=week; тижнів=week; "
    "місяць=month; місяці=month; місяця=month; місяців=month; рік=year; роки=year; "
    "року=year; років=year",
}
UNIT_DAYS: dict[str, int] = {"day": 1, "week": 7, "month": 30, "year": 365}
_AGO: dict[str, str] = {
    "en": "ago=1", "fr": "", "ru": "назад=1; тому назад=1", "uk": "тому=1",
}
_AGO_PREFIX: dict[str, str] = {"en": "", "fr": "il y a=1", "ru": "", "uk": ""}
# "last"/"this" words before a year/month unit, a month or a season: value = year offset.
_REL_WORDS: dict[str, str] = {
    "en": "last=-1; this=0",
    "fr": "ce=0; cet=0; cette=0",
    "ru": "прошлом=-1; прошлого=-1; прошлый=-1; прошлой=-1; прошлым=-1; прошлую=-1; "
    "прошедшем=-1; прошедшего=-1; позапрошлом=-2; позапрошлого=-2; позапрошлый=-2; "
    "этом=0; этого=0; этот=0; этой=0; этим=0; эту=0; текущем=0; текущего=0; нынешнем=0",
    "uk": "минулому=-1; минулого=-1; минулий=-1; минулої=-1; минулу=-1; позаминулому=-2; "
    "позаминулого=-2; позаминулий=-2; цьому=0; цього=0; цей=0; цієї=0; цю=0; "
    "поточному=0; поточного=0",
}
_REL_UNITS: dict[str, str] = {
    "en": "year=year; month=month",
    "fr": "année=year; an=year; mois=month",
    "ru": "году=year; года=year; год=year; месяце=month; месяца=month; месяц=month",
    "uk": "році=year; року=year; рік=year; місяці=month; місяця=month; місяць=month",
}
_REL_PREPS: dict[str, str] = {"en": "", "fr": "", "ru": "в=1; во=1", "uk": "в=1; у=1"}
# Fixed relative phrases: value "unit:offset".
_REL_PHRASES: dict[str, str] = {
    "en": "the year before last=year:-2; last week=week:-1; the previous week=week:-1",
    "fr": "l' année dernière=year:-1; l' an dernier=year:-1; l' an passé=year:-1; "
    "l' année passée=year:-1; le mois dernier=month:-1; le mois passé=month:-1; "
    "la semaine dernière=week:-1; la semaine passée=week:-1",
    "ru": "на прошлой неделе=week:-1; прошлой неделе=week:-1",
    "uk": "торік=year:-1; позаторік=year:-2; цьогоріч=year:0; минулоріч=year:-1; "
    "минулого тижня=week:-1; на минулому тижні=week:-1",
}
# After a month, season or day: the year it belongs to, relative to the interview.
_YEAR_SUFFIXES: dict[str, str] = {
    "en": "of last year=-1; last year=-1; of this year=0; this year=0",
    "fr": "de l' année dernière=-1; de l' an dernier=-1; de l' année passée=-1; "
    "de cette année=0; l' année dernière=-1",
    "ru": "прошлого года=-1; этого года=0; текущего года=0; позапрошлого года=-2",
    "uk": "минулого року=-1; цього року=0; поточного року=0; позаминулого року=-2; "
    "торік=-1",
}
_LAST_SUFFIXES: dict[str, str] = {"en": "", "fr": "dernier=1; dernière=1; passé=1; passée=1",
                                  "ru": "", "uk": ""}
_YEAR_WORDS: dict[str, str] = {
    "en": "", "fr": "",
    "ru": "года году год г гг годах годов", "uk": "року рік році р рр років роках",
}
_YEAR_NOUNS: dict[str, str] = {
    "en": "the year=1; year=1", "fr": "l' année=1; l' an=1; année=1", "ru": "", "uk": "",
}
_ARTICLES: dict[str, str] = {"en": "the", "fr": "le la l' les", "ru": "", "uk": ""}
DAY_SUFFIXES = frozenset("st nd rd th er re ère e".split())
HYPHEN_SUFFIXES = frozenset("го е я м й ого му ому ий".split())
# Words that, right before or after a bare number, show it is not a year.
NUMBER_LEFT = frozenset(
    "no n° № # nr number numéro номер cell cellule камера камеры камере камері камеру "
    "room building block корпус блок колония колонии колонія колонії сизо ик $ € £".split()
)
NUMBER_RIGHT = frozenset(
    "people persons men women children detainees prisoners victims soldiers dollars euros "
    "hryvnias rubles km metres meters personnes hommes femmes enfants détenus prisonniers "
    "victimes soldats francs fcfa cfa человек людей мужчин женщин детей заключенных "
    "пленных рублей долларов гривен км метров осіб чоловіків жінок дітей в'язнів "
    "полонених гривень доларів рублів метрів % $ € ₽ ₴".split()
)


Phrases = dict[str, tuple[tuple[tuple[str, ...], str], ...]]


def _pairs(spec: str) -> list[tuple[str, str]]:
    items = [item.rpartition("=") for item in spec.split(";") if item.strip()]
    return [(key.strip().replace("ё", "е"), value.strip()) for key, _, value in items]


def _phrases(specs: list[str]) -> Phrases:
    """Index phrases by their first token; longer phrases first."""
    table: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for spec in specs:
        for phrase, value in _pairs(spec):
            words = tuple(phrase.split())
            table.setdefault(words[0], []).append((words, value))
    return {k: tuple(sorted(v, key=lambda item: -len(item[0]))) for k, v in table.items()}


@dataclass(frozen=True)
class Lexicon:
    """Every table the period grammar needs, for one language (or all of them)."""

    months: dict[str, tuple[int, int]]  # word -> (month, 0 strong | 1 weak | 2 needs a dot)
    seasons: Phrases  # value "season|kind", kind: "" plain, "adverb", "weak"
    cues: frozenset[str]
    openers: Phrases
    connectors: Phrases
    parts: Phrases
    approx: Phrases
    comparators: Phrases
    duration_preps: Phrases
    duration_suffixes: Phrases
    numbers: Phrases
    units: dict[str, str]
    ago: Phrases
    ago_prefix: Phrases
    rel_words: Phrases
    rel_units: dict[str, str]
    rel_preps: Phrases
    rel_phrases: Phrases
    year_suffixes: Phrases
    last_suffixes: Phrases
    year_words: frozenset[str]
    year_nouns: Phrases
    articles: frozenset[str]
    triggers: frozenset[str]
    # The words each reading of the grammar can begin with (a number begins them all): a
    # reading is tried at a trigger only when it can begin there.
    point_starts: frozenset[str] = frozenset()  # articles too, after "from", "since"...
    relative_starts: frozenset[str] = frozenset()
    duration_starts: frozenset[str] = frozenset()
    opened_starts: frozenset[str] = frozenset()
    # Words that begin a reading only as the first of a phrase («в начале», «в течение») or
    # as a preposition before "last"/"this" («в прошлом году»): the words that may follow.
    leads: dict[str, frozenset[str]] = field(default_factory=dict)


def _months(language: str) -> dict[str, tuple[int, int]]:
    out: dict[str, tuple[int, int]] = {}
    for number, line in enumerate(_MONTHS[language], start=1):
        strong, _, weak = line.partition("|")
        for word in weak.split():
            out[word] = (number, 2 if language in ("ru", "uk") and word != "май" else 1)
        for word in strong.split():
            out[word] = (number, 0)
    return out


def _season_specs(language: str) -> str:
    """Phrase specs "form=season|kind"; "_" joins the words of a multi-word form."""
    items: list[str] = []
    for season, forms in _pairs(_SEASONS[language]):
        plain, _, rest = forms.partition("|")
        adverbs, _, weak = rest.partition("!")
        for kind, group in (("", plain), ("adverb", adverbs), ("weak", weak)):
            items += [f"{form.replace('_', ' ')}={season}|{kind}" for form in group.split()]
    return "; ".join(items)


def _dict(specs: list[str]) -> dict[str, str]:
    return {k: v for spec in specs for k, v in _pairs(spec)}


@lru_cache(maxsize=8)
def lexicon(language: str) -> Lexicon:
    """The tables for ``language``; an unknown language gets all four merged."""
    langs = (language,) if language in LANGUAGES else LANGUAGES
    months: dict[str, tuple[int, int]] = {}
    for lang in reversed(langs):
        months.update(_months(lang))

    def phrases(table: dict[str, str], extra: str = "") -> Phrases:
        return _phrases([table[lang] for lang in langs] + [extra])

    def words(table: dict[str, str]) -> frozenset[str]:
        return frozenset(w for lang in langs for w in table[lang].split())

    lex = Lexicon(
        months=months, seasons=_phrases([_season_specs(lang) for lang in langs]),
        cues=words(_CUES), openers=phrases(_OPENERS), connectors=phrases(_CONNECTORS, DASHES),
        parts=phrases(_PARTS), approx=phrases(_APPROX), comparators=phrases(_COMPARATORS),
        duration_preps=phrases(_DURATION_PREPS),
        duration_suffixes=phrases(_DURATION_SUFFIXES), numbers=phrases(_NUMBERS),
        units=_dict([_UNITS[lang] for lang in langs]), ago=phrases(_AGO),
        ago_prefix=phrases(_AGO_PREFIX), rel_words=phrases(_REL_WORDS),
        rel_units=_dict([_REL_UNITS[lang] for lang in langs]), rel_preps=phrases(_REL_PREPS),
        rel_phrases=phrases(_REL_PHRASES), year_suffixes=phrases(_YEAR_SUFFIXES),
        last_suffixes=phrases(_LAST_SUFFIXES), year_words=words(_YEAR_WORDS),
        year_nouns=phrases(_YEAR_NOUNS), articles=words(_ARTICLES), triggers=frozenset(),
    )
    starts = set(lex.months) | set(lex.units) | set(lex.rel_units)
    for table in (lex.seasons, lex.openers, lex.connectors, lex.parts, lex.approx,
                  lex.comparators, lex.duration_preps, lex.numbers, lex.ago_prefix,
                  lex.rel_words, lex.rel_preps, lex.rel_phrases, lex.year_nouns):
        starts |= set(table)
    point = frozenset().union(lex.approx, lex.parts, lex.year_nouns, lex.months, lex.seasons)
    relative = frozenset().union(lex.rel_phrases, lex.ago_prefix, lex.rel_preps, lex.rel_words,
                                 lex.numbers, lex.units)
    return replace(lex, triggers=frozenset(starts), point_starts=point, relative_starts=relative,
                   duration_starts=frozenset().union(lex.duration_preps, lex.comparators, lex.numbers),
                   opened_starts=point | relative | lex.openers.keys() | lex.articles, leads=_leads(lex))


def _leads(lex: Lexicon) -> dict[str, frozenset[str]]:
    """Lexicon.leads: a word that is a whole entry of no table a reading begins with (a
    preposition before "last"/"this" aside), with the second words of its phrases."""
    tables = (lex.seasons, lex.openers, lex.parts, lex.approx, lex.comparators, lex.duration_preps,
              lex.numbers, lex.ago_prefix, lex.rel_words, lex.rel_preps, lex.rel_phrases, lex.year_nouns)
    whole = set(lex.months) | set(lex.units) | set(lex.rel_units) | lex.articles
    leads: dict[str, set[str]] = {}
    for table in tables:
        for word, entries in table.items():
            for words, _ in entries:
                if len(words) > 1:
                    leads.setdefault(word, set()).add(words[1])
                elif table is not lex.rel_preps:
                    whole.add(word)
    for word in lex.rel_preps:  # «в прошлом году»: a word of rel_words next, or nothing
        leads.setdefault(word, set()).update(lex.rel_words)
    return {word: frozenset(after) for word, after in leads.items() if word not in whole}
