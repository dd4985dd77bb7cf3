"""The insights app's background tasks, enqueued by the worker's schedule (core.schedule).

* ``refresh_figures`` is ``lineofsight snapshot`` as a task (every ``LOS_SNAPSHOT_INTERVAL``
  seconds, 900 by default): the week in progress of every cycle under way, and weeks that
  ended since the last run.
* ``refresh_changed_figures`` keeps the stored figures within a minute of the check-ins
  (every ``LOS_FIGURES_INTERVAL`` seconds, 30 by default): it refreshes the week in
  progress of the cycles under way that had a check-in or a change of progress since their
  figures were stored, and does nothing (two small queries per cycle) otherwise. Many
  check-ins in the same half-minute make one refresh.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.db.models import Max
from django.utils import timezone
from django_tasks import task

from lineofsight.goals.models import Cycle, KeyResult, Objective
from lineofsight.goals.selectors import cycle_scope
from lineofsight.insights import aggregate
from lineofsight.insights.actions import take_snapshots
from lineofsight.insights.models import WeeklyFigures
from lineofsight.people.selectors import organisation_time_zone


@task()
def refresh_figures() -> str:
    reports = take_snapshots(acting_user=None)
    return f"stored {len(reports)} week(s)"


def changed_cycles(*, now: dt.datetime | None = None) -> list[Cycle]:
    """The cycles under way whose figures are older than the latest check-in or change of
    progress among the objectives they show (or that have no figures yet)."""
    now = now or timezone.now()
    today = timezone.localtime(now, zoneinfo.ZoneInfo(organisation_time_zone())).date()
    running = list(Cycle.objects.filter(start_date__lte=today, end_date__gte=today).order_by("pk"))
    if not running:
        return []
    stored = dict(
        WeeklyFigures.objects.filter(cycle__in=running, subject=aggregate.ORGANISATION)
        .values("cycle")
        .annotate(at=Max("computed_at"))
        .values_list("cycle", "at")
    )
    changed = []
    for cycle in running:
        since = stored.get(cycle.pk)
        if since is None:
            changed.append(cycle)
            continue
        # A quarter's figures take in its year's objectives too.
        scope = cycle_scope(cycle)
        if (
            KeyResult.objects.filter(cycle_id__in=scope, last_check_in_at__gt=since).exists()
            or Objective.objects.filter(cycle_id__in=scope, progress_updated_at__gt=since).exists()
        ):
            changed.append(cycle)
    return changed


@task()
def refresh_changed_figures() -> str:
    cycles = changed_cycles()
    if not cycles:
        return "nothing changed"
    reports = take_snapshots(acting_user=None, cycles=cycles)
    return f"stored {len(reports)} week(s) of {', '.join(c.name for c in cycles)}"
