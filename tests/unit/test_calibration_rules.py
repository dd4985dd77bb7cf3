"""Calibration's pure parts: the flag rules (calibration.rules) and the figures
(calibration.figures): distribution with small groups hidden, and the 9-box grid."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lineofsight.reviews.calibration import figures, rules
from lineofsight.reviews.calibration.rules import Facts, RuleSetting
from lineofsight.reviews.models import CalibrationRule, CalibrationSession

SCALE = rules.Scale((1, 2, 3, 4, 5), {1: "Below", 2: "Partly", 3: "Meets", 4: "Exceeds", 5: "Top"})
LEVELS = [(v, SCALE.labels[v]) for v in SCALE.values]


def facts(review_id: int, rating: int | None, **kw) -> Facts:
    return Facts(
        review_id=review_id,
        subject_name=kw.pop("name", f"P{review_id}"),
        manager_id=kw.pop("manager_id", 100),
        manager_name=kw.pop("manager_name", "Mo"),
        rating=rating,
        **kw,
    )


def only(code: str, **params) -> list[RuleSetting]:
    d = rules.DEFINITIONS[code]
    return [RuleSetting(code, True, d.requires_explanation, {**d.defaults(), **params})]


def test_codes_match_the_model_choices():
    assert set(rules.CODES) == set(CalibrationRule.Code.values)
    assert {figures.RATING_ATTAINMENT, figures.PERFORMANCE_POTENTIAL} == set(
        CalibrationSession.Grid.values
    )


# -- high rating, low attainment --------------------------------------------------------


def test_high_rating_with_low_attainment_is_flagged_with_the_numbers():
    flags = rules.evaluate(
        [facts(1, 4, attainment=0.3), facts(2, 4, attainment=0.5), facts(3, 2, attainment=0.1)],
        only(rules.HIGH_RATING_LOW_ATTAINMENT),
        SCALE,
    )
    assert list(flags) == [1]
    flag = flags[1][0]
    assert flag.requires_explanation
    assert flag.reason == (
        "Rated 4 (Exceeds), in the top 2 levels of the scale, with OKR attainment 30 % "
        "(below 40 %)."
    )


def test_missing_attainment_is_not_low_attainment():
    assert rules.evaluate([facts(1, 5)], only(rules.HIGH_RATING_LOW_ATTAINMENT), SCALE) == {}


def test_parameters_move_the_threshold():
    settings = only(rules.HIGH_RATING_LOW_ATTAINMENT, top_levels=1, max_attainment=0.6)
    flags = rules.evaluate(
        [facts(1, 4, attainment=0.3), facts(2, 5, attainment=0.5)], settings, SCALE
    )
    assert list(flags) == [2]


# -- big move ------------------------------------------------------------------------------


def test_a_move_of_two_levels_since_the_previous_cycle_is_flagged_either_way():
    flags = rules.evaluate(
        [
            facts(1, 2, previous_rating=4, previous_cycle="Q2 reviews"),
            facts(2, 5, previous_rating=3),
            facts(3, 4, previous_rating=3),
            facts(4, 4),
        ],
        only(rules.BIG_MOVE),
        SCALE,
    )
    assert sorted(flags) == [1, 2]
    assert flags[1][0].reason == (
        "Rated 2 (Partly) now and 4 (Exceeds) in Q2 reviews: down 2 levels (flagged from 2)."
    )
    assert "up 2 levels" in flags[2][0].reason


# -- low rating, high recognition ----------------------------------------------------------


def test_low_rating_with_many_kudos_or_strong_peer_ratings_is_flagged():
    flags = rules.evaluate(
        [
            facts(1, 2, kudos=3),
            facts(2, 1, peer_ratings=3, peer_mean=4.3),
            facts(3, 2, peer_ratings=2, peer_mean=5.0),  # two peers: never enough
            facts(4, 4, kudos=9),  # not a low rating
            facts(5, 2, kudos=2, peer_ratings=4, peer_mean=3.9),
        ],
        only(rules.LOW_RATING_HIGH_RECOGNITION),
        SCALE,
    )
    assert sorted(flags) == [1, 2]
    assert "3 kudos in the period (3 or more)" in flags[1][0].reason
    assert "peer ratings averaging 4.3 from 3 peers" in flags[2][0].reason


def test_the_peer_minimum_cannot_go_under_three():
    assert rules.param_errors(rules.LOW_RATING_HIGH_RECOGNITION, {"min_peer_ratings": 2}) == {
        "params.min_peer_ratings": "Enter a number from 3 to 1000."
    }


# -- manager skew ------------------------------------------------------------------------


def _team(manager_id: int, name: str, ratings: list[int], start: int) -> list[Facts]:
    return [
        facts(start + i, r, manager_id=manager_id, manager_name=name) for i, r in enumerate(ratings)
    ]


def test_a_manager_whose_ratings_run_high_flags_their_reviews():
    people = (
        _team(1, "Hal", [5, 5, 4, 5, 5], 1)
        + _team(2, "Lou", [3, 3, 2, 3, 3], 10)
        + _team(3, "Tiny", [5, 5, 5], 20)  # three ratings: too few to judge
    )
    flags = rules.evaluate(people, only(rules.MANAGER_SKEW), SCALE)
    hal = [f for fs in flags.values() for f in fs if "Hal" in f.reason]
    lou = [f for fs in flags.values() for f in fs if "Lou" in f.reason]
    assert len(hal) == 5 and len(lou) == 5
    assert not any("Tiny" in f.reason for fs in flags.values() for f in fs)
    assert "Hal's ratings run high: a mean of 4.80 over 5 ratings against the session's" in (
        hal[0].reason
    )
    assert "run low" in lou[0].reason
    means = rules.manager_means(people, 5)
    # Biggest difference first: Lou's 2.80 is further from the 4.08 over all 13 ratings.
    assert [m.manager_name for m in means] == ["Lou", "Hal"]
    assert means[0].population_mean == pytest.approx(53 / 13)


def test_manager_means_never_cover_fewer_than_four_ratings():
    people = _team(1, "Ann", [5, 5, 5], 1) + _team(2, "Bo", [1, 1, 1, 1], 10)
    assert [m.manager_name for m in rules.manager_means(people, 1)] == ["Bo"]


# -- settings, parameters, explanations ----------------------------------------------------


def test_disabled_rules_flag_nothing_and_defaults_fill_missing_rows():
    stored = [RuleSetting(rules.HIGH_RATING_LOW_ATTAINMENT, False, True, {})]
    settings = rules.settings_in_force(stored)
    assert [s.code for s in settings] == list(rules.CODES)
    assert settings[0].enabled is False
    assert rules.evaluate([facts(1, 5, attainment=0.0)], settings, SCALE) == {}


def test_stored_parameters_are_cleaned_against_their_bounds():
    stored = [RuleSetting(rules.BIG_MOVE, True, False, {"levels": 3, "junk": 1})]
    big = next(s for s in rules.settings_in_force(stored) if s.code == rules.BIG_MOVE)
    assert big.params == {"levels": 3}
    stored = [RuleSetting(rules.BIG_MOVE, True, False, {"levels": -4})]
    big = next(s for s in rules.settings_in_force(stored) if s.code == rules.BIG_MOVE)
    assert big.params == {"levels": 2}


@pytest.mark.parametrize(
    ("code", "params", "field", "message"),
    [
        ("nope", {}, "code", "Unknown rule"),
        (rules.BIG_MOVE, {"levels": 1.5}, "params.levels", "whole number"),
        (rules.BIG_MOVE, {"levels": "2"}, "params.levels", "Enter a number"),
        (rules.BIG_MOVE, {"levels": 0}, "params.levels", "from 1 to 10"),
        (rules.BIG_MOVE, {"size": 2}, "params.size", "Unknown parameter"),
        (rules.MANAGER_SKEW, {"min_ratings": 3}, "params.min_ratings", "from 4"),
        (rules.HIGH_RATING_LOW_ATTAINMENT, {"max_attainment": 1.2}, "params.max_attainment", "0"),
        (rules.BIG_MOVE, [], "params", "names and numbers"),
    ],
)
def test_bad_parameters_name_the_field(code, params, field, message):
    errors = rules.param_errors(code, params)
    assert field in errors and message in errors[field]


def test_missing_explanations_are_the_required_flags_not_explained():
    flags = rules.evaluate(
        [facts(1, 5, attainment=0.1), facts(2, 4, attainment=0.2), facts(3, 1, kudos=5)],
        [
            *only(rules.HIGH_RATING_LOW_ATTAINMENT),
            *only(rules.LOW_RATING_HIGH_RECOGNITION),
        ],
        SCALE,
    )
    missing = rules.missing_explanations(flags, [(1, rules.HIGH_RATING_LOW_ATTAINMENT)])
    assert [(f.review_id, f.code) for f in missing] == [(2, rules.HIGH_RATING_LOW_ATTAINMENT)]


# -- figures -----------------------------------------------------------------------------


def test_distribution_counts_and_shares_per_level():
    d = figures.distribution("all", "All", [3, 3, 4, 5, None], LEVELS, minimum=4)
    assert not d.hidden and d.people == 5 and d.rated == 4
    assert [(lv.value, lv.count) for lv in d.levels] == [(1, 0), (2, 0), (3, 2), (4, 1), (5, 1)]
    assert d.levels[2].share == 0.5
    assert d.mean == pytest.approx(3.75)


def test_groups_smaller_than_the_minimum_show_their_size_only():
    groups = figures.grouped(
        [("t:1", "Alpha", 4), ("t:1", "Alpha", 5), ("t:1", "Alpha", 3), ("t:2", "Beta", 2)]
        + [("t:2", "Beta", 3)] * 3,
        LEVELS,
        minimum=4,
    )
    alpha, beta = groups
    assert alpha.name == "Alpha" and alpha.hidden and alpha.mean is None and alpha.levels == ()
    assert alpha.people == 3
    assert not beta.hidden and beta.mean == pytest.approx(2.75)


@given(st.lists(st.none() | st.integers(min_value=1, max_value=5), max_size=40))
def test_a_shown_distribution_adds_up(ratings):
    d = figures.distribution("all", "All", ratings, LEVELS, minimum=4)
    if len(ratings) < 4:
        assert d.hidden and d.mean is None and not d.levels
        return
    assert sum(lv.count for lv in d.levels) == d.rated == sum(r is not None for r in ratings)
    if d.rated:
        assert sum(lv.share for lv in d.levels) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("n", "split"),
    [
        (2, [(1,), (), (2,)]),
        (3, [(1,), (2,), (3,)]),
        (4, [(1,), (2, 3), (4,)]),
        (5, [(1, 2), (3,), (4, 5)]),
        (7, [(1, 2), (3, 4, 5), (6, 7)]),
    ],
)
def test_scales_split_into_three_bands(n, split):
    assert figures.bands(list(range(1, n + 1))) == split


@given(st.integers(min_value=1, max_value=10))
def test_every_level_falls_in_exactly_one_band(n):
    split = figures.bands(list(range(1, n + 1)))
    flat = [v for band in split for v in band]
    assert flat == list(range(1, n + 1))


def test_the_grid_places_rating_by_attainment_in_thirds():
    grid = figures.grid(
        figures.RATING_ATTAINMENT,
        [
            (1, "Ava", 4, 0.3, None),
            (2, "Pia", 3, 0.5, None),
            (3, "Sam", 5, 0.9, None),
            (4, "Dev", 1, 0.7, None),
            (5, "Eve", None, 0.5, None),
            (6, "Ola", 3, None, None),
        ],
        SCALE.values,
    )
    placed = {
        p.name: (cell.row, cell.column) for row in grid.rows for cell in row for p in cell.people
    }
    assert placed == {"Ava": (2, 0), "Pia": (1, 1), "Sam": (2, 2), "Dev": (0, 2)}
    assert [p.name for p in grid.not_placed] == ["Eve", "Ola"]
    assert grid.row_labels == ("High (4-5)", "Middle (3)", "Low (1-2)")
    assert grid.rows[0][0].count == 1  # high rating, low attainment: top left as drawn


def test_the_grid_places_performance_by_potential():
    grid = figures.grid(
        figures.PERFORMANCE_POTENTIAL,
        [(1, "Ava", 5, 0.1, 3), (2, "Pia", 2, 0.9, 1), (3, "Sam", 3, 0.5, None)],
        SCALE.values,
        (1, 2, 3),
    )
    placed = {p.name: (c.row, c.column) for row in grid.rows for c in row for p in c.people}
    assert placed == {"Ava": (2, 2), "Pia": (0, 0)}
    assert grid.column_labels == ("Low (1)", "Middle (2)", "High (3)")
