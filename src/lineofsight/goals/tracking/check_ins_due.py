"""What is due: a person's key results with their next due date, missed periods and pace.

Reads go through the access policy (``goals.selectors.key_results_for_user``): the list holds
the key results the person owns *and may see*, measured by check-ins, active, of active
objectives in active cycles. Each row gets its ``goals.due.Due`` (with the effective
cadence: the cycle's unless one of the owner's teams sets one, the most frequent override
winning) and its ``goals.pace.Pace``. "Today" is the day in the organisation's time zone.

``due_for`` runs two queries whatever the number of key results (the key results with their
objective, cycle and effective team cadence; the organisation's pace thresholds);
``due_count`` runs one. The navigation's "Due" count comes from ``due_navigation``, a
template context processor that runs its query only when a page shows the count, once per
request.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.http import HttpRequest
from django.utils import timezone

from lineofsight.goals import selectors
from lineofsight.goals.due import CADENCE_PRIORITY, Due, DueState, due, effective_cadence
from lineofsight.goals.models import Cycle, KeyResult, Objective
from lineofsight.goals.pace import Pace, PaceThresholds, key_result_pace
from lineofsight.people.cadence import Cadence
from lineofsight.people.models import Membership, Organisation, Person
from lineofsight.people.selectors import organisation_time_zone


def organisation_today(now: dt.datetime | None = None) -> dt.date:
    """Today in the organisation's time zone."""
    tz = zoneinfo.ZoneInfo(organisation_time_zone())
    return timezone.localtime(now or timezone.now(), tz).date()


def local_day(instant: dt.datetime | None, tz: zoneinfo.ZoneInfo) -> dt.date | None:
    return None if instant is None else timezone.localtime(instant, tz).date()


def organisation_thresholds() -> PaceThresholds:
    """The organisation's "on track from" and "off track below" shares (one query)."""
    row = Organisation.objects.order_by("pk").values_list("pace_on_track", "pace_off_track")
    found = row.first()
    if found is None:
        return PaceThresholds()
    return PaceThresholds(on_track=found[0], off_track=found[1])


def team_cadence(person_column: str = "owner_id") -> Subquery:
    """The most frequent check-in cadence set by any team of the person in ``person_column``
    (blank when none of their teams sets one), as a subquery for annotations."""
    rank = Case(
        *[
            When(team__check_in_cadence=cadence.value, then=Value(position))
            for position, cadence in enumerate(CADENCE_PRIORITY)
        ],
        default=Value(len(CADENCE_PRIORITY)),
        output_field=IntegerField(),
    )
    overrides = (
        Membership.objects.filter(person_id=OuterRef(person_column))
        .exclude(team__check_in_cadence="")
        .annotate(rank=rank)
        .order_by("rank")
        .values("team__check_in_cadence")[:1]
    )
    return Subquery(overrides)


def trackable_key_results(qs: QuerySet[KeyResult]) -> QuerySet[KeyResult]:
    """Key results that take check-ins on a cadence: measured by check-ins, active, of an
    active objective, in an active cycle."""
    return qs.filter(
        state=KeyResult.State.ACTIVE,
        source=KeyResult.Source.CHECK_INS,
        objective__state=Objective.State.ACTIVE,
        cycle__state=Cycle.State.ACTIVE,
    )


def cadence_of(kr: KeyResult) -> Cadence:
    """The effective cadence of a key result annotated with ``team_cadence``."""
    override = getattr(kr, "team_cadence", "") or ""
    return effective_cadence(kr.cycle.check_in_cadence, [override])


@dataclass
class DueRow:
    key_result: KeyResult
    due: Due
    pace: Pace

    @property
    def is_due(self) -> bool:
        return self.due.is_due


@dataclass
class DueList:
    today: dt.date
    rows: list[DueRow]

    @property
    def due_rows(self) -> list[DueRow]:
        return [row for row in self.rows if row.is_due]

    @property
    def count(self) -> int:
        """Key results due today or overdue."""
        return sum(1 for row in self.rows if row.is_due)

    @property
    def overdue(self) -> int:
        return sum(1 for row in self.rows if row.due.state is DueState.OVERDUE)


_ORDER = {
    DueState.OVERDUE: 0,
    DueState.DUE_TODAY: 1,
    DueState.UPCOMING: 2,
    DueState.ENDED: 3,
    DueState.NOT_STARTED: 4,
}


def _sort_key(row: DueRow) -> tuple[Any, ...]:
    kr = row.key_result
    return (
        _ORDER[row.due.state],
        -row.due.missed,
        row.due.next_due or dt.date.max,
        kr.objective.title,
        kr.objective_id,
        kr.position,
        kr.pk,
    )


def my_key_results(user: Person) -> QuerySet[KeyResult]:
    """The key results ``user`` owns and may see that take check-ins on a cadence."""
    return (
        trackable_key_results(selectors.key_results_for_user(user))
        .filter(owner=user)
        .select_related("objective", "cycle", "owner")
        .annotate(team_cadence=team_cadence())
    )


def due_for(user: Person, *, today: dt.date | None = None) -> DueList:
    """Every key result ``user`` checks in on, with its due state and pace, most urgent
    first: overdue, due today, not due yet, then cycles that ended or have not started."""
    today = today or organisation_today()
    tz = zoneinfo.ZoneInfo(organisation_time_zone())
    thresholds = organisation_thresholds()
    rows = [due_row(kr, today=today, tz=tz, thresholds=thresholds) for kr in my_key_results(user)]
    rows.sort(key=_sort_key)
    return DueList(today, rows)


def due_row(
    kr: KeyResult, *, today: dt.date, tz: zoneinfo.ZoneInfo, thresholds: PaceThresholds
) -> DueRow:
    """The due state and pace of one key result (annotated with ``team_cadence``)."""
    cadence = cadence_of(kr)
    last = local_day(kr.last_check_in_at, tz)
    began = local_day(kr.created_at, tz)
    cycle = kr.cycle
    state = due(
        cycle_start=cycle.start_date,
        cycle_end=cycle.end_date,
        last_check_in=last,
        cadence=cadence,
        today=today,
        began=began,
    )
    pace = key_result_pace(
        kind=kr.kind,
        progress=kr.progress,
        cycle_start=cycle.start_date,
        cycle_end=cycle.end_date,
        today=today,
        last_check_in=last,
        cadence=cadence,
        thresholds=thresholds,
        done=kr.done,
        began=began,
    )
    return DueRow(kr, state, pace)


def due_count(user: Person, *, today: dt.date | None = None) -> int:
    """How many of ``user``'s key results are due today or overdue (one query)."""
    if not (user.is_authenticated and user.is_active):
        return 0
    today = today or organisation_today()
    tz = zoneinfo.ZoneInfo(organisation_time_zone())
    rows = (
        trackable_key_results(selectors.key_results_for_user(user))
        .filter(owner=user, cycle__start_date__lte=today, cycle__end_date__gte=today)
        .annotate(team_cadence=team_cadence())
        .order_by()
        .values_list(
            "cycle__start_date",
            "cycle__end_date",
            "cycle__check_in_cadence",
            "team_cadence",
            "last_check_in_at",
            "created_at",
        )
    )
    count = 0
    for start, end, cycle_cadence, override, last, created in rows:
        state = due(
            cycle_start=start,
            cycle_end=end,
            last_check_in=local_day(last, tz),
            cadence=effective_cadence(cycle_cadence, [override or ""]),
            today=today,
            began=local_day(created, tz),
        )
        count += state.is_due
    return count


REQUEST_CACHE = "_los_due_count"


def due_count_for_request(request: HttpRequest) -> int:
    """The signed-in person's due count, computed once per request."""
    cached = getattr(request, REQUEST_CACHE, None)
    if cached is None:
        user = getattr(request, "user", None)
        cached = due_count(user) if user is not None and user.is_authenticated else 0
        setattr(request, REQUEST_CACHE, cached)
    return int(cached)


def forget_due_count(request: HttpRequest) -> None:
    """After a check-in the count changes: the next read recomputes it."""
    if hasattr(request, REQUEST_CACHE):
        delattr(request, REQUEST_CACHE)


def due_navigation(request: HttpRequest) -> dict[str, Any]:
    """Template context: ``due_count``, evaluated only if the page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"due_count": lambda: due_count_for_request(request)}
