"""Development goals: individual objectives about growth, tracked with check-ins, kept out of
OKR attainment, review formulas, the team context's grades and the company roll-up, shown
in the evidence pack's growth section, and never flagged by the coach as not aligned."""

from __future__ import annotations

import datetime as dt

import pytest

from lineofsight.coach.rules.facts import CycleFacts, ObjectiveFacts, Population
from lineofsight.coach.rules.orphans import check_orphans
from lineofsight.core.errors import InvalidInput
from lineofsight.goals import actions
from lineofsight.goals.models import Objective
from lineofsight.reviews.evidence.selectors import evidence_pack

from ..okrs import build_cascade
from ..reviews import build_review_cycle
from ..worked_example import build_example

pytestmark = pytest.mark.django_db


def growth(cast, cycle=None, **kwargs):
    return actions.create_objective(
        acting_user=cast.ava,
        title="Become a confident negotiator",
        level="individual",
        cycle=cycle or cast.q4,
        owner_person=cast.ava,
        is_development=True,
        **kwargs,
    )


def test_a_development_goal_is_individual_and_tracked_with_check_ins(cast):
    build_cascade(cast)
    goal = growth(cast)
    assert goal.is_development
    kr = actions.create_key_result(
        acting_user=cast.ava,
        objective=goal,
        title="Lead 4 negotiations with a coach",
        kind="increase",
        start_value=0,
        target_value=4,
        owner=cast.ava,
    )
    actions.record_check_in(acting_user=cast.ava, key_result=kr, value=2, confidence="on_track")
    goal.refresh_from_db()
    assert goal.progress == pytest.approx(0.5)
    with pytest.raises(InvalidInput) as exc:
        actions.create_objective(
            acting_user=cast.sam,
            title="Team growth",
            level="team",
            cycle=cast.q4,
            owner_team=cast.enterprise,
            is_development=True,
        )
    assert list(exc.value.errors) == ["is_development"]


def test_a_development_goal_supports_but_never_counts_towards_others(cast):
    c = build_cascade(cast)
    goal = growth(cast)
    with pytest.raises(InvalidInput) as exc:
        actions.align_objective(
            acting_user=cast.ava, child=goal, parent_objective=c.sales, kind="contributes"
        )
    assert "development goal" in exc.value.errors["kind"][0]
    actions.align_objective(
        acting_user=cast.ava, child=goal, parent_objective=c.sales, kind="supports"
    )
    # An objective that counts towards another cannot become one until that ends.
    with pytest.raises(InvalidInput) as exc:
        actions.update_objective(acting_user=cast.ava, objective=c.ava_obj, is_development=True)
    assert "counts towards another objective" in exc.value.errors["is_development"][0]
    other = actions.create_objective(
        acting_user=cast.ava,
        title="Learn the healthcare market",
        level="individual",
        cycle=cast.q4,
        owner_person=cast.ava,
    )
    actions.update_objective(acting_user=cast.ava, objective=other, is_development=True)
    assert Objective.objects.get(pk=other.pk).is_development


def test_attainment_and_the_evidence_pack_leave_development_goals_out(cast):
    build_example(cast)
    goal = actions.create_objective(
        acting_user=cast.hana,
        title="Become a confident negotiator",
        level="individual",
        cycle=cast.q3,
        owner_person=cast.ava,
        is_development=True,
        amendment_reason="Agreed in her one-on-one, recorded late",
        at=dt.datetime(2026, 7, 6, 9, tzinfo=dt.UTC),
    )
    Objective.objects.filter(pk=goal.pk).update(state="closed", computed_grade=0.0)
    setup = build_review_cycle(cast)
    review = setup["ava"]
    graded = Objective.objects.filter(
        owner_person=cast.ava, cycle=cast.q3, is_development=False, computed_grade__isnull=False
    )
    grades = [
        o.adjusted_grade if o.adjusted_grade is not None else o.computed_grade for o in graded
    ]
    assert review.attainment == pytest.approx(sum(grades) / len(grades))
    assert review.attainment > 0.5
    pack = evidence_pack(cast.sam, review)
    assert [o.title for o in pack.growth] == ["Become a confident negotiator"]
    assert "Become a confident negotiator" not in [o.title for o in pack.objectives]
    assert "negotiator" not in pack.contribution.story


def test_the_coach_never_calls_a_development_goal_unaligned():
    cycle = CycleFacts(1, "Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31), dt.date(2026, 11, 1))
    plain = ObjectiveFacts(1, "Sell more", "individual", 1, owner_person_id=5)
    goal = ObjectiveFacts(
        2, "Grow as a negotiator", "individual", 1, owner_person_id=5, is_development=True
    )
    findings = check_orphans(Population(cycle, (plain, goal)))
    assert [(f.code, f.subject_id) for f in findings] == [("orphan.unaligned", 1)]
