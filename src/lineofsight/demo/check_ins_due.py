"""Check-ins left due in the demo, so the check-in screen, reminders and digests have
something to show on the first visit.

The demo's plans check in on every key result every week. In the current quarter a few
owners fall behind, as real ones do:

* Jordan Blake (the worked example) has not updated one key result for over a week (it is due
  or overdue) and another for over two weeks: two check-ins missed in a row, which the weekly
  reminder run escalates to his manager, Priya Natarajan;
* Priya herself and Omar Farouk each have one key result a week behind.

Legal checks in every two weeks instead of the quarter's weekly cadence (a team override).
Everything else stays as the plans made it, so the roll-ups still verify.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from lineofsight.demo.content import CURRENT
from lineofsight.people import actions as people_actions

# owner username -> days since the last check-in, for their first, second... key result
BEHIND: dict[str, tuple[int, ...]] = {"jordan": (8, 15), "priya": (8,), "omar": (8,)}
TEAM_CADENCES = {"legal": "biweekly"}


def leave_some_check_ins_due(loader: Any, phase: str, pending: Sequence[Any]) -> list[Any]:
    """The planned check-ins of a quarter, without the recent ones of the owners behind."""
    if phase != CURRENT:
        return list(pending)
    for slug, cadence in TEAM_CADENCES.items():
        team = loader.teams.get(slug)
        if team is not None:
            people_actions.set_team_cadence(acting_user=None, team=team, cadence=cadence)
    now: dt.datetime = loader.plan.now
    cut: dict[int, dt.datetime] = {}
    for owner, gaps in BEHIND.items():
        keys = sorted({p.spec.key for p in pending if p.spec.owner == owner and not p.spec.aligned})
        for key, days in zip(keys, gaps, strict=False):
            kr = next(p.key_result for p in pending if p.spec.key == key)
            cut[kr.pk] = now - dt.timedelta(days=days)
    return [p for p in pending if p.key_result.pk not in cut or p.when <= cut[p.key_result.pk]]
