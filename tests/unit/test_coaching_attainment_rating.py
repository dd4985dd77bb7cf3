"""Attainment used as a rating (coach.rules.attainment_rating)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lineofsight.coach.rules.attainment_rating import (
    check_attainment_rating,
    pearson,
    ranks,
    spearman,
)
from lineofsight.coach.rules.facts import CoachSettings, RatingPoint
from lineofsight.coach.rules.findings import Level, Subject
from tests.coaching_examples import evaluate
from tests.coaching_examples.build import population

values = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False)
pairs = st.lists(st.tuples(values, values), min_size=2, max_size=30)


def test_known_correlations() -> None:
    assert pearson([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0)
    assert pearson([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    assert pearson([1, 2, 3, 4], [1, 3, 2, 4]) == pytest.approx(0.8)
    assert pearson([1, 1, 1], [1, 2, 3]) is None  # a constant series has no correlation
    assert pearson([1], [1]) is None
    assert ranks([10, 20, 20, 30]) == [1.0, 2.5, 2.5, 4.0]
    assert spearman([1, 2, 3, 4], [1, 8, 27, 1000]) == pytest.approx(1.0)
    with pytest.raises(ValueError):
        pearson([1, 2], [1])


@given(pairs)
def test_correlations_are_symmetric_and_bounded(points: list[tuple[float, float]]) -> None:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    for f in (pearson, spearman):
        r = f(xs, ys)
        assert r == f(ys, xs) or (r is not None and r == pytest.approx(f(ys, xs)))
        assert r is None or -1.0 <= r <= 1.0


@given(st.lists(st.integers(min_value=0, max_value=200), min_size=3, max_size=30,
                unique=True))
def test_spearman_ignores_any_increasing_transform(xs: list[int]) -> None:
    attainments = [x / 100 for x in xs]
    assert spearman(attainments, [a**3 + 5 for a in attainments]) == pytest.approx(1.0)
    assert spearman(attainments, [-a for a in attainments]) == pytest.approx(-1.0)


def ratings(pairs: list[tuple[int, float]]) -> tuple[RatingPoint, ...]:
    return tuple(RatingPoint(i + 1, r, a) for i, (r, a) in enumerate(pairs))


BANDED = [(1, 0.3), (2, 0.5), (2, 0.55), (3, 0.7), (3, 0.75), (4, 0.85), (4, 0.9),
          (5, 1.0), (5, 1.1), (1, 0.35)]


def test_ratings_that_track_attainment_are_reported_in_aggregate_only() -> None:
    pop = population(ratings=ratings(BANDED), review_cycle_id=40,
                     review_cycle_name="H2 2026 reviews")
    [finding] = check_attainment_rating(pop)
    assert (finding.code, finding.subject, finding.subject_id, finding.level) == (
        "attainment_rating.formula", Subject.REVIEW_CYCLE, 40, Level.WARNING)
    assert "In H2 2026 reviews, the ratings of 10 people" in finding.message
    assert "Pearson 0.9" in finding.message and "Spearman 0.9" in finding.message
    assert "\u201ccontext, not formula\u201d" in finding.suggestion
    # Nobody's own rating or attainment shows.
    assert "1.1" not in finding.message and "person" not in finding.message.casefold()


def test_too_few_people_or_no_spread_say_nothing() -> None:
    assert check_attainment_rating(population(ratings=ratings(BANDED[:7]))) == []
    assert check_attainment_rating(population(ratings=ratings([(3, a) for _, a in BANDED]))) == []
    few = CoachSettings(rating_attainment_min_people=5)
    assert check_attainment_rating(population(ratings=ratings(BANDED[:7])), few)


def test_labelled_set_precision_and_recall() -> None:
    score = evaluate("attainment_rating")
    assert score.examples >= 30 and score.flagged_examples >= 10 and score.tn >= 10
    assert score.precision >= 0.9, [r.example.name for r in score.mistakes]
    assert score.recall >= 0.9, [r.example.name for r in score.mistakes]
