"""What is due for a person (goals.tracking.check_ins_due), on the database, through the policy."""

from __future__ import annotations

import datetime as dt

import pytest

from lineofsight.goals import actions
from lineofsight.goals.due import DueState
from lineofsight.goals.tracking import check_ins_due
from lineofsight.people import actions as people_actions
from lineofsight.people.cadence import Cadence

from ..okrs import build_cascade

pytestmark = pytest.mark.django_db

MON_19_OCT = dt.date(2026, 10, 19)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def check_in(person, kr, day: dt.date, value: float = 1) -> None:
    actions.record_check_in(
        acting_user=person, key_result=kr, value=value, confidence="on_track", at=at(day)
    )


def test_my_key_results_with_their_due_state_most_urgent_first(cast):
    c = build_cascade(cast)
    check_in(cast.ava, c.ava_opps, dt.date(2026, 10, 12))  # due on the 19th: today
    check_in(cast.ava, c.ava_legal, dt.date(2026, 10, 15))  # due on the 22nd
    found = check_ins_due.due_for(cast.ava, today=MON_19_OCT)
    states = {row.key_result.pk: row.due.state for row in found.rows}
    assert states == {
        c.ava_closes.pk: DueState.OVERDUE,  # never checked in: first due on 7 Oct
        c.ava_opps.pk: DueState.DUE_TODAY,
        c.ava_legal.pk: DueState.UPCOMING,
    }
    assert [row.key_result.pk for row in found.rows] == [
        c.ava_closes.pk,
        c.ava_opps.pk,
        c.ava_legal.pk,
    ]
    assert (found.count, found.overdue) == (2, 1)
    assert [row.key_result.pk for row in found.due_rows] == [c.ava_closes.pk, c.ava_opps.pk]
    closes = found.rows[0]
    assert closes.due.missed == 2 and closes.due.next_due == dt.date(2026, 10, 7)
    assert closes.pace.status == "stale"  # overdue is never shown as on track
    assert check_ins_due.due_count(cast.ava, today=MON_19_OCT) == 2


def test_only_key_results_taking_check_ins_in_active_cycles_are_listed(cast):
    c = build_cascade(cast)
    # Others' key results, rolled-up ones and those of closed cycles are not mine to check in.
    assert {row.key_result.pk for row in check_ins_due.due_for(cast.eli).rows} == set()
    assert {row.key_result.pk for row in check_ins_due.due_for(cast.sam).rows} == {
        c.logos.pk,
        c.sales_opps.pk,
    }
    actions.update_key_result(
        acting_user=cast.ava, key_result=c.ava_legal, state="abandoned", reason="Dropped"
    )
    mine = {row.key_result.pk for row in check_ins_due.due_for(cast.ava).rows}
    assert mine == {c.ava_opps.pk, c.ava_closes.pk}
    actions.set_cycle_state(acting_user=None, cycle=cast.q4, state="closed")
    assert check_ins_due.due_for(cast.ava).rows == []
    assert check_ins_due.due_count(cast.ava, today=MON_19_OCT) == 0


def test_a_key_result_i_own_but_may_not_see_is_not_listed(cast):
    build_cascade(cast)
    hidden = actions.create_objective(
        acting_user=cast.eli,
        title="Eli's private plan",
        level="individual",
        cycle=cast.q4,
        owner_person=cast.eli,
        visibility="private",
    )
    kr = actions.create_key_result(
        acting_user=cast.eli,
        objective=hidden,
        title="Ava helps with this",
        kind="increase",
        start_value=0,
        target_value=5,
        owner=cast.ava,
    )
    listed = {row.key_result.pk for row in check_ins_due.due_for(cast.ava, today=MON_19_OCT).rows}
    assert kr.pk not in listed
    assert check_ins_due.due_count(cast.ava, today=MON_19_OCT) == 3  # her three, not this one


def test_a_team_cadence_overrides_the_cycles_and_the_most_frequent_wins(cast):
    c = build_cascade(cast)
    check_in(cast.ava, c.ava_opps, dt.date(2026, 10, 12))
    assert check_ins_due.due_for(cast.ava, today=MON_19_OCT).rows[1].due.cadence == "weekly"
    people_actions.set_team_cadence(acting_user=None, team=cast.enterprise, cadence="monthly")
    actions.set_cycle_cadence(acting_user=None, cycle=cast.q4, cadence="biweekly")
    rows = {r.key_result.pk: r for r in check_ins_due.due_for(cast.ava, today=MON_19_OCT).rows}
    assert rows[c.ava_opps.pk].due.cadence is Cadence.MONTHLY  # the team's, not the cycle's
    assert rows[c.ava_opps.pk].due.state is DueState.UPCOMING
    # Ava joins a second team that checks in every two weeks: the more frequent wins.
    people_actions.add_member(acting_user=None, team=cast.platform, person=cast.ava)
    people_actions.set_team_cadence(acting_user=None, team=cast.platform, cadence="biweekly")
    rows = {r.key_result.pk: r for r in check_ins_due.due_for(cast.ava, today=MON_19_OCT).rows}
    assert rows[c.ava_opps.pk].due.cadence is Cadence.BIWEEKLY
    assert rows[c.ava_opps.pk].due.next_due == dt.date(2026, 10, 26)
    # Dev, in Platform only, follows it too; Sam (in no team with an override) the cycle's.
    dev_rows = check_ins_due.due_for(cast.dev, today=MON_19_OCT).rows
    assert all(r.due.cadence is Cadence.BIWEEKLY for r in dev_rows)


def test_pace_uses_the_organisations_thresholds(cast):
    c = build_cascade(cast)
    check_in(cast.ava, c.ava_opps, dt.date(2026, 11, 14), value=12)  # 48 %, expected 50 %
    day = dt.date(2026, 11, 15)
    row = next(
        r for r in check_ins_due.due_for(cast.ava, today=day).rows if r.key_result == c.ava_opps
    )
    assert row.pace.status == "on_track"
    people_actions.update_organisation(acting_user=None, pace_on_track=1.0, pace_off_track=0.9)
    row = next(
        r for r in check_ins_due.due_for(cast.ava, today=day).rows if r.key_result == c.ava_opps
    )
    assert row.pace.status == "at_risk"


def test_the_queries_do_not_grow_with_the_number_of_key_results(cast, django_assert_num_queries):
    c = build_cascade(cast)
    check_ins_due.due_for(cast.ava, today=MON_19_OCT)  # the policy's look-up of Ava's teams
    with django_assert_num_queries(2):
        small = check_ins_due.due_for(cast.ava, today=MON_19_OCT)
    for i in range(6):
        kr = actions.create_key_result(
            acting_user=cast.ava,
            objective=c.ava_obj,
            title=f"More {i}",
            kind="milestone",
            owner=cast.ava,
        )
        if i % 2:
            actions.record_check_in(
                acting_user=cast.ava,
                key_result=kr,
                done=False,
                confidence="at_risk",
                at=at(dt.date(2026, 10, 1 + i)),
            )
    with django_assert_num_queries(2):
        big = check_ins_due.due_for(cast.ava, today=MON_19_OCT)
    assert len(big.rows) == len(small.rows) + 6
    with django_assert_num_queries(1):
        assert check_ins_due.due_count(cast.ava, today=MON_19_OCT) == big.count
