"""Quality scores (coach.rules.quality): explainable deductions from the findings."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lineofsight.coach.rules import run_checks
from lineofsight.coach.rules.findings import Finding, Level, Subject
from lineofsight.coach.rules.quality import (
    PENALTY,
    objective_quality,
    team_quality,
)
from tests.coaching_examples.build import filler_krs, kr, obj, population


def finding(level: Level, subject: Subject, subject_id: int, objective_id: int | None,
            code: str = "x.y") -> Finding:
    return Finding("x", code, level, subject, subject_id, f"{level.value} about {subject_id}",
                   objective_id=objective_id)


def test_errors_cost_more_than_warnings_more_than_info() -> None:
    assert PENALTY[Level.ERROR] > PENALTY[Level.WARNING] > PENALTY[Level.INFO] > 0


def test_an_objective_loses_points_for_its_own_and_its_key_results_findings() -> None:
    findings = [
        finding(Level.ERROR, Subject.OBJECTIVE, 7, 7, "focus.too_few_key_results"),
        finding(Level.WARNING, Subject.KEY_RESULT, 70, 7, "measurable.activity"),
        finding(Level.WARNING, Subject.KEY_RESULT, 80, 8, "measurable.activity"),
        finding(Level.INFO, Subject.PERSON, 7, None),  # a person, not objective 7
    ]
    quality = objective_quality(7, findings)
    assert quality.score == 100 - 25 - 10
    assert [r.code for r in quality.reasons] == [
        "focus.too_few_key_results", "measurable.activity"]
    assert [r.points for r in quality.reasons] == [25, 10]
    assert "65/100" in quality.explanation and "-25 error" in quality.explanation
    assert objective_quality(9, findings).score == 100
    assert objective_quality(9, findings).reasons == ()


def test_a_team_is_its_objectives_mean_less_its_own_findings() -> None:
    good, poor = obj("Win healthcare", team="Sales"), obj("Grow ARR", team="Sales")
    findings = [
        finding(Level.ERROR, Subject.OBJECTIVE, poor.id, poor.id),
        finding(Level.ERROR, Subject.OBJECTIVE, poor.id, poor.id),
        finding(Level.WARNING, Subject.TEAM, 2, None, "lagging_only.team"),
        finding(Level.WARNING, Subject.TEAM, 3, None, "lagging_only.team"),  # another team
    ]
    quality = team_quality(2, findings, [good, poor])
    assert quality.score == round((100 + 50) / 2 - 10)
    texts = [r.text for r in quality.reasons]
    assert texts[0] == "\u201cGrow ARR\u201d scores 50/100 (2 findings)"
    assert [r.code for r in quality.reasons][1:] == ["lagging_only.team"]
    assert team_quality(5, [], []).score == 100


@given(st.lists(st.sampled_from(list(Level)), max_size=20))
def test_scores_stay_between_0_and_100_and_fall_with_each_finding(levels: list[Level]) -> None:
    findings = [finding(level, Subject.OBJECTIVE, 1, 1) for level in levels]
    score = objective_quality(1, findings).score
    assert 0 <= score <= 100
    more = objective_quality(1, [*findings, finding(Level.INFO, Subject.OBJECTIVE, 1, 1)])
    assert more.score <= score
    assert len(more.reasons) == len(findings) + 1


def test_scores_from_a_real_run() -> None:
    meetings = kr("Have 10 customer meetings", target=10)
    weak = obj("Grow ARR", team="Sales", krs=(meetings,))
    fine = obj("Win healthcare", team="Sales", krs=filler_krs(3),
               parent_objective_ids=(99,))
    findings = run_checks(population(weak, fine), checks=["focus", "measurable", "orphan"])
    weak_quality = objective_quality(weak.id, findings)
    assert weak_quality.score == 100 - 25 - 10 - 10  # too few KRs, activity KR, unaligned
    assert objective_quality(fine.id, findings).score == 100
