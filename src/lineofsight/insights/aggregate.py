"""Dashboard aggregates: weekly figures for the organisation, each team and each company
objective, from per-key-result and per-objective facts.

Pure: plain dataclasses in, plain dataclasses out; no Django, no database, no clock. The
snapshot job (``insights.snapshots``) gathers the facts (pace and forecast from
``goals.tracking``, discipline from ``insights.discipline``, progress from the stored
roll-up or an "as of" recompute) and stores what this module adds up.

What each subject counts:

* **The organisation**: every tracked key result of the cycle; progress is the mean
  progress of the company objectives.
* **A team**: the key results of the objectives owned by the team or a team inside it, or
  by a person who is a member of one of those teams; progress is the mean progress of the
  objectives the team itself owns (their own roll-ups already count what contributes to
  them).
* **A company objective**: its own key results and its progress.

Each figure is kept twice: over every objective (``all``), and over public objectives only
(``public``), so people who may not see every objective get figures that leak nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from lineofsight.goals.forecast import MissRisk
from lineofsight.goals.pace import PaceStatus

ALL = "all"
PUBLIC = "public"
SCOPES = (ALL, PUBLIC)

ORGANISATION = "organisation"
TEAM = "team"
OBJECTIVE = "objective"

STATUSES = tuple(status.value for status in PaceStatus)


def week_endings(start: dt.date, end: dt.date) -> list[dt.date]:
    """The days weekly figures are taken at: the cycle's 7th, 14th, 21st... day, and its last
    day (a short last week when the cycle is not a whole number of weeks)."""
    out = []
    day = start + dt.timedelta(days=6)
    while day < end:
        out.append(day)
        day += dt.timedelta(days=7)
    out.append(end)
    return out


def week_ending_for(start: dt.date, end: dt.date, day: dt.date) -> dt.date:
    """The week ending of the week that contains ``day`` (clamped to the cycle)."""
    if day <= start:
        return week_endings(start, end)[0]
    if day >= end:
        return end
    days = (day - start).days
    candidate = start + dt.timedelta(days=(days // 7) * 7 + 6)
    return min(candidate, end)


@dataclass(frozen=True)
class KeyResultFact:
    """What one tracked key result adds to the figures."""

    key_result_id: int
    objective_id: int
    public: bool
    teams: frozenset[int]  # teams it counts towards, the teams above them included
    status: str  # a PaceStatus value
    miss_risk: str | None  # a MissRisk value; None without a forecast
    due: int = 0  # check-in periods due and kept (insights.discipline)
    kept: int = 0


@dataclass(frozen=True)
class ObjectiveFact:
    objective_id: int
    public: bool
    level: str
    owner_team_id: int | None
    progress: float


@dataclass
class Tally:
    """One subject's figures in one scope."""

    objectives: int = 0
    progress_sum: float = 0.0
    key_results: int = 0
    statuses: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    likely_to_miss: int = 0
    could_miss: int = 0
    periods_due: int = 0
    periods_kept: int = 0

    @property
    def progress(self) -> float | None:
        """Mean progress of the counted objectives; None when there are none."""
        return self.progress_sum / self.objectives if self.objectives else None

    @property
    def discipline(self) -> float | None:
        return self.periods_kept / self.periods_due if self.periods_due else None

    @property
    def attention(self) -> int:
        """Key results at risk, off track or stale by pace."""
        return sum(n for s, n in self.statuses.items() if PaceStatus(s).needs_attention)

    def add_objective(self, progress: float) -> None:
        self.objectives += 1
        self.progress_sum += progress

    def add_key_result(self, fact: KeyResultFact) -> None:
        self.key_results += 1
        self.statuses[fact.status] += 1
        if fact.miss_risk == MissRisk.LIKELY:
            self.likely_to_miss += 1
        elif fact.miss_risk == MissRisk.POSSIBLE:
            self.could_miss += 1
        self.periods_due += fact.due
        self.periods_kept += fact.kept


Subject = tuple[str, str, int]  # (scope, kind, id); the organisation has id 0


def counting_teams(
    owner_team_id: int | None,
    owner_person_teams: Iterable[int],
    ancestors: Mapping[int, tuple[int, ...]],
) -> frozenset[int]:
    """The teams a key result counts towards: its objective's owning team, or the teams its
    owning person belongs to, each with every team above it."""
    direct = [owner_team_id] if owner_team_id is not None else list(owner_person_teams)
    found: set[int] = set()
    for team_id in direct:
        found.add(team_id)
        found.update(ancestors.get(team_id, ()))
    return frozenset(found)


def tally(
    key_results: Iterable[KeyResultFact],
    objectives: Iterable[ObjectiveFact],
    *,
    teams: Iterable[int] = (),
) -> dict[Subject, Tally]:
    """The figures of the organisation, of every team and of every company objective, in
    both scopes. ``teams`` lists teams to report even when nothing counts towards them."""
    out: dict[Subject, Tally] = {}

    def at(scope: str, kind: str, pk: int) -> Tally:
        key = (scope, kind, pk)
        found = out.get(key)
        if found is None:
            found = out[key] = Tally()
        return found

    team_ids = list(teams)
    for scope in SCOPES:
        at(scope, ORGANISATION, 0)
        for team_id in team_ids:
            at(scope, TEAM, team_id)
    company: set[int] = set()
    for o in objectives:
        scopes = SCOPES if o.public else (ALL,)
        if o.level == "company":
            company.add(o.objective_id)
            at(ALL, OBJECTIVE, o.objective_id).add_objective(o.progress)
        for scope in scopes:
            if o.level == "company":
                at(scope, ORGANISATION, 0).add_objective(o.progress)
            if o.owner_team_id is not None:
                at(scope, TEAM, o.owner_team_id).add_objective(o.progress)
    for kr in key_results:
        scopes = SCOPES if kr.public else (ALL,)
        for scope in scopes:
            at(scope, ORGANISATION, 0).add_key_result(kr)
            for team_id in kr.teams:
                at(scope, TEAM, team_id).add_key_result(kr)
        if kr.objective_id in company:
            at(ALL, OBJECTIVE, kr.objective_id).add_key_result(kr)
    return out


def attention_rank(status: str, miss_risk: str | None, forecast_progress: float) -> int:
    """Sort key of the at-risk list, highest first: worst pace status first (off track,
    stale, at risk), then likely to miss, then the lowest projected progress."""
    severity = PaceStatus(status).severity
    likely = 1 if miss_risk == MissRisk.LIKELY else 0
    shortfall = round((1.0 - min(1.0, max(0.0, forecast_progress))) * 100)
    return severity * 1000 + likely * 200 + shortfall


def needs_attention(status: str, miss_risk: str | None) -> bool:
    """On the at-risk list: at risk, off track or stale by pace, or likely to miss."""
    return PaceStatus(status).needs_attention or miss_risk == MissRisk.LIKELY
