"""The manager's home: "My team", each direct report with how their OKRs stand in a cycle.

For each report the manager may see: their objectives in the cycle and their average
progress (development goals left out, as from attainment), their key results due for a
check-in and the check-ins they have missed (the rules of ``goals.due``, the same as the
check-in screen and the reminders), their key results at risk, off track or stale (status
from pace, ``goals.pace``: those that need attention, as on the dashboards), and the open
blockers on their key results.

Each report's next one-on-one comes from the one-on-ones app, a layer above, through the
``next_one_on_one`` hook it fills when it starts (None without it: the column is left out).

Queries: the reports, their objectives, their key results (with cycle, objective and team
cadence), the open blockers' owners and the next one-on-ones: five, whatever the number of
reports.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lineofsight.goals import blockers as blocker_selectors
from lineofsight.goals import scoring
from lineofsight.goals.models import Cycle, KeyResult, Objective
from lineofsight.goals.tracking.check_ins_due import (
    due_row,
    organisation_thresholds,
    organisation_today,
    trackable_key_results,
)
from lineofsight.goals.tracking.check_ins_due import team_cadence as team_cadence_column
from lineofsight.people.models import Person
from lineofsight.people.selectors import organisation_time_zone

# (manager, report ids) -> {report id: their next one-on-one with the manager}; set by the
# one-on-ones app when it starts.
next_one_on_one: Callable[[Person, Iterable[int]], Mapping[int, Any]] | None = None


def shows_one_on_ones() -> bool:
    return next_one_on_one is not None


@dataclass
class ReportRow:
    person: Person
    objectives: int = 0
    progress_sum: float = 0.0
    key_results: int = 0
    due: int = 0  # due today or overdue
    missed: int = 0  # check-ins missed, over all their key results
    # Titles of key results at risk, off track or stale (status from pace: needs attention).
    at_risk: list[str] = field(default_factory=list)
    open_blockers: int = 0
    next_one_on_one: Any = None  # the next meeting (with ``starts_at`` and ``pk``), or None

    @property
    def percent(self) -> int | None:
        if not self.objectives:
            return None
        return scoring.percent(self.progress_sum / self.objectives)


def my_team(user: Person, cycle: Cycle | None) -> list[ReportRow]:
    """The user's active direct reports, by name, each with their OKRs in ``cycle``."""
    reports = list(
        Person.objects.filter(manager=user, is_active=True).order_by(
            "display_name", "username", "pk"
        )
    )
    if not reports:
        return []
    rows = {p.pk: ReportRow(p) for p in reports}
    ids = list(rows)
    if cycle is not None:
        for owner_id, progress in (
            Objective.objects.visible_to(user)
            .filter(owner_person_id__in=ids, cycle=cycle, is_development=False)
            .exclude(state=Objective.State.ABANDONED)
            .values_list("owner_person_id", "progress")
        ):
            rows[owner_id].objectives += 1
            rows[owner_id].progress_sum += progress
        today = organisation_today()
        tz = zoneinfo.ZoneInfo(organisation_time_zone())
        thresholds = organisation_thresholds()
        key_results = (
            # Through the policy: what the manager may see of their reports' key results.
            trackable_key_results(KeyResult.objects.visible_to(user))
            .filter(owner_id__in=ids, cycle=cycle)
            .select_related("cycle", "objective")
            .annotate(team_cadence=team_cadence_column())
            .order_by("position", "pk")
        )
        for kr in key_results:
            row = rows[kr.owner_id]
            state = due_row(kr, today=today, tz=tz, thresholds=thresholds)
            row.key_results += 1
            if state.due.is_due:
                row.due += 1
            row.missed += state.due.missed
            if state.pace.status.needs_attention:
                row.at_risk.append(kr.title)
    counts = blocker_selectors.open_counts_by_owner(user, ids)
    nexts = next_one_on_one(user, ids) if next_one_on_one is not None else {}
    for pk, row in rows.items():
        row.open_blockers = counts.get(pk, 0)
        row.next_one_on_one = nexts.get(pk)
    return [rows[p.pk] for p in reports]
