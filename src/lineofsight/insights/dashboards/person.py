"""A person's dashboard: the objectives they own and the key results they own in a cycle, as
the viewer may see them, with their readings, pace, forecast and check-in discipline (all
live)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from lineofsight.goals import pace, tracking
from lineofsight.goals import selectors as goal_selectors
from lineofsight.goals.models import Cycle
from lineofsight.insights.charts import figure
from lineofsight.insights.dashboards.common import LIVE_STATES, org_tz
from lineofsight.insights.dashboards.key_results import (
    KeyResultFigures,
    ObjectiveBlock,
    key_result_figures,
    objective_blocks,
    total_discipline,
)
from lineofsight.insights.dashboards.subjects import Statuses
from lineofsight.insights.discipline import Discipline
from lineofsight.people.models import Person


@dataclass
class PersonDashboard:
    person: Person
    cycle: Cycle
    today: dt.date
    expected: float
    objectives: list[ObjectiveBlock]  # the objectives they own (figures only)
    key_results: list[KeyResultFigures]  # the key results they own, with their readings
    discipline: Discipline

    @property
    def statuses(self) -> Statuses:
        return Statuses.of(pace.summarise(f.tracking.status for f in self.key_results))

    @property
    def likely_to_miss(self) -> int:
        return sum(1 for f in self.key_results if f.tracking.likely_to_miss)


def person_dashboard(
    user: Person, person: Person, cycle: Cycle, *, now: dt.datetime | None = None
) -> PersonDashboard:
    """A person's objectives and the key results they own in a cycle, as the viewer may see
    them, with their readings, pace, forecast and check-in discipline (all live)."""
    tz = org_tz()
    now = now or timezone.now()
    today = timezone.localtime(now, tz).date()
    ctx = tracking.tracking_context(today)
    scope = goal_selectors.cycle_scope(cycle)
    objectives = list(
        goal_selectors.objectives_for_user(user)
        .filter(owner_person=person, cycle_id__in=scope, state__in=LIVE_STATES)
        .order_by("title", "pk")
    )
    tracked_objectives = tracking.track_objectives(objectives, forecast=True, context=ctx)
    krs = list(
        goal_selectors.key_results_for_user(user)
        .filter(
            owner=person,
            cycle_id__in=scope,
            objective__cycle_id__in=scope,
            objective__state__in=LIVE_STATES,
        )
        .order_by("objective__title", "objective_id", "position", "pk")
    )
    tracked = tracking.track_key_results(krs, context=ctx)
    figures_by_kr = key_result_figures(
        krs, tracked.key_results, window=cycle, now=now, check_ins=tracked.check_ins
    )
    return PersonDashboard(
        person=person,
        cycle=cycle,
        today=today,
        expected=figure(pace.expected_progress(cycle.start_date, cycle.end_date, today)),
        objectives=objective_blocks(objectives, tracked_objectives.objectives, {}),
        key_results=[figures_by_kr[kr.pk] for kr in krs if kr.pk in figures_by_kr],
        discipline=total_discipline(figures_by_kr.values()),
    )
