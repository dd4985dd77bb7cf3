"""Development goals in the demo: Jordan Blake works on his negotiating (last quarter, in
his review's growth section) and on healthcare know-how (this quarter); Omar Farouk learns
to run incidents. Tracked with check-ins like any objective, counted nowhere."""

from __future__ import annotations

import datetime as dt

from lineofsight.demo.content import CURRENT, PREVIOUS
from lineofsight.demo.world import DemoWorld
from lineofsight.goals import actions

# (owner, phase, objective, key result, unit, target, readings as shares of the target)
GOALS = (
    (
        "jordan",
        PREVIOUS,
        "Become a confident negotiator on enterprise deals",
        "Negotiations led end to end with a coach's debrief",
        "negotiations",
        4,
        (0.25, 0.5, 0.75, 0.75),
    ),
    (
        "jordan",
        CURRENT,
        "Learn the healthcare buyer well enough to lead discovery alone",
        "Discovery calls led without a specialist",
        "calls",
        6,
        (0.17, 0.33, 0.5),
    ),
    (
        "omar",
        CURRENT,
        "Grow into an incident commander",
        "Incidents run as commander, with a written review",
        "incidents",
        3,
        (0.33, 0.33),
    ),
)


def load_development_goals(loader: DemoWorld) -> int:
    made = 0
    for username, phase, title, kr_title, unit, target, shares in GOALS:
        person = loader.people.get(username)
        cycle = loader.plan.quarters.get(phase)
        if person is None or cycle is None:
            continue
        start = loader.plan.at(cycle.start_date + dt.timedelta(days=3), 10)
        objective = actions.create_objective(
            acting_user=person,
            title=title,
            level="individual",
            cycle=cycle,
            owner_person=person,
            visibility="team",
            is_development=True,
            at=start,
        )
        kr = actions.create_key_result(
            acting_user=person,
            objective=objective,
            title=kr_title,
            kind="increase",
            start_value=0,
            target_value=target,
            unit=unit,
            owner=person,
            at=start,
        )
        for week, share in enumerate(shares, start=1):
            when = start + dt.timedelta(weeks=2 * week)
            if when >= loader.plan.now:
                break
            actions.record_check_in(
                acting_user=person,
                key_result=kr,
                value=round(share * target),
                confidence="on_track" if share >= 0.3 * week / len(shares) else "at_risk",
                at=when,
            )
        made += 1
    return made
