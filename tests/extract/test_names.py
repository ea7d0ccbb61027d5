"""Which sentences the names component asks the NER model about, and that a name is found
wherever it stands. Fictional sentences, pseudonyms only."""

from __future__ import annotations

from pathlib import Path

import pytest

from testimonia.extract.names import name_free
from testimonia.extract.ner import CONTEXT_WORDS, NatashaNer, SpacyNer, _pieces, ner_model, with_context
from testimonia.extract.pipeline import extract_text
from testimonia.extract.sentences import split_sentences
from testimonia.ingest.language import detect_language
from testimonia.ingest.readers import reader_for
from testimonia.ingest.readers.base import ReadLimits
from testimonia.text.lemmas import common_word

SAMPLE = Path(__file__).parents[2] / "examples" / "sample-investigation" / "testimonies"


def free(sentence: str, language: str) -> bool:
    return name_free(sentence, 0, len(sentence), language)


@pytest.mark.parametrize(("language", "sentence"), [
    ("en", "They beat us for three days."),
    ("en", "I was kept in a cell and I'm still afraid."),  # the pronoun is not a name
    ("en", "then the guards laughed."),
    ("en", "12, 13, 14."),
    ("fr", "Ils nous ont frappés pendant trois jours."),
    ("fr", "C'était la nuit, on ne voyait rien."),
    ("ru", "Потом нас били три дня."),
    ("ru", "Кормили раз в день."),
    ("uk", "Мене били щодня."),
    ("uk", "Потім нас вивезли."),
])
def test_a_sentence_without_a_possible_name_is_not_asked(language: str, sentence: str) -> None:
    assert free(sentence, language)


@pytest.mark.parametrize(("language", "sentence"), [
    ("en", "Ahmed was beaten."),  # a name as the first word
    ("en", "Will was beaten."),  # a name that is also a common word
    ("en", "They took us to Olenivka."),  # a capital inside
    ("en", "SBU officers came at night."),  # an acronym first
    ("en", "McKenzie said nothing."),
    ("fr", "Moussa a été frappé."),
    ("fr", "L'armée nous a pris."),  # not in the closed list
    ("ru", "Иван молчал."),
    ("ru", "Роза плакала всю ночь."),  # also a common noun, but a first name too
    ("ru", "Херсон бомбили."),
    ("ru", "Росгвардия приехала утром."),  # a word the dictionary does not know
    ("uk", "Олена плакала."),
    ("uk", "Петренко мовчав."),
])
def test_a_sentence_that_may_hold_a_name_is_asked(language: str, sentence: str) -> None:
    assert not free(sentence, language)


def test_the_dictionary_knows_common_words_and_names() -> None:
    assert common_word("потом", "ru") and common_word("били", "ru") and common_word("мене", "uk")
    assert not common_word("иван", "ru") and not common_word("роза", "ru")
    assert not common_word("петренко", "uk") and not common_word("qwzx", "ru")
    assert not common_word("they", "en")  # English and French use the closed list


def test_pieces_blank_out_what_lies_between_the_sentences_asked() -> None:
    text = "Ivan came. They beat us. Olena left."
    asked = [(0, 10), (25, 36)]
    (start, piece), = _pieces(text, asked)
    assert start == 0 and len(piece) == 36 and piece[11:24].strip() == ""
    assert piece[:10] == "Ivan came." and piece[25:] == "Olena left."
    # far apart: two pieces
    assert [s for s, _ in _pieces("a. " + " " * 30_000 + "b.", [(0, 2), (30_003, 30_005)])] == [0, 30_003]


def test_the_model_reads_a_few_words_around_each_span() -> None:
    text = "one two three four five six. Seven eight nine. ten eleven twelve thirteen fourteen."
    middle = (text.index("Seven"), text.index("nine.") + 5)
    (start, end), = with_context(text, [middle])
    assert text[start:end] == "three four five six. Seven eight nine. ten eleven twelve thirteen"
    assert CONTEXT_WORDS == 4
    # spans whose context meets are read as one
    assert with_context(text, [(0, 4), middle]) == [(0, end)]


@pytest.mark.slow
def test_the_sentences_asked_give_the_entities_the_whole_text_gives_there() -> None:
    """On every sample testimony, in all four languages: leaving sentences out changes
    nothing the model finds in those it reads."""
    for path in sorted(SAMPLE.iterdir()):
        result = reader_for(path).read(path.read_bytes(), path.name, ReadLimits())
        text = result.text
        language = result.metadata.get("front_matter", {}).get("language") or detect_language(text).code
        model = ner_model(language)
        assert model is not None
        sentences = [(s.start, s.end) for s in split_sentences(text)]
        asked = [(a, b) for a, b in sentences if not name_free(text, a, b, language)]
        assert 0 < len(asked) < len(sentences), path.name
        whole = model.entities(text, sentences)
        expected = [e for e in whole if any(a <= e.start and e.end <= b for a, b in asked)]
        assert model.entities(text, asked) == expected, path.name


def test_entities_keep_their_offsets_in_the_text_and_skip_what_was_not_asked() -> None:
    text = "Иван Петров приехал. Потом Сергей Козлов ушёл. Мы ждали Олену Бойко."
    second = text.index("Потом")
    third = text.index("Мы ждали")
    found = NatashaNer().entities(text, [(0, second - 1), (third, len(text))])
    names = {(e.text, text[e.start:e.end]) for e in found}
    assert ("Иван Петров", "Иван Петров") in names
    assert any(t.startswith("Олен") for t, _ in names)
    assert not any("Козлов" in t for t, _ in names)
    english = "Ahmed Diallo was beaten. They laughed. Then Moussa Traore was taken."
    found = SpacyNer("en").entities(english, [(0, 24), (39, len(english))])
    assert all(english[e.start:e.end] == e.text for e in found)
    assert {"Ahmed Diallo", "Moussa Traore"} <= {e.text for e in found}


def test_a_name_opening_a_sentence_is_still_found() -> None:
    """The sentence is asked because its first word may be a name; the person reaches the
    redaction of public exports."""
    text = ("They kept us in a container for weeks. nobody told us anything.\n\n"
            "Oumar was beaten every night. we could hear it.")
    persons = [m.text for m in extract_text(text, "en").mentions if m.kind == "person"]
    assert persons == ["Oumar"]
