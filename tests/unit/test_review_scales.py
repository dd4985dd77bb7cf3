"""Rating scales, deadlines and phases of a review cycle (pure)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lineofsight.reviews.cycles.scales import (
    deadline_errors,
    normalise_scale,
    phase_on,
    scale_errors,
    scale_label,
)
from lineofsight.reviews.models import default_potential_scale, default_rating_scale


def _levels(*values: int) -> list[dict[str, object]]:
    return [{"value": v, "label": f"Level {v}", "description": ""} for v in values]


def test_the_default_scales_are_good():
    assert scale_errors(default_rating_scale()) == {}
    assert scale_errors(default_potential_scale(), "potential_scale") == {}


@pytest.mark.parametrize(
    ("levels", "field"),
    [
        ("1-5", "rating_scale"),
        (_levels(1), "rating_scale"),
        (_levels(*range(1, 12)), "rating_scale"),
        (_levels(1, 2, 4), "rating_scale"),
        (_levels(0, 1, 2), "rating_scale"),
        (_levels(1, 2, 2), "rating_scale"),
        ([{"value": 1, "label": "A"}, {"value": 2, "label": " "}], "rating_scale.1"),
        ([{"value": 1, "label": "Same"}, {"value": 2, "label": "same"}], "rating_scale.1"),
        ([{"value": "1", "label": "A"}, {"value": 2, "label": "B"}], "rating_scale.0"),
        ([{"value": True, "label": "A"}, {"value": 2, "label": "B"}], "rating_scale.0"),
        ([{"value": 1, "label": "A"}, "B"], "rating_scale.1"),
        ([{"value": 1, "label": "A" * 81}, {"value": 2, "label": "B"}], "rating_scale.0"),
    ],
)
def test_bad_scales_name_the_level_or_the_scale(levels, field):
    assert field in scale_errors(levels)


@given(st.permutations(list(range(1, 8))))
def test_any_order_of_contiguous_values_is_a_scale_and_normalises_sorted(values):
    levels = _levels(*values)
    assert scale_errors(levels) == {}
    assert [lv["value"] for lv in normalise_scale(levels)] == list(range(1, 8))


def test_labels_of_values():
    scale = default_rating_scale()
    assert scale_label(scale, 3) == "Meets"
    assert scale_label(scale, None) == "" and scale_label(scale, 9) == ""


DEADLINES = {
    "self_review_due": dt.date(2026, 10, 9),
    "peer_feedback_due": dt.date(2026, 10, 16),
    "manager_review_due": dt.date(2026, 10, 23),
    "calibration_due": dt.date(2026, 10, 30),
    "sharing_due": dt.date(2026, 11, 6),
}


def test_deadlines_in_phase_order_after_the_cycle_start():
    assert deadline_errors(DEADLINES, dt.date(2026, 7, 1)) == {}
    same_day = dict.fromkeys(DEADLINES, dt.date(2026, 10, 9))
    assert deadline_errors(same_day, dt.date(2026, 7, 1)) == {}


def test_deadline_errors_name_the_deadline():
    early = deadline_errors(DEADLINES, dt.date(2026, 10, 10))
    assert set(early) == {"self_review_due"}
    assert "2026-10-10" in early["self_review_due"]
    swapped = {**DEADLINES, "calibration_due": dt.date(2026, 10, 20)}
    errors = deadline_errors(swapped, dt.date(2026, 7, 1))
    assert set(errors) == {"calibration_due"}
    assert "manager review" in errors["calibration_due"]
    missing = {**DEADLINES, "peer_feedback_due": None}
    assert set(deadline_errors(missing, dt.date(2026, 7, 1))) == {"peer_feedback_due"}


@pytest.mark.parametrize(
    ("today", "key", "days_left"),
    [
        (dt.date(2026, 9, 1), "self_review", 38),
        (dt.date(2026, 10, 9), "self_review", 0),
        (dt.date(2026, 10, 10), "peer_feedback", 6),
        (dt.date(2026, 10, 23), "manager_review", 0),
        (dt.date(2026, 10, 24), "calibration", 6),
        (dt.date(2026, 11, 6), "sharing", 0),
        (dt.date(2026, 11, 7), "wrap_up", None),
    ],
)
def test_the_phase_today_follows_the_deadlines(today, key, days_left):
    phase = phase_on(DEADLINES, today)
    assert phase.key == key
    assert phase.days_left == days_left


@given(st.dates(dt.date(2026, 1, 1), dt.date(2027, 12, 31)))
def test_phases_only_move_forward(day):
    order = ["self_review", "peer_feedback", "manager_review", "calibration", "sharing", "wrap_up"]
    today = order.index(phase_on(DEADLINES, day).key)
    tomorrow = order.index(phase_on(DEADLINES, day + dt.timedelta(days=1)).key)
    assert tomorrow >= today
