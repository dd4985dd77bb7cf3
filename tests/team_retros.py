"""A closed quarter for Enterprise Sales, for the team retrospective's tests: Q3 with one
public team objective (graded 0.6, adjusted to 0.7 with a reason) and one private one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lineofsight.goals import actions
from lineofsight.goals.models import Cycle, Objective

from .conftest import Cast

IN_Q3 = dt.datetime(2026, 8, 3, 9, tzinfo=dt.UTC)


@dataclass
class Q3:
    public: Objective
    private: Objective


def closed_q3(cast: Cast) -> Q3:
    Cycle.objects.filter(pk=cast.q3.pk).update(state=Cycle.State.ACTIVE)
    q3 = Cycle.objects.get(pk=cast.q3.pk)
    made = []
    for title, visibility in (
        ("Open the healthcare vertical", "public"),
        ("Win back the lost accounts", "private"),
    ):
        objective = actions.create_objective(
            acting_user=cast.sam,
            title=title,
            level="team",
            cycle=q3,
            owner_team=cast.enterprise,
            visibility=visibility,
            at=IN_Q3,
        )
        kr = actions.create_key_result(
            acting_user=cast.sam,
            objective=objective,
            title=f"10 deals ({visibility})",
            kind="increase",
            start_value=0,
            target_value=10,
            owner=cast.ava,
            at=IN_Q3,
        )
        actions.record_check_in(
            acting_user=cast.ava,
            key_result=kr,
            value=6,
            confidence="at_risk",
            at=IN_Q3 + dt.timedelta(days=20),
        )
        made.append(objective)
    actions.set_cycle_state(acting_user=cast.hana, cycle=q3, state="closed")
    public = Objective.objects.get(pk=made[0].pk)
    actions.adjust_objective_grade(
        acting_user=cast.sam,
        objective=public,
        adjusted_grade=0.7,
        reason="Two deals signed the week after the quarter ended",
    )
    cast.q3.refresh_from_db()
    return Q3(Objective.objects.get(pk=made[0].pk), Objective.objects.get(pk=made[1].pk))
