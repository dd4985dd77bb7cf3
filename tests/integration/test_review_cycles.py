"""Review cycles through their actions: creating from a template, launching for each kind of
population, recording OKR attainment, closing; bad input names its field and writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.core.models import AuditEvent
from lineofsight.goals import actions as goal_actions
from lineofsight.goals.models import Objective
from lineofsight.people import actions as people_actions
from lineofsight.people.selectors import organisation_time_zone
from lineofsight.reviews.cycles import template_actions
from lineofsight.reviews.cycles.actions import (
    close_review_cycle,
    create_review_cycle,
    launch_review_cycle,
)
from lineofsight.reviews.models import CycleQuestion, Feedback, Review, ReviewCycle

from ..closing import close, next_quarter, record_quarter
from ..okrs import build_cascade
from ..reviews import DEADLINES, build_review_cycle, default_template

pytestmark = pytest.mark.django_db


def _kwargs(cast, **overrides):
    kwargs = {
        "name": "Q3 2026 reviews",
        "goal_cycle": cast.q3,
        "next_goal_cycle": cast.q4,
        "template": default_template(),
        **DEADLINES,
    }
    kwargs.update(overrides)
    return kwargs


def _nothing_written(before_audit: int) -> None:
    assert ReviewCycle.objects.count() == 0
    assert CycleQuestion.objects.count() == 0
    assert AuditEvent.objects.filter(action__contains="review_cycle").count() == 0
    assert AuditEvent.objects.count() == before_audit


# -- creating ------------------------------------------------------------------------------


def test_a_cycle_is_a_draft_with_its_own_copy_of_the_template(cast):
    template = default_template()
    cycle = create_review_cycle(acting_user=cast.hana, **_kwargs(cast, template=template))
    assert cycle.state == "draft" and cycle.created_by == cast.hana
    assert cycle.rating_scale == template.rating_scale
    assert cycle.rate_potential is True
    original = list(template.questions.values_list("text", "section", "kind", "for_peer"))
    assert list(cycle.questions.values_list("text", "section", "kind", "for_peer")) == original
    assert cycle.questions.filter(section="baseline", kind="rating_text").count() == 3
    assert AuditEvent.objects.filter(action="create_review_cycle", subject_id=cycle.pk).exists()

    # Editing the template afterwards leaves the cycle as it was.
    template_actions.update_review_template(
        acting_user=cast.hana,
        template=template,
        name=template.name,
        rating_scale=[
            {"value": 1, "label": "Low", "description": ""},
            {"value": 2, "label": "High", "description": ""},
        ],
        questions=[{"text": "Anything else?", "for_self": True, "for_manager": True}],
    )
    cycle.refresh_from_db()
    assert len(cycle.rating_scale) == 5
    assert list(cycle.questions.values_list("text", "section", "kind", "for_peer")) == original


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": "  "}, "name"),
        ({"kind": "monthly"}, "kind"),
        ({"goal_cycle": None}, "goal_cycle"),
        ({"template": None}, "template"),
        ({"self_review_due": None}, "self_review_due"),
        # Before the OKR cycle under review starts (1 July 2026).
        ({"self_review_due": dt.date(2026, 6, 30)}, "self_review_due"),
        # Out of phase order: manager reviews due before peer feedback.
        ({"manager_review_due": dt.date(2026, 10, 15)}, "manager_review_due"),
        ({"sharing_due": dt.date(2026, 10, 29)}, "sharing_due"),
        ({"population": "everyone"}, "population"),
        ({"population": "teams"}, "population_teams"),
        ({"population": "people"}, "population_people"),
        ({"policy_mode": "vibes"}, "policy_mode"),
        ({"policy_mode": "formula", "formula_weights": {}}, "formula_weights"),
        (
            {"policy_mode": "formula", "formula_weights": {"manager": -1}},
            "formula_weights.manager",
        ),
        (
            {"policy_mode": "formula", "formula_weights": {"luck": 1}},
            "formula_weights.luck",
        ),
        (
            {"policy_mode": "formula", "formula_weights": {"manager": 0, "baseline": 0}},
            "formula_weights",
        ),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(cast, overrides, field):
    default_template()
    before = AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as caught:
        create_review_cycle(acting_user=cast.hana, **_kwargs(cast, **overrides))
    assert field in caught.value.errors, caught.value.errors
    _nothing_written(before)


def test_the_next_cycle_must_come_after_the_one_under_review(cast):
    with pytest.raises(InvalidInput) as caught:
        create_review_cycle(acting_user=cast.hana, **_kwargs(cast, next_goal_cycle=cast.q3))
    assert "next_goal_cycle" in caught.value.errors
    with pytest.raises(InvalidInput) as caught:
        create_review_cycle(acting_user=cast.hana, **_kwargs(cast, next_goal_cycle=cast.fy))
    assert "next_goal_cycle" in caught.value.errors


def test_names_are_unique_and_archived_templates_are_refused(cast):
    template = default_template()
    create_review_cycle(acting_user=cast.hana, **_kwargs(cast))
    with pytest.raises(InvalidInput) as caught:
        create_review_cycle(acting_user=cast.hana, **_kwargs(cast, name="q3 2026 REVIEWS"))
    assert "name" in caught.value.errors
    template_actions.archive_review_template(acting_user=cast.hana, template=template)
    with pytest.raises(InvalidInput) as caught:
        create_review_cycle(acting_user=cast.hana, **_kwargs(cast, name="Another"))
    assert "archived" in caught.value.errors["template"][0]


def test_an_explicit_formula_keeps_its_positive_weights(cast):
    cycle = create_review_cycle(
        acting_user=cast.hana,
        **_kwargs(
            cast,
            policy_mode="formula",
            formula_weights={"okr_attainment": 0.4, "manager": 0.6, "baseline": 0},
        ),
    )
    assert cycle.policy_mode == "formula"
    assert cycle.formula_weights == {"okr_attainment": 0.4, "manager": 0.6}
    context = create_review_cycle(
        acting_user=cast.hana,
        **_kwargs(cast, name="Context", formula_weights={"manager": 1}),
    )
    assert context.formula_weights == {}


@pytest.mark.parametrize("who", ["ava", "sam", "cora", "otto"])
def test_only_hr_creates_launches_and_closes(cast, who):
    person = getattr(cast, who)
    with pytest.raises(NotAllowed):
        create_review_cycle(acting_user=person, **_kwargs(cast))
    setup = build_review_cycle(cast, launch=False)
    with pytest.raises(NotAllowed):
        launch_review_cycle(review_cycle=setup.cycle, acting_user=person)
    assert not Review.objects.exists()
    launch_review_cycle(review_cycle=setup.cycle, acting_user=cast.hana)
    with pytest.raises(NotAllowed):
        close_review_cycle(review_cycle=setup.cycle, acting_user=person)
    assert ReviewCycle.objects.get().state == "open"


# -- launching -----------------------------------------------------------------------------


def _reviews(cycle):
    return {
        r.subject.username: (r.manager.username if r.manager else None)
        for r in Review.objects.filter(review_cycle=cycle).select_related("subject", "manager")
    }


def test_launching_the_organisation_gives_everyone_a_review_and_their_manager_a_form(cast):
    setup = build_review_cycle(cast)
    cycle = setup.cycle
    assert cycle.state == "open" and cycle.launched_at is not None
    assert _reviews(cycle) == {
        "cora": None,
        "hana": "cora",
        "sam": "cora",
        "ava": "sam",
        "pia": "sam",
        "eli": "cora",
        "dev": "eli",
        "otto": "cora",
    }
    assert set(Review.objects.filter(review_cycle=cycle).values_list("state", flat=True)) == {
        "self_review"
    }
    feedback = Feedback.objects.filter(review__review_cycle=cycle)
    assert set(feedback.values_list("state", flat=True)) == {"open"}
    selves = feedback.filter(kind="self").select_related("review")
    assert len(selves) == 8 and all(f.author_id == f.review.subject_id for f in selves)
    managers = feedback.filter(kind="manager").select_related("review")
    assert len(managers) == 7 and all(f.author_id == f.review.manager_id for f in managers)
    assert not feedback.exclude(kind__in=["self", "manager"]).exists()
    event = AuditEvent.objects.get(action="launch_review_cycle", subject_id=cycle.pk)
    assert event.actor == cast.hana and event.data["reviews"] == 8


def test_a_teams_population_takes_the_teams_inside_and_their_leads(cast):
    setup = build_review_cycle(cast, population="teams", population_teams=[cast.sales])
    # Sales (led by Sam) holds Enterprise Sales (Ava and Pia).
    assert _reviews(setup.cycle) == {"sam": "cora", "ava": "sam", "pia": "sam"}
    other = build_review_cycle(
        cast,
        name="Engineering and legal",
        population="teams",
        population_teams=[cast.platform, cast.legal],
    )
    assert _reviews(other.cycle) == {"eli": "cora", "dev": "eli", "otto": "cora"}


def test_a_people_population_is_exactly_those_still_active(cast):
    setup = build_review_cycle(
        cast, launch=False, population="people", population_people=[cast.ava, cast.dev, cast.otto]
    )
    people_actions.update_person(acting_user=cast.hana, person=cast.otto, is_active=False)
    launch_review_cycle(review_cycle=setup.cycle, acting_user=cast.hana)
    assert _reviews(setup.cycle) == {"ava": "sam", "dev": "eli"}


def test_an_inactive_manager_passes_the_review_to_the_next_one_up(cast):
    people_actions.update_person(acting_user=cast.hana, person=cast.sam, is_active=False)
    setup = build_review_cycle(cast, population="teams", population_teams=[cast.enterprise])
    assert _reviews(setup.cycle) == {"ava": "cora", "pia": "cora"}


def test_a_population_with_nobody_active_is_refused(cast):
    setup = build_review_cycle(
        cast, launch=False, population="people", population_people=[cast.otto]
    )
    people_actions.update_person(acting_user=cast.hana, person=cast.otto, is_active=False)
    with pytest.raises(InvalidInput) as caught:
        launch_review_cycle(review_cycle=setup.cycle, acting_user=cast.hana)
    assert "population" in caught.value.errors
    assert ReviewCycle.objects.get().state == "draft" and not Review.objects.exists()


def test_launching_twice_is_refused_and_changes_nothing(cast):
    setup = build_review_cycle(cast)
    before = (Review.objects.count(), Feedback.objects.count(), AuditEvent.objects.count())
    with pytest.raises(InvalidInput) as caught:
        launch_review_cycle(review_cycle=setup.cycle, acting_user=cast.hana)
    assert "launched already" in caught.value.errors["state"][0]
    after = (Review.objects.count(), Feedback.objects.count(), AuditEvent.objects.count())
    assert after == before


def _objective(cast, owner, *, computed, adjusted=None, state="closed", cycle=None):
    return Objective.objects.create(
        title=f"Objective of {owner.username} at {computed}",
        level="individual",
        owner_person=owner,
        cycle=cycle or cast.q3,
        state=state,
        computed_grade=computed,
        adjusted_grade=adjusted,
    )


def test_attainment_is_the_mean_final_grade_adjusted_where_given(cast):
    _objective(cast, cast.ava, computed=0.6, adjusted=0.9)
    _objective(cast, cast.ava, computed=0.5)
    _objective(cast, cast.ava, computed=None, state="abandoned")
    _objective(cast, cast.ava, computed=None, adjusted=0.1, state="draft")
    _objective(cast, cast.ava, computed=0.0, cycle=cast.q4, state="active")  # another cycle
    _objective(cast, cast.pia, computed=0.35)
    _objective(cast, cast.dev, computed=None, state="active")  # not graded yet
    setup = build_review_cycle(cast)
    assert setup["ava"].attainment == pytest.approx(0.7)
    assert setup["pia"].attainment == pytest.approx(0.35)
    assert setup["dev"].attainment is None
    assert setup["otto"].attainment is None
    # Attainment is evidence beside the rating, never the rating.
    assert all(r.rating is None for r in setup.reviews.values())


def test_the_worked_example_attainment_comes_from_the_closed_quarter(cast):
    cascade = build_cascade(cast)
    record_quarter(cast, cascade)
    close(cast, cast.q4)
    nxt = next_quarter(cast)
    cascade.ava_obj.refresh_from_db()
    computed = cascade.ava_obj.computed_grade
    assert computed is not None
    setup = build_review_cycle(
        cast,
        name="Q4 2026 reviews",
        goal_cycle=cast.q4,
        next_goal_cycle=nxt.quarter,
        launch=False,
        **{k: v + dt.timedelta(days=92) for k, v in DEADLINES.items()},
    )
    goal_actions.adjust_objective_grade(
        acting_user=cast.ava,
        objective=cascade.ava_obj,
        adjusted_grade=0.9,
        reason="The last close signed on 2 January.",
    )
    launch_review_cycle(review_cycle=setup.cycle, acting_user=cast.hana)
    review = Review.objects.get(review_cycle=setup.cycle, subject=cast.ava)
    assert review.attainment == pytest.approx(0.9)
    # Sam's team objective is his team's, not his own: no personal attainment.
    assert Review.objects.get(review_cycle=setup.cycle, subject=cast.sam).attainment is None


def _org_of(cast, extra: int) -> None:
    for i in range(extra):
        people_actions.create_person(
            acting_user=None,
            username=f"extra{extra}-{i}",
            display_name=f"Extra {i}",
            manager=cast.ava if i % 2 else cast.eli,
            check_password=False,
        )


def _launch_queries(cast, name: str) -> int:
    setup = build_review_cycle(cast, name=name, launch=False)
    organisation_time_zone()  # the organisation's settings are cached after the first read
    with CaptureQueriesContext(connection) as ctx:
        launch_review_cycle(review_cycle=setup.cycle, acting_user=cast.hana)
    return len(ctx.captured_queries)


def test_launching_runs_the_same_queries_for_a_bigger_organisation(cast):
    _org_of(cast, 3)
    small = _launch_queries(cast, "Small")
    _org_of(cast, 60)
    big = _launch_queries(cast, "Big")
    assert big == small
    assert Review.objects.filter(review_cycle__name="Big").count() == 8 + 3 + 60
    assert Feedback.objects.filter(review__review_cycle__name="Big").count() == 2 * 71 - 1
    # With Eli gone, his reports (Dev and half the newcomers) move up to Cora: a read of
    # their chain and one batched update more, however many they are.
    people_actions.update_person(acting_user=cast.hana, person=cast.eli, is_active=False)
    moved = _launch_queries(cast, "Moved")
    reviews = Review.objects.filter(review_cycle__name="Moved")
    assert set(reviews.filter(subject__manager=cast.eli).values_list("manager", flat=True)) == {
        cast.cora.pk
    }
    assert reviews.filter(subject__manager=cast.eli).count() == 1 + 2 + 30
    assert moved == small + 2


# -- closing -------------------------------------------------------------------------------


def test_closing_an_open_cycle_and_only_that(cast):
    draft = build_review_cycle(cast, launch=False)
    with pytest.raises(InvalidInput) as caught:
        close_review_cycle(review_cycle=draft.cycle, acting_user=cast.hana)
    assert "state" in caught.value.errors
    launch_review_cycle(review_cycle=draft.cycle, acting_user=cast.hana)
    closed = close_review_cycle(review_cycle=draft.cycle, acting_user=cast.hana)
    assert closed.state == "closed" and closed.closed_at is not None
    assert AuditEvent.objects.filter(action="close_review_cycle", subject_id=closed.pk).exists()
    with pytest.raises(InvalidInput):
        close_review_cycle(review_cycle=closed, acting_user=cast.hana)
    assert ReviewCycle.objects.get().state == "closed"
