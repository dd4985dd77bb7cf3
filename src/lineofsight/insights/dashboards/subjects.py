"""Stored figures of the organisation, its departments and teams, and objectives: the rows
``lineofsight snapshot`` wrote (``insights.models.WeeklyFigures``), read as plain values in
the viewer's scope and rounded once."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from lineofsight.goals.models import Cycle
from lineofsight.insights import aggregate
from lineofsight.insights.dashboards.common import org_tz, rounded
from lineofsight.insights.models import WeeklyFigures

# Stacked bars and tables list statuses from the one needing most attention.
STATUS_ORDER = ("off_track", "stale", "at_risk", "pending", "not_started", "on_track")


@dataclass(frozen=True)
class Statuses:
    on_track: int = 0
    at_risk: int = 0
    off_track: int = 0
    stale: int = 0
    pending: int = 0
    not_started: int = 0

    @classmethod
    def of(cls, source: object) -> Statuses:
        """From a ``WeeklyFigures`` row or a ``pace.RiskSummary``'s counts."""
        counts = getattr(source, "counts", None)
        if isinstance(counts, dict):
            return cls(**{s: int(counts.get(s, 0)) for s in aggregate.STATUSES})
        return cls(**{s: int(getattr(source, s)) for s in aggregate.STATUSES})

    @property
    def total(self) -> int:
        return sum(self.in_order())

    @property
    def attention(self) -> int:
        return self.at_risk + self.off_track + self.stale

    def in_order(self) -> tuple[int, ...]:
        return tuple(getattr(self, s) for s in STATUS_ORDER)

    def as_dict(self) -> dict[str, int]:
        return {s: getattr(self, s) for s in aggregate.STATUSES}


@dataclass(frozen=True)
class WeekPoint:
    """One stored week of a subject: the figures as of ``day`` (the week's last day, or the
    day of the last run for the week in progress)."""

    week_ending: dt.date
    day: dt.date
    progress: float | None
    discipline: float | None
    attention_share: float | None
    likely_to_miss: int
    key_results: int


@dataclass(frozen=True)
class SubjectRow:
    """The organisation, a department or a team, from its latest stored week."""

    key: str
    name: str
    team_id: int | None
    kind: str
    progress: float | None
    objectives: int
    key_results: int
    statuses: Statuses
    likely_to_miss: int
    could_miss: int
    periods_due: int
    periods_kept: int
    discipline: float | None
    attention_share: float | None
    weeks: tuple[WeekPoint, ...] = ()


# Stored rows are read as plain values (no model instances): a leadership page reads a few
# hundred of them.
STORED = (
    "week_ending",
    "team_id",
    "objective_id",
    "progress",
    "objectives",
    "key_results",
    *aggregate.STATUSES,
    "likely_to_miss",
    "could_miss",
    "periods_due",
    "periods_kept",
    "as_of",
)
STORED_TEAM = (*STORED, "team__name", "team__kind")
Stored = dict[str, Any]


def _attention(row: Stored) -> int:
    return int(row["at_risk"] + row["off_track"] + row["stale"])


def _attention_share(row: Stored) -> float | None:
    return rounded(_attention(row) / row["key_results"]) if row["key_results"] else None


def _discipline(row: Stored) -> float | None:
    due = row["periods_due"]
    return rounded(row["periods_kept"] / due) if due else None


def week_point(row: Stored, tz: zoneinfo.ZoneInfo) -> WeekPoint:
    return WeekPoint(
        row["week_ending"],
        timezone.localtime(row["as_of"], tz).date(),
        rounded(row["progress"]),
        _discipline(row),
        _attention_share(row),
        row["likely_to_miss"],
        row["key_results"],
    )


def subject_row(
    row: Stored, weeks: Sequence[Stored] = (), tz: zoneinfo.ZoneInfo | None = None
) -> SubjectRow:
    team_id = row["team_id"]
    zone = tz or org_tz()
    return SubjectRow(
        key=f"team-{team_id}" if team_id else "organisation",
        name=row["team__name"] if team_id else "The organisation",
        team_id=team_id,
        kind=row["team__kind"] if team_id else "organisation",
        progress=rounded(row["progress"]),
        objectives=row["objectives"],
        key_results=row["key_results"],
        statuses=Statuses(**{s: row[s] for s in aggregate.STATUSES}),
        likely_to_miss=row["likely_to_miss"],
        could_miss=row["could_miss"],
        periods_due=row["periods_due"],
        periods_kept=row["periods_kept"],
        discipline=_discipline(row),
        attention_share=_attention_share(row),
        weeks=tuple(week_point(w, zone) for w in weeks),
    )


def stored_weeks(cycle: Cycle, scope: str) -> QuerySet[WeeklyFigures]:
    return WeeklyFigures.objects.filter(cycle=cycle, scope=scope)
