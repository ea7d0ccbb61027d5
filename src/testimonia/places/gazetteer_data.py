"""Built-in tables of the gazetteer: the regions that matter to the investigations, and
country names in French, Russian and Ukrainian (GeoNames gives only the English name).

Region centroids are approximate (two decimals, from the mean position of the region's
GeoNames settlements, adjusted by hand for the large Malian regions); their precision is
"region", so a map should draw an area, not a pin. Admin1 codes are GeoNames' codes.
"""

from __future__ import annotations

from dataclasses import dataclass

from testimonia.text.translit import to_latin


@dataclass(frozen=True)
class Region:
    id: str
    name: str
    country: str
    admin1: str | None
    lat: float
    lon: float
    names: tuple[str, ...]


# admin1, English root, French root, Ukrainian adjective, Russian adjective,
# Ukrainian colloquial name ("" if none or ambiguous), lat, lon, other English roots
_UA_OBLASTS: tuple[tuple[str, str, str, str, str, str, float, float, str], ...] = (
    ("01", "Cherkasy", "Tcherkassy", "Черкаська", "Черкасская", "Черкащина", 49.36, 31.52, "Cherkassy"),
    ("02", "Chernihiv", "Tchernihiv", "Чернігівська", "Черниговская", "Чернігівщина", 51.25, 31.92, "Chernigov"),
    ("03", "Chernivtsi", "Tchernivtsi", "Чернівецька", "Черновицкая", "", 48.32, 26.11, "Chernovtsy"),
    ("04", "Dnipropetrovsk", "Dnipropetrovsk", "Дніпропетровська", "Днепропетровская",
     "Дніпропетровщина", 48.28, 34.78, "Dnipro|Dnepropetrovsk"),
    ("05", "Donetsk", "Donetsk", "Донецька", "Донецкая", "Донеччина", 48.13, 37.75, ""),
    ("06", "Ivano-Frankivsk", "Ivano-Frankivsk", "Івано-Франківська", "Ивано-Франковская",
     "Прикарпаття", 48.70, 24.69, "Ivano-Frankovsk"),
    ("07", "Kharkiv", "Kharkiv", "Харківська", "Харьковская", "Харківщина", 49.79, 36.44, "Kharkov"),
    ("08", "Kherson", "Kherson", "Херсонська", "Херсонская", "Херсонщина", 46.58, 33.29, ""),
    ("09", "Khmelnytskyi", "Khmelnytskyi", "Хмельницька", "Хмельницкая", "Хмельниччина",
     49.48, 26.88, "Khmelnytskyy|Khmelnitsky"),
    ("10", "Kirovohrad", "Kirovohrad", "Кіровоградська", "Кировоградская", "Кіровоградщина",
     48.55, 32.17, "Kirovograd|Kropyvnytskyi"),
    ("13", "Kyiv", "Kyiv", "Київська", "Киевская", "Київщина", 50.36, 30.55, "Kiev"),
    ("14", "Luhansk", "Louhansk", "Луганська", "Луганская", "Луганщина", 48.65, 39.04, "Lugansk"),
    ("15", "Lviv", "Lviv", "Львівська", "Львовская", "Львівщина", 49.72, 23.88, "Lvov"),
    ("16", "Mykolaiv", "Mykolaïv", "Миколаївська", "Николаевская", "Миколаївщина", 47.36, 31.72,
     "Mykolayiv|Nikolaev|Nikolayev"),
    ("17", "Odesa", "Odessa", "Одеська", "Одесская", "Одещина", 46.55, 29.81, "Odessa"),
    ("18", "Poltava", "Poltava", "Полтавська", "Полтавская", "Полтавщина", 49.67, 33.82, ""),
    ("19", "Rivne", "Rivne", "Рівненська", "Ровенская", "Рівненщина", 50.85, 26.29, "Rovno"),
    ("21", "Sumy", "Soumy", "Сумська", "Сумская", "Сумщина", 51.02, 34.29, ""),
    ("22", "Ternopil", "Ternopil", "Тернопільська", "Тернопольская", "Тернопільщина", 49.32, 25.67,
     "Ternopol"),
    ("23", "Vinnytsia", "Vinnytsia", "Вінницька", "Винницкая", "Вінниччина", 48.88, 28.69, "Vinnitsa"),
    ("24", "Volyn", "Volhynie", "Волинська", "Волынская", "Волинь", 51.28, 24.90, "Volhynia"),
    ("25", "Zakarpattia", "Transcarpatie", "Закарпатська", "Закарпатская", "Закарпаття", 48.32, 23.16,
     "Transcarpathia|Zakarpattya"),
    ("26", "Zaporizhzhia", "Zaporijia", "Запорізька", "Запорожская", "", 47.29, 35.54,
     "Zaporizhia|Zaporozhye"),
    ("27", "Zhytomyr", "Jytomyr", "Житомирська", "Житомирская", "Житомирщина", 50.42, 28.50,
     "Zhitomir"),
)
# admin1, English root, French root, Russian adjective, Ukrainian adjective, lat, lon
_RU_OBLASTS: tuple[tuple[str, str, str, str, str, float, float], ...] = (
    ("61", "Rostov", "Rostov", "Ростовская", "Ростовська", 47.70, 41.20),
    ("41", "Kursk", "Koursk", "Курская", "Курська", 51.60, 36.10),
    ("10", "Bryansk", "Briansk", "Брянская", "Брянська", 52.90, 33.40),
    ("09", "Belgorod", "Belgorod", "Белгородская", "Бєлгородська", 50.70, 37.30),
)
# admin1, English name, French name, Russian name, Ukrainian name, lat, lon
_ML_REGIONS: tuple[tuple[str, str, str, str, str, float, float], ...] = (
    ("03", "Kayes", "Kayes", "Каес", "Каєс", 14.20, -10.30),
    ("07", "Koulikoro", "Koulikoro", "Куликоро", "Кулікоро", 13.90, -7.60),
    ("06", "Sikasso", "Sikasso", "Сикасо", "Сікасо", 11.40, -6.00),
    ("05", "Segou", "Ségou", "Сегу", "Сегу", 13.80, -5.90),
    ("04", "Mopti", "Mopti", "Мопти", "Мопті", 14.60, -3.70),
    ("08", "Timbuktu", "Tombouctou", "Томбукту", "Томбукту", 16.70, -3.40),
    ("09", "Gao", "Gao", "Гао", "Гао", 16.40, -0.60),
    ("10", "Kidal", "Kidal", "Кидаль", "Кідаль", 19.50, 1.20),
    ("12070577", "Menaka", "Ménaka", "Менака", "Менака", 15.80, 2.60),
    ("12070575", "Taoudenit", "Taoudénit", "Таудени", "Таудені", 21.50, -4.00),
)


def regions() -> list[Region]:
    """Every built-in region with all its names."""
    found = [_ua_oblast(*row) for row in _UA_OBLASTS]
    found += [_ru_oblast(*row) for row in _RU_OBLASTS]
    found += [_ml_region(*row) for row in _ML_REGIONS]
    found += [
        Region("region:UA.11", "Crimea", "UA", "11", 45.25, 34.33, (
            "Crimea", "Crimean Peninsula", "Republic of Crimea", "Autonomous Republic of Crimea",
            "Crimée", "République de Crimée", "Крым", "Республика Крым", "Крымский полуостров",
            "Крим", "Автономна Республіка Крим", "Кримський півострів")),
        Region("region:donbas", "Donbas", "UA", None, 48.30, 38.30, (
            "Donbas", "Donbass", "Донбасс", "Донбас")),
    ]
    return found


def _french_of(root: str, nouns: tuple[str, ...]) -> list[str]:
    elided = root[:1].lower() in "aeiouyéè"
    return [f"{noun} d'{root}" if elided else f"{noun} de {root}" for noun in nouns]


def _ua_oblast(admin1: str, en: str, fr: str, uk: str, ru: str, colloquial: str,
               lat: float, lon: float, other: str) -> Region:
    roots = [en, *filter(None, other.split("|"))]
    names = [f"{root} {noun}" for root in roots for noun in ("Oblast", "region", "Province")]
    names += [f"{to_latin(uk, 'uk')} oblast", f"{uk} область", f"{ru} область"]
    names += _french_of(fr, ("oblast", "région", "province"))
    names += [colloquial] if colloquial else []
    return Region(f"region:UA.{admin1}", f"{en} Oblast", "UA", admin1, lat, lon, tuple(names))


def _ru_oblast(admin1: str, en: str, fr: str, ru: str, uk: str, lat: float, lon: float) -> Region:
    names = [f"{en} {noun}" for noun in ("Oblast", "region", "Province")]
    names += [f"{to_latin(ru, 'ru')} oblast", f"{ru} область", f"{uk} область"]
    names += _french_of(fr, ("oblast", "région", "province"))
    return Region(f"region:RU.{admin1}", f"{en} Oblast", "RU", admin1, lat, lon, tuple(names))


def _ml_region(admin1: str, en: str, fr: str, ru: str, uk: str, lat: float, lon: float) -> Region:
    names = [f"{en} Region", f"{fr} Region", f"{en} Province"]
    names += _french_of(fr, ("région", "cercle"))
    names += [f"область {ru}", f"регион {ru}", f"область {uk}", f"регіон {uk}"]
    return Region(f"region:ML.{admin1}", f"{en} Region", "ML", admin1, lat, lon, tuple(names))


@dataclass(frozen=True)
class CountryNames:
    iso: str
    names: tuple[str, ...]  # besides GeoNames' English name
    lat: float
    lon: float


# ISO code: (names in English variants, French, Russian, Ukrainian), approximate centroid
_COUNTRIES: tuple[tuple[str, str, float, float], ...] = (
    ("ML", "Mali|République du Mali|Мали|Республика Мали|Малі", 17.57, -4.00),
    ("UA", "Ukraine|Украина|Україна", 48.38, 31.17),
    ("RU", "Russia|Russian Federation|Russie|Fédération de Russie|Россия|Российская Федерация|"
           "РФ|Росія|Російська Федерація", 61.52, 105.32),
    ("BF", "Burkina Faso|Burkina|Буркина-Фасо|Буркіна-Фасо", 12.24, -1.56),
    ("NE", "Niger|Нигер|Нігер", 17.61, 8.08),
    ("DZ", "Algeria|Algérie|Алжир", 28.03, 1.66),
    ("MR", "Mauritania|Mauritanie|Мавритания|Мавританія", 21.01, -10.94),
    ("SN", "Senegal|Sénégal|Сенегал", 14.50, -14.45),
    ("CI", "Ivory Coast|Côte d'Ivoire|Кот-д'Ивуар|Кот-д'Івуар", 7.54, -5.55),
    ("GN", "Guinea|Guinée|Гвинея|Гвінея", 9.95, -9.70),
    ("BY", "Belarus|Biélorussie|Bélarus|Беларусь|Белоруссия|Білорусь", 53.71, 27.95),
    ("MD", "Moldova|Moldavie|Молдова|Молдавия", 47.41, 28.37),
    ("GE", "Georgia|Géorgie|Грузия|Грузія", 42.32, 43.36),
    ("TD", "Chad|Tchad|Чад", 15.45, 18.73),
    ("LY", "Libya|Libye|Ливия|Лівія", 26.34, 17.23),
    ("SD", "Sudan|Soudan|Судан", 12.86, 30.22),
    ("CF", "Central African Republic|République centrafricaine|Centrafrique|ЦАР|"
           "Центральноафриканская Республика|Центральноафриканська Республіка", 6.61, 20.94),
    ("SY", "Syria|Syrie|Сирия|Сирія", 34.80, 38.99),
    ("KZ", "Kazakhstan|Казахстан", 48.02, 66.92),
    ("FR", "France|Франция|Франція", 46.23, 2.21),
    ("US", "United States|United States of America|USA|États-Unis|США|Соединённые Штаты|"
           "Сполучені Штати", 37.09, -95.71),
    ("GB", "United Kingdom|Great Britain|Britain|UK|Royaume-Uni|Великобритания|Велика Британія",
     55.38, -3.44),
    ("DE", "Germany|Allemagne|Германия|Німеччина", 51.17, 10.45),
    ("PL", "Poland|Pologne|Польша|Польща", 51.92, 19.15),
    ("TR", "Turkey|Türkiye|Turquie|Турция|Туреччина", 38.96, 35.24),
    ("CN", "China|Chine|Китай", 35.86, 104.20),
    ("NG", "Nigeria|Nigéria|Нигерия|Нігерія", 9.08, 8.68),
    ("GH", "Ghana|Гана", 7.95, -1.02),
    ("MA", "Morocco|Maroc|Марокко", 31.79, -7.09),
    ("TN", "Tunisia|Tunisie|Тунис|Туніс", 33.89, 9.54),
    ("EG", "Egypt|Égypte|Египет|Єгипет", 26.82, 30.80),
    ("BJ", "Benin|Bénin|Бенин|Бенін", 9.31, 2.32),
    ("TG", "Togo|Того", 8.62, 0.82),
    ("GM", "Gambia|Gambie|Гамбия|Гамбія", 13.44, -15.31),
    ("CM", "Cameroon|Cameroun|Камерун", 7.37, 12.35),
    ("IT", "Italy|Italie|Италия|Італія", 41.87, 12.57),
    ("ES", "Spain|Espagne|Испания|Іспанія", 40.46, -3.75),
    ("BE", "Belgium|Belgique|Бельгия|Бельгія", 50.50, 4.47),
    ("CA", "Canada|Канада", 56.13, -106.35),
    ("IL", "Israel|Israël|Израиль|Ізраїль", 31.05, 34.85),
    ("IR", "Iran|Иран|Іран", 32.43, 53.69),
)


def country_names() -> dict[str, CountryNames]:
    """Extra names and centroids of the countries in the built-in table, by ISO code."""
    return {iso: CountryNames(iso, tuple(names.split("|")), lat, lon)
            for iso, names, lat, lon in _COUNTRIES}
