"""A gazetteer hit is a place only when the text uses it as one: not inside a longer name
(a publication, an organisation), not an address, not a common noun after an article."""

from __future__ import annotations

import pytest

from testimonia.extract.pipeline import extract_text
from testimonia.extract.places import implied_countries

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(("text", "language", "places"), [
    ("In an interview with Der Spiegel, a former detainee said he was beaten in Kherson.", "en", {"Kherson"}),
    ("The Kyiv Independent reported that soldiers beat detainees in Izium.", "en", {"Izium"}),
    ("They held me in the basement on Teploenerhetykiv Street in Kherson and beat me.", "en", {"Kherson"}),
    ("Un Blanc m'a interrogé au camp de Sévaré et m'a frappé.", "fr", {"Sévaré military camp"}),
    ("They beat me in Nova Kakhovka.", "en", {"Nova Kakhovka"}),
    ("In Tokmak they made me crawl on the floor and shout 'Glory to Russia'.", "en", {"Tokmak"}),
])
def test_only_places_used_as_places(text: str, language: str, places: set[str]) -> None:
    doc = extract_text(text, language)
    assert {p["name"] for c in doc.claims for p in c.places} == places


@pytest.mark.parametrize(("text", "language", "places"), [
    ("Un commerçant de Mopti a été battu au camp de Sévaré.", "fr", {"Sévaré military camp"}),
    ("Moussa, who had come from Sévaré, was beaten in the camp at Kati.", "en", {"Kati"}),
    ("Уроженца Мелитополя задержали и избили в Симферополе.", "ru", {"Simferopol"}),
    ("They took me from Kherson to Crimea.", "en", {"Kherson", "Crimea"}),
])
def test_where_someone_comes_from_is_not_where_it_happened(text: str, language: str,
                                                           places: set[str]) -> None:
    doc = extract_text(text, language)
    assert {p["name"] for c in doc.claims for p in c.places} == places


@pytest.mark.parametrize(("text", "language", "perpetrators"), [
    ("The Malian army arrested 25 men accused of supporting the jihadists of JNIM and beat them in "
     "Macina.", "en", {"fama"}),
    ("Les forces armées maliennes ont arrêté 25 hommes accusés de soutenir les jihadistes du JNIM et "
     "les ont battus.", "fr", {"fama"}),
    ("Росгвардейцы задержали троих мужчин, которых обвинили в помощи ВСУ, и избили их в Мелитополе.",
     "ru", {"rosgvardia"}),
    ("JNIM fighters beat the villagers in Diabaly.", "en", {"jnim"}),
])
def test_what_victims_were_accused_of_supporting_is_no_perpetrator(text: str, language: str,
                                                                   perpetrators: set[str]) -> None:
    doc = extract_text(text, language)
    assert {p["canonical"] for c in doc.claims for p in c.perpetrators} == perpetrators


@pytest.mark.parametrize(("text", "language", "places"), [
    ("Усі троє розповіли, що їх били в Ізюмі.", "uk", {"Izium"}),
    ("Мама каже, що тата тримали в Херсоні.", "uk", {"Kherson"}),
    ("Le Blanc m'a frappé au camp de Sévaré.", "fr", {"Sévaré military camp"}),
    ("Bamba, a 40-year-old trader, was held at the gendarmerie in Mopti.", "en", {"Mopti"}),
    ("34-летний Артём был задержан и избит в Симферополе.", "ru", {"Simferopol"}),
    ("Bakhmut: they held me in a basement there for a week.", "en", {"Bakhmut"}),
])
def test_a_common_word_or_a_name_opening_a_sentence_is_no_place(text: str, language: str,
                                                                places: set[str]) -> None:
    """At a sentence start a capital says nothing: a word read as a town far from the
    text's countries, a common word, or a name given with an age is no place; a town of
    the testimonies' countries opening a sentence still is."""
    doc = extract_text(text, language)
    assert {p["name"] for c in doc.claims for p in c.places} == places


@pytest.mark.parametrize(("text", "countries"), [
    ("ВСУ и ЗСУ, а не всухую; российские войска", ["UA", "RU"]),
    ("les soldats russes, puis les Russes et l'armée malienne", ["RU", "ML"]),
    ("Russian and Ukrainian forces", ["UA", "RU"]),  # as often: in the table's order
    ("les soldats maliens et russes", ["ML", "RU"]),
    ("the Central  African Republic, Centrafricains, Burkinabè", ["CF", "BF"]),
    ("Mali, Russia, Ukraine", []),  # countries, not their people or forces
])
def test_the_countries_a_text_implies_by_its_people_or_forces(text: str, countries: list[str]) -> None:
    assert implied_countries(text) == countries


def test_a_country_named_by_its_own_name_sets_the_context_beside_foreign_forces() -> None:
    """"Russian troops" imply Russia; "Ukraine's prosecutors" name Ukraine, where the village
    lies (a spelling GeoNames writes Vysokopillya)."""
    text = ("Russian troops held at least ten residents of Vysokopillia in the village hospital's "
            "boiler room, Ukraine's prosecutors said.")
    doc = extract_text(text, "en")
    assert "UA" in doc.countries
    assert "Vysokopillya" in {m.value["name"] for m in doc.mentions if m.kind == "place"}
