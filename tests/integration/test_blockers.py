"""Blockers: raised in a check-in, assigned, moved through their states with a history, seen
under the key result's objective's visibility, and escalated up the manager chain by the
reminder run once they sit unresolved past the organisation's limit."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.core.models import AuditEvent
from lineofsight.goals import actions
from lineofsight.goals import blockers as selectors
from lineofsight.goals.models import Blocker, BlockerEvent
from lineofsight.integrations import planning
from lineofsight.integrations.models import Notification
from lineofsight.people import actions as people_actions

from ..okrs import build_cascade

pytestmark = pytest.mark.django_db

In = actions.BlockerInput


def raise_one(cast, kr, text="Legal review queue is three weeks long", assignee=None, at=None):
    check_in = actions.record_check_in(
        acting_user=cast.ava,
        key_result=kr,
        value=3,
        confidence="at_risk",
        blockers=[In(text, assignee.pk if assignee else None)],
        at=at,
    )
    return check_in.raised_blockers.get()


def private_kr(cast):
    objective = actions.create_objective(
        acting_user=cast.ava,
        title="Private pipeline experiment",
        level="individual",
        cycle=cast.q4,
        owner_person=cast.ava,
        visibility="private",
    )
    return actions.create_key_result(
        acting_user=cast.ava,
        objective=objective,
        title="Four hospital calls",
        kind="increase",
        start_value=0,
        target_value=4,
        owner=cast.ava,
    )


# -- raising ------------------------------------------------------------------------------


def test_a_check_in_raises_several_blockers_each_with_an_optional_assignee(cast):
    c = build_cascade(cast)
    check_in = actions.record_check_in(
        acting_user=cast.ava,
        key_result=c.ava_legal,
        value=2,
        confidence="at_risk",
        blockers=[In("Legal review queue", cast.otto.pk), In("No template for MSAs")],
    )
    rows = list(check_in.raised_blockers.order_by("pk"))
    assert [(b.text, b.assignee, b.state) for b in rows] == [
        ("Legal review queue", cast.otto, "open"),
        ("No template for MSAs", None, "open"),
    ]
    assert all(b.raised_by == cast.ava and b.raised_at == check_in.recorded_at for b in rows)
    assert [e.kind for e in rows[0].events.all()] == ["raised"]
    assert AuditEvent.objects.filter(action="blocker.raise").count() == 2


def test_a_bad_blocker_names_its_field_and_saves_nothing_not_even_the_check_in(cast):
    c = build_cascade(cast)
    kr = private_kr(cast)
    with pytest.raises(InvalidInput) as exc:
        actions.record_check_in(
            acting_user=cast.ava,
            key_result=kr,
            value=1,
            confidence="at_risk",
            blockers=[In("Fine"), In("Needs Otto", cast.otto.pk), In("", cast.sam.pk)],
        )
    errors = exc.value.errors
    assert (
        "Otto" in errors["blockers.1.assignee"][0]
        and "cannot see" in errors["blockers.1.assignee"][0]
    )
    assert "blockers.2.text" in errors
    assert kr.check_ins.count() == 0 and Blocker.objects.count() == 0
    with pytest.raises(InvalidInput) as exc:
        actions.record_check_in(
            acting_user=cast.ava,
            key_result=c.ava_opps,
            value=1,
            confidence="at_risk",
            blockers=[In("x" * 2001)],
        )
    assert "blockers.0.text" in exc.value.errors


def test_raising_on_an_existing_check_in_is_for_its_author_and_the_editors(cast):
    c = build_cascade(cast)
    check_in = actions.record_check_in(
        acting_user=cast.ava, key_result=c.ava_opps, value=3, confidence="on_track"
    )
    with pytest.raises(NotAllowed):
        actions.raise_blockers(acting_user=cast.pia, check_in=check_in, blockers=[In("Mine")])
    made = actions.raise_blockers(
        acting_user=cast.sam, check_in=check_in, blockers=[In("CRM export broken", cast.eli.pk)]
    )
    assert made[0].raised_by == cast.sam and made[0].assignee == cast.eli


# -- assigning and states ---------------------------------------------------------------


def test_who_may_assign_and_who_may_move_a_blocker(cast):
    c = build_cascade(cast)
    blocker = raise_one(cast, c.ava_opps, assignee=cast.dev)
    # The assignee moves it but does not reassign it; an outsider does neither.
    actions.set_blocker_state(acting_user=cast.dev, blocker=blocker, state="handling")
    with pytest.raises(NotAllowed):
        actions.assign_blocker(acting_user=cast.dev, blocker=blocker, assignee_id=cast.pia.pk)
    with pytest.raises(NotAllowed):
        actions.set_blocker_state(acting_user=cast.otto, blocker=blocker, state="open")
    with pytest.raises(NotAllowed):
        actions.assign_blocker(acting_user=cast.pia, blocker=blocker, assignee_id=cast.pia.pk)
    # The assignee's manager (Eli) reassigns; so do the raiser and the key result's editors.
    actions.assign_blocker(acting_user=cast.eli, blocker=blocker, assignee_id=cast.pia.pk)
    actions.assign_blocker(acting_user=cast.sam, blocker=blocker, assignee_id=None)
    actions.assign_blocker(acting_user=cast.ava, blocker=blocker, assignee_id=cast.sam.pk)
    blocker.refresh_from_db()
    assert blocker.assignee == cast.sam
    kinds = list(blocker.events.values_list("kind", "person__username"))
    assert kinds == [
        ("raised", "dev"),
        ("state", None),
        ("assigned", "pia"),
        ("assigned", None),
        ("assigned", "sam"),
    ]


def test_resolving_asks_for_a_note_and_reopening_restarts_the_clock(cast):
    c = build_cascade(cast)
    blocker = raise_one(cast, c.ava_opps)
    raised_since = blocker.open_since
    with pytest.raises(InvalidInput) as exc:
        actions.set_blocker_state(acting_user=cast.ava, blocker=blocker, state="resolved")
    assert "note" in exc.value.errors
    with pytest.raises(InvalidInput) as exc:
        actions.set_blocker_state(acting_user=cast.ava, blocker=blocker, state="stuck")
    assert "state" in exc.value.errors
    with pytest.raises(InvalidInput) as exc:
        actions.set_blocker_state(acting_user=cast.ava, blocker=blocker, state="open")
    assert "already" in exc.value.errors["state"][0]
    done = actions.set_blocker_state(
        acting_user=cast.ava, blocker=blocker, state="resolved", note="Legal added a reviewer."
    )
    assert (done.state, done.resolution_note) == ("resolved", "Legal added a reviewer.")
    assert done.resolved_at is not None
    again = actions.set_blocker_state(acting_user=cast.sam, blocker=blocker, state="open")
    assert again.state == "open" and again.resolved_at is None and again.open_since > raised_since
    history = list(blocker.events.values_list("kind", "from_state", "to_state", "note"))
    assert history == [
        ("raised", "", "open", ""),
        ("state", "open", "resolved", "Legal added a reviewer."),
        ("state", "resolved", "open", ""),
    ]
    assert AuditEvent.objects.filter(action="blocker.state").count() == 2


def test_a_blocker_can_only_go_to_someone_who_sees_the_objective(cast):
    build_cascade(cast)
    kr = private_kr(cast)
    blocker = raise_one(cast, kr)
    with pytest.raises(InvalidInput) as exc:
        actions.assign_blocker(acting_user=cast.ava, blocker=blocker, assignee_id=cast.pia.pk)
    assert "cannot see" in exc.value.errors["assignee"][0]
    actions.assign_blocker(acting_user=cast.ava, blocker=blocker, assignee_id=cast.sam.pk)


# -- visibility -----------------------------------------------------------------------------


def test_blockers_have_the_visibility_of_their_objective(cast):
    c = build_cascade(cast)
    public = raise_one(cast, c.ava_opps, text="Public one")
    private = raise_one(cast, private_kr(cast), text="Private one", assignee=cast.sam)
    for person, expected in (
        (cast.ava, {public.pk, private.pk}),
        (cast.sam, {public.pk, private.pk}),
        (cast.cora, {public.pk, private.pk}),
        (cast.hana, {public.pk, private.pk}),
        (cast.pia, {public.pk}),
        (cast.otto, {public.pk}),
    ):
        seen = set(Blocker.objects.visible_to(person).values_list("pk", flat=True))
        assert seen == expected, person.username


def test_home_lists_and_team_lists_are_bounded_and_filtered(cast, django_assert_max_num_queries):
    c = build_cascade(cast)
    for n in range(4):
        raise_one(cast, c.ava_opps, text=f"Blocker {n}", assignee=cast.pia)
    private = raise_one(cast, private_kr(cast), text="Private one", assignee=cast.sam)
    rows, total = selectors.assigned_to(cast.pia, limit=3)
    assert total == 4 and [b.text for b in rows] == ["Blocker 0", "Blocker 1", "Blocker 2"]
    team_rows, team_total = selectors.team_open(cast.pia, cast.enterprise)
    assert team_total == 4 and private.pk not in {b.pk for b in team_rows}
    team_rows, team_total = selectors.team_open(cast.sam, cast.enterprise)
    assert team_total == 5
    with django_assert_max_num_queries(6):
        selectors.team_open(cast.sam, cast.enterprise)


# -- escalation ------------------------------------------------------------------------------


def remind(*args: str) -> str:
    out = StringIO()
    call_command("remind", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_an_unresolved_blocker_goes_up_the_chain_once_per_step(cast):
    """Dev (Eli, then Cora above him) holds a blocker raised on 2 Nov; the limit is 7 days."""
    c = build_cascade(cast)
    raised = dt.datetime(2026, 11, 2, 10, tzinfo=dt.UTC)
    blocker = raise_one(cast, c.ava_opps, assignee=cast.dev, at=raised)

    def blocker_rows():
        return list(
            Notification.objects.filter(kind="blocker")
            .order_by("pk")
            .values_list("recipient__username", "dedupe_key")
        )

    remind("--today", "2026-11-08")  # six days: nothing yet
    assert blocker_rows() == []
    out = remind("--today", "2026-11-09")  # seven: Eli
    assert "1 blocker escalations queued" in out
    assert [r[0] for r in blocker_rows()] == ["eli"]
    remind("--today", "2026-11-12")  # the same step again: nothing more
    assert [r[0] for r in blocker_rows()] == ["eli"]
    remind("--today", "2026-11-16")  # fourteen days: Cora, the next one up
    assert [r[0] for r in blocker_rows()] == ["eli", "cora"]
    remind("--today", "2026-11-30")  # nobody above Cora: nothing more
    assert len(blocker_rows()) == 2
    escalated = BlockerEvent.objects.filter(blocker=blocker, kind="escalated")
    assert list(escalated.values_list("person__username", flat=True)) == ["eli", "cora"]
    message = Notification.objects.filter(kind="blocker").first()
    assert "Legal review queue" in message.body and "Dev" in message.body


def test_an_unassigned_blocker_goes_to_the_raisers_manager_and_resolving_stops_it(cast):
    c = build_cascade(cast)
    people_actions.update_organisation(acting_user=cast.hana, blocker_escalation_days=3)
    blocker = raise_one(cast, c.ava_opps, at=dt.datetime(2026, 11, 2, 10, tzinfo=dt.UTC))
    plan = planning.plan_run(dt.date(2026, 11, 5), site_url="https://okr.test")
    mine = [m for m in plan.messages if m.kind == "blocker"]
    assert [(m.recipient_id, m.dedupe_key.rsplit(":", 1)[1]) for m in mine] == [(cast.sam.pk, "1")]
    assert f"https://okr.test/blockers/{blocker.pk}/" in mine[0].body
    actions.set_blocker_state(acting_user=cast.ava, blocker=blocker, state="resolved", note="Ok")
    plan = planning.plan_run(dt.date(2026, 11, 12), site_url="https://okr.test")
    assert [m for m in plan.messages if m.kind == "blocker"] == []


def test_escalation_skips_a_manager_who_cannot_see_the_objective(cast):
    """Dev holds a blocker on Ava's objective, which then turns private: Eli (Dev's manager)
    may no longer see it and is not told; Cora, the next one up, is."""
    c = build_cascade(cast)
    raise_one(cast, c.ava_opps, assignee=cast.dev, at=dt.datetime(2026, 11, 2, 10, tzinfo=dt.UTC))
    actions.update_objective(
        acting_user=cast.ava, objective=c.ava_obj, visibility="private", reason="Sensitive"
    )
    plan = planning.plan_run(dt.date(2026, 11, 20), site_url="https://okr.test")
    to = [m.recipient_id for m in plan.messages if m.kind == "blocker"]
    assert to == [cast.cora.pk]


def test_the_organisation_setting_is_named_when_bad(cast):
    with pytest.raises(InvalidInput) as exc:
        people_actions.update_organisation(acting_user=cast.hana, blocker_escalation_days=0)
    assert "blocker_escalation_days" in exc.value.errors
