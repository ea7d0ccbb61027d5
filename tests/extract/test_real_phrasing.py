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
    ("For a year the authorities answered every inquiry by saying Ostap was not in their custody.", "en",
     "enforced_disappearance"),
    ("Les douze bergers enlevés près de Léré restent introuvables, selon leurs proches.", "fr",
     "enforced_disappearance"),
    ("Півтора року в Бердянську — жодного листа, жодного дзвінка.", "uk", "incommunicado_detention"),
    ("Le jeune homme n'a été présenté au procureur que trois semaines plus tard, au-delà du délai légal.", "fr",
     "arbitrary_detention"),
])
def test_a_violation_as_reports_phrase_it(text: str, language: str, violation: str) -> None:
    assert violation in field(text, language, "violations")


def test_detained_is_an_arrest_and_the_detention_it_began() -> None:
    acts = {c["act"] for c in claims("Soldiers detained two herders near Nara in May 2023.", "en")}
    assert {"arrest", "detention"} <= acts


@pytest.mark.parametrize(("text", "language"), [
    ("Его забрали ночью в Мелитополе.", "ru"),
    ("Її забрали вночі в Мелітополі.", "uk"),
    ("Їх забрали з дому в Херсоні.", "uk"),
])
def test_taken_with_the_pronoun_first_is_an_arrest(text: str, language: str) -> None:
    assert "arrest" in {c["act"] for c in claims(text, language)}


@pytest.mark.parametrize(("text", "language"), [
    ("Oleksii shared my cell in Kherson. nobody saw him after they took him away.", "en"),
    ("They took my brother out of the cell in Nova Kakhovka and we never saw him again.", "en"),
    ("Ils ont emmené mon frère au camp de Kati. Personne ne l'a revu depuis.", "fr"),
    ("Его забрали военные ночью в Херсоне. Больше его никто не видел.", "ru"),
    ("Його забрали військові вночі в Херсоні. Більше його ніхто не бачив.", "uk"),
])
def test_a_person_never_seen_again_is_a_disappearance(text: str, language: str) -> None:
    """The act, not the violation: enforced disappearance also needs the authorities'
    refusal to acknowledge it (vocab/violations.yaml)."""
    found = claims(text, language)
    assert "disappearance" in {c["act"] for c in found}
    assert "enforced_disappearance" not in {v for c in found for v in c["violations"]}


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


def perpetrators(text: str, language: str) -> set[str]:
    return {p["canonical"] for c in claims(text, language) for p in c["perpetrators"]}


def places(text: str, language: str) -> set[str]:
    return {p["name"] for c in claims(text, language) for p in c["places"]}


def legs(text: str, language: str) -> set[tuple[str, str]]:
    return {(t["from"]["name"], t["to"]["name"]) for t in extract_text(text, language).to_json()["transfers"]}


def named_forces(text: str, language: str) -> set[str]:
    return {m.value["canonical"] for m in extract_text(text, language).of_kind("perpetrator")}


@pytest.mark.parametrize(("text", "language", "force"), [
    # "the Russians" where the text's places are: the Central African Republic, not Russia
    ("À Bambari, les Russes nous ont frappés avec des crosses. Les Russes riaient.", "fr", "wagner_group"),
    # a dateline abroad does not decide it either
    ("NIAMEY (AFP) – Two herders said Russian-speaking fighters tied them to a tree in Ansongo.", "en",
     "wagner_group"),
    ("The Kadyrov people took my brother in Grozny and beat him.", "en", "chechen_akhmat_forces"),
    # the marking of Russia's forces in Ukraine, as witnesses describe them
    ("In Nova Kakhovka soldiers with the letter Z on their vehicles put a bag over my head.", "en",
     "russian_armed_forces"),
    ("À Kherson, des soldats dans des camions marqués d'un Z m'ont frappé.", "fr", "russian_armed_forces"),
    ("В Херсоне меня избили военные на машинах с буквой Z.", "ru", "russian_armed_forces"),
    ("У Херсоні мене били військові на машинах з літерою Z.", "uk", "russian_armed_forces"),
])
def test_a_name_that_depends_on_context_is_read_where_the_text_places_it(text: str, language: str,
                                                                          force: str) -> None:
    assert perpetrators(text, language) == {force}


@pytest.mark.parametrize(("text", "language", "force"), [
    ("Потім у Ізюмі його передали військовій поліції.", "uk", "russian_military_police"),
    ("В Херсоне его передали военной полиции.", "ru", "russian_military_police"),
    ("Через месяц его передали жандармам в Кати.", "ru", "malian_gendarmerie"),
    ("Через місяць його передали жандармам у Каті.", "uk", "malian_gendarmerie"),
    ("В Бамако блогера задержали сотрудники Государственной безопасности Мали.", "ru", "malian_state_security"),
    ("Його тримали в Бамако, у приміщенні держбезпеки.", "uk", "malian_state_security"),
])
def test_a_force_named_in_any_case(text: str, language: str, force: str) -> None:
    assert force in named_forces(text, language)


@pytest.mark.parametrize(("text", "language", "forces"), [
    ("At Kati a gendarme slapped me every time my head dropped.", "en", {"malian_gendarmerie"}),
    ("À Kati, un gendarme me giflait chaque fois que je m'endormais.", "fr", {"malian_gendarmerie"}),
    ("В Херсоне фээсбэшники приезжали по ночам и избивали задержанных.", "ru", {"fsb"}),
    ("У Маріуполі кадировці били нас прикладами.", "uk", {"chechen_akhmat_forces"}),
    ("Малійські солдати з білими затримали нас під Гао.", "uk", {"fama", "wagner_group"}),
    ("Au camp de Niono, deux Blancs me tenaient la tête dans l'eau.", "fr", {"wagner_group"}),
    ("Malian soldiers and their foreign partners detained twenty herders in Dioura.", "en",
     {"fama", "wagner_group"}),
    ("In Vyazma the prison spetsnaz beat us with batons.", "en", {"fsin"}),
    ("В колонии в Рязани сотрудники колонии избивали нас каждый день.", "ru", {"fsin"}),
    ("В Оленівці охоронці били нас кийками.", "uk", set()),  # plain guards name no force
])
def test_how_witnesses_name_a_force(text: str, language: str, forces: set[str]) -> None:
    assert perpetrators(text, language) == forces


@pytest.mark.parametrize(("text", "language", "forces"), [
    # a generic name followed by the force's own name, or right after it
    ("Боевики «Исламского государства в Сахеле» похитили учителя под Менакой.", "ru", {"islamic_state_sahel"}),
    ("Les soldats russes de l'Africa Corps ont battu les détenus au camp de Gao.", "fr", {"africa_corps"}),
    ("Africa Corps troops, who replaced Wagner in 2025, detained four men near Nara.", "en", {"africa_corps"}),
    # the force another replaced
    ("Ce n'étaient plus les Wagner, c'étaient ceux de l'Africa Corps qui m'ont frappé à Gao.", "fr",
     {"africa_corps"}),
    # a force named as a site's kind, where another acted
    ("Russian-speaking fighters kept us in a container at the army camp in Ségou.", "en", {"wagner_group"}),
    # whom the victim was said to help, or whom the captors asked about
    ("They said I was passing coordinates to the SBU and kept me in a garage in Hola Prystan.", "en", set()),
    ("Ils disaient que j'avais donné à manger aux jihadistes et ils m'ont frappé au camp de Macina.", "fr", set()),
    ("Вагнерівці били мене прикладом у таборі біля Мопті й питали, де джихадисти.", "uk", {"wagner_group"}),
    # a force that speaks in a report is the statement's source; a captor who speaks is a captor
    ("Russia's prison service said in a statement that the prisoners held in Kursk were fed well.", "en", set()),
    ("The FSB investigator said I would sign. They held me in Simferopol for a month.", "en", {"fsb"}),
    # a force only supposed, named after the act
    ("Pendant l'hivernage 2022, on nous gardait au camp de Diéma. Le soir, les militaires maliens et les "
     "toubabs passaient choisir ceux qu'ils allaient interroger.", "fr", {"fama", "wagner_group"}),
    ("Le lieutenant m'a dit : si tu ne parles pas, on te remet aux Russes. Ils m'ont gardé deux jours au "
     "camp de Kita.", "fr", set()),
])
def test_who_is_named_but_did_not_act(text: str, language: str, forces: set[str]) -> None:
    assert perpetrators(text, language) == forces


@pytest.mark.parametrize(("text", "language", "where"), [
    # a town of the testimonies' countries before a bigger namesake abroad
    ("They arrested my husband at the Nara bus station.", "en", {"Nara"}),
    ("Au camp de Kita, on m'a frappé avec une ceinture.", "fr", {"Kita"}),
    ("Меня держали в подвале в Токмаке.", "ru", {"Tokmak"}),
    ("Les gendarmes de Koro m'ont frappé avec un câble.", "fr", {"Koro"}),
    # where a statement was made, and a landmark to measure from
    ("Dans un rapport publié jeudi à Genève, l'ONU indique que des détenus ont été battus à Taganrog.", "fr",
     {"Taganrog"}),
    ("Як заявив журналістам у Києві омбудсман, полонених били в Таганрозі.", "uk", {"Taganrog"}),
    ("Військові затримали 20 чоловіків у Нампалі, приблизно за 80 кілометрів від Ніоно.", "uk", {"Nampala"}),
    # a capital for its government, a ministry's name
    ("The Moscow-installed administration in Enerhodar detained two engineers.", "en", {"Enerhodar"}),
    ("L'administration installée par Moscou à Enerhodar a détenu deux ingénieurs.", "fr", {"Enerhodar"}),
    ("Selon le ministère de la Défense, deux hommes ont été détenus à Kati.", "fr", {"Kati"}),
    # a town's adjective before a site is the town; before a region or a body it is none
    ("Мене два місяці тримали в бердянському ізоляторі.", "uk", {"Berdiansk"}),
    ("Его держали во владимирском СИЗО без обвинения.", "ru", {"Vladimir"}),
    ("Його етапували в Ряжськ Рязанської області.", "uk", {"Ryazhsk"}),
    ("Кримська правозахисна група задокументувала, що жителя Скадовська тримали в підвалі.", "uk", {"Skadovsk"}),
    # where someone comes from, unless the sentence goes back to it
    ("Un bénévole de Volnovakha a été détenu six semaines à Donetsk.", "fr", {"Donetsk"}),
    ("Des éleveurs originaires du cercle de Léré ont été détenus au camp de Niafunké.", "fr", {"Niafunké"}),
    ("Волонтёра из Мариуполя держали в Донецке два месяца.", "ru", {"Donetsk"}),
    ("Un pêcheur de Hola Prystan a été détenu trois mois dans une cave de la ville.", "fr", {"Hola Prystan"}),
    ("A student from Oleshky was detained at his home in January.", "en", {"Oleshky"}),
    # residents who report what happened where they live, when nothing else names a place
    ("Des habitants de Ménaka affirment que des soldats ont arrêté trois bergers.", "fr", {"Ménaka"}),
])
def test_a_place_only_where_the_text_puts_the_act(text: str, language: str, where: set[str]) -> None:
    assert places(text, language) == where


@pytest.mark.parametrize(("text", "language", "route"), [
    ("Soldiers detained my son in Kakhovka in 2022. A year later a letter came: he is in the SIZO in "
     "Simferopol.", "en", {("Kakhovka", "Simferopol")}),
    ("Ils m'ont arrêté à Bourem et le soir même j'étais au camp de Gao.", "fr", {("Bourem", "Gao")}),
    ("Брата задержали в Мелитополе в сентябре. Через полгода пришло письмо: он в Таганроге, в СИЗО.", "ru",
     {("Melitopol", "Taganrog")}),
    ("Сина затримали в Каховці. Потім подзвонили з Червоного Хреста — він у СІЗО в Сімферополі.", "uk",
     {("Kakhovka", "Simferopol")}),
    # no one is put anywhere by a negation, nor in a refugee camp
    ("Soldiers detained my son in Kakhovka. I went to the SIZO in Simferopol, but he was not there.", "en",
     set()),
    ("Задержанных держали в Севаре. Сейчас они живут в лагере беженцев Мбера.", "ru", set()),
    # a town 9 km from the one with the facility is another town
    ("Мене затримали в Олешках. Вивезли в Херсон, в ІТТ.", "uk", {("Oleshky", "Kherson")}),
    ("Меня перевели из мелитопольского ИВС в Симферополь.", "ru", {("Melitopol", "Simferopol")}),
])
def test_a_transfer_told_by_where_the_person_turned_up(text: str, language: str,
                                                       route: set[tuple[str, str]]) -> None:
    assert legs(text, language) == route


@pytest.mark.parametrize(("text", "language"), [
    # described by their uniform
    ("Men in Russian uniform took my father from our house in Hola Prystan and beat him.", "en"),
    ("Des hommes en uniforme russe ont frappé mon père à Kherson.", "fr"),
    ("Люди в российской форме забрали отца из дома в Голой Пристани и избили его.", "ru"),
    ("Люди в російській формі забрали батька з дому в Голій Пристані й побили.", "uk"),
    # by the state's abbreviation
    ("Військові РФ затримали його на блокпосту біля Василівки.", "uk"),
    # by a unit of a kind only Russia's army has, or a Russian military unit's number
    ("Servicemen of the 64th Separate Guards Motor Rifle Brigade detained the villagers in Bucha.", "en"),
    ("Des militaires de la 64e brigade de fusiliers motorisés ont détenu des habitants de Boutcha.", "fr"),
    ("Военнослужащие 64-й отдельной мотострелковой бригады избивали жителей Бучи.", "ru"),
    ("Нас держали в подвале в Ягодном, охраняли солдаты из в/ч 12721.", "ru"),
])
def test_russian_forces_described_or_numbered(text: str, language: str) -> None:
    assert perpetrators(text, language) == {"russian_armed_forces"}


def test_the_witness_own_unit_is_no_perpetrator() -> None:
    assert perpetrators("I served in the 36th Marine Brigade; we were captured in Mariupol and held in "
                        "Olenivka.", "en") == set()


@pytest.mark.parametrize(("text", "language", "where"), [
    # the area around a place introduces it as well as a preposition does
    ("Полонених били в околицях Оленівки.", "uk", {"Olenivka (Donetsk oblast)"}),
    # a town named with its region is the town of that region
    ("Меня держали в подвале в селе Михайловка Запорожской области.", "ru", {"Mykhaylivka"}),
    ("On m'a détenu dans le village de Mikhaïlivka, dans la région de Zaporijjia.", "fr", {"Mykhaylivka"}),
    # names that decline like adjectives
    ("Нас держали на фильтрации в Безыменном трое суток.", "ru", {"Bezimenne"}),
    ("Нас тримали на фільтрації в Безіменному три доби.", "uk", {"Bezimenne"}),
])
def test_how_reports_introduce_a_place(text: str, language: str, where: set[str]) -> None:
    assert places(text, language) == where
    assert {p["country"] for c in claims(text, language) for p in c["places"]} == {"UA"}


@pytest.mark.parametrize(("text", "language", "route"), [
    # "from there" on to the next place, with no word that moves anyone
    ("D'abord ils nous ont gardés deux semaines à l'ITT de Kherson, ensuite camion jusqu'à Simferopol, au "
     "SIZO. Et de là, en février 2023, un convoi de nuit jusqu'à Koursk.", "fr",
     {("Kherson", "Simferopol"), ("Simferopol", "Kursk")}),
    ("Потім його вивезли до Валуйок. Звідти він потрапив до Старого Оскола, там і сидить досі.", "uk",
     {("Valuyki", "Staryy Oskol")}),
    ("Меня держали в Мелитополе месяц. Оттуда — в Симферополь, в СИЗО.", "ru", {("Melitopol", "Simferopol")}),
    # the speaker's own journey about someone else's arrest is no transfer
    ("They arrested my son in Kherson. From there, we went to Odesa to ask the lawyers for help.", "en", set()),
    # a French "de" after a site names whose it is, not where from; going back in the story is no move
    ("Selon ZMINA, une enseignante de Berdiansk a été transférée en août dans un centre de détention "
     "provisoire de Moscou. Pendant les premiers mois, passés dans un sous-sol à Berdiansk, elle a été "
     "battue.", "fr", set()),
    # a street is no stop
    ("Сначала меня держали в Донецке, в здании на Университетской, а в марте перевели в колонию в Макеевке.",
     "ru", {("Donetsk", "Makiyivka")}),
])
def test_a_route_told_without_a_verb_or_with_a_false_start(text: str, language: str,
                                                           route: set[tuple[str, str]]) -> None:
    assert legs(text, language) == route


@pytest.mark.parametrize(("text", "language", "where"), [
    # a capitalised word before or after the name that is no part of it
    ("In Morshansk I heard them beat the boy in the next cell every night.", "en", {"Morshansk"}),
    ("КИЇВ, 2 листопада. /кор./ — Житель Нової Каховки розповів, що його чотири доби тримали в місцевому "
     "райвідділі.", "uk", {"Nova Kakhovka"}),
    # what someone said, not where they said it
    ("A released medic said two prisoners in Olenivka were refused treatment for weeks.", "en",
     {"Olenivka (Donetsk oblast)"}),
    # the office that reports
    ("D'après le parquet régional de Kharkiv, les occupants ont détenu quinze habitants de Koupiansk dans "
     "le sous-sol de la gare.", "fr", {"Kupyansk"}),
    ("Investigators from the Kharkiv regional prosecutor's office said Russian troops detained 40 people at a "
     "plant in Vovchansk.", "en", {"Vovchansk"}),
])
def test_a_place_read_in_its_sentence(text: str, language: str, where: set[str]) -> None:
    assert places(text, language) == where


@pytest.mark.parametrize(("text", "language"), [
    ("The officer told me that if I did not sign they would beat me until I could not stand.", "en"),
    ("Le chef m'a dit : « Si tu ne parles pas, on va te frapper à mort. »", "fr"),
    ("Следователь говорил, что если я не подпишу, меня будут бить током.", "ru"),
    ("Конвоїр сказав: «Не розкажеш, де зброя, — пальці по одному поламаємо».", "uk"),
])
def test_violence_announced_for_a_demand_is_a_threat(text: str, language: str) -> None:
    """A demand put to the detainee in speech, with the violence it announces: a threat,
    and not the violence itself."""
    methods = field(text, language, "methods")
    assert "threats" in methods
    assert not methods & {"beating", "electric_shock", "amputation_or_mutilation"}


@pytest.mark.parametrize(("text", "language"), [
    ("If they had found the radio on me, they would have killed me there.", "en"),
    ("S'ils avaient trouvé la radio, ils m'auraient frappé.", "fr"),
])
def test_a_hypothesis_outside_speech_alleges_nothing(text: str, language: str) -> None:
    assert not field(text, language, "methods")


@pytest.mark.parametrize(("text", "language", "method"), [
    ("We stood with our hands up all day, and if an arm came down the guard hit us with a stick.", "en",
     "beating"),
    ("Если кто-то засыпал на проверке, конвоир бил его дубинкой.", "ru", "beating"),
    ("Якщо хтось збивався з гімну, охоронець бив його кийком.", "uk", "beating"),
])
def test_if_telling_what_happened_each_time_alleges_it(text: str, language: str, method: str) -> None:
    assert method in field(text, language, "methods")


def test_a_threat_is_kept_under_a_condition() -> None:
    text = "Ils m'ont dit que si je ne donnais pas les noms, ils allaient brûler ma maison."
    assert "threats" in field(text, "fr", "methods")


@pytest.mark.parametrize(("text", "language", "methods"), [
    ("On l'a frappé à coups de matraque électrique pendant l'interrogatoire à Gao.", "fr",
     {"beating", "electric_shock"}),
    ("Au camp de Sévaré, on restait enfermés à quarante dans un conteneur.", "fr",
     {"confinement_in_container", "overcrowding"}),
])
def test_two_methods_meeting_on_a_word_are_both_kept(text: str, language: str, methods: set[str]) -> None:
    assert methods <= field(text, language, "methods")


def test_an_official_statement_that_nobody_was_beaten_is_a_denial() -> None:
    text = ("The gendarmerie's command said in a statement that nobody had ever been beaten or "
            "deprived of food at the camp in Bamako.")
    found = claims(text, "en")
    assert {"beating", "starvation"} <= {m for c in found for m in c["methods"]}
    assert all(c["denial"] for c in found if c["methods"])


@pytest.mark.parametrize(("text", "language", "act"), [
    ("В плен я попал под Мариуполем в апреле.", "ru", "arrest"),
    ("Нас узяли в полон під Маріуполем у квітні.", "uk", "arrest"),
    ("В Мелитополе людей по подвалам держат неделями.", "ru", "detention"),
])
def test_capture_and_holding_in_their_usual_words(text: str, language: str, act: str) -> None:
    assert act in {c["act"] for c in claims(text, language)}


def test_a_ministry_denying_a_place_is_a_denial_at_that_place() -> None:
    text = ("Russia's Defence Ministry said its servicemen had never held civilians at the police "
            "station in Kherson.")
    found = [c for c in claims(text, "en") if c["denial"]]
    assert found and {p["name"] for c in found for p in c["places"]} == {"Kherson"}


@pytest.mark.parametrize(("text", "language", "method"), [
    ("Током меня не пытали, но я слышал, как пытают других.", "ru", "electric_shock"),
    ("Електрошокером мене не били, а хлопців з моєї камери — постійно.", "uk", "electric_shock"),
    ("Moi, on ne m'a pas fait le courant, mais mon voisin de lit, si, plusieurs fois.", "fr", "electric_shock"),
])
def test_not_to_me_but_to_the_others_is_alleged(text: str, language: str, method: str) -> None:
    assert method in field(text, language, "methods")


def test_no_before_a_noun_negates_that_noun_only() -> None:
    text = "Many said they had been held in rooms with no toilet and too little space to lie down."
    assert "overcrowding" in field(text, "en", "methods")


def test_a_method_inside_a_violations_words_is_kept() -> None:
    text = "We found the three of them by the road near Bria, their hands tied with wire, all dead."
    assert "restraint" in field(text, "en", "methods")


def test_a_demand_reaches_past_its_own_clause() -> None:
    text = ("Le lieutenant m'a dit : « Si demain tu ne donnes pas les noms, on te met dans le conteneur "
            "avec les chiens. »")
    assert field(text, "fr", "methods") == {"threats"}


def test_a_counterfactual_if_alleges_nothing_even_inside_its_condition() -> None:
    text = ("If the soldiers had found my brother's phone at the checkpoint, they would have taken me "
            "to the camp and beaten me.")
    assert not field(text, "en", "methods")


@pytest.mark.parametrize(("text", "language"), [
    ("The officer said that if I didn't give him my brother's address, my mother would lose her flat by Friday.",
     "en"),
    ("Le commandant répétait que si je ne signais pas, mes enfants iraient dormir à la gendarmerie.", "fr"),
    ("Оперативник сказал: «Не назовёшь фамилии — жена поедет в Донецк вместо тебя».", "ru"),
    ("Він сказав: «Не скажеш пароль — твоя мати більше тебе не побачить».", "uk"),
])
def test_a_demand_with_any_consequence_is_a_threat(text: str, language: str) -> None:
    """An ultimatum in the captors' speech is a threat even when what it announces is no
    violence of the vocabularies."""
    assert "threats" in field(text, language, "methods")


@pytest.mark.parametrize(("text", "language"), [
    ("Слідчий сказав: «Не підпишеш — поїдеш в Оленівку». Я так і не підписав.", "uk"),
    ("Следователь сказал: «Не подпишешь — поедешь в Ростов». Я отказался.", "ru"),
])
def test_what_a_demand_asks_is_not_alleged(text: str, language: str) -> None:
    assert "forced_confession" not in field(text, language, "methods")


@pytest.mark.parametrize(("text", "language", "method"), [
    ("The guard put his cigarettes out on the back of my neck, one after another.", "en", "burning"),
    ("They made me listen while they did it to the boy from the next cell.", "en", "witnessing_torture"),
    ("On était en plein soleil, le conteneur était comme un four.", "fr", "exposure_to_extreme_temperature"),
    ("Ils m'ont gardé trois semaines avec une cagoule noire sur la tête.", "fr", "hooding_or_blindfolding"),
    ("На лицо положили тряпку и лили из чайника.", "ru", "waterboarding"),
    ("В камере ночью врубали гимн на всю, по кругу.", "ru", "loud_music"),
    ("Світло не вимикали ніколи, і заснути було неможливо.", "uk", "sleep_deprivation"),
    ("Хлопцю відрізали фалангу пальця.", "uk", "amputation_or_mutilation"),
])
def test_more_methods_described_not_named(text: str, language: str, method: str) -> None:
    assert method in field(text, language, "methods")


@pytest.mark.parametrize(("text", "language", "violation"), [
    ("Рідні вже пів року не мають ані листа, ані дзвінка від нього.", "uk", "incommunicado_detention"),
    ("В комендатуре матери ответили: «У нас такого нет и не было».", "ru", "enforced_disappearance"),
    ("Il a été relâché au bout de deux mois sans la moindre explication.", "fr", "arbitrary_detention"),
    ("Two weeks later they phoned his wife: come and collect him from the morgue.", "en", "extrajudicial_killing"),
])
def test_more_violations_as_reports_and_relatives_phrase_them(text: str, language: str, violation: str) -> None:
    assert violation in field(text, language, "violations")


@pytest.mark.parametrize(("text", "language", "not_found"), [
    ("Hooded men took Issa from the market in Ségou at noon.", "en", "hooding_or_blindfolding"),
    ("He called once from the SIZO, then the line went dead.", "en", "extrajudicial_killing"),
    ("On nous jetait un sachet de riz pour dix le soir.", "fr", "suffocation"),
])
def test_words_that_only_look_like_a_method(text: str, language: str, not_found: str) -> None:
    found = field(text, language, "methods") | field(text, language, "violations")
    assert not_found not in found
