"""What may begin a multi-word name: the pair filter never says no to a pair it holds,
and trying longer spans only where it says yes changes no match."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from testimonia.places.gazetteer import Gazetteer, get_gazetteer
from testimonia.places.gazetteer_pairs import MIN_BITS, HashFilter, key_filters
from testimonia.places.gazetteer_scan import Starts
from testimonia.text.translit import skeletons


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return get_gazetteer()


def test_a_filter_holds_every_item_added_and_few_others() -> None:
    added = [(f"w{i}", f"v{i}") for i in range(2000)]
    pairs = HashFilter(len(added), added)
    assert all(pairs.may_hold(pair) for pair in added)
    others = [(f"w{i}", f"v{i + 1}") for i in range(2000)]
    assert sum(pairs.may_hold(pair) for pair in others) < 100  # about 1.5%: 30


def test_filters_of_keys_take_their_first_two_words_and_their_second() -> None:
    keys = ["kryvyi rih", "camp de sevare", "kidal"]
    pairs, seconds = key_filters(keys)
    assert pairs.may_hold(("kryvyi", "rih")) and pairs.may_hold(("camp", "de"))
    assert seconds.may_hold("rih") and seconds.may_hold("de")
    # What was not added is let through rarely (str hashes change from process to process,
    # so no particular absent item can be named as refused).
    absent = [("de", "sevare"), ("kidal", ""), *((f"w{i}", f"v{i}") for i in range(500))]
    assert sum(pairs.may_hold(pair) for pair in absent) < 25
    assert sum(seconds.may_hold(word) for word in ["sevare", "kidal", *(f"v{i}" for i in range(500))]) < 25
    assert pairs.size == seconds.size == MIN_BITS // 8


_LETTERS = "abcdeghijkostuyzкгджзиоьъуяєї'"


@given(st.lists(st.text(_LETTERS, min_size=1, max_size=8).filter(lambda w: w.strip("'")),
                min_size=2, max_size=4))
def test_skeletons_are_made_word_by_word(words: list[str]) -> None:
    """The ground of the skeleton filter: a name's skeleton begins with skeletons of its
    first two words, unless one of those has none."""
    firsts, seconds = skeletons(words[0]), skeletons(words[1])
    if any(not s for s in (*firsts, *seconds)):
        return
    for whole in skeletons(" ".join(words)):
        assert tuple(whole.split(" ")[:2]) in set(itertools.product(firsts, seconds))


def test_every_multi_word_key_may_start_at_its_first_words(gaz: Gazetteer) -> None:
    starts = Starts(gaz._index)
    keys = [key for key in gaz._index.exact if " " in key][::97]
    assert len(keys) > 1000
    for key in keys:
        first, second = key.split(" ")[:2]
        assert starts.may_start(first, second, "en"), key
    assert not starts.may_start("kept", "me", "en")
    assert not starts.may_start("в", "камере", "ru")


_NAMES = ["Kryvyi Rih", "Кривом Роге", "Кривому Розі", "camp de Sévaré", "СИЗО-2 Таганрога",
          "Донецкой области", "Донецької області", "Ростове-на-Дону", "the Kherson oblast",
          "Burkina Faso", "Côte d'Ivoire", "Bamako Senou", "Nizhniy Novgorod", "Нижнем Новгороде",
          "Zaporizhzhia oblast", "Запорожской области", "Stary Oskol", "Старом Осколе"]
_WORDS = ["in", "the", "de", "la", "в", "у", "на", "и", "camp", "Camp", "kept", "me", "нас",
          "держали", "Нас", "the", "Le", "de la", "New", "San", "Saint", "Нова", "Новой"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_NAMES + _WORDS), min_size=1, max_size=10),
       st.sampled_from(["en", "fr", "ru", "uk"]))
def test_the_filter_changes_no_match(gaz: Gazetteer, parts: list[str], language: str) -> None:
    text = " ".join(parts)
    filtered = gaz.find(text, language)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Starts, "may_start", lambda self, first, second, language: True)
        everywhere = gaz.find(text, language)
    assert filtered == everywhere
