"""Datelines say where and when a text was written, not where or when its acts happened."""

from __future__ import annotations

import pytest

from testimonia.extract.dateline import dateline_end
from testimonia.extract.pipeline import extract_text


@pytest.mark.parametrize(("text", "dateline"), [
    ("(Kyiv, October 19, 2022) – Russian forces held", "(Kyiv, October 19, 2022) –"),
    ("DAKAR, Senegal (AP) — Malian soldiers", "DAKAR, Senegal (AP) —"),
    ("GENEVA (31 January 2023) – The UN", "GENEVA (31 January 2023) –"),
    ("IZIOUM (Ukraine), 18 septembre 2022 (AFP) – Des habitants", "IZIOUM (Ukraine), 18 septembre 2022 (AFP) –"),
    ("КИЕВ, 12 сентября. /Укринформ/ — Российские военные", "КИЕВ, 12 сентября. /Укринформ/ —"),
    ("ХАРКІВ, 3 березня. /Укрінформ/. Харківська прокуратура", "ХАРКІВ, 3 березня. /Укрінформ/."),
    ("ГАО — Місцеві жителі", "ГАО — "),
    ("THE HAGUE, Feb 20 (Reuters) - Of 214", "THE HAGUE, Feb 20 (Reuters) -"),
    ("(Nairobi) – Les forces armées maliennes", "(Nairobi) –"),
    ("GENEVA, 25 September 2024 – The commission", "GENEVA, 25 September 2024 – "),
    ("BAMAKO, 9 février 2023 – Quatorze commerçants", "BAMAKO, 9 février 2023 – "),
    ("They held me in Kherson.", ""),
    ("Russian forces (the 64th brigade) — took him", ""),
    ("In March 2023 (I think) — they came", ""),
    ("Ils m'ont arrêté à Nampala.", ""),
])
def test_datelines_are_found_at_the_start_only(text: str, dateline: str) -> None:
    assert text[:dateline_end(text)] == dateline


@pytest.mark.slow
def test_a_datelines_place_and_date_are_not_those_of_the_acts() -> None:
    doc = extract_text("(Kyiv, October 19, 2022) – Russian forces detained dozens of residents and "
                       "beat them in a basement in Kherson in March 2022, a rights group said.", "en")
    places = {p["name"] for c in doc.claims for p in c.places}
    periods = {(c.period or {}).get("start") for c in doc.claims}
    assert "Kyiv" not in places and "Kherson" in places
    assert periods == {"2022-03-01"}


@pytest.mark.slow
@pytest.mark.parametrize(("text", "language"), [
    ("ВАРШАВА, 4 апреля. /PAP/ — Российские военные задержали мужчин на блокпосту в Буче.", "ru"),
    ("(Nairobi, 2 juillet 2024) – Des soldats ont détenu neuf civils dans une école de Niono.", "fr"),
])
def test_a_datelines_place_found_by_ner_is_not_that_of_the_acts(text: str, language: str) -> None:
    """A capital the gazetteer reads only through the NER model is the dateline's all the same."""
    places = {p["name"] for c in extract_text(text, language).claims for p in c.places}
    assert places and not places & {"Warsaw", "Nairobi"}, places


def _places(text: str, language: str) -> set[str]:
    return {p["name"] for c in extract_text(text, language).claims for p in c.to_json()["places"]}


@pytest.mark.parametrize(("text", "language", "town"), [
    ("VASYLKIV, Ukraine — Investigators said that nine men were held for a month in the basement "
     "of the town's school during the occupation.", "en", "Vasylkiv"),
    ("ХЕРСОН, 18 листопада — Після звільнення міста слідчі оглянули підвал, де окупанти тримали "
     "затриманих.", "uk", "Kherson"),
])
def test_the_town_a_text_refers_to_before_naming_one_is_the_datelines(text: str, language: str,
                                                                        town: str) -> None:
    assert town in _places(text, language)


def test_the_town_after_the_text_names_one_is_that_one() -> None:
    text = ("KYIV, July 3 (Reuters) - Nine residents of Enerhodar detained by Russian forces were held "
            "in the basement of the town administration.")
    assert _places(text, "en") == {"Enerhodar"}


def test_a_text_naming_no_place_is_at_its_dateline_when_its_forces_place_it_there() -> None:
    text = ("IZIOUM (Ukraine) – Dans le sous-sol du commissariat, des soldats russes ont détenu "
            "et battu des habitants pendant des semaines.")
    assert _places(text, "fr") == {"Izium"}


def test_a_dateline_abroad_stays_where_the_text_was_written() -> None:
    text = "GENEVA (31 January 2023) – The commission said detainees were beaten by Russian soldiers."
    assert _places(text, "en") == set()
