"""Claim assembly on hand-built passages, one behaviour each, exact expectations."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from testimonia.extract.pipeline import extract_text

pytestmark = pytest.mark.slow  # loads the language models once per process


def claims(text: str, language: str, reference: date | None = None) -> list[dict[str, Any]]:
    return [c.to_json() for c in extract_text(text, language, reference).claims]


def only(text: str, language: str) -> dict[str, Any]:
    found = claims(text, language)
    assert len(found) == 1, found
    return found[0]


def test_first_hand_ill_treatment_with_everything() -> None:
    text = "In March 2023 the Wagner men beat me with rifle butts in a container at the camp in Sévaré."
    found = claims(text, "en")
    assert [c["act"] for c in found] == ["ill_treatment", "detention"]  # held where ill-treated
    c = found[0]
    assert c["methods"] == ["beating", "confinement_in_container"]
    assert [(p["name"], p["country"], p["facility"]) for p in c["places"]] == [
        ("Sévaré", "ML", "shipping_container")]
    assert c["perpetrators"] == [{"name": "Wagner men", "canonical": "wagner_group"}]
    assert (c["period"]["start"], c["period"]["end"], c["period"]["precision"]) == (
        "2023-03-01", "2023-03-31", "month")
    assert c["victim"] == {"who": "self", "count": None}
    assert c["first_hand"] is True and c["denial"] is False
    assert c["evidence"] == [{"start": 0, "end": len(text), "quote": text}]


@pytest.mark.parametrize(("text", "language"), [
    ("They did not beat me at Moura.", "en"),
    ("À Bamako, on ne m'a pas frappé.", "fr"),
    ("Током меня не били.", "ru"),
    ("В ІТТ мене вже не били.", "uk"),
    ("If you don't talk we will use electricity.", "en"),
    ("Если не будешь говорить, подключим ток.", "ru"),
])
def test_negations_and_hypotheticals_allege_nothing(text: str, language: str) -> None:
    assert claims(text, language) == []


def test_only_the_negated_part_is_dropped() -> None:
    c = only("They beat me, but they never used electricity on me.", "en")
    assert c["methods"] == ["beating"]


def test_hearsay_is_second_hand_and_about_someone_else() -> None:
    c = only("Un codétenu m'a dit qu'on l'avait frappé à Nampala.", "fr")
    assert c["methods"] == ["beating"] and c["first_hand"] is False
    assert c["victim"]["who"] == "other"


def test_official_denial_is_kept_as_a_denial() -> None:
    c = only("Personne n'a été frappé au camp de Sévaré, affirme le colonel.", "fr")
    assert c["denial"] is True and c["methods"] == ["beating"]
    assert c["places"][0]["name"].startswith("Sévaré")


def test_a_question_alleges_nothing() -> None:
    assert claims("Did they beat you with cables in the container?", "en") == []


def test_power_cuts_are_not_electric_shocks() -> None:
    assert claims("Les coupures d'électricité nous fatiguent tous.", "fr") == []


def test_transfer_across_the_border_with_inflected_names() -> None:
    doc = extract_text("В сентябре 2022 года нас этапировали из Оленовки в Таганрог.", "ru")
    transfer = doc.to_json()["transfers"]
    assert [(t["from"]["name"], t["from"]["country"], t["to"]["name"], t["to"]["country"])
            for t in transfer] == [("Olenivka (Donetsk oblast)", "UA", "Taganrog", "RU")]


def test_transfer_destination_from_the_next_sentence() -> None:
    text = ("Мене тримали в підвалі в Херсоні. Потім нас вивезли автобусом. "
            "Так я опинився в Таганрозі.")
    transfers = extract_text(text, "uk").to_json()["transfers"]
    assert [(t["from"]["name"], t["to"]["name"]) for t in transfers] == [("Kherson", "Taganrog")]
    assert transfers[0]["from"]["facility"] == "basement"


def test_chained_transfers_are_legs() -> None:
    transfers = extract_text("Після Бердянська мене вивезли до Бєлгорода, а звідти — до Курська.",
                             "uk").to_json()["transfers"]
    assert [(t["from"]["name"], t["to"]["name"]) for t in transfers] == [
        ("Berdiansk", "Belgorod"), ("Belgorod", "Kursk")]


def test_group_with_a_count() -> None:
    c = only("Нас держали в подвале тридцать человек.", "ru")
    assert c["act"] == "detention" and c["victim"] == {"who": "group", "count": 30}


def test_witness_saw_it_done_to_others() -> None:
    found = claims("J'ai vu les Russes verser de l'eau sur un tissu posé sur le visage d'un détenu.", "fr")
    c = next(c for c in found if c["methods"])
    assert c["methods"] == ["waterboarding"] and c["victim"]["who"] == "other" and c["first_hand"]
    assert c["places"] == []  # "les Russes" is no place


def test_interrogation_language() -> None:
    found = claims("The white soldiers interrogated me in Russian and gave me electric shocks.", "en")
    assert found[0]["interrogation_languages"] == ["ru"]


def test_place_and_perpetrators_carry_to_the_next_sentence() -> None:
    text = "Les militaires russes m'ont emmené à Olenivka. Là-bas, ils me battaient chaque jour."
    beating = next(c for c in claims(text, "fr") if c["methods"] == ["beating"])
    assert beating["places"][0]["name"] == "Olenivka (Donetsk oblast)"
    assert beating["perpetrators"][0]["canonical"] == "russian_armed_forces"
    assert [e["quote"] for e in beating["evidence"]] == [  # the act first, then what it took
        "Là-bas, ils me battaient chaque jour.", "Les militaires russes m'ont emmené à Olenivka."]


def test_relative_period_from_the_interview_date() -> None:
    found = claims("Last year they kept me in a basement in Izium.", "en", date(2023, 5, 2))
    assert (found[0]["period"]["start"], found[0]["period"]["end"]) == ("2022-01-01", "2022-12-31")


def test_a_negation_around_the_verb_alleges_nothing() -> None:
    """French "ne … plus / pas / jamais" brackets the verb: "on ne nous frappait plus"."""
    assert claims("À Kati, on ne nous frappait plus.", "fr") == []
    assert claims("À Kati, ils ne nous battaient pas.", "fr") == []
    assert [c["methods"] for c in claims("À Kati, ils nous frappaient.", "fr")] == [["beating"]]


def test_an_opening_date_carries_to_the_story_after_it() -> None:
    """"In March 2023 soldiers came…": a year after a month is a date, not a count of
    soldiers, and it dates what the next sentences tell."""
    found = claims("In March 2023 soldiers came to Nampala. They beat my father and took him to "
                   "Sévaré.", "en")
    assert {(c["act"], c["period"]["start"]) for c in found} == {
        ("ill_treatment", "2023-03-01"), ("transfer", "2023-03-01"), ("detention", "2023-03-01")}


def test_a_peoples_adjective_is_no_interrogation_language() -> None:
    """"by Russian soldiers about the Ukrainian army" names no language spoken."""
    found = claims("I was interrogated by Russian soldiers about the Ukrainian army and beaten in "
                   "Kherson.", "en")
    assert [c["interrogation_languages"] for c in found] == [[]]
    spoken = claims("They interrogated me in Russian and beat me in Kherson.", "en")
    assert [c["interrogation_languages"] for c in spoken] == [["ru"]]


@pytest.mark.parametrize(("text", "language", "perpetrators"), [
    ("Сина мого, Андрія, забрали росгвардійці в Мелітополі.", "uk", ["rosgvardia"]),
    ("В марте забрали моего мужа прямо с работы.", "ru", []),
    ("Соседа забрали ночью, с тех пор о нём ничего не известно.", "ru", []),
])
def test_a_relative_taken_away_is_an_arrest(text: str, language: str, perpetrators: list[str]) -> None:
    claims = [c.to_json() for c in extract_text(text, language).claims]
    arrests = [c for c in claims if c["act"] == "arrest"]
    assert arrests and [p["canonical"] for p in arrests[0]["perpetrators"]] == perpetrators, claims


def test_things_taken_away_are_no_arrest() -> None:
    claims = extract_text("Забрали телефон і паспорт, потім відпустили.", "uk").claims
    assert "arrest" not in {c.act for c in claims}


@pytest.mark.parametrize(("text", "language", "perpetrator"), [
    ("Russian soldiers arrived in Izium at dawn. They held my son in the school basement.", "en",
     "russian_armed_forces"),
    ("Приїхали російські військові. Їх тримали в підвалі школи.", "uk", "russian_armed_forces"),
    ("Утром в село зашли кадыровцы. Всех мужчин держали в гараже три дня.", "ru",
     "chechen_akhmat_forces"),
    ("Les militaires maliens sont arrivés au marché de Konna. Ils ont frappé mon frère.", "fr", "fama"),
])
def test_a_force_named_before_the_act_carries_to_it(text: str, language: str, perpetrator: str) -> None:
    """The sentence that brings the force in alleges nothing; the next one, which tells
    what "they" did, is theirs, with the first sentence as evidence."""
    found = claims(text, language)
    assert found and all([p["canonical"] for p in c["perpetrators"]] == [perpetrator] for c in found)
    assert len(found[0]["evidence"]) == 2


def test_a_force_negated_or_asked_about_does_not_carry() -> None:
    for text in ("It was not Wagner. They beat me in the camp at Sévaré.",
                 "Was it Wagner? They beat me in the camp at Sévaré."):
        found = claims(text, "en")
        assert found and all(c["perpetrators"] == [] for c in found), found


@pytest.mark.parametrize(("text", "language"), [
    ("They beat me with a pipe every night. It was the police station in Izium.", "en"),
    ("Ils m'ont brûlé le bras avec un briquet. C'était au camp de Sévaré, en 2023.", "fr"),
    ("Били дубинкой по ногам. Это было в подвале в Херсоне.", "ru"),
    ("Потім нас перевезли до Таганрога.", "uk"),
    ("On m'a relâché après deux semaines à Kati.", "fr"),
])
def test_ill_treated_in_a_place_of_confinement_moved_or_released_is_held(text: str, language: str) -> None:
    """Ill-treatment where the paragraph names a place of confinement, a transfer and a
    release all say someone was held."""
    assert "detention" in {c["act"] for c in claims(text, language)}


def test_ill_treatment_without_a_place_of_confinement_is_not_detention() -> None:
    found = claims("In the street in Izium a soldier hit my neighbour with a rifle butt.", "en")
    assert {c["act"] for c in found} == {"ill_treatment"}


@pytest.mark.parametrize(("text", "language"), [
    ("They detained my cousin at the checkpoint near Izium. A week later his body was found in a ditch; "
     "they had shot him.", "en"),
    ("Брата забрали на блокпосту під Херсоном. За тиждень його тіло знайшли в лісосмузі.", "uk"),
])
def test_a_killing_in_an_account_of_arrest_is_extrajudicial(text: str, language: str) -> None:
    killings = [c for c in claims(text, language) if c["act"] == "killing"]
    assert killings and all("extrajudicial_killing" in c["violations"] for c in killings)


@pytest.mark.parametrize(("text", "language"), [
    ("Дроти прикріпили до тіла і пустили струм.", "uk"),
    ("Le Service fédéral d'exécution des peines gère cette colonie.", "fr"),
])
def test_a_body_or_a_prison_service_is_no_killing(text: str, language: str) -> None:
    assert "killing" not in {c["act"] for c in claims(text, language)}


def test_a_mock_execution_with_words_between_is_no_killing() -> None:
    found = claims("Командир у підвалі імітував їхній розстріл, стріляючи поруч.", "uk")
    assert {c["act"] for c in found} >= {"ill_treatment"} and "killing" not in {c["act"] for c in found}
    assert any("mock_execution" in c["methods"] for c in found)


@pytest.mark.parametrize(("text", "language"), [
    ("Soldiers detained Taras Hnatiuk in Kherson. At the commandant's office they said: no such person.", "en"),
    ("Мужа задержали в Мелитополе. В комендатуре говорят: у нас такого нет.", "ru"),
    ("Сусіда затримали в Херсоні, і відтоді ні слуху ні духу.", "uk"),
    ("Arrêté à Gao en mars, Issa Traoré est porté disparu depuis.", "fr"),
])
def test_an_arrest_the_authorities_deny_is_an_enforced_disappearance(text: str, language: str) -> None:
    assert "enforced_disappearance" in {v for c in claims(text, language) for v in c["violations"]}


def test_an_official_denial_names_no_perpetrator() -> None:
    c = only("Personne n'a été frappé par les militaires maliens au camp de Sévaré, affirme le colonel.", "fr")
    assert c["denial"] is True and c["perpetrators"] == []


def test_the_sentence_that_states_the_act_comes_first_in_the_evidence() -> None:
    """A finding quotes the evidence's first sentence: the act, not the scene before it."""
    text = ("(Fictional.) In March 2023 we lived near the Sévaré camp. Soldiers came at night. "
            "They beat my brother with cables until he fainted.")
    beating = next(c for c in extract_text(text, "en").claims if "beating" in c.methods)
    assert beating.evidence[0].quote == "They beat my brother with cables until he fainted."
    assert [e.start for e in beating.evidence[1:]] == sorted(e.start for e in beating.evidence[1:])


def test_a_negation_about_the_actor_or_the_next_verb_leaves_the_act() -> None:
    found = claims("No, it was not Wagner who beat me, it was the gendarmes.", "en")
    assert "ill_treatment" in [c["act"] for c in found]
    methods = {m for c in claims("Нас змушували стояти обличчям до стіни і не давали пити.", "uk")
               for m in c["methods"]}
    assert methods == {"stress_position", "deprivation_of_water"}
    assert claims("Током меня не били.", "ru") == []


def test_a_method_running_past_a_longer_act_term_is_kept() -> None:
    found = claims("They kept me alone in a cell for a month.", "en")
    assert {c["act"] for c in found} == {"detention", "ill_treatment"}
    assert {m for c in found for m in c["methods"]} == {"solitary_confinement"}
