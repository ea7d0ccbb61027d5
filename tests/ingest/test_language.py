"""Language detection: the four supported languages, RU/UK pairs, and honest "und"."""

from __future__ import annotations

import time

import pytest

from testimonia.ingest.language import SUPPORTED_LANGUAGES, LanguageGuess, detect_language

ENGLISH = [
    "They took me from my house at night and put a bag over my head.",
    "I was held in a basement with four other men for two weeks.",
    "The guards beat us every morning and asked the same questions.",
    "We did not know where we were, but we could hear trains.",
    "After the interrogation they told me to sign a paper I could not read.",
    "My brother saw the soldiers take him away in a white van.",
    "She said that there was no water and no light in the cell.",
]
FRENCH = [
    "Ils m'ont arrêté devant chez moi et m'ont mis un sac sur la tête.",
    "J'ai été détenu dans une cave avec quatre autres hommes pendant deux semaines.",
    "Les gardiens nous frappaient tous les matins et posaient les mêmes questions.",
    "Nous ne savions pas où nous étions, mais on entendait des trains.",
    "Après l'interrogatoire, ils m'ont dit de signer un papier que je ne pouvais pas lire.",
    "Mon frère a vu les soldats l'emmener dans une camionnette blanche.",
    "Elle a dit qu'il n'y avait ni eau ni lumière dans la cellule.",
]
RUSSIAN = [
    "Они забрали меня из дома ночью и надели мешок на голову.",
    "Меня держали в подвале вместе с четырьмя другими мужчинами две недели.",
    "Охранники били нас каждое утро и задавали одни и те же вопросы.",
    "Мы не знали, где находимся, но слышали поезда.",
    "После допроса мне сказали подписать бумагу, которую я не мог прочитать.",
    "Мой брат видел, как солдаты увезли его в белом фургоне.",
    "Она сказала, что в камере не было ни воды, ни света.",
]
UKRAINIAN = [
    "Вони забрали мене з дому вночі й наділи мішок на голову.",
    "Мене тримали в підвалі разом із чотирма іншими чоловіками два тижні.",
    "Охоронці били нас щоранку і ставили ті самі питання.",
    "Ми не знали, де ми, але чули потяги.",
    "Після допиту мені сказали підписати папір, який я не міг прочитати.",
    "Мій брат бачив, як солдати забрали його в білому фургоні.",
    "Вона сказала, що в камері не було ні води, ні світла.",
]
GERMAN = (
    "Sie haben mich in der Nacht aus meinem Haus geholt und mir einen Sack über den Kopf gezogen. "
    "Ich wurde zwei Wochen lang mit vier anderen Männern in einem Keller festgehalten. "
    "Die Wachen schlugen uns jeden Morgen und stellten immer die gleichen Fragen."
)
SPANISH = (
    "Me sacaron de mi casa por la noche y me pusieron una bolsa en la cabeza. "
    "Estuve detenido en un sótano con otros cuatro hombres durante dos semanas. "
    "Los guardias nos golpeaban todas las mañanas y nos hacían las mismas preguntas."
)
OTHERS = {
    "it": "Mi hanno portato via di notte e mi hanno messo un sacco sulla testa. Sono stato "
    "detenuto in una cantina con altri quattro uomini per due settimane.",
    "pl": "Zabrali mnie z domu w nocy i założyli mi worek na głowę. Byłem przetrzymywany w piwnicy "
    "z czterema innymi mężczyznami przez dwa tygodnie.",
    "bg": "Взеха ме от къщи през нощта и ми сложиха чувал на главата. Държаха ме в мазе с още "
    "четирима мъже в продължение на две седмици. Пазачите ни биеха всяка сутрин.",
    "be": "Яны забралі мяне з дому ноччу і надзелі мех на галаву. Мяне трымалі ў падвале разам з "
    "чатырма іншымі мужчынамі два тыдні.",
    "sr": "Одвели су ме из куће ноћу и ставили ми врећу на главу. Држали су ме у подруму са још "
    "четворицом мушкараца две недеље.",
}


@pytest.mark.parametrize(
    ("sentence", "code"),
    [(s, "en") for s in ENGLISH]
    + [(s, "fr") for s in FRENCH]
    + [(s, "ru") for s in RUSSIAN]
    + [(s, "uk") for s in UKRAINIAN],
)
def test_single_sentences(sentence: str, code: str) -> None:
    guess = detect_language(sentence)
    assert guess.code == code
    assert 0.4 <= guess.confidence <= 1.0


@pytest.mark.parametrize(
    ("russian", "ukrainian"),
    [
        ("Меня держали в подвале", "Мене тримали в підвалі"),
        ("Он был там три дня", "Він був там три дні"),
        ("Мы слышали крики", "Ми чули крики"),
        ("Это было очень страшно", "Це було дуже страшно"),
        ("Я помню только холод", "Пам'ятаю тільки холод"),
    ],
)
def test_russian_ukrainian_minimal_pairs(russian: str, ukrainian: str) -> None:
    assert detect_language(russian).code == "ru"
    assert detect_language(ukrainian).code == "uk"


@pytest.mark.parametrize(
    "paragraph", [" ".join(ENGLISH), " ".join(FRENCH), " ".join(RUSSIAN), " ".join(UKRAINIAN)]
)
def test_paragraphs_are_confident(paragraph: str) -> None:
    assert detect_language(paragraph).confidence >= 0.75


@pytest.mark.parametrize(
    "text", ["", "ok", "Да", "Oui merci", "12 34 56 78", "Hello there", "— … —"]
)
def test_short_or_empty_text_is_undetermined(text: str) -> None:
    assert detect_language(text) == LanguageGuess("und", 0.0)


@pytest.mark.parametrize("text", [GERMAN, SPANISH, *OTHERS.values()], ids=["de", "es", *OTHERS])
def test_other_languages_are_undetermined(text: str) -> None:
    assert detect_language(text) == LanguageGuess("und", 0.0)


def test_other_scripts_are_undetermined() -> None:
    assert detect_language("احتجزوني في قبو لمدة أسبوعين مع أربعة رجال").code == "und"


def test_ukrainian_apostrophe_forms() -> None:
    for apostrophe in ("'", "\u2019", "\u02bc"):
        assert detect_language(f"Пам{apostrophe}ятаю сім{apostrophe}ю та холод").code == "uk"


def test_only_the_first_20000_characters_count() -> None:
    text = " ".join(ENGLISH) * 400 + " ".join(FRENCH) * 400
    assert detect_language(text).code == "en"


def test_fast_on_long_text() -> None:
    text = " ".join(UKRAINIAN) * 2000
    started = time.perf_counter()
    for _ in range(10):
        detect_language(text)
    assert (time.perf_counter() - started) / 10 < 0.2  # about 5 ms on a laptop


def test_supported_languages() -> None:
    assert SUPPORTED_LANGUAGES == ("en", "fr", "ru", "uk")
