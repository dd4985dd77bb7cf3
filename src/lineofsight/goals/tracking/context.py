"""Tracking's context and cadences: the organisation's pace thresholds, its time zone and
"today" there, and the check-in cadence that applies to a key result (its cycle's, or the
most frequent one its owner's teams set)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Case, IntegerField, OuterRef, Subquery, Value, When
from django.utils import timezone

from lineofsight.goals import pace as pc
from lineofsight.goals.due import most_frequent
from lineofsight.people.cadence import Cadence
from lineofsight.people.models import Membership
from lineofsight.people.selectors import organisation_pace_thresholds, organisation_time_zone

CHUNK = 2000  # key results per query, for very large batches


# ---------------------------------------------------------------------------------------
# Context: thresholds, time zone, today


@dataclass(frozen=True)
class TrackingContext:
    today: dt.date
    time_zone: str
    thresholds: pc.PaceThresholds
    # Today is today (not a day in the past): stored forecasts may be read and written.
    current: bool = True
    # Team cadence overrides already read, by person (None: their teams set none).
    cadences: dict[int, Cadence | None] = field(default_factory=dict, compare=False)

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def local_date(self, instant: dt.datetime | None) -> dt.date | None:
        if instant is None:
            return None
        return instant.astimezone(self.tz).date()

    def day_start(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time.min, tzinfo=self.tz)


def tracking_context(today: dt.date | None = None) -> TrackingContext:
    """The organisation's thresholds and time zone, and today's date there (read with the
    organisation's other settings, which each process keeps for a few seconds)."""
    on_track, off_track = organisation_pace_thresholds()
    tz_name = organisation_time_zone()
    actual = timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(tz_name)).date()
    if today is None:
        today = actual
    return TrackingContext(
        today, tz_name, pc.PaceThresholds(on_track, off_track), current=today >= actual
    )


# ---------------------------------------------------------------------------------------
# Cadence


def cadence_overrides(
    person_ids: Iterable[int], context: TrackingContext | None = None
) -> dict[int, Cadence]:
    """Per person, the cadence their teams set (the most frequent when several do); people
    whose teams set none are absent. One query; none for people ``context`` already knows."""
    wanted = set(person_ids)
    memo: dict[int, Cadence | None] = context.cadences if context is not None else {}
    missing = sorted(wanted - set(memo))
    found: dict[int, list[str]] = defaultdict(list)
    for start in range(0, len(missing), CHUNK):
        rows = (
            Membership.objects.filter(person_id__in=missing[start : start + CHUNK])
            .exclude(team__check_in_cadence="")
            .order_by()
            .values_list("person_id", "team__check_in_cadence")
        )
        for person_id, value in rows:
            found[person_id].append(value)
    for person_id in missing:
        memo[person_id] = most_frequent(found.get(person_id, []))
    return {pid: chosen for pid in wanted if (chosen := memo.get(pid)) is not None}


def team_cadence_subquery() -> Subquery:
    """The most frequent cadence the key result's owner's teams set (for annotating key
    results, so that their owners' overrides need no query of their own)."""
    rank = Case(
        *[When(team__check_in_cadence=c.value, then=Value(c.days)) for c in Cadence],
        output_field=IntegerField(),
    )
    overriding = (
        Membership.objects.filter(person_id=OuterRef("owner_id"))
        .exclude(team__check_in_cadence="")
        .annotate(rank=rank)
        .order_by("rank")
        .values("team__check_in_cadence")[:1]
    )
    return Subquery(overriding)


def effective_cadence(cycle_cadence: str, override: Cadence | str | None = None) -> Cadence:
    """The team's override when there is one, else the cycle's cadence."""
    return Cadence(override or cycle_cadence)
