"""A team's dashboard: its objectives with a burn-up per key result, the pace, forecast and
check-in discipline of everything the team and its members own (live), its members, and the
stored figures of the team with the teams inside it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from lineofsight.goals import pace, tracking
from lineofsight.goals.models import Cycle
from lineofsight.insights import aggregate
from lineofsight.insights.access import InsightViewer
from lineofsight.insights.charts import figure
from lineofsight.insights.dashboards.common import TEAMS_LIMIT, org_tz
from lineofsight.insights.dashboards.key_results import (
    KeyResultFigures,
    ObjectiveBlock,
    key_result_figures,
    objective_blocks,
    total_discipline,
)
from lineofsight.insights.dashboards.subjects import (
    STORED_TEAM,
    Statuses,
    SubjectRow,
    stored_weeks,
    subject_row,
)
from lineofsight.insights.discipline import Discipline
from lineofsight.people import selectors as people_selectors
from lineofsight.people.models import Membership, Person, Team


@dataclass(frozen=True)
class MemberRow:
    person: Person
    key_results: int
    attention: int
    likely_to_miss: int
    discipline: Discipline


@dataclass
class TeamDashboard:
    team: Team
    cycle: Cycle
    scope: str
    today: dt.date
    expected: float
    ancestors: list[Team]
    risk: tracking.TeamRisk
    discipline: Discipline
    objectives: list[ObjectiveBlock]
    members: list[MemberRow]
    whole: SubjectRow | None  # stored: the team together with the teams inside it
    sub_teams: list[SubjectRow]  # stored: each team inside it, with the teams inside that
    as_of: dt.datetime | None

    @property
    def statuses(self) -> Statuses:
        return Statuses.of(self.risk.risk)

    @property
    def key_results(self) -> list[KeyResultFigures]:
        return [kr for block in self.objectives for kr in block.key_results]


def team_dashboard(
    user: Person, team: Team, cycle: Cycle, *, now: dt.datetime | None = None
) -> TeamDashboard:
    """A team's objectives with a burn-up per key result, the pace, forecast and check-in
    discipline of everything the team and its members own (live), and the stored figures of
    the teams inside it."""
    scope = InsightViewer.of(user).figure_scope()
    tz = org_tz()
    now = now or timezone.now()
    today = timezone.localtime(now, tz).date()
    ctx = tracking.tracking_context(today)
    # Read once: the objectives through the access policy, their key results (with cycle and
    # owner) and their check-ins, which both the forecasts and the burn-ups use.
    risk = tracking.team_risk(team, cycle, user, context=ctx, detail=True)
    assert risk.detail is not None
    tracked = {item.key_result_id: item for item in risk.key_results}
    # In the order they were read: by objective, position and id.
    krs = [kr for kr in risk.detail.rows.values() if kr.pk in tracked]
    # The team's own objectives among those ``team_risk`` read (by title): their key results
    # are drawn; the members' count in the figures only.
    own = [o for o in risk.objective_rows if o.owner_team_id == team.pk]
    own_ids = {o.pk for o in own}
    figures_by_kr = key_result_figures(
        krs,
        tracked,
        window=cycle,
        now=now,
        check_ins=risk.detail.check_ins,
        readings_for={kr.pk for kr in krs if kr.objective_id in own_ids},
    )
    blocks = objective_blocks(
        own,
        risk.objectives,
        {k: v for k, v in figures_by_kr.items() if v.key_result.objective_id in own_ids},
    )
    members = list(
        Person.objects.filter(
            is_active=True,
            pk__in=Membership.objects.filter(team=team).values("person_id"),
        ).order_by("display_name", "username", "pk")
    )
    member_rows = []
    for person in members:
        theirs = [f for f in figures_by_kr.values() if f.key_result.owner_id == person.pk]
        member_rows.append(
            MemberRow(
                person,
                len(theirs),
                sum(1 for f in theirs if f.tracking.needs_attention),
                sum(1 for f in theirs if f.tracking.likely_to_miss),
                total_discipline(theirs),
            )
        )
    stored = list(
        stored_weeks(cycle, scope)
        .filter(subject=aggregate.TEAM, team=team)
        .order_by("week_ending")
        .values(*STORED_TEAM)
    )
    whole = subject_row(stored[-1], stored, tz) if stored else None
    sub_teams: list[SubjectRow] = []
    if stored:
        sub_teams = [
            subject_row(row, (), tz)
            for row in stored_weeks(cycle, scope)
            .filter(
                subject=aggregate.TEAM, team__parent=team, week_ending=stored[-1]["week_ending"]
            )
            .order_by("team__name", "team_id")
            .values(*STORED_TEAM)[:TEAMS_LIMIT]
        ]
    return TeamDashboard(
        team=team,
        cycle=cycle,
        scope=scope,
        today=today,
        expected=figure(pace.expected_progress(cycle.start_date, cycle.end_date, today)),
        ancestors=people_selectors.team_ancestors(team),
        risk=risk,
        discipline=total_discipline(figures_by_kr.values()),
        objectives=blocks,
        members=member_rows,
        whole=whole,
        sub_teams=sub_teams,
        as_of=stored[-1]["as_of"] if stored else None,
    )
