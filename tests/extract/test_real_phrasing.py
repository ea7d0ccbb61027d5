"""How reports and witnesses phrase what happened, on invented passages (pseudonyms only):
words in any inflection in every language, two acts in one word, who and where told after
the act, countries implied by a text's people and forces, and what a denial denies."""

from __future__ import annotations

from typing import Any

import pytest

from testimonia.extract.pipeline import extract_text

pytestmark = pytest.mark.slow  # loads the language models once per process


def claims(text: str, language: str) -> list[dict[str, Any]]:
    return [c.to_json() for c in extract_text(text, language).claims]


def field(text: str, language: str, name: str) -> set[str]:
    return {v for c in claims(text, language) for v in c[name]}


@pytest.mark.parametrize(("text", "language", "method"), [
    ("They laid Karim on a bench and poured water over a towel on his face.", "en", "waterboarding"),
    ("The guard pressed his cigarette into my forearm twice.", "en", "burning"),
    ("We were forced to carry sandbags to the trenches from dawn.", "en", "forced_labour"),
    ("For a week they kept us awake with a bucket banged against the door.", "en", "sleep_deprivation"),
    ("Ils lui ont accroché des pinces aux oreilles et ont tourné la manivelle.", "fr", "electric_shock"),
    ("On nous donnait une boule de tô le soir, rien d'autre.", "fr", "starvation"),
    ("Le soldat a tiré une rafale au-dessus de nos têtes en riant.", "fr", "mock_execution"),
    ("Чтобы никто не мог уснуть, охрана всю ночь включала гимн.", "ru", "sleep_deprivation"),
    ("Його змушували копати окопи під обстрілом.", "uk", "forced_labour"),
])
def test_a_method_described_not_named(text: str, language: str, method: str) -> None:
    assert method in field(text, language, "methods")


@pytest.mark.parametrize(("text", "language", "violation"), [
    ("Moussa was held for six weeks in Mopti without ever seeing a judge.", "en", "arbitrary_detention"),
    ("His wife has not been allowed to visit him since March, Ostap's lawyer said.", "en",
     "incommunicado_detention"),
    ("At the commandant's office in Kakhovka they told us he was never there.", "en", "enforced_disappearance"),
    ("Personne ne nous a jamais dit pourquoi on était là, au camp de Sofara.", "fr", "arbitrary_detention"),
    ("Родным отвечают, что такой человек у них не числится.", "ru", "enforced_disappearance"),
])
def test_a_violation_as_reports_phrase_it(text: str, language: str, violation: str) -> None:
    assert violation in field(text, language, "violations")


def test_detained_is_an_arrest_and_the_detention_it_began() -> None:
    acts = {c["act"] for c in claims("Soldiers detained two herders near Nara in May 2023.", "en")}
    assert {"arrest", "detention"} <= acts


def test_who_and_where_told_after_the_act_fill_the_claim() -> None:
    found = claims("They put a wet cloth on my face and poured water until I choked. That was the camp "
                   "in Nampala, in September 2023, and it was the white soldiers who did it.", "en")
    torture = next(c for c in found if "waterboarding" in c["methods"])
    assert [p["name"] for p in torture["places"]] == ["Nampala"]
    assert [p["canonical"] for p in torture["perpetrators"]] == ["wagner_group"]
    assert torture["period"]["start"] == "2023-09-01"
    assert len(torture["evidence"]) == 2  # the act's sentence, then the one that said where and who


def test_a_statement_after_the_act_does_not_name_who_did_it() -> None:
    found = claims("They beat us with cables in the cell. Russia's prison service said no one was ever "
                   "mistreated there.", "en")
    assert all(not c["perpetrators"] for c in found if not c["denial"])


def test_the_countries_a_text_implies_settle_an_ambiguous_place() -> None:
    found = claims("L'armée malienne a détenu douze bergers au camp de Nara pendant deux semaines.", "fr")
    assert {p["country"] for c in found for p in c["places"]} == {"ML"}


def test_guards_alone_name_no_force() -> None:
    assert field("The guards beat the men in the corridor of the SIZO in Kursk.", "en", "perpetrators") == set()


def test_a_denial_denies_acts_and_methods_not_violations() -> None:
    found = claims("The defence ministry said that no civilian had ever been executed in Dioura.", "en")
    assert found and all(c["denial"] and not c["violations"] for c in found)


def test_a_country_named_is_that_country_not_a_village_of_the_same_name() -> None:
    found = claims("Украинские правозащитники сообщают, что задержанных в Скадовске вывезли в Россию.", "ru")
    assert "RU" in {p["country"] for c in found for p in c["places"]}


@pytest.mark.parametrize(("text", "language"), [
    ("BAMAKO, 14 mai 2024 – Libérés la semaine dernière, sept jeunes détenus à Kayes n'ont jamais vu un juge.",
     "fr"),
    ("KYIV, 14 May 2024 – Three volunteers held in Enerhodar were released last week, relatives said.", "en"),
])
def test_last_week_in_a_report_counts_from_its_dateline(text: str, language: str) -> None:
    periods = {(c["period"]["start"], c["period"]["end"]) for c in claims(text, language) if c["period"]}
    assert ("2024-05-06", "2024-05-12") in periods  # the Monday-to-Sunday week before 14 May


def test_a_dateline_without_a_day_gives_no_reference() -> None:
    found = claims("(Nairobi) – Three herders held at Sofara were released last week, a rights group said.", "en")
    assert all(c["period"] is None or c["period"]["start"] is None for c in found)


def test_a_place_word_inside_a_quoted_name_is_no_place() -> None:
    found = claims("По информации «Восточной правозащитной группы», днровцы держали волонтёра в Донецке.", "ru")
    assert {p["name"] for c in found for p in c["places"]} == {"Donetsk"}


def test_a_route_reported_second_hand_still_starts_where_the_account_left_him() -> None:
    found = claims("По словам родных, днровцы держали волонтёра в Донецке. Затем его перевели в Оленовку, "
                   "а оттуда — в Таганрог, где он, по их данным, находится и сейчас.", "ru")
    legs = {(c["transfer"]["from"]["name"], c["transfer"]["to"]["name"]) for c in found if c["transfer"]}
    assert ("Donetsk", "Olenivka (Donetsk oblast)") in legs and ("Olenivka (Donetsk oblast)", "Taganrog") in legs


@pytest.mark.parametrize(("text", "language", "force"), [
    ("They made us stand with our arms raised for hours in Taganrog. The guards were from the FSIN, he said.",
     "en", "fsin"),
    ("Сына забрали в Мелитополе в октябре. Потом соседи сказали, что это были росгвардейцы.", "ru", "rosgvardia"),
])
def test_who_did_it_as_someone_told_it_afterwards(text: str, language: str, force: str) -> None:
    assert force in {p["canonical"] for c in claims(text, language) for p in c["perpetrators"]}


@pytest.mark.parametrize(("text", "language", "places"), [
    ("Deux militaires ont été arrêtés à Kidal, selon l'Observatoire sahélien des droits humains.", "fr", {"Kidal"}),
    ("Моего сына Артёма забрали в Мелитополе.", "ru", {"Melitopol"}),
])
def test_no_place_without_evidence(text: str, language: str, places: set[str]) -> None:
    assert {p["name"] for c in claims(text, language) for p in c["places"]} == places


def test_a_month_without_a_year_after_a_later_one_is_in_the_next_year() -> None:
    from testimonia.periods.finder import find_periods

    found = find_periods("In November 2022 they moved us to Melitopol, and from there, in early January, "
                         "to Taganrog.", "en")
    assert [(m.period.start, m.period.end) for m in found][-1] == ("2023-01-01", "2023-01-10")


def test_a_name_shown_to_be_a_persons_is_no_place_anywhere_in_the_text() -> None:
    found = claims("Моего сына Артёма забрали в Мелитополе. Потом один парень рассказал, что сидел с Артёмом "
                   "в подвале. Он сказал, что Артёма там сильно избили.", "ru")
    assert {p["name"] for c in found for p in c["places"]} == {"Melitopol"}
    assert all(not c["first_hand"] for c in found if "beating" in c["methods"])  # «он сказал, что …»


def test_a_plant_named_after_a_town_is_not_that_town() -> None:
    found = claims("Employees of the Zaporizhzhia nuclear plant were detained in Enerhodar in 2022.", "en")
    assert {p["name"] for c in found for p in c["places"]} == {"Enerhodar"}


def test_a_reports_group_moves_from_where_the_report_left_it() -> None:
    found = claims("The men were seized at checkpoints around Enerhodar in September 2022, a rights group "
                   "said. In November the men were taken to a detention facility in Melitopol, and from "
                   "there, in early January, to the pretrial detention centre in Taganrog.", "en")
    legs = {(c["transfer"]["from"]["name"], c["transfer"]["to"]["name"]) for c in found if c["transfer"]}
    assert {("Enerhodar", "Melitopol"), ("Melitopol", "Taganrog")} <= legs


def test_a_length_after_an_exact_day_is_a_range_not_that_day() -> None:
    found = claims("On 4 March 2023 soldiers arrested me in Nampala. After about two weeks I was moved "
                   "to Bamako.", "en")
    moved = next(c for c in found if c["act"] == "transfer")
    assert (moved["period"]["start"], moved["period"]["end"]) == ("2023-03-04", "2023-03-18")


def test_each_leg_of_a_route_keeps_its_own_date() -> None:
    found = claims("In November 2022 the men were taken from Enerhodar to a detention facility in Melitopol, "
                   "and from there, in early January, to the pretrial detention centre in Taganrog.", "en")
    legs = {c["transfer"]["to"]["name"]: c["period"]["start"] for c in found if c["transfer"]}
    assert legs == {"Melitopol": "2022-11-01", "Taganrog": "2023-01-01"}


# Methods as witnesses and reports describe them rather than name them: the dictionary form of
# the verb with its usual object, in each language (vocab/methods.yaml).
DESCRIBED_METHODS = [
    ("Oleg came back from interrogation covered in bruises.", "en", "beating"),
    ("They hooked Ivan up to a car battery and switched it on.", "en", "electric_shock"),
    ("One guard pressed his forearm against my throat until I could not breathe.", "en", "suffocation"),
    ("They pushed my head into a barrel of water again and again.", "en", "waterboarding"),
    ("We were given a slice of bread and a bowl of thin soup once a day.", "en", "starvation"),
    ("We had to drink water from the toilet cistern.", "en", "deprivation_of_water"),
    ("The light in the cell was on twenty-four hours a day.", "en", "sleep_deprivation"),
    ("Taras spent two months in a cell on his own.", "en", "solitary_confinement"),
    ("They made him stand on tiptoe with his arms stretched out.", "en", "stress_position"),
    ("They put a pistol to the back of my head and pulled the trigger; it was empty.", "en", "mock_execution"),
    ("They threatened to castrate him.", "en", "sexual_violence"),
    ("They warned me that my son would be next.", "en", "threats"),
    ("I signed whatever they put in front of me.", "en", "forced_confession"),
    ("They broke his nose in the first week.", "en", "amputation_or_mutilation"),
    ("His wounds festered because nobody treated them.", "en", "denial_of_medical_care"),
    ("They bound his wrists with plastic ties.", "en", "restraint"),
    ("They played Russian songs at full volume all night.", "en", "loud_music"),
    ("The prisoners were made to clear rubble without pay.", "en", "forced_labour"),
    ("They made him kiss the Russian flag.", "en", "humiliation"),
    ("Forty men were squeezed into a room of twelve square metres.", "en", "overcrowding"),
    ("They kept us in an unheated cell in winter.", "en", "exposure_to_extreme_temperature"),
    ("A dog was set on Mykola in the yard.", "en", "dog_attack"),
    ("Il est revenu de l'interrogatoire couvert de bleus.", "fr", "beating"),
    ("Ils faisaient passer du courant dans son corps avec un générateur.", "fr", "electric_shock"),
    ("Un soldat lui serrait la gorge jusqu'à ce qu'il ne puisse plus respirer.", "fr", "suffocation"),
    ("Ils lui plongeaient la tête dans un bidon d'eau.", "fr", "waterboarding"),
    ("On mangeait une fois tous les deux jours.", "fr", "starvation"),
    ("On buvait l'eau des toilettes.", "fr", "deprivation_of_water"),
    ("La lumière restait allumée vingt-quatre heures sur vingt-quatre.", "fr", "sleep_deprivation"),
    ("Ils nous ont fait allonger face contre terre pendant des heures.", "fr", "stress_position"),
    ("Ils lui ont mis un pistolet sur la nuque et ont appuyé sur la détente.", "fr", "mock_execution"),
    ("Ils l'ont menacé de castration.", "fr", "sexual_violence"),
    ("Ils m'ont prévenu que mon fils serait le prochain.", "fr", "threats"),
    ("J'ai signé tout ce qu'ils m'ont mis devant moi.", "fr", "forced_confession"),
    ("Ils lui ont coupé un doigt.", "fr", "amputation_or_mutilation"),
    ("Ses plaies se sont infectées faute de soins.", "fr", "denial_of_medical_care"),
    ("Ils nous ont scotché les yeux.", "fr", "hooding_or_blindfolding"),
    ("Elle a été interrogée nue.", "fr", "forced_nudity"),
    ("Ils lâchaient un chien sur ceux qui traînaient.", "fr", "dog_attack"),
    ("Ils passaient des chansons russes à plein volume toute la nuit.", "fr", "loud_music"),
    ("On devait décharger des obus des camions.", "fr", "forced_labour"),
    ("Ils l'ont obligé à embrasser le drapeau russe.", "fr", "humiliation"),
    ("Il n'y avait pas de chauffage dans la cellule.", "fr", "exposure_to_extreme_temperature"),
    ("On entendait les hurlements de ceux qu'on torturait en bas.", "fr", "witnessing_torture"),
    ("Он вернулся с допроса весь в синяках.", "ru", "beating"),
    ("Солдаты били его электрической дубинкой.", "ru", "electric_shock"),
    ("Один сдавливал ему горло, пока он не начал задыхаться.", "ru", "suffocation"),
    ("Его голову опускали в бочку с водой.", "ru", "waterboarding"),
    ("Кормили через день.", "ru", "starvation"),
    ("Пили воду из унитаза.", "ru", "deprivation_of_water"),
    ("Свет горел круглые сутки.", "ru", "sleep_deprivation"),
    ("Весь день стоять, сесть нельзя.", "ru", "stress_position"),
    ("Вывели во двор и выстрелили над головой.", "ru", "mock_execution"),
    ("Угрожали кастрировать.", "ru", "sexual_violence"),
    ("Обещали вывезти в лес и закопать.", "ru", "threats"),
    ("Подписал всё, что сказали.", "ru", "forced_confession"),
    ("Отрубили палец.", "ru", "amputation_or_mutilation"),
    ("Раны загноились, никто их не лечил.", "ru", "denial_of_medical_care"),
    ("Держали раздетыми в холодной камере.", "ru", "forced_nudity"),
    ("На отстающих спускали собаку.", "ru", "dog_attack"),
    ("Руки стянули пластиковыми стяжками.", "ru", "restraint"),
    ("Всю ночь на полную громкость крутили русские песни.", "ru", "loud_music"),
    ("Заставляли пленных строить укрепления.", "ru", "forced_labour"),
    ("Заставили ползать и лаять по-собачьи.", "ru", "humiliation"),
    ("Нас было тридцать в камере на шестерых.", "ru", "overcrowding"),
    ("В камере не было отопления.", "ru", "exposure_to_extreme_temperature"),
    ("Він повернувся з допиту весь у синцях.", "uk", "beating"),
    ("Мене підключали до автомобільного акумулятора дротами.", "uk", "electric_shock"),
    ("Заклеїли йому рот і ніс скотчем, поки він не знепритомнів.", "uk", "suffocation"),
    ("Годували через день.", "uk", "starvation"),
    ("Пили воду з унітазу.", "uk", "deprivation_of_water"),
    ("Лягати вдень заборонялося.", "uk", "sleep_deprivation"),
    ("Годинами тримали навприсядки.", "uk", "stress_position"),
    ("Вивели у двір і вистрілили над головою.", "uk", "mock_execution"),
    ("Погрожували каструвати.", "uk", "sexual_violence"),
    ("Попередив, що знають, де живе моя мати.", "uk", "threats"),
    ("Змушували записувати відеозвернення.", "uk", "forced_confession"),
    ("Дверима затискали пальці.", "uk", "amputation_or_mutilation"),
    ("Він помер, не отримавши медичної допомоги.", "uk", "denial_of_medical_care"),
    ("Тримали роздягненими в холодній камері.", "uk", "forced_nudity"),
    ("На тих, хто відставав, спускали собаку.", "uk", "dog_attack"),
    ("З динаміків годинами грала одна й та сама пісня.", "uk", "loud_music"),
    ("Їх примушували до праці на будівництві.", "uk", "forced_labour"),
    ("Його змусили цілувати російський прапор.", "uk", "humiliation"),
    ("Сорок людей напхали в кімнату дванадцять квадратних метрів.", "uk", "overcrowding"),
    ("Тримали в неопалюваній камері взимку.", "uk", "exposure_to_extreme_temperature"),
]


@pytest.mark.parametrize(("text", "language", "method"), DESCRIBED_METHODS)
def test_a_method_in_the_words_of_those_who_lived_it(text: str, language: str, method: str) -> None:
    assert method in field(text, language, "methods")


@pytest.mark.parametrize(("text", "language", "violation"), [
    ("Moussa is being held illegally, his lawyer said.", "en", "arbitrary_detention"),
    ("Since then his family has heard nothing from him.", "en", "incommunicado_detention"),
    ("The authorities refuse to confirm that they are holding Amadou.", "en", "enforced_disappearance"),
    ("He was taken away by soldiers and his body was found two days later.", "en", "extrajudicial_killing"),
    ("Il a été arrêté sans aucun fondement légal.", "fr", "arbitrary_detention"),
    ("Trois semaines au camp, sans que ma femme sache où j'étais.", "fr", "incommunicado_detention"),
    ("Au camp ils disent qu'ils ne connaissent personne de ce nom.", "fr", "enforced_disappearance"),
    ("Il a été emmené par des soldats et son corps a été retrouvé deux jours plus tard.", "fr",
     "extrajudicial_killing"),
    ("Его держат восемь месяцев без предъявления обвинений.", "ru", "arbitrary_detention"),
    ("Адвоката не дали, жене не сообщили.", "ru", "incommunicado_detention"),
    ("Сына задержали в мае, а в комендатуре говорили: не задерживали.", "ru", "enforced_disappearance"),
    ("Соседа вывели во двор, а потом нашли его с дыркой в голове.", "ru", "extrajudicial_killing"),
    ("Його затримали без будь-яких підстав.", "uk", "arbitrary_detention"),
    ("Подзвонити рідним нам не дали.", "uk", "incommunicado_detention"),
    ("У таборі кажуть, що людини з таким прізвищем у них немає.", "uk", "enforced_disappearance"),
    ("Його забрали кадирівці, а потім знайшли на узбіччі з простреленою головою.", "uk",
     "extrajudicial_killing"),
])
def test_a_violation_in_the_words_of_relatives_and_reports(text: str, language: str, violation: str) -> None:
    assert violation in field(text, language, "violations")


@pytest.mark.parametrize(("text", "language", "wrong"), [
    ("Ми жили в Голій Пристані до війни.", "uk", "forced_nudity"),  # Hola Prystan, a town
    ("Les combats se sont arrêtés en mars près de la frontière.", "fr", "arrest"),  # fighting stopped
    ("Ils ont dit avoir été soumis à de violents passages à tabac.", "fr", "sexual_violence"),  # violent
    ("Le médecin passait chaque matin et changeait ses pansements.", "fr", "denial_of_medical_care"),
    ("Меня никто не задерживал, я просто видел колонну техники на трассе.", "ru", "enforced_disappearance"),
    ("Охранник колотит в дверь и орёт «Подъём!».", "ru", "beating"),  # waking people, not beating them
])
def test_ordinary_words_near_the_new_phrasings_allege_nothing_of_the_kind(text: str, language: str,
                                                                          wrong: str) -> None:
    found = claims(text, language)
    assert wrong not in {c["act"] for c in found} | {v for c in found for v in c["methods"] + c["violations"]}
