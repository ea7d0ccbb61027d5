"""Violations as reports and accounts phrase them, on invented passages (pseudonyms
only): words between the parts of a phrase, and Ukrainian and Russian words in any form."""

from __future__ import annotations

import pytest

from testimonia.extract.pipeline import extract_text

pytestmark = pytest.mark.slow  # loads the language models once per process


def violations(text: str, language: str) -> set[str]:
    return {v for c in extract_text(text, language).claims for v in c.violations}


@pytest.mark.parametrize(("text", "language", "expected"), [
    ("Un berger a été détenu au camp de Sofara sans aucun motif pendant un mois.", "fr",
     "arbitrary_detention"),
    ("Deux militants sont tenus au secret à la gendarmerie de Ségou depuis mars.", "fr",
     "incommunicado_detention"),
    ("Un commerçant a été arrêté à Gao ; les autorités n'ont jamais reconnu sa détention.", "fr",
     "enforced_disappearance"),
    ("Les soldats ont arrêté trois bergers à Nara ; on les a trouvés morts le lendemain.", "fr",
     "extrajudicial_killing"),
    ("Волонтера утримують у СІЗО в Таганрозі без будь-якого обвинувачення.", "uk",
     "arbitrary_detention"),
    ("Вчителя тримали в підвалі в Бердянську, і адвокатові досі не дозволяють його побачити.",
     "uk", "arbitrary_detention"),
    ("Фермера тримали в ізоляторі в Генічеську, і рідним про нього нічого не повідомляють.", "uk",
     "incommunicado_detention"),
    ("Жінку затримали в Мелітополі, але окупаційна влада не визнає її затримання.", "uk",
     "enforced_disappearance"),
    ("Його затримали в Ізюмі, а потім знайшли тіло зі зв'язаними руками.", "uk",
     "extrajudicial_killing"),
    ("Задержанных держат в Курске, и родственники не имеют к ним доступа.", "ru",
     "incommunicado_detention"),
])
def test_a_violation_as_reports_phrase_it(text: str, language: str, expected: str) -> None:
    assert expected in violations(text, language)


@pytest.mark.parametrize(("text", "language"), [
    ("Після того як приїхав Червоний Хрест, нас більше не били в таборі в Оленівці.", "uk"),
    ("Мого сина затримали на блокпосту в Василівці, і відтоді його доля невідома.", "uk"),
])
def test_no_violation_where_the_words_say_something_else(text: str, language: str) -> None:
    assert violations(text, language) == set()
