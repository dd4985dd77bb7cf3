"""Closing a cycle (goals.grading): grades, success per commitment, calibrated confidence."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lineofsight.goals import grading, scoring
from lineofsight.goals.grading import (
    CalibrationReading,
    GradedObjective,
    KeyResultCalls,
)

progress = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
grades = st.integers(min_value=0, max_value=100).map(lambda n: n / 100)
commitments = st.sampled_from(["committed", "aspirational"])
confidences = st.sampled_from(["on_track", "at_risk", "off_track"])


def calls(
    ref: int,
    grade: float | None,
    *confidence: str,
    commitment: str = "aspirational",
    owner: int | None = 1,
) -> KeyResultCalls:
    return KeyResultCalls(ref, f"KR {ref}", commitment, grade, tuple(confidence), owner)


key_result_calls = st.builds(
    KeyResultCalls,
    ref=st.integers(min_value=1, max_value=10_000),
    title=st.just("KR"),
    commitment=commitments,
    grade=grades,
    confidences=st.lists(confidences, min_size=1, max_size=13).map(tuple),
    owner_id=st.integers(min_value=1, max_value=5),
)


# -- grades ------------------------------------------------------------------------------


def test_the_grade_is_the_final_progress_to_two_decimals():
    # The worked example: (22/25 + 8/10 + 5/6) / 3 = 0.8378 lands at 0.84.
    final = (22 / 25 + 8 / 10 + 5 / 6) / 3
    assert grading.closing_grade(final) == 0.84
    assert grading.closing_grade(0.625) == 0.63  # halves round up, as percentages do
    assert grading.closing_grade(1.0) == 1.0
    assert grading.closing_grade(0.0) == 0.0


def test_what_is_not_graded_has_no_grade_and_says_why():
    assert grading.closing_grade(0.9, graded=False) is None
    assert grading.objective_is_graded("active") and grading.objective_is_graded("closed")
    assert not grading.objective_is_graded("draft")
    assert not grading.objective_is_graded("abandoned")
    assert grading.key_result_is_graded("active", "active")
    assert not grading.key_result_is_graded("abandoned", "active")
    assert not grading.key_result_is_graded("active", "abandoned")
    assert grading.why_not_graded("abandoned") == "Abandoned, so not graded."
    assert grading.why_not_graded("draft") == "A draft, so not graded."
    assert "objective is abandoned" in grading.why_not_graded("active", "abandoned")


@given(progress)
def test_the_grade_is_the_same_figure_the_scoring_module_gives(value):
    assert grading.closing_grade(value) == scoring.grade(value)
    assert abs(grading.closing_grade(value) - value) <= 0.005 + 1e-9


# -- success per commitment --------------------------------------------------------------


def test_committed_objectives_are_expected_to_reach_one():
    v = grading.verdict("committed", 0.88)
    assert not v.success and v.threshold == 1.0
    assert v.words == "Committed: expected to reach 1.0; landed 0.88: missed"
    assert grading.verdict("committed", 1.0).words == (
        "Committed: expected to reach 1.0; landed 1.00: success"
    )


def test_aspirational_objectives_count_point_seven_as_success():
    v = grading.verdict("aspirational", 0.74)
    assert v.success and v.threshold == 0.7
    assert v.words == "Aspirational: 0.7 counts as success; landed 0.74: success"
    assert not grading.verdict("aspirational", 0.69).success
    assert grading.verdict("aspirational", 0.7).success


def test_an_adjusted_grade_says_so():
    v = grading.verdict("committed", 1.0, adjusted=True)
    assert v.words == "Committed: expected to reach 1.0; adjusted to 1.00: success"


@given(grades, commitments)
def test_success_is_reaching_the_threshold(value, commitment):
    v = grading.verdict(commitment, value)
    assert v.success is (value >= v.threshold)
    assert v.outcome in v.words


@given(grades)
def test_a_committed_success_is_always_an_aspirational_one(value):
    if grading.verdict("committed", value).success:
        assert grading.verdict("aspirational", value).success


# -- a cycle's summary -------------------------------------------------------------------


def test_the_summary_counts_what_the_command_line_prints():
    summary = grading.summarise(
        [
            GradedObjective("committed", 0.84),
            GradedObjective("committed", 1.0, adjusted=0.9),
            GradedObjective("aspirational", 0.74),
            GradedObjective("aspirational", 0.5),
            GradedObjective("aspirational", None),
        ]
    )
    assert summary.graded == 4 and summary.not_graded == 1
    assert summary.average == pytest.approx((0.84 + 1.0 + 0.74 + 0.5) / 4)
    assert (summary.committed, summary.committed_missed) == (2, 1)
    assert (summary.aspirational, summary.aspirational_successes) == (2, 1)
    assert summary.adjusted == 1
    assert summary.lines() == [
        "Objectives graded: 4 (average grade 0.77).",
        "Committed missed: 1 of 2 (committed objectives are expected to reach 1.0).",
        "Aspirational successes: 1 of 2 (0.7 counts as success).",
        "Not graded (drafts and abandoned): 1.",
        "Adjusted by their owners: 1.",
    ]


def test_an_empty_summary_says_so():
    summary = grading.summarise([])
    assert summary.average is None
    assert summary.lines() == ["No objectives graded."]


@given(st.lists(st.builds(GradedObjective, commitments, st.one_of(st.none(), grades))))
def test_the_summary_adds_up(items):
    s = grading.summarise(items)
    assert s.graded + s.not_graded == len(items)
    assert s.committed + s.aspirational == s.graded
    assert 0 <= s.committed_missed <= s.committed
    assert 0 <= s.aspirational_successes <= s.aspirational
    if s.graded:
        assert 0.0 <= s.average <= 1.0


# -- calibrated confidence ---------------------------------------------------------------


def test_the_mapping_and_the_reference_points():
    assert grading.probability("on_track") == 0.85
    assert grading.probability("at_risk") == 0.5
    assert grading.probability("off_track") == 0.15
    assert grading.brier(0.5, True) == grading.brier(0.5, False) == grading.COIN_FLIP_BRIER
    assert pytest.approx(0.0225) == grading.BEST_BRIER
    assert grading.brier(0.85, True) == pytest.approx(0.0225)
    assert grading.brier(0.85, False) == pytest.approx(0.7225)


def test_a_key_result_averages_its_check_ins():
    # Committed, landed 0.88: missed (outcome 0). Two on track, one at risk.
    kr = grading.score_key_result(
        calls(1, 0.88, "on_track", "on_track", "at_risk", commitment="committed")
    )
    assert kr is not None and not kr.succeeded
    assert kr.calls == 3
    assert kr.brier == pytest.approx((0.85**2 + 0.85**2 + 0.5**2) / 3)
    assert kr.mean_probability == pytest.approx((0.85 + 0.85 + 0.5) / 3)
    # The same figures on an aspirational objective succeed (0.88 >= 0.7).
    kr = grading.score_key_result(calls(1, 0.88, "on_track", "on_track", "at_risk"))
    assert kr is not None and kr.succeeded
    assert kr.brier == pytest.approx((0.15**2 + 0.15**2 + 0.5**2) / 3)


def test_key_results_without_calls_or_grade_are_left_out():
    assert grading.score_key_result(calls(1, 0.5)) is None
    assert grading.score_key_result(calls(1, None, "on_track")) is None
    result = grading.calibrate([calls(1, 0.5), calls(2, None, "on_track")])
    assert result.brier is None and result.reading is CalibrationReading.NO_CALLS
    assert result.unscored == 2
    assert "nothing to score" in result.summary


def test_a_person_who_always_says_on_track_and_misses_is_overconfident():
    result = grading.calibrate(
        [
            calls(1, 0.4, "on_track", "on_track"),
            calls(2, 0.5, "on_track", "on_track", "on_track"),
            calls(3, 0.9, "on_track"),
        ]
    )
    # Per key result: 0.7225, 0.7225, 0.0225; mean 0.4892.
    assert result.brier == pytest.approx((0.7225 * 2 + 0.0225) / 3)
    assert result.mean_probability == pytest.approx(0.85)
    assert result.success_rate == pytest.approx(1 / 3)
    assert result.reading is CalibrationReading.OVERCONFIDENT
    assert result.calls == 6
    assert [kr.ref for kr in result.key_results] == [1, 2, 3]  # worst first
    assert "no better than always saying 50/50" in result.summary
    assert "overconfident" in result.summary


def test_a_person_who_says_off_track_and_succeeds_is_underconfident():
    result = grading.calibrate(
        [
            calls(1, 0.9, "off_track", "at_risk"),
            calls(2, 0.8, "at_risk"),
            calls(3, 0.2, "off_track"),
        ]
    )
    assert result.reading is CalibrationReading.UNDERCONFIDENT
    assert result.gap == pytest.approx((0.325 + 0.5 + 0.15) / 3 - 2 / 3)


def test_honest_calls_are_well_calibrated_and_beat_the_coin_flip():
    result = grading.calibrate(
        [
            calls(1, 1.0, "on_track", "on_track"),
            calls(2, 0.3, "off_track", "off_track"),
            calls(3, 0.9, "at_risk", "on_track", "on_track"),
        ]
    )
    assert result.reading is CalibrationReading.WELL_CALIBRATED
    assert result.beats_coin_flip
    assert result.summary.startswith("Brier score 0.048 over 3 key results (7 check-ins)")
    assert "2 of 3 succeeded (67 %)" in result.summary


def test_few_key_results_are_read_as_a_hint():
    result = grading.calibrate([calls(1, 1.0, "on_track")])
    assert "read it as a hint" in result.summary


def test_calibration_by_owner_groups_key_results():
    items = [
        calls(1, 1.0, "on_track", owner=7),
        calls(2, 0.2, "on_track", owner=7),
        calls(3, 0.2, "off_track", owner=8),
    ]
    by_owner = grading.calibrate_by_owner(items)
    assert set(by_owner) == {7, 8}
    assert by_owner[7].scored == 2
    assert by_owner[8].brier == pytest.approx(0.0225)


def test_the_words_state_the_method_the_references_and_the_rule():
    assert "on track 0.85, at risk 0.5, off track 0.15" in grading.METHOD
    assert "0 is perfect, 0.25 is what always saying 50/50 scores" in grading.REFERENCE
    assert "more than 10 points above" in grading.READING_RULE


@given(st.lists(key_result_calls, min_size=1, max_size=20))
def test_calibration_invariants(items):
    result = grading.calibrate(items)
    assert result.brier is not None
    # Every call is 0.15, 0.5 or 0.85 away from 0 or 1.
    assert grading.BEST_BRIER - 1e-9 <= result.brier <= 0.7225 + 1e-9
    # The group's score is the mean of its key results' scores.
    per_kr = [grading.score_key_result(item) for item in items]
    assert result.brier == pytest.approx(sum(kr.brier for kr in per_kr) / len(per_kr))
    assert result.calls == sum(len(item.confidences) for item in items)
    assert 0.0 <= result.success_rate <= 1.0
    assert 0.15 - 1e-9 <= result.mean_probability <= 0.85 + 1e-9
    # Order does not matter.
    assert grading.calibrate(list(reversed(items))).brier == pytest.approx(result.brier)


@given(st.lists(st.tuples(confidences, st.booleans()), min_size=1, max_size=20))
def test_mirrored_calls_mirror_the_reading(pairs):
    """Flip every call (on track <-> off track) and every outcome: the score is the same and
    overconfidence becomes underconfidence."""
    flip = {"on_track": "off_track", "off_track": "on_track", "at_risk": "at_risk"}
    items = [calls(i, 1.0 if ok else 0.0, c) for i, (c, ok) in enumerate(pairs)]
    mirrored = [calls(i, 0.0 if ok else 1.0, flip[c]) for i, (c, ok) in enumerate(pairs)]
    a, b = grading.calibrate(items), grading.calibrate(mirrored)
    assert a.brier == pytest.approx(b.brier)
    assert a.gap == pytest.approx(-b.gap)
    pairs_of_readings = {
        CalibrationReading.OVERCONFIDENT: CalibrationReading.UNDERCONFIDENT,
        CalibrationReading.UNDERCONFIDENT: CalibrationReading.OVERCONFIDENT,
        CalibrationReading.WELL_CALIBRATED: CalibrationReading.WELL_CALIBRATED,
    }
    if abs(abs(a.gap) - grading.CALIBRATION_MARGIN) > 1e-6:
        assert b.reading is pairs_of_readings[a.reading]


@given(grades, commitments)
def test_always_at_risk_scores_exactly_the_coin_flip(value, commitment):
    item = KeyResultCalls(1, "KR", commitment, value, ("at_risk",) * 4)
    assert grading.score_key_result(item).brier == pytest.approx(grading.COIN_FLIP_BRIER)


@given(st.lists(st.tuples(commitments, st.one_of(st.none(), grades), st.integers(1, 5))))
def test_a_grouped_summary_equals_the_summary_of_its_members(groups):
    grouped = grading.summarise(GradedObjective(c, g, count=n) for c, g, n in groups)
    flat = grading.summarise(GradedObjective(c, g) for c, g, n in groups for _ in range(n))
    assert grouped.lines() == flat.lines()
    assert (grouped.graded, grouped.committed_missed) == (flat.graded, flat.committed_missed)
