"""The pure scoring module: progress, roll-up, grades and explanations."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from lineofsight.goals import scoring
from lineofsight.goals.scoring import (
    Contribution,
    KeyResultKind,
    KeyResultNode,
    KeyResultSpec,
    LinkEdge,
    ObjectiveNode,
    ProgressMode,
    Reading,
)

finite = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)
AT = dt.datetime(2026, 11, 2, 12, 0, tzinfo=dt.UTC)


def progress(kind: KeyResultKind, start, target, value=None, done=None) -> float:
    reading = Reading(value, done, AT) if value is not None or done is not None else None
    return scoring.key_result_progress(KeyResultSpec(kind, start, target), reading).value


# -- key results -----------------------------------------------------------------------


def test_increase_is_linear_from_start_to_target():
    assert progress(KeyResultKind.INCREASE, 0, 25, 22) == pytest.approx(0.88)
    assert progress(KeyResultKind.INCREASE, 105, 115, 110) == pytest.approx(0.5)


def test_decrease_is_direction_aware():
    # Contract review from 14 days to 7: at 10 days, 4 of 7 days gained.
    assert progress(KeyResultKind.DECREASE, 14, 7, 10) == pytest.approx(4 / 7)
    assert progress(KeyResultKind.DECREASE, 14, 7, 16) == 0.0
    assert progress(KeyResultKind.DECREASE, 14, 7, 5) == 1.0


def test_progress_is_clamped_and_says_so():
    fig = scoring.key_result_progress(
        KeyResultSpec(KeyResultKind.INCREASE, 0, 10), Reading(15, None, AT)
    )
    assert fig.value == 1.0
    assert any("Beyond target" in n for n in fig.explanation.notes)
    fig = scoring.key_result_progress(
        KeyResultSpec(KeyResultKind.INCREASE, 10, 20), Reading(5, None, AT)
    )
    assert fig.value == 0.0
    assert any("away from the target" in n for n in fig.explanation.notes)


def test_start_equal_to_target_is_met_or_not():
    assert progress(KeyResultKind.INCREASE, 5, 5, 5) == 1.0
    assert progress(KeyResultKind.INCREASE, 5, 5, 4) == 0.0
    assert progress(KeyResultKind.DECREASE, 5, 5, 4) == 1.0
    assert progress(KeyResultKind.DECREASE, 5, 5, 6) == 0.0


def test_start_equal_to_target_gives_nothing_before_a_check_in():
    # "Increase 0 to 0" scored 100 % with no check-in.
    fig = scoring.key_result_progress(KeyResultSpec(KeyResultKind.INCREASE, 0, 0), None)
    assert fig.value == 0.0
    assert "only a check-in that reaches the target counts" in " ".join(fig.explanation.notes)


@given(level=finite, kind=st.sampled_from([KeyResultKind.INCREASE, KeyResultKind.DECREASE]))
def test_no_key_result_is_reached_before_its_first_reading(level, kind):
    """Whatever the definition, progress without a reading is never 100 % for a key result
    that has to move (increase, decrease): nothing for free."""
    assert progress(kind, level, level) == 0.0
    assert scoring.key_result_progress(KeyResultSpec(kind, level, level), Reading()).value == 0.0


@pytest.mark.parametrize(
    ("kind", "suggestion"),
    [(KeyResultKind.INCREASE, "Stay at or above"), (KeyResultKind.DECREASE, "Stay at or below")],
)
def test_start_equal_to_target_is_refused_naming_the_target(kind, suggestion):
    with pytest.raises(scoring.SpecError) as caught:
        scoring.validate_spec(KeyResultSpec(kind, 0, 0))
    assert caught.value.field == "target_value"
    assert "The target equals the start" in caught.value.message
    assert suggestion in caught.value.message


def test_no_reading_uses_the_start_value():
    fig = scoring.key_result_progress(KeyResultSpec(KeyResultKind.INCREASE, 0, 10), None)
    assert fig.value == 0.0
    assert "No check-in yet." in fig.explanation.notes


def test_thresholds():
    assert progress(KeyResultKind.STAY_ABOVE, None, 99.5, 99.7) == 1.0
    assert progress(KeyResultKind.STAY_ABOVE, None, 99.5, 99.4) == 0.0
    assert progress(KeyResultKind.STAY_BELOW, None, 2, 2) == 1.0
    assert progress(KeyResultKind.STAY_BELOW, None, 2, 3) == 0.0
    # Before any reading a threshold uses its baseline (start) when there is one.
    assert progress(KeyResultKind.STAY_ABOVE, 100, 99.5) == 1.0
    assert progress(KeyResultKind.STAY_ABOVE, None, 99.5) == 0.0


def test_milestone():
    assert progress(KeyResultKind.MILESTONE, None, None, done=True) == 1.0
    assert progress(KeyResultKind.MILESTONE, None, None, done=False) == 0.0
    assert progress(KeyResultKind.MILESTONE, None, None) == 0.0


@given(start=finite, target=finite, value=finite)
def test_numeric_progress_always_within_bounds(start, target, value):
    for kind in (KeyResultKind.INCREASE, KeyResultKind.DECREASE):
        if kind is KeyResultKind.INCREASE and target < start:
            continue
        if kind is KeyResultKind.DECREASE and target > start:
            continue
        p = progress(kind, start, target, value)
        assert 0.0 <= p <= 1.0
        assert not math.isnan(p)


@given(start=finite, target=finite, a=finite, b=finite)
def test_progress_is_monotonic_towards_the_target(start, target, a, b):
    assume(target != start)
    lo, hi = sorted((a, b))
    if target > start:
        assert progress(KeyResultKind.INCREASE, start, target, lo) <= progress(
            KeyResultKind.INCREASE, start, target, hi
        )
    else:
        assert progress(KeyResultKind.DECREASE, start, target, hi) <= progress(
            KeyResultKind.DECREASE, start, target, lo
        )


@given(start=finite, target=finite)
def test_reaching_the_target_is_full_progress(start, target):
    kind = KeyResultKind.INCREASE if target >= start else KeyResultKind.DECREASE
    assert progress(kind, start, target, target) == 1.0
    if start != target:
        assert progress(kind, start, target, start) == 0.0


def test_validate_spec_names_the_field():
    with pytest.raises(scoring.SpecError) as exc:
        scoring.validate_spec(KeyResultSpec(KeyResultKind.INCREASE, 10, 5))
    assert exc.value.field == "target_value"
    with pytest.raises(scoring.SpecError) as exc:
        scoring.validate_spec(KeyResultSpec(KeyResultKind.DECREASE, 5, 10))
    assert exc.value.field == "target_value"
    with pytest.raises(scoring.SpecError) as exc:
        scoring.validate_spec(KeyResultSpec(KeyResultKind.INCREASE, None, 5))
    assert exc.value.field == "start_value"
    with pytest.raises(scoring.SpecError) as exc:
        scoring.validate_spec(KeyResultSpec(KeyResultKind.STAY_ABOVE, None, None))
    assert exc.value.field == "target_value"
    with pytest.raises(scoring.SpecError) as exc:
        scoring.validate_spec(KeyResultSpec(KeyResultKind.INCREASE, 0, math.inf))
    assert exc.value.field == "target_value"
    scoring.validate_spec(KeyResultSpec(KeyResultKind.MILESTONE))
    scoring.validate_spec(KeyResultSpec(KeyResultKind.INCREASE, 3, 4))


def test_validate_reading():
    with pytest.raises(scoring.SpecError) as exc:
        scoring.validate_reading(KeyResultSpec(KeyResultKind.MILESTONE), Reading(5, None))
    assert exc.value.field == "done"
    with pytest.raises(scoring.SpecError) as exc:
        scoring.validate_reading(KeyResultSpec(KeyResultKind.INCREASE, 0, 1), Reading(None, True))
    assert exc.value.field == "value"
    with pytest.raises(scoring.SpecError):
        scoring.validate_reading(KeyResultSpec(KeyResultKind.INCREASE, 0, 1), Reading(math.nan))


# -- objectives --------------------------------------------------------------------------


def kr(ref, p, w=1.0, live=True, cycle=None, start=None):
    return Contribution("key_result", ref, f"KR {ref}", p, w, cycle, start, live)


def child(ref, p, w=1.0, live=True, cycle=None, start=None):
    return Contribution("objective", ref, f"Objective {ref}", p, w, cycle, start, live)


def test_the_worked_example_account_executive():
    fig = scoring.objective_progress(
        ProgressMode.KEY_RESULTS, [kr(1, 22 / 25), kr(2, 8 / 10), kr(3, 5 / 6)], []
    )
    assert fig.value == pytest.approx((0.88 + 0.8 + 5 / 6) / 3)
    assert fig.percent == 84
    assert scoring.grade(fig.value) == 0.84
    assert [t.label for t in fig.explanation.terms] == ["KR 1", "KR 2", "KR 3"]
    assert "sum(weight x progress) / sum(weight)" in fig.explanation.formula


def test_weights_and_modes():
    krs = [kr(1, 1.0, w=3), kr(2, 0.0, w=1)]
    kids = [child(10, 0.5, w=2)]
    assert scoring.objective_progress(ProgressMode.KEY_RESULTS, krs, kids).value == 0.75
    assert scoring.objective_progress(ProgressMode.CHILDREN, krs, kids).value == 0.5
    assert scoring.objective_progress(ProgressMode.BOTH, krs, kids).value == pytest.approx(4 / 6)
    shown = scoring.objective_progress(ProgressMode.KEY_RESULTS, krs, kids).explanation
    assert any("not counted" in n for n in shown.notes)


def test_abandoned_inputs_are_shown_but_not_counted():
    fig = scoring.objective_progress(
        ProgressMode.KEY_RESULTS, [kr(1, 0.5), kr(2, 1.0, live=False)], []
    )
    assert fig.value == 0.5
    term = fig.explanation.terms[1]
    assert term.counted is False


def test_nothing_to_count_is_zero_with_a_note():
    fig = scoring.objective_progress(ProgressMode.KEY_RESULTS, [], [])
    assert fig.value == 0.0
    assert fig.explanation.notes


def test_rolling_objective_counts_its_latest_quarter():
    year, q3, q4 = 1, 2, 3
    items = [
        kr(1, 0.9, cycle=q3, start=dt.date(2026, 7, 1)),
        kr(2, 0.1, cycle=q4, start=dt.date(2026, 10, 1)),
        kr(3, 0.5, cycle=year, start=dt.date(2026, 1, 1)),
    ]
    fig = scoring.objective_progress(ProgressMode.KEY_RESULTS, items, [], own_cycle_id=year)
    assert fig.value == pytest.approx(0.3)
    dropped = [t for t in fig.explanation.terms if not t.counted]
    assert [t.ref for t in dropped] == [1]
    assert dropped[0].note == "earlier quarter"


@given(
    st.lists(
        st.tuples(st.floats(0, 1), st.floats(0.01, 100)),
        min_size=1,
        max_size=12,
    )
)
def test_weighted_mean_lies_between_inputs(pairs):
    items = [kr(i, p, w) for i, (p, w) in enumerate(pairs)]
    value = scoring.objective_progress(ProgressMode.KEY_RESULTS, items, []).value
    lo = min(p for p, _ in pairs)
    hi = max(p for p, _ in pairs)
    assert lo - 1e-9 <= value <= hi + 1e-9


@given(st.lists(st.floats(0, 1), min_size=1, max_size=8), st.floats(0.01, 50))
def test_scaling_all_weights_changes_nothing(values, factor):
    a = [kr(i, p, 1.0) for i, p in enumerate(values)]
    b = [kr(i, p, factor) for i, p in enumerate(values)]
    va = scoring.objective_progress(ProgressMode.KEY_RESULTS, a, []).value
    vb = scoring.objective_progress(ProgressMode.KEY_RESULTS, b, []).value
    assert va == pytest.approx(vb)


def test_percent_and_grade_rounding():
    assert scoring.percent(0.625) == 63
    assert scoring.percent(0.0) == 0
    assert scoring.percent(1.2) == 100
    assert scoring.grade(0.7) == 0.7
    assert scoring.grade(0.695) == 0.7
    assert scoring.grade(-1) == 0.0


def test_worst_confidence():
    assert scoring.worst_confidence(["on_track", "at_risk", ""]) is scoring.Confidence.AT_RISK
    assert scoring.worst_confidence(["off_track", "at_risk"]) is scoring.Confidence.OFF_TRACK
    assert scoring.worst_confidence([None, ""]) is None


def test_explanation_serialises():
    fig = scoring.objective_progress(ProgressMode.KEY_RESULTS, [kr(1, 0.5)], [], as_of=AT)
    data = fig.explanation.as_dict()
    assert data["as_of"] == AT.isoformat()
    assert data["terms"][0]["value"] == 0.5


# -- graphs ---------------------------------------------------------------------------


def _graph():
    objectives = {
        1: ObjectiveNode(1, "Company", ProgressMode.KEY_RESULTS, 100, dt.date(2026, 1, 1)),
        2: ObjectiveNode(2, "Team", ProgressMode.BOTH, 200, dt.date(2026, 10, 1)),
        3: ObjectiveNode(3, "Person", ProgressMode.KEY_RESULTS, 200, dt.date(2026, 10, 1)),
        4: ObjectiveNode(4, "Draft", ProgressMode.KEY_RESULTS, 200, None, live=False),
    }
    spec = KeyResultSpec(KeyResultKind.INCREASE, 0, 10)
    key_results = {
        10: KeyResultNode(10, 1, "Aligned KR", spec, 1, 100, None, aligned=True),
        11: KeyResultNode(11, 1, "Measured KR", spec, 1, 100, None, False, True, Reading(5)),
        20: KeyResultNode(20, 2, "Team KR", spec, 1, 200, None, False, True, Reading(10)),
        30: KeyResultNode(30, 3, "Person KR", spec, 1, 200, None, False, True, Reading(2)),
        40: KeyResultNode(40, 4, "Draft KR", spec, 1, 200, None, False, True, Reading(10)),
    }
    links = [
        LinkEdge(3, 1.0, parent_objective_id=2),
        LinkEdge(2, 1.0, parent_key_result_id=10),
        LinkEdge(4, 5.0, parent_key_result_id=10),
    ]
    return objectives, key_results, links


def test_graph_rolls_up_through_objectives_and_aligned_key_results():
    result = scoring.compute_graph(*_graph())
    assert result.objectives[3].value == pytest.approx(0.2)
    assert result.objectives[2].value == pytest.approx((1.0 + 0.2) / 2)
    # The draft child is listed but does not count in the aligned key result.
    assert result.key_results[10].value == pytest.approx(0.6)
    assert result.objectives[1].value == pytest.approx((0.6 + 0.5) / 2)


def test_graph_refuses_cycles():
    objectives, key_results, links = _graph()
    links = [*links, LinkEdge(1, 1.0, parent_objective_id=3)]
    with pytest.raises(scoring.CycleInGraph):
        scoring.compute_graph(objectives, key_results, links)


# -- where a key result stands, in words ------------------------------------------------------


def test_reading_text_agrees_with_the_kind():
    text = scoring.reading_text
    assert text(KeyResultSpec(KeyResultKind.INCREASE, 0, 25, "logos"), 22) == "22 of 25 logos"
    # A decrease, or an increase from elsewhere than zero, counts from its start.
    assert text(KeyResultSpec(KeyResultKind.DECREASE, 120, 90, "days"), 95) == (
        "95 days (from 120 to 90 days)"
    )
    assert text(KeyResultSpec(KeyResultKind.INCREASE, 8, 10, "clauses"), None) == (
        "8 clauses (from 8 to 10 clauses)"
    )
    assert text(KeyResultSpec(KeyResultKind.DECREASE, 4000, 2500, "$"), 3100) == (
        "$3,100 (from $4,000 to $2,500)"
    )
    assert text(KeyResultSpec(KeyResultKind.STAY_ABOVE, None, 80, "%"), 85) == (
        "85% (keep at or above 80%)"
    )
    assert text(KeyResultSpec(KeyResultKind.STAY_BELOW, None, 2), None) == (
        "no reading yet (keep at or below 2)"
    )
    assert text(KeyResultSpec(KeyResultKind.MILESTONE), None, done=True) == "Done"


@given(
    start=st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
    target=st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
    value=st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
    kind=st.sampled_from(list(KeyResultKind)),
)
def test_x_of_y_is_said_only_when_it_is_the_progress(start, target, value, kind):
    """ "x of y" reads as x / y: it is said only of an increase from zero, where progress is
    exactly that share; every other kind says where it started or what line it keeps."""
    spec = KeyResultSpec(kind, 0.0 if kind is KeyResultKind.INCREASE else start, target)
    words = scoring.reading_text(spec, value)
    if " of " in words:
        assert kind is KeyResultKind.INCREASE and target > 0
        shown = scoring.key_result_progress(spec, Reading(value, None, AT)).value
        assert shown == pytest.approx(scoring.clamp(value / target))
    if kind is KeyResultKind.DECREASE:
        assert "(from " in words
    if kind.is_threshold:
        assert "(keep at or" in words
