"""Lexical similarity (coach.rules.similarity): normalisation and invariants."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lineofsight.coach.rules import similarity as sim

texts = st.text(
    alphabet=st.sampled_from(list("abcdefghijklmnopqrstuvwxyz ABC-%$0123456789,.'")),
    max_size=60,
)


def test_normalise_drops_case_punctuation_stop_words_figures_and_filler() -> None:
    assert sim.normalise("Help the company grow ARR from $12M to $18M!") == [
        "up", "annual", "recurr", "revenu",
    ]
    assert sim.normalise("Grow annual recurring revenue by 40%") == sim.normalise(
        "grow Annual Recurring Revenue (+40 %)"
    )
    assert sim.normalise("Be the #1 choice") == sim.normalise("Be the number one choice")


def test_verbs_of_direction_and_inflections_meet() -> None:
    assert sim.normalise("Growing revenues") == sim.normalise("Increase revenue")
    assert sim.normalise("Cut time-to-hire") == sim.normalise("Reduce time to hire")
    assert set(sim.normalise("Public sector expansion")) == set(
        sim.normalise("Expand into the public sector")
    )


def test_the_owner_s_own_name_is_dropped_on_request() -> None:
    assert sim.text_similarity("Marketing: grow ARR", "Grow ARR") < 1.0
    assert sim.text_similarity("Marketing: grow ARR", "Grow ARR", ("marketing",)) == 1.0
    # Inflected forms of the name go too ("customers" for Customer Success).
    assert sim.text_similarity(
        "Improve retention of our customers", "Improve customer retention",
        ("customer", "success"),
    ) == 1.0


@pytest.mark.parametrize(
    ("a", "b", "low", "high"),
    [
        ("Grow ARR from $12M to $18M", "Grow ARR from $12M to $18M", 1.0, 1.0),
        ("Grow ARR from $12M to $18M", "Help the company grow annual recurring revenue", 1.0,
         1.0),
        ("Grow ARR from $12M to $18M", "Grow ARR in the mid-market through partners", 0.3,
         0.7),
        ("Grow ARR from $12M to $18M",
         "Generate and close enough enterprise pipeline to hit 40 new logos", 0.0, 0.2),
        ("Delight our customers", "Delight our enterprise customers", 0.5, 0.79),
    ],
)
def test_text_similarity_on_known_pairs(a: str, b: str, low: float, high: float) -> None:
    assert low <= sim.text_similarity(a, b) <= high


def test_token_and_character_measures() -> None:
    assert sim.token_set_similarity(["a", "b"], ["b", "c"]) == pytest.approx(1 / 3)
    assert sim.token_set_similarity([], []) == 1.0
    assert sim.char_ngram_similarity("churn", "churn") == 1.0
    assert sim.char_ngram_similarity("churn", "xyzzy") == 0.0
    assert 0.5 < sim.char_ngram_similarity("revenue", "revenues") < 1.0


@given(texts, texts)
def test_similarity_is_symmetric_and_bounded(a: str, b: str) -> None:
    forward = sim.text_similarity(a, b)
    assert forward == pytest.approx(sim.text_similarity(b, a))
    assert 0.0 <= forward <= 1.0


@given(texts)
def test_identical_text_is_fully_similar(a: str) -> None:
    assert sim.text_similarity(a, a) == 1.0
    assert sim.text_similarity(a, a.upper()) == 1.0


@given(st.lists(st.sampled_from(["churn", "revenue", "pipeline", "quality", "hiring"]),
                min_size=1, max_size=5))
def test_word_order_does_not_matter(words: list[str]) -> None:
    assert sim.text_similarity(" ".join(words), " ".join(reversed(words))) == 1.0
