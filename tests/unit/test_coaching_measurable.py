"""Measurable key results (coach.rules.measurable)."""

from __future__ import annotations

import pytest

from lineofsight.coach.rules.findings import Level, Subject
from lineofsight.coach.rules.measurable import check_measurable
from tests.coaching_examples import evaluate
from tests.coaching_examples.build import kr, obj, population


def one(title: str, **kw: object) -> list:  # type: ignore[type-arg]
    key_result = kr(title, **kw)  # type: ignore[arg-type]
    return check_measurable(population(obj("Win healthcare", team="Sales",
                                           krs=(key_result,))))


def test_counting_meetings_is_an_activity_with_an_outcome_rewrite() -> None:
    [finding] = one("Have 10 customer meetings", target=10)
    assert (finding.code, finding.subject, finding.level) == (
        "measurable.activity", Subject.KEY_RESULT, Level.WARNING)
    assert "\u201cHave 10 customer meetings\u201d counts meetings" in finding.message
    assert finding.suggestion.startswith(
        "Instead of counting meetings, measure what the meetings should change: <metric> "
        "from X to Y"
    )


@pytest.mark.parametrize(
    ("title", "fitted"),
    [("Work on churn", "churn from 3 % to 2 %"),
     ("Improve product quality", "escaped defects per release"),
     ("Ensure GDPR compliance", "critical findings"),
     ("Improve the month-end close process", "contract review time")],
)
def test_unmeasurable_statements_get_a_rewrite_fitted_to_the_topic(title: str,
                                                                   fitted: str) -> None:
    [finding] = one(title, kind="milestone")
    assert finding.code == "measurable.unmeasurable"
    assert title in finding.message and "no number and no target" in finding.message
    assert "<metric> from X to Y" in finding.suggestion and fitted in finding.suggestion


def test_a_missing_target_names_the_start() -> None:
    [finding] = one("Net revenue retention", start=105, target=None, unit="%")
    assert finding.code == "measurable.no_target"
    assert "has no target" in finding.message and "from 105 %" in finding.suggestion
    [same] = one("Contract review time", kind="decrease", start=14, target=14, unit="days")
    assert "starts and ends at 14 days" in same.message


@pytest.mark.parametrize(
    ("title", "kw"),
    [("40 new enterprise logos (ACV > $150K)", {"target": 40}),
     ("Reduce contract review from 14 days to 7",
      {"kind": "decrease", "start": 14, "target": 7, "unit": "days"}),
     ("Pass the SOC 2 Type II audit with no major findings", {"kind": "milestone"}),
     ("Improve NPS", {"start": 30, "target": 45}),
     ("Reduce time spent in meetings from 15 to 8 hours a week",
      {"kind": "decrease", "start": 15, "target": 8}),
     ("Meeting-to-opportunity conversion rate from 15% to 25%",
      {"start": 15, "target": 25, "unit": "%"})],
)
def test_outcomes_results_and_rates_are_fine(title: str, kw: dict[str, object]) -> None:
    assert one(title, **kw) == []


def test_abandoned_key_results_and_objectives_are_not_checked() -> None:
    meeting = kr("Have 10 customer meetings", target=10, state="abandoned")
    live = obj("Win healthcare", team="Sales", krs=(meeting,))
    churn = kr("Work on churn", kind="milestone")
    dropped = obj("Keep customers", team="Sales", krs=(churn,), state="abandoned")
    assert check_measurable(population(live, dropped)) == []


def test_labelled_set_precision_and_recall() -> None:
    score = evaluate("measurable")
    assert score.examples >= 30 and score.flagged_examples >= 10 and score.tn >= 10
    assert score.precision >= 0.9, [r.example.name for r in score.mistakes]
    assert score.recall >= 0.9, [r.example.name for r in score.mistakes]
