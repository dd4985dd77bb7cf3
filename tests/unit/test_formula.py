"""The explicit review formula (reviews.formula): weights, missing parts, explanations."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from lineofsight.reviews import formula

SCALE = (1, 2, 3, 4, 5)

# The weights the product accepts: 0 or from MIN_WEIGHT up (formula.weight_errors).
weight = st.just(0.0) | st.floats(min_value=formula.MIN_WEIGHT, max_value=100)
weights = st.fixed_dictionaries(
    {"okr_attainment": weight, "baseline": weight, "manager": weight}
).filter(lambda w: sum(w.values()) > 0)
attainments = st.none() | st.floats(min_value=0, max_value=1.5, allow_nan=False)
on_scale = st.none() | st.floats(min_value=1, max_value=5, allow_nan=False)


def compute(w, attainment=None, baseline=None, manager=None):
    return formula.compute(
        w, scale=SCALE, attainment=attainment, baseline=baseline, manager=manager
    )


# -- good examples ---------------------------------------------------------------------


def test_weighted_mean_of_the_parts_on_the_scale():
    # 60 % attainment on 1-5 is 3.4; 0.4 * 3.4 + 0.3 * 4 + 0.3 * 3 = 3.46.
    result = compute(
        {"okr_attainment": 0.4, "baseline": 0.3, "manager": 0.3},
        attainment=0.6,
        baseline=4,
        manager=3,
    )
    assert result.value == pytest.approx(3.46)
    assert result.nearest == 3
    assert result.left_out == ()
    assert result.weights_used == pytest.approx(
        {"okr_attainment": 0.4, "baseline": 0.3, "manager": 0.3}
    )


def test_a_missing_part_is_left_out_and_the_weights_renormalised_never_zero():
    result = compute(
        {"okr_attainment": 0.5, "baseline": 0.25, "manager": 0.25}, baseline=4, manager=2
    )
    # Without attainment: 0.5 * 4 + 0.5 * 2 = 3, not 0.25 * 4 + 0.25 * 2 + 0.5 * 1.
    assert result.value == pytest.approx(3.0)
    assert result.left_out == ("okr_attainment",)
    assert result.weights_used == pytest.approx({"baseline": 0.5, "manager": 0.5})
    lines = " ".join(result.lines())
    assert "OKR attainment: missing, left out" in lines
    assert "never counted as zero" in lines


def test_a_zero_weight_part_is_not_in_the_formula_and_not_reported_missing():
    result = compute({"okr_attainment": 0, "manager": 1}, manager=4)
    assert result.value == 4
    assert result.left_out == ()
    assert all("OKR" not in line for line in result.lines())


def test_nothing_present_indicates_nothing():
    result = compute({"okr_attainment": 1, "manager": 1})
    assert result.value is None and result.nearest is None
    assert result.left_out == ("okr_attainment", "manager")
    assert any("indicates nothing" in line for line in result.lines())


def test_attainment_is_mapped_onto_the_scale_and_capped_at_the_top():
    assert formula.attainment_on_scale(0.0, 1, 5) == 1
    assert formula.attainment_on_scale(0.5, 1, 5) == 3
    assert formula.attainment_on_scale(1.3, 1, 5) == 5
    assert compute({"okr_attainment": 1}, attainment=0.73).value == pytest.approx(3.92)


def test_context_mode_computes_nothing():
    assert (
        formula.indicate(
            "context", {"manager": 1}, scale=SCALE, attainment=1, baseline=5, manager=5
        )
        is None
    )
    assert formula.indicate(
        "formula", {"manager": 1}, scale=SCALE, attainment=None, baseline=None, manager=4
    ).value == pytest.approx(4)


def test_the_explanation_names_inputs_weights_and_result():
    result = compute({"okr_attainment": 2, "manager": 2}, attainment=0.5, manager=4)
    lines = result.lines()
    assert lines[0] == "OKR attainment: 50 % -> 3.00 on the scale, weight 0.50 (stated 2)."
    assert lines[1] == "Manager's rating: 4.00, weight 0.50 (stated 2)."
    assert lines[-1] == "Formula indicates 3.50 (nearest level 4)."


def test_describe_and_mean():
    assert formula.describe({"okr_attainment": 1, "manager": 3}) == (
        "25 % OKR attainment, 75 % manager's rating"
    )
    assert formula.mean([3, None, 5]) == 4
    assert formula.mean([None]) is None


# -- bad examples ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weights", "field", "message"),
    [
        ({"okr": 1}, "formula_weights.okr", "Unknown part"),
        ({"manager": "1"}, "formula_weights.manager", "Enter a number"),
        ({"manager": True}, "formula_weights.manager", "Enter a number"),
        ({"manager": -1}, "formula_weights.manager", "cannot be negative"),
        ({"manager": math.inf}, "formula_weights.manager", "finite"),
        ({"manager": 5000}, "formula_weights.manager", "at or under 1000"),
        ({"manager": 1, "baseline": 1e-9}, "formula_weights.baseline", "0 or at least 0.001"),
        ({"manager": 0, "baseline": 0}, "formula_weights", "at least one part"),
        ({}, "formula_weights", "at least one part"),
        ([1, 2], "formula_weights", "Give the weights"),
    ],
)
def test_bad_weights_are_refused_naming_the_field(weights, field, message):
    errors = formula.weight_errors(weights)
    assert field in errors and message in errors[field]
    with pytest.raises(formula.FormulaError) as caught:
        formula.clean_weights(weights)
    assert caught.value.errors == errors


def test_an_empty_scale_is_refused():
    with pytest.raises(formula.FormulaError):
        formula.compute({"manager": 1}, scale=(), attainment=None, baseline=None, manager=3)


# -- invariants ------------------------------------------------------------------------


@given(weights, attainments, on_scale, on_scale)
def test_the_figure_stays_on_the_scale_and_weights_used_sum_to_one(w, a, b, m):
    result = compute(w, a, b, m)
    if result.value is None:
        assert not result.weights_used
        return
    assert 1 <= result.value <= 5
    assert result.nearest in SCALE
    assert sum(result.weights_used.values()) == pytest.approx(1.0)


@given(weights, attainments, on_scale, on_scale, st.floats(min_value=0.01, max_value=10))
def test_scaling_every_weight_changes_nothing(w, a, b, m, k):
    assume(all(v == 0 or v * k >= formula.MIN_WEIGHT for v in w.values()))
    first = compute(w, a, b, m)
    second = compute({p: v * k for p, v in w.items()}, a, b, m)
    if first.value is None:
        assert second.value is None
    else:
        assert second.value == pytest.approx(first.value)


@given(weights, attainments, on_scale)
def test_leaving_a_part_out_equals_giving_it_no_weight(w, a, m):
    """A missing part is never counted as zero: the result is that of the formula without
    it."""
    missing = compute(w, a, None, m)
    rest = {**w, "baseline": 0.0}
    if not any(rest.values()):  # only the baseline was weighted
        assert missing.value is None
        return
    without = compute(rest, a, None, m)
    if without.value is None:
        assert missing.value is None
    else:
        assert missing.value == pytest.approx(without.value)


@given(weights, st.floats(min_value=1, max_value=5, allow_nan=False))
def test_every_part_at_the_same_value_gives_that_value(w, v):
    result = compute(w, (v - 1) / 4, v, v)
    assert result.value == pytest.approx(v)


@given(weights, attainments, on_scale, on_scale, st.floats(min_value=0, max_value=2))
def test_a_higher_manager_rating_never_lowers_the_figure(w, a, b, m, bump):
    assume(m is not None)
    low = compute(w, a, b, m)
    high = compute(w, a, b, min(5.0, m + bump))
    if low.value is None:  # only missing parts were weighted: the rating changes nothing
        assert high.value is None
    else:
        assert high.value is not None and high.value >= low.value - 1e-9
