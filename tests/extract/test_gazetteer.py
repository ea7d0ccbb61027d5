"""The place gazetteer: the thirteen test places in four languages and their inflected
forms, multi-word names, ambiguity, false positives, offsets and the supplement."""

from __future__ import annotations

import math
import unicodedata
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from testimonia.errors import ConfigError
from testimonia.places import gazetteer as gazetteer_module
from testimonia.places.gazetteer import SUPPLEMENT, Gazetteer, Place, PlaceMatch, get_gazetteer
from testimonia.places.gazetteer_supplement import COLUMNS

# name: (country, lat, lon, tolerance in degrees)
PLACES: dict[str, tuple[str, float, float, float]] = {
    "Nampala": ("ML", 15.28, -5.43, 1.5),  # the supplement notes an unverified position
    "Sévaré": ("ML", 14.53, -4.10, 0.1),
    "Kidal": ("ML", 18.44, 1.41, 0.1),
    "Mopti": ("ML", 14.48, -4.18, 0.1),
    "Gao": ("ML", 16.27, -0.04, 0.1),
    "Timbuktu": ("ML", 16.77, -3.01, 0.1),
    "Moura": ("ML", 14.33, -4.60, 0.5),
    "Taganrog": ("RU", 47.24, 38.91, 0.1),
    "Olenivka": ("UA", 47.83, 37.66, 0.1),  # Donetsk oblast, not Odesa or Poltava oblast
    "Kherson": ("UA", 46.64, 32.61, 0.1),
    "Melitopol": ("UA", 46.85, 35.38, 0.1),
    "Izium": ("UA", 49.21, 37.28, 0.1),
    "Bucha": ("UA", 50.55, 30.21, 0.1),
}

# (sentence, language, the place's spelling in it, test place); no context countries
SENTENCES: list[tuple[str, str, str, str]] = [
    ("I was arrested in Nampala in March 2023.", "en", "Nampala", "Nampala"),
    ("Ils m'ont arrêté à Nampala.", "fr", "Nampala", "Nampala"),
    ("Меня задержали в Нампале.", "ru", "Нампале", "Nampala"),
    ("Мене затримали в Нампалі.", "uk", "Нампалі", "Nampala"),
    ("They held us in containers in Sevare.", "en", "Sevare", "Sévaré"),
    ("On nous a enfermés à Sévaré.", "fr", "Sévaré", "Sévaré"),
    ("Нас держали в Севаре.", "ru", "Севаре", "Sévaré"),
    ("Нас тримали в Севаре.", "uk", "Севаре", "Sévaré"),
    ("He was taken to Kidal.", "en", "Kidal", "Kidal"),
    ("Il a été emmené à Kidal.", "fr", "Kidal", "Kidal"),
    ("Его увезли в Кидаль, потом держали в Кидале.", "ru", "Кидаль", "Kidal"),
    ("Його тримали в Кідалі.", "uk", "Кідалі", "Kidal"),
    ("The trucks went to Mopti.", "en", "Mopti", "Mopti"),
    ("Les camions sont partis vers Mopti.", "fr", "Mopti", "Mopti"),
    ("Грузовики ушли в Мопти.", "ru", "Мопти", "Mopti"),
    ("Вантажівки поїхали до Мопті.", "uk", "Мопті", "Mopti"),
    ("We were flown to Gao.", "en", "Gao", "Gao"),
    ("Nous avons été transférés à Gao.", "fr", "Gao", "Gao"),
    ("Нас перевезли в Гао.", "ru", "Гао", "Gao"),
    ("Нас перевезли до Гао.", "uk", "Гао", "Gao"),
    ("She was held near Timbuktu.", "en", "Timbuktu", "Timbuktu"),
    ("Elle a été détenue près de Tombouctou.", "fr", "Tombouctou", "Timbuktu"),
    ("Её держали под Томбукту.", "ru", "Томбукту", "Timbuktu"),
    ("Її тримали біля Тімбукту.", "uk", "Тімбукту", "Timbuktu"),
    ("Soldiers surrounded Moura.", "en", "Moura", "Moura"),
    ("Les soldats ont encerclé Moura.", "fr", "Moura", "Moura"),
    ("Солдаты окружили Мура.", "ru", "Мура", "Moura"),
    ("Солдати оточили Мура.", "uk", "Мура", "Moura"),
    ("I was held in Taganrog.", "en", "Taganrog", "Taganrog"),
    ("J'ai été détenu à Taganrog.", "fr", "Taganrog", "Taganrog"),
    ("Меня держали в СИЗО в Таганроге.", "ru", "Таганроге", "Taganrog"),
    ("Мене тримали в Таганрозі.", "uk", "Таганрозі", "Taganrog"),
    ("He spent months in Olenovka.", "en", "Olenovka", "Olenivka"),
    ("Il a passé des mois à Olenivka.", "fr", "Olenivka", "Olenivka"),
    ("Его держали в Оленовке.", "ru", "Оленовке", "Olenivka"),
    ("Його тримали в Оленівці.", "uk", "Оленівці", "Olenivka"),
    ("They detained him in Kherson.", "en", "Kherson", "Kherson"),
    ("Ils l'ont détenu à Kherson.", "fr", "Kherson", "Kherson"),
    ("Его задержали в Херсоне.", "ru", "Херсоне", "Kherson"),
    ("Його затримали у Херсоні.", "uk", "Херсоні", "Kherson"),
    ("I was taken from Melitopol.", "en", "Melitopol", "Melitopol"),
    ("On m'a emmené de Mélitopol.", "fr", "Mélitopol", "Melitopol"),
    ("Меня держали в Мелитополе.", "ru", "Мелитополе", "Melitopol"),
    ("Мене тримали в Мелітополі.", "uk", "Мелітополі", "Melitopol"),
    ("They took us from Izyum.", "en", "Izyum", "Izium"),
    ("Ils nous ont emmenés d'Izioum.", "fr", "Izioum", "Izium"),
    ("Нас держали в Изюме.", "ru", "Изюме", "Izium"),
    ("Нас тримали в Ізюмі.", "uk", "Ізюмі", "Izium"),
    ("Bodies were found in Bucha.", "en", "Bucha", "Bucha"),
    ("Des corps ont été retrouvés à Boutcha.", "fr", "Boutcha", "Bucha"),
    ("В Буче нашли тела.", "ru", "Буче", "Bucha"),
    ("У Бучі знайшли тіла.", "uk", "Бучі", "Bucha"),
]


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("gazetteer-cache")


@pytest.fixture(scope="module")
def gaz(cache_dir: Path) -> Gazetteer:
    """The packaged supplement, and a GeoNames index cached in a temporary folder."""
    return Gazetteer.load(supplement=SUPPLEMENT, cache=cache_dir)


def _near(place: Place, name: str) -> bool:
    country, lat, lon, tolerance = PLACES[name]
    return (place.country == country and place.lat is not None and place.lon is not None
            and math.hypot(place.lat - lat, place.lon - lon) <= tolerance)


def _found(gaz: Gazetteer, text: str, language: str,
           countries: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    return [(m.text, m.place.country) for m in gaz.find(text, language, countries)]


@pytest.mark.parametrize(("text", "language", "written", "name"), SENTENCES)
def test_each_test_place_in_each_language(gaz: Gazetteer, text: str, language: str,
                                          written: str, name: str) -> None:
    matches = gaz.find(text, language)
    assert [m.text for m in matches][:1] == [written]
    match = matches[0]
    assert text[match.start:match.end] == written
    assert _near(match.place, name), match.place


def test_taganrog_in_a_russian_sentence(gaz: Gazetteer) -> None:
    text = "Меня держали в СИЗО в Таганроге"
    [match] = gaz.find(text, "ru")
    assert (match.start, match.end, match.text) == (22, 31, "Таганроге")
    assert match.place.country == "RU" and match.place.name == "Taganrog"
    assert match.key in {"таганрог", "таганроге"}  # the supplement lists some inflected forms


def test_two_places_in_a_ukrainian_sentence(gaz: Gazetteer) -> None:
    matches = gaz.find("Нас вивезли до Таганрога, потім у Курськ", "uk")
    assert [(m.text, m.place.name, m.place.country) for m in matches] == [
        ("Таганрога", "Taganrog", "RU"), ("Курськ", "Kursk", "RU")]


def test_french_and_english_sentences(gaz: Gazetteer) -> None:
    assert _found(gaz, "J'ai été détenu à Sévaré puis à Nampala", "fr") == [
        ("Sévaré", "ML"), ("Nampala", "ML")]
    assert _found(gaz, "They took us from Izyum to Belgorod", "en") == [
        ("Izyum", "UA"), ("Belgorod", "RU")]


def test_kherson_and_olenivka_of_donetsk_oblast(gaz: Gazetteer) -> None:
    matches = gaz.find("Мене тримали у Херсоні, потім в Оленівці.", "uk", ["UA"])
    assert [m.text for m in matches] == ["Херсоні", "Оленівці"]
    assert matches[0].place.admin1 == "08"
    assert matches[1].place.admin1 == "05" and _near(matches[1].place, "Olenivka")


def test_the_same_place_whatever_the_script_or_spelling(gaz: Gazetteer) -> None:
    ids = {gaz.find(t, lang)[0].place.id for t, lang in [
        ("Il vient d'Izium.", "fr"), ("He came from Izyum.", "en"), ("Он из Изюма.", "ru"),
        ("Він з Ізюму.", "uk"), ("Il vient d'Izioum.", "fr")]}
    assert len(ids) == 1


@pytest.mark.parametrize(("countries", "expected"), [(("ML",), "ML"), ((), "ML"), (("PT",), "PT")])
def test_moura_follows_the_context(gaz: Gazetteer, countries: tuple[str, ...],
                                   expected: str) -> None:
    [match] = gaz.find("Soldiers came to Moura in March 2022.", "en", countries)
    assert match.place.country == expected


def test_ambiguous_names_without_context(gaz: Gazetteer) -> None:
    assert _found(gaz, "We fled from Bucha.", "en") == [("Bucha", "UA")]
    assert _found(gaz, "We fled from Kidal.", "en") == [("Kidal", "ML")]
    [olenivka] = gaz.find("He is still in Olenivka.", "en", ["UA"])
    assert olenivka.place.admin1 == "05"


@pytest.mark.parametrize(("text", "language", "written", "kind"), [
    ("They were taken to Kryvyi Rih.", "en", "Kryvyi Rih", "settlement"),
    ("Его держали в Кривом Роге.", "ru", "Кривом Роге", "settlement"),
    ("Його тримали у Кривому Розі.", "uk", "Кривому Розі", "settlement"),
    ("Il était au camp de Sévaré.", "fr", "camp de Sévaré", "facility"),
    ("Меня держали в СИЗО-2 Таганрога.", "ru", "СИЗО-2 Таганрога", "facility"),
    ("Бои шли в Донецкой области.", "ru", "Донецкой области", "region"),
    ("Бої тривали в Донецькій області.", "uk", "Донецькій області", "region"),
    ("Il a été détenu dans l'oblast de Donetsk.", "fr", "oblast de Donetsk", "region"),
    ("They came from the Kharkiv Oblast.", "en", "Kharkiv Oblast", "region"),
    ("Nous étions dans la région de Mopti.", "fr", "région de Mopti", "region"),
    ("Я жил в Крыму.", "ru", "Крыму", "region"),
    ("Бої тривали на Харківщині.", "uk", "Харківщині", "region"),
    ("Его судили в Ростове-на-Дону.", "ru", "Ростове-на-Дону", "settlement"),
    ("Мы жили в Новой Каховке.", "ru", "Новой Каховке", "settlement"),
    ("Nous sommes rentrés au Mali.", "fr", "Mali", "country"),
    ("Ми повернулися в Україну.", "uk", "Україну", "country"),
    ("Il a quitté la Côte d'Ivoire.", "fr", "Côte d'Ivoire", "country"),
])
def test_multi_word_names_regions_facilities_and_countries(
        gaz: Gazetteer, text: str, language: str, written: str, kind: str) -> None:
    [match] = gaz.find(text, language)
    assert match.text == written and match.place.kind == kind


def test_a_facility_names_its_town(gaz: Gazetteer) -> None:
    [match] = gaz.find("Il était au camp de Sévaré.", "fr")
    assert match.place.facility_type == "military_camp"
    assert match.place.parent_id is not None
    [town] = gaz.find("Il était à Sévaré.", "fr")
    assert match.place.parent_id == town.place.id


def test_settlement_abbreviations_are_neither_sentence_ends_nor_hiding_the_name(
        gaz: Gazetteer) -> None:
    assert [m.text for m in gaz.find("Меня держали в г. Изюме, потом в с. Оленовка.", "ru")] == [
        "Изюме", "Оленовка"]
    assert [m.place.admin1 for m in gaz.find("Мене тримали у с. Оленівка.", "uk")] == ["05"]
    assert gaz.find("I spoke to Mr. Bucha.", "en") == []


def test_elision_and_possessive_stay_outside_the_match(gaz: Gazetteer) -> None:
    text = "Il vient d'Izium. Kharkiv's mayor spoke. L'Ukraine."
    assert [m.text for m in gaz.find(text, "en")] == ["Izium", "Kharkiv", "Ukraine"]


@pytest.mark.parametrize(("text", "language"), [
    ("I was in the army camp. We were hungry.", "en"),
    ("Мы были там. Так было.", "ru"),
    ("Ми були там. Так було.", "uk"),
    ("Nous avions peur. Bon, le camp était plein. Ver de terre.", "fr"),
    ("The Red Cross came in March. Date: Mon, 04 Dec 2023.", "en"),
    ("He met Colonel Victor and Mr Bucha.", "en"),
    ("Слава Богу, мы выжили. Мир изменился. Кроме того, нас били.", "ru"),
    ("Слава Богу, ми вижили. Крім того, нас били. Віра і Надія чекали.", "uk"),
    ("Wagner fighters and NGO staff were there. English was spoken.", "en"),
    ("the mine, the prison, the camp, the base, the colony, nous, bon, mir", "en"),
    ("kidal gao mopti", "en"),
    ("Kati said nothing.", "en"),
])
def test_no_place_in_common_words_names_and_lowercase(gaz: Gazetteer, text: str,
                                                      language: str) -> None:
    assert gaz.find(text, language) == []


def test_common_word_that_is_a_big_place_needs_a_capital_inside_a_sentence(
        gaz: Gazetteer) -> None:
    assert _found(gaz, "After the trial he moved to Nice.", "en") == [("Nice", "FR")]
    assert _found(gaz, "Nice people helped us.", "en") == []


def test_lowercase_names_only_for_big_or_curated_places(gaz: Gazetteer) -> None:
    assert _found(gaz, "we reached kryvyi rih at night", "en") == [("kryvyi rih", "UA")]
    assert _found(gaz, "we reached nova kakhovka at night", "en") == []
    assert _found(gaz, "we reached Nova Kakhovka at night", "en") == [("Nova Kakhovka", "UA")]


def test_a_name_curated_as_needing_context(gaz: Gazetteer) -> None:
    assert _found(gaz, "They took him to Kati.", "en") == [("Kati", "ML")]
    assert _found(gaz, "Kati said nothing.", "en", ("ML",)) == [("Kati", "ML")]


def test_matches_do_not_overlap_and_come_in_text_order(gaz: Gazetteer) -> None:
    text = "From Kryvyi Rih to the camp de Sévaré, then Sévaré and Gao."
    matches = gaz.find(text, "en")
    assert [m.text for m in matches] == ["Kryvyi Rih", "camp de Sévaré", "Sévaré", "Gao"]
    assert all(a.end <= b.start for a, b in pairwise(matches))


_FRAGMENTS = [s for s, _, _, _ in SENTENCES[::3]] + [
    "d'Izium", "Kharkiv's", "СИЗО-2 Таганрога", "Кривом Роге", "camp de Sévaré", "Se\u0301vare\u0301",
    "l’Ukraine", "Донецкой области", "Kyiv–Kharkiv", "kryvyi rih", "Так", "Camp", "2022", "—",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=12)), max_size=12),
       st.sampled_from([" ", "\n", ", ", ". ", "\n\n", "", " — "]),
       st.sampled_from(["en", "fr", "ru", "uk"]))
def test_every_match_slices_the_original_text(gaz: Gazetteer, parts: list[str], glue: str,
                                              language: str) -> None:
    text = glue.join(parts)
    matches = gaz.find(text, language)
    for match in matches:
        assert text[match.start:match.end] == match.text
        assert match.text[0].isalnum()
        assert match.text[-1].isalnum() or unicodedata.combining(match.text[-1])
    assert all(a.end <= b.start for a, b in pairwise(matches))


def test_lookup_for_names_found_by_ner(gaz: Gazetteer) -> None:
    assert gaz.lookup("Тимбукту", "ru")[0].name == "Timbuktu"
    assert gaz.lookup("Izyum", "fr")[0].id == gaz.lookup("Ізюмі", "uk")[0].id
    assert gaz.lookup("Moura", "fr", ["ML"])[0].country == "ML"
    assert gaz.lookup("Moura", "fr", ["PT"])[0].country == "PT"
    assert gaz.lookup("Olenivka", "en", ["UA"])[0].admin1 == "05"
    assert gaz.lookup("the Kherson", "en")[0].name == "Kherson"
    assert gaz.lookup("Донецкой области", "ru")[0].kind == "region"
    assert gaz.lookup("Xqzzyv", "en") == []


def test_load_rejects_a_missing_supplement(tmp_path: Path) -> None:
    """Checked before anything is loaded."""
    with pytest.raises(ConfigError, match="No places supplement"):
        Gazetteer.load(supplement=tmp_path / "none.csv", cache=tmp_path)


def _supplement(tmp_path: Path, *rows: str, header: str = ",".join(COLUMNS)) -> Path:
    path = tmp_path / "supplement.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("header", "row", "message"), [
    ("id,name,country", "x,X,ML", "lacks the columns"),
    (",".join(COLUMNS), "x,X,,ML,,1,2,town,settlement,,,,", "precision"),
    (",".join(COLUMNS), "x,X,,ML,,north,2,settlement,settlement,,,,", "not numbers"),
    (",".join(COLUMNS), "x,X,,ML,,95,2,settlement,settlement,,,,", "out of range"),
    (",".join(COLUMNS), "x,X,,Mali,,1,2,settlement,settlement,,,,", "two-letter country"),
])
def test_a_bad_supplement_is_a_config_error(tmp_path: Path, cache_dir: Path, header: str,
                                            row: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Gazetteer.load(supplement=_supplement(tmp_path, row, header=header), cache=cache_dir)


def test_supplement_rows_stand_for_their_geonames_twin(tmp_path: Path, cache_dir: Path,
                                                       gaz: Gazetteer) -> None:
    path = _supplement(
        tmp_path,
        "ua_kherson,Kherson,Херсон,UA,Kherson Oblast,46.6369,32.6146,settlement,settlement,,,"
        "GeoNames 706448,",
        "ml_ber,Ber,Ber|Бер,ML,Tombouctou,,,settlement,settlement,,,none,short name",
        "ua_camp,Camp Alpha,Табір Альфа,UA,,46.6,32.6,facility,facility,prison,ua_kherson,,")
    small = Gazetteer.load(supplement=path, cache=cache_dir)
    [kherson] = small.find("Він був у Chersona.", "uk")  # a GeoNames-only alias
    assert kherson.place.id == "supp:ua_kherson" and kherson.place.admin1 == "08"
    assert kherson.place.population > 0
    [ber] = small.lookup("Ber", "fr", ["ML"])[:1]
    assert ber.id == "supp:ml_ber" and ber.lat is None and ber.admin1 == "08"
    [camp] = small.find("Nous étions au Camp Alpha.", "fr")
    assert camp.place.parent_id == "supp:ua_kherson" and camp.place.facility_type == "prison"


def test_the_cached_index_gives_the_same_answers(cache_dir: Path, gaz: Gazetteer) -> None:
    assert list(cache_dir.glob("gazetteer-*.marshal"))
    again = Gazetteer.load(supplement=SUPPLEMENT, cache=cache_dir)
    text = " ".join(s for s, _, _, _ in SENTENCES)
    assert again.find(text, "en") == gaz.find(text, "en")


def test_get_gazetteer_is_loaded_once(monkeypatch: pytest.MonkeyPatch, gaz: Gazetteer) -> None:
    calls: list[int] = []

    def load() -> Gazetteer:
        calls.append(1)
        return gaz

    monkeypatch.setattr(gazetteer_module, "_SHARED", [])
    monkeypatch.setattr(Gazetteer, "load", staticmethod(load))
    assert get_gazetteer() is get_gazetteer() is gaz
    assert calls == [1]


def test_place_match_is_frozen(gaz: Gazetteer) -> None:
    [match] = gaz.find("We fled from Bucha.", "en")
    assert isinstance(match, PlaceMatch)
    with pytest.raises(AttributeError):
        match.start = 0  # type: ignore[misc]
