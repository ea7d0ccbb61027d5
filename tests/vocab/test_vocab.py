"""The bundled vocabularies load, hold the entries the extractor relies on, and a broken
file is refused with a message naming the file, the entry and the fix."""

from __future__ import annotations

import csv
import io
import re
import shutil
import unicodedata
from importlib.resources import as_file, files
from pathlib import Path

import pytest

from testimonia.errors import ConfigError
from testimonia.vocab import PLACE_COLUMNS, Vocabulary, load_vocabulary, load_vocabulary_from, term_problem

LANGUAGES = ("en", "fr", "ru", "uk")
VOCAB_FILES = ("acts.yaml", "methods.yaml", "violations.yaml", "facilities.yaml",
               "perpetrators.yaml", "cues.yaml", "places_supplement.csv")


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return load_vocabulary()


@pytest.fixture
def vocab_dir(tmp_path: Path) -> Path:
    """A private copy of the bundled files, to break one at a time."""
    with as_file(files("testimonia.vocab")) as source:
        for name in VOCAB_FILES:
            shutil.copy(Path(source) / name, tmp_path / name)
    return tmp_path


# --- a tiny reference matcher, following the rules in docs/vocabularies.md -------------

def fold(text: str) -> str:
    """Lowercase and strip diacritics, keeping й/ї (ё becomes е)."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFD", text.lower().replace("ё", "е")):
        if unicodedata.combining(ch) and not (out and "\u0400" <= out[-1] <= "\u04ff"):
            continue
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def word_matches(term_word: str, word: str) -> bool:
    term_word, word = fold(term_word), fold(word)
    return word.startswith(term_word[:-1]) if term_word.endswith("*") else word == term_word


_ELISION = re.compile(r"\b(qu|[cdjlmnst])'(?=\w)")


def tokens(text: str) -> list[str]:
    """Words of folded text; French elisions (l', m', qu' ...) become words of their own."""
    return re.findall(r"[\w'\-]+\*?|~", _ELISION.sub(r"\1' ", fold(text)))


def phrase_matches(term: str, text: str) -> bool:
    """Consecutive words; `~` allows up to three other words in between."""
    words = [w for w in tokens(text) if w != "~"]
    parts = tokens(term)

    def match_from(i: int, j: int) -> bool:
        if j == len(parts):
            return True
        if parts[j] == "~":
            return any(match_from(k, j + 1) for k in range(i, min(i + 4, len(words) + 1)))
        return i < len(words) and word_matches(parts[j], words[i]) and match_from(i + 1, j + 1)

    return any(match_from(i, 0) for i in range(len(words)))


def any_term_matches(terms: tuple[str, ...], text: str) -> bool:
    return any(phrase_matches(term, text) for term in terms)


# --- the bundled data ------------------------------------------------------------------

def test_loads_and_is_cached(vocab: Vocabulary) -> None:
    assert vocab.languages == LANGUAGES
    assert load_vocabulary() is vocab


def test_key_entries_have_the_exact_ids(vocab: Vocabulary) -> None:
    assert set(vocab.acts) == {"arrest", "detention", "ill_treatment", "killing", "disappearance",
                               "transfer", "release"}
    assert {"beating", "electric_shock", "waterboarding", "suffocation", "starvation",
            "deprivation_of_water", "sleep_deprivation", "solitary_confinement", "stress_position",
            "mock_execution", "sexual_violence", "threats", "forced_confession",
            "amputation_or_mutilation", "denial_of_medical_care", "hooding_or_blindfolding",
            "forced_nudity", "burning", "dog_attack", "restraint", "loud_music", "forced_labour",
            "humiliation", "overcrowding", "confinement_in_container"} <= set(vocab.methods)
    assert set(vocab.violations) == {"arbitrary_detention", "incommunicado_detention",
                                     "enforced_disappearance", "extrajudicial_killing"}
    assert {"shipping_container", "military_camp", "former_un_base", "gendarmerie", "police_station",
            "pretrial_detention_centre", "penal_colony", "temporary_detention_facility", "basement",
            "pit", "airport_hangar", "prison", "filtration_camp", "private_house",
            "unknown_site"} <= set(vocab.facilities)
    assert {"wagner_group", "africa_corps", "fama", "malian_gendarmerie", "malian_state_security",
            "russian_armed_forces", "fsb", "gru", "rosgvardia", "fsin", "dpr_forces",
            "russian_military_police", "jnim", "islamic_state_sahel", "ukrainian_sbu",
            "unknown_armed_men"} <= set(vocab.perpetrators)


def test_every_entry_has_terms_in_every_language(vocab: Vocabulary) -> None:
    concepts = [*vocab.acts.values(), *vocab.methods.values(), *vocab.violations.values(),
                *vocab.facilities.values()]
    for concept in concepts:
        assert all(len(concept.terms[lang]) >= 2 for lang in LANGUAGES), concept.id
    for org in vocab.perpetrators.values():
        assert all(len(org.aliases[lang]) >= 2 for lang in LANGUAGES), org.id
    for kind in vocab.cues.by_kind:
        assert all(vocab.cues.terms(kind, lang) for lang in LANGUAGES), kind
    assert set(vocab.cues.language_names) >= {"en", "fr", "ru", "uk", "bm", "ar", "tmh", "ff"}


def test_every_method_implies_ill_treatment(vocab: Vocabulary) -> None:
    assert {m.act for m in vocab.methods.values()} == {"ill_treatment"}


def test_esf_codes_where_esf_has_them(vocab: Vocabulary) -> None:
    assert vocab.methods["electric_shock"].esf is not None
    assert vocab.methods["electric_shock"].esf.code == "030800000000"
    assert vocab.acts["arrest"].esf is not None and vocab.acts["arrest"].esf.code == "030101000000"
    assert vocab.acts["transfer"].esf is None
    assert vocab.facilities["military_camp"].esf is not None
    assert vocab.facilities["military_camp"].esf.mt == "MT17"


def test_witness_slang_is_covered(vocab: Vocabulary) -> None:
    shock = vocab.methods["electric_shock"].terms
    assert "тапик" in shock["ru"]
    assert any_term_matches(shock["ru"], "обещали позвонить Путину")
    assert any_term_matches(shock["fr"], "ils m'ont électrocuté deux fois")
    assert any_term_matches(shock["uk"], "катували струмом")
    assert any_term_matches(vocab.methods["suffocation"].terms["fr"], "Ils m'ont mis le sachet")
    assert any_term_matches(vocab.methods["beating"].terms["ru"], "Нас избивали каждый день")
    assert any_term_matches(vocab.methods["hooding_or_blindfolding"].terms["ru"],
                            "надели на голову мешок")


def test_movement_verbs_mark_transfers(vocab: Vocabulary) -> None:
    transfer = vocab.acts["transfer"].terms
    assert any_term_matches(transfer["ru"], "потом нас этапировали в Таганрог")
    assert any_term_matches(transfer["uk"], "нас етапували до Курська")
    assert any_term_matches(transfer["uk"], "вивезли до Росії")
    assert any_term_matches(transfer["fr"], "il a été transféré vers Bamako")
    assert any_term_matches(transfer["en"], "they took us from Sévaré to Bamako")


def test_violation_indicators(vocab: Vocabulary) -> None:
    incommunicado = vocab.violations["incommunicado_detention"].terms
    assert any_term_matches(incommunicado["ru"], "Родственникам не сообщили")
    assert any_term_matches(incommunicado["uk"], "Ніхто не знав, де я")
    assert any_term_matches(vocab.violations["arbitrary_detention"].terms["fr"],
                            "détenu sans avocat")


def test_wagner_aliases_and_context(vocab: Vocabulary) -> None:
    wagner = vocab.perpetrators["wagner_group"]
    assert "вагнеровц*" in wagner.aliases["ru"]
    assert "les musiciens" in wagner.aliases["fr"]
    sahel = [g for g in wagner.contextual_aliases if "ML" in g.context_countries]
    assert any("les blancs" in g.terms["fr"] for g in sahel)
    russians_in_ukraine = [g for g in vocab.perpetrators["russian_armed_forces"].contextual_aliases
                           if "UA" in g.context_countries]
    assert any("росіяни" in g.terms["uk"] for g in russians_in_ukraine)


def test_documented_relations(vocab: Vocabulary) -> None:
    def relations(org: str) -> set[tuple[str, str]]:
        return {(r.relation, r.id) for r in vocab.perpetrators[org].related}

    assert ("successor_of", "wagner_group") in relations("africa_corps")
    assert ("commanded_by", "russian_armed_forces") in relations("africa_corps")
    assert ("works_with", "fama") in relations("wagner_group")
    assert ("part_of", "russian_armed_forces") in relations("gru")
    assert all(r.source for org in vocab.perpetrators.values() for r in org.related)


def test_places_fill_geonames_gaps(vocab: Vocabulary) -> None:
    places = vocab.places
    assert "Севаре" in places["ml_sevare"].alt_names
    assert places["ml_moura"].country == "ML" and places["ml_moura"].admin1 == "Mopti"
    assert {"Izium", "Izyum", "Изюм", "Ізюм"} <= set(places["ua_izium"].alt_names)
    colony = places["ua_olenivka_colony_120"]
    assert (colony.kind, colony.facility_type, colony.parent_id) == (
        "facility", "penal_colony", "ua_olenivka_donetsk")
    assert "occupied" in places["ua_simferopol"].notes
    former_un = [p for p in places.values() if p.facility_type == "former_un_base"]
    assert {p.parent_id for p in former_un} >= {"ml_ber", "ml_tessalit", "ml_aguelhok", "ml_kidal"}


def test_approximate_facilities_say_so(vocab: Vocabulary) -> None:
    for place in vocab.places.values():
        if place.kind == "facility" and place.precision == "settlement":
            assert "approximate" in place.notes or place.lat is None, place.id


# --- term syntax -----------------------------------------------------------------------

@pytest.mark.parametrize("term", ["избива*", "надел* ~ мешок", "ne ~ pas", "j'", "сизо-2",
                                  "électrocut*", "ill-treat*"])
def test_valid_terms(term: str) -> None:
    assert term_problem(term) is None


@pytest.mark.parametrize(("term", "problem"), [
    ("бы*", "shorter than 4"),
    ("Wagner", "capitals"),
    ("~ мешок", "between two words"),
    ("надел* ~ ~ мешок", "another `~`"),
    ("изб*ива", "not a word"),
    ("говорили, что", "not a word"),
    ("", "empty"),
])
def test_invalid_terms(term: str, problem: str) -> None:
    found = term_problem(term)
    assert found is not None and problem in found


# --- broken files are refused ----------------------------------------------------------

def break_file(folder: Path, name: str, old: str | re.Pattern[str], new: str) -> None:
    """Replace `old` (a string, or a pattern for a whole list of terms) once."""
    path = folder / name
    text = path.read_text(encoding="utf-8")
    if isinstance(old, re.Pattern):
        found = old.search(text)
        assert found, f"{old.pattern!r} not in {name}"
        old = found.group(0)
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def edit_place(folder: Path, place_id: str, **changes: str) -> None:
    path = folder / "places_supplement.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    for row in rows:
        if row["id"] == place_id:
            row.update(changes)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=PLACE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def test_an_unbroken_copy_loads(vocab_dir: Path) -> None:
    assert load_vocabulary_from(vocab_dir).methods.keys() == load_vocabulary().methods.keys()


@pytest.mark.parametrize(("name", "old", "new", "expected"), [
    ("methods.yaml", "act: ill_treatment", "act: ill_treatmnt", "methods.yaml: entry 'beating'"),
    ("methods.yaml", "id: electric_shock", "id: beating", "entry 'beating': duplicate id"),
    ("methods.yaml", re.compile(r"uk: \[цькували собаками, [^\]]*\]"),
     "uk: [собак*]",
     "entry 'dog_attack': needs at least 2 term(s) in 'uk'"),
    ("acts.yaml", "ru: [арестова*,", "ru: [бы*,", "entry 'arrest'"),
    ("acts.yaml", "      uk: [заарештува*", "      xx: [a, b]\n      uk: [заарештува*", "unknown language"),
    ("violations.yaml", "term: \"Disappearance\"", "term: Disappearance, forced",
     "entry 'enforced_disappearance'"),
    ("perpetrators.yaml", "relation: successor_of", "relation: cousin_of", "entry 'africa_corps'"),
    ("perpetrators.yaml", "- id: wagner_group\n        relation", "- id: wagner\n        relation",
     "related id 'wagner'"),
    ("perpetrators.yaml", "type: private_military_company\n    country: RU",
     "type: mercenaries\n    country: RU", "type 'mercenaries'"),
    ("cues.yaml", "negation:\n    en: [not, never, \"no\",", "negation:\n    en: [not, never, no,",
     "not a string"),
    ("cues.yaml", "languages: [en, fr, ru, uk]", "languages: [en, fr, ru, uk, de]",
     "needs at least"),
])
def test_broken_yaml_is_refused(vocab_dir: Path, name: str, old: str | re.Pattern[str], new: str,
                                expected: str) -> None:
    break_file(vocab_dir, name, old, new)
    with pytest.raises(ConfigError) as caught:
        load_vocabulary_from(vocab_dir)
    assert expected in str(caught.value)
    assert caught.value.fix


@pytest.mark.parametrize(("changes", "expected"), [
    ({"parent_id": "ml_nowhere"}, "parent_id 'ml_nowhere'"),
    ({"lat": "94.1"}, "lat '94.1'"),
    ({"lon": ""}, "only one of lat/lon"),
    ({"facility_type": "castle"}, "facility_type 'castle'"),
    ({"precision": "street"}, "precision 'street'"),
    ({"country": "Mali"}, "country 'Mali'"),
])
def test_broken_place_is_refused(vocab_dir: Path, changes: dict[str, str], expected: str) -> None:
    edit_place(vocab_dir, "ml_sevare_military_camp", **changes)
    with pytest.raises(ConfigError) as caught:
        load_vocabulary_from(vocab_dir)
    message = str(caught.value)
    assert "places_supplement.csv: entry 'ml_sevare_military_camp'" in message
    assert expected in message


def test_missing_file_is_named(vocab_dir: Path) -> None:
    (vocab_dir / "facilities.yaml").unlink()
    with pytest.raises(ConfigError, match=r"facilities\.yaml: file is missing"):
        load_vocabulary_from(vocab_dir)
