"""Revising and abandoning mid-cycle: reasons, history, check-ins stopped, roll-ups that say
what was not counted and which definition applied when."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.core.models import AuditEvent
from lineofsight.goals import actions, history, rollup, selectors
from lineofsight.goals.models import (
    CheckIn,
    KeyResult,
    KeyResultRevision,
    Objective,
    ObjectiveRevision,
)

from ..okrs import build_cascade

pytestmark = pytest.mark.django_db


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def snapshot():
    return (
        list(Objective.objects.order_by("pk").values_list("pk", "state", "title", "progress")),
        list(KeyResult.objects.order_by("pk").values_list("pk", "state", "title", "progress")),
        ObjectiveRevision.objects.count(),
        KeyResultRevision.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.fixture
def cascade(cast):
    return build_cascade(cast)


@pytest.fixture
def checked_in(cast, cascade):
    actions.record_check_in(
        acting_user=cast.ava, key_result=cascade.ava_opps, value=10, confidence="on_track"
    )
    return cascade


# -- revising a definition once it has check-ins ----------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"title": "Build pipeline"},
        {"description": "All of it"},
        {"commitment": "committed"},
        {"progress_mode": "both"},
    ],
)
def test_revising_an_objective_with_check_ins_needs_a_reason(cast, checked_in, change):
    before = snapshot()
    with pytest.raises(InvalidInput) as exc:
        actions.update_objective(acting_user=cast.ava, objective=checked_in.ava_obj, **change)
    assert list(exc.value.errors) == ["reason"]
    assert "check-ins" in exc.value.errors["reason"][0]
    assert snapshot() == before
    actions.update_objective(
        acting_user=cast.ava, objective=checked_in.ava_obj, reason="Strategy shifted", **change
    )
    latest = ObjectiveRevision.objects.filter(objective=checked_in.ava_obj).latest("number")
    assert latest.reason == "Strategy shifted"
    assert getattr(latest, next(iter(change))) == next(iter(change.values()))


def test_what_does_not_redefine_an_objective_needs_no_reason(cast, checked_in):
    actions.update_objective(
        acting_user=cast.ava, objective=checked_in.ava_obj, visibility="team", rationale="Why"
    )
    # Saving the same title again changes nothing, so it needs no reason either.
    actions.update_objective(
        acting_user=cast.ava, objective=checked_in.ava_obj, title=checked_in.ava_obj.title
    )
    assert fresh(checked_in.ava_obj).visibility == "team"


def test_before_any_check_in_an_objective_is_revised_freely(cast, cascade):
    actions.update_objective(acting_user=cast.ava, objective=cascade.ava_obj, title="Reworded")
    assert fresh(cascade.ava_obj).title == "Reworded"


@pytest.mark.parametrize(
    "change",
    [{"title": "Qualified"}, {"unit": "opportunities"}, {"weight": 2}, {"target_value": 30}],
)
def test_revising_a_key_result_with_check_ins_needs_a_reason(cast, checked_in, change):
    before = snapshot()
    with pytest.raises(InvalidInput) as exc:
        actions.update_key_result(acting_user=cast.ava, key_result=checked_in.ava_opps, **change)
    assert list(exc.value.errors) == ["reason"]
    assert snapshot() == before
    actions.update_key_result(
        acting_user=cast.ava, key_result=checked_in.ava_opps, reason="Re-planned", **change
    )
    assert KeyResultRevision.objects.filter(key_result=checked_in.ava_opps).latest(
        "number"
    ).reason == "Re-planned"


def test_a_key_result_without_check_ins_is_revised_freely(cast, cascade):
    actions.update_key_result(
        acting_user=cast.ava, key_result=cascade.ava_legal, title="Legal review", weight=2
    )
    assert fresh(cascade.ava_legal).weight == 2


# -- abandoning ---------------------------------------------------------------------------


def test_abandoning_an_objective_needs_a_reason_and_keeps_its_history(cast, checked_in):
    c = checked_in
    sales_before = fresh(c.sales).progress
    assert sales_before > 0
    before = snapshot()
    for reason in ("", "   "):
        with pytest.raises(InvalidInput) as exc:
            actions.abandon_objective(acting_user=cast.ava, objective=c.ava_obj, reason=reason)
        assert list(exc.value.errors) == ["reason"]
    assert snapshot() == before

    actions.abandon_objective(acting_user=cast.sam, objective=c.ava_obj, reason="Moved to SMB")
    objective = fresh(c.ava_obj)
    assert objective.state == "abandoned"
    rev = ObjectiveRevision.objects.filter(objective=objective).latest("number")
    assert (rev.state, rev.reason, rev.author) == ("abandoned", "Moved to SMB", cast.sam)
    event = AuditEvent.objects.filter(action="objective.abandon").get()
    assert event.data["reason"] == "Moved to SMB" and event.data["previous_state"] == "active"
    # Its readings stay, it takes no more, and it stops counting in Sales.
    assert CheckIn.objects.filter(key_result=c.ava_opps).count() == 1
    with pytest.raises(InvalidInput):
        actions.record_check_in(
            acting_user=cast.ava, key_result=c.ava_opps, value=12, confidence="on_track"
        )
    assert fresh(c.sales).progress < sales_before
    assert rollup.verify()[0] == []
    with pytest.raises(InvalidInput) as exc:
        actions.abandon_objective(acting_user=cast.ava, objective=c.ava_obj, reason="Again")
    assert "state" in exc.value.errors


def test_abandoning_a_key_result_stops_its_check_ins_and_its_counting(cast, checked_in):
    c = checked_in
    assert fresh(c.ava_obj).progress == pytest.approx((10 / 25) / 3)
    with pytest.raises(InvalidInput):
        actions.abandon_key_result(acting_user=cast.ava, key_result=c.ava_opps, reason="")
    actions.abandon_key_result(
        acting_user=cast.ava, key_result=c.ava_opps, reason="Outbound paused"
    )
    kr = fresh(c.ava_opps)
    assert kr.state == "abandoned"
    assert fresh(c.ava_obj).progress == 0.0  # the other two have no readings
    rev = KeyResultRevision.objects.filter(key_result=kr).latest("number")
    assert (rev.state, rev.reason) == ("abandoned", "Outbound paused")
    assert AuditEvent.objects.filter(action="key_result.abandon", subject_id=kr.pk).exists()
    with pytest.raises(InvalidInput):
        actions.record_check_in(acting_user=cast.ava, key_result=kr, value=12, confidence="at_risk")
    assert rollup.verify()[0] == []


def test_only_editors_abandon_and_a_closed_cycle_needs_hr(cast, cascade):
    before = snapshot()
    with pytest.raises(NotAllowed):
        actions.abandon_objective(acting_user=cast.pia, objective=cascade.ava_obj, reason="x")
    with pytest.raises(NotAllowed):
        actions.abandon_key_result(acting_user=cast.otto, key_result=cascade.ava_opps, reason="x")
    assert snapshot() == before
    closed = actions.create_objective(
        acting_user=cast.hana,
        title="Last quarter",
        level="individual",
        cycle=cast.q3,
        owner_person=cast.ava,
        amendment_reason="Back-filled",
    )
    with pytest.raises(NotAllowed):
        actions.abandon_objective(acting_user=cast.ava, objective=closed, reason="Late")
    with pytest.raises(InvalidInput) as exc:
        actions.abandon_objective(acting_user=cast.hana, objective=closed, reason="Late")
    assert "amendment_reason" in exc.value.errors
    actions.abandon_objective(
        acting_user=cast.hana, objective=closed, reason="Late", amendment_reason="Audit fix"
    )
    assert fresh(closed).state == "abandoned"


# -- explanations -----------------------------------------------------------------------------


def test_explanations_say_when_and_why_an_input_was_abandoned(cast, checked_in):
    c = checked_in
    actions.abandon_key_result(acting_user=cast.ava, key_result=c.ava_legal, reason="Legal moved.")
    actions.abandon_objective(acting_user=cast.sam, objective=c.ava_obj, reason="Moved to SMB")
    today = history.objective_abandonments([c.ava_obj.pk])[c.ava_obj.pk].day().isoformat()

    own = selectors.explain_objective(cast.ava, fresh(c.ava_obj))
    legal = next(
        t for t in own.explanation.terms if t.kind == "key_result" and t.ref == c.ava_legal.pk
    )
    assert not legal.counted
    assert legal.note == f"abandoned on {today}: Legal moved, not counted"
    assert any(
        n.startswith(f"This objective was abandoned on {today}: Moved to SMB")
        for n in own.explanation.notes
    )

    parent = selectors.explain_objective(cast.ava, fresh(c.sales))
    child = next(t for t in parent.explanation.terms if t.kind == "objective")
    assert child.note == f"abandoned on {today}: Moved to SMB, not counted"

    kr = selectors.explain_key_result(cast.ava, fresh(c.ava_legal))
    assert f"Abandoned on {today}: Legal moved; not counted in its objective's progress." in (
        kr.explanation.notes
    )


def test_an_abandoned_objective_the_viewer_cannot_see_keeps_its_reason_private(cast, cascade):
    hidden = actions.create_objective(
        acting_user=cast.ava,
        title="Quiet plan",
        level="individual",
        cycle=cast.q4,
        owner_person=cast.ava,
        visibility="private",
    )
    proposal = actions.align_objective(
        acting_user=cast.ava, child=hidden, parent_objective=cascade.sales
    )
    actions.accept_alignment(acting_user=cast.sam, link=proposal)
    actions.abandon_objective(acting_user=cast.ava, objective=hidden, reason="Secret reason")
    figure = selectors.explain_objective(cast.otto, fresh(cascade.sales))
    masked = [t for t in figure.explanation.terms if t.kind == "objective" and t.ref is None]
    assert masked and all("Secret reason" not in t.note for t in masked)
    assert all("Secret reason" not in n for n in figure.explanation.notes)


def test_a_figure_as_of_a_past_date_names_the_definition_then(cast, cascade):
    kr = cascade.ava_opps
    created = timezone.now() - dt.timedelta(days=10)
    KeyResultRevision.objects.filter(key_result=kr).update(valid_from=created)
    ObjectiveRevision.objects.filter(objective=cascade.ava_obj).update(valid_from=created)
    Objective.objects.filter(pk=cascade.ava_obj.pk).update(created_at=created)
    KeyResult.objects.filter(objective=cascade.ava_obj).update(created_at=created)
    actions.record_check_in(
        acting_user=cast.ava,
        key_result=kr,
        value=10,
        confidence="on_track",
        at=created + dt.timedelta(days=1),
    )
    actions.update_key_result(
        acting_user=cast.ava, key_result=kr, target_value=40, reason="Territory doubled"
    )
    then = created + dt.timedelta(days=2)
    past = selectors.explain_key_result(cast.ava, fresh(kr), as_of=then)
    assert past.value == pytest.approx(10 / 25)
    day = timezone.localtime(created).date().isoformat()
    assert f"Definition then: revision 1 of {day} (0 to 25, weight 1)." in past.explanation.notes
    now = selectors.explain_key_result(cast.ava, fresh(kr), as_of=timezone.now())
    assert now.value == pytest.approx(10 / 40)
    assert any(
        n.startswith("Definition then: revision 2 of") and "reason: Territory doubled" in n
        for n in now.explanation.notes
    )
    objective = selectors.explain_objective(cast.ava, fresh(cascade.ava_obj), as_of=then)
    assert f"“{kr.title}” then: revision 1 of {day} (0 to 25, weight 1)." in (
        objective.explanation.notes
    )
    assert any(n.startswith("Objective definition then: revision 1") for n in (
        objective.explanation.notes
    ))


def test_changed_fields_describe_each_revision(cast, checked_in):
    actions.update_objective(
        acting_user=cast.ava,
        objective=checked_in.ava_obj,
        title="Pipeline",
        commitment="committed",
        reason="Sharper",
    )
    revisions = list(ObjectiveRevision.objects.filter(objective=checked_in.ava_obj))
    changes = history.changed_fields(revisions, history.OBJECTIVE_FIELD_LABELS, "objective_id")
    first, second = sorted(revisions, key=lambda r: r.number)
    assert changes[first.pk] == []
    assert changes[second.pk] == ["title", "commitment"]
