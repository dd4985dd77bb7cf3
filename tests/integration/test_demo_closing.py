"""The demo's closed quarter is closed out: grades, adjusted grades, retrospectives (the
worked example's account executive among them) and one key result carried over."""

from __future__ import annotations

import pytest

from lineofsight.goals import grading
from lineofsight.goals.closing import selectors as closing
from lineofsight.goals.models import Cycle, KeyResult, Objective, Retrospective
from lineofsight.people.models import Person

WORKED_AE = "Build and close enterprise pipeline that supports team quota attainment"


@pytest.fixture
def quarters(demo, db):
    closed = Cycle.objects.get(kind="quarter", state="closed")
    active = Cycle.objects.get(kind="quarter", state="active")
    return closed, active


def test_the_closed_quarter_is_graded_and_the_current_one_is_not(demo, quarters):
    closed, active = quarters
    assert demo.differences == 0
    graded = Objective.objects.filter(cycle=closed, state="active")
    assert graded.exists() and not graded.filter(computed_grade=None).exists()
    assert not KeyResult.objects.filter(cycle=closed, state="active", computed_grade=None).exists()
    assert not Objective.objects.filter(cycle=active).exclude(computed_grade=None).exists()


def test_the_account_executive_lands_084_on_a_committed_objective(quarters):
    closed, _ = quarters
    jordan = Objective.objects.get(cycle=closed, title=WORKED_AE)
    assert jordan.computed_grade == 0.84
    assert grading.verdict(jordan.commitment, jordan.computed_grade).words == (
        "Committed: expected to reach 1.0; landed 0.84: missed"
    )
    grades = list(jordan.key_results.order_by("position").values_list("computed_grade", flat=True))
    assert grades == [0.88, 0.8, 0.83]
    retro = Retrospective.objects.get(objective=jordan)
    assert retro.author.username == "jordan" and retro.decision == "change"
    assert "22 of 25" in retro.what_happened and "34 new logos against 40" in retro.what_happened
    assert "security review" in retro.learned


def test_two_grades_are_adjusted_with_reasons(quarters):
    closed, _ = quarters
    adjusted = [
        *Objective.objects.filter(cycle=closed).exclude(adjusted_grade=None),
        *KeyResult.objects.filter(cycle=closed).exclude(adjusted_grade=None),
    ]
    assert len(adjusted) == 2
    for item in adjusted:
        assert item.grade_reason and item.graded_by is not None
        assert item.adjusted_grade != item.computed_grade
    assert Retrospective.objects.filter(objective__cycle=closed).count() == 3


def test_one_key_result_is_carried_into_the_current_quarter(quarters):
    closed, active = quarters
    carried = KeyResult.objects.select_related("carried_from", "objective").get(
        carried_from__isnull=False
    )
    assert carried.cycle == active and carried.carried_from.cycle == closed
    assert carried.title == carried.carried_from.title
    assert (carried.start_value, carried.target_value) == (8, 10)
    assert carried.objective.owner_team.slug == "legal"
    assert carried.check_ins.count() == 1 and carried.progress == pytest.approx(0.5)


def test_calibration_tells_each_owner_how_their_calls_did(quarters):
    closed, _ = quarters
    jordan = Person.objects.get(username="jordan")
    priya = Person.objects.get(username="priya")
    result = closing.person_calibration(priya, jordan, closed)
    # His three committed key results, and the one of his development goal (aspirational).
    assert result.scored == 4 and result.brier is not None
    growth = set(
        KeyResult.objects.filter(objective__is_development=True).values_list("pk", flat=True)
    )
    okrs = [kr for kr in result.key_results if kr.ref not in growth]
    assert len(okrs) == 3 and not any(kr.succeeded for kr in okrs)  # committed: all missed


def test_a_demo_team_published_its_retrospective_of_the_closed_quarter(quarters):
    from lineofsight.goals.models import TeamRetrospective
    from lineofsight.goals.team_retros import selectors as retros

    closed, active = quarters
    retro = TeamRetrospective.objects.get(cycle=closed, team__slug="vertical-editions")
    assert retro.state == "published" and retro.version == 3
    assert retro.versions.count() == 3
    outsider = Person.objects.get(username="tom")
    summary = retros.last_team_retrospective(outsider, retro.team, active)
    assert summary is not None and summary.retro == retro
    grades = {g.objective.title: g.grade.computed for g in summary.objectives}
    assert sorted(grades.values()) == [0.65, 0.85]
    assert all(section.text for section in summary.sections)
