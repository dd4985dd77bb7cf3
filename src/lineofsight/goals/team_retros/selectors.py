"""Reads for team retrospectives, always through the access policy.

A draft is read only by the team (its lead and members); a published retrospective by whoever
the policy allows (``GoalViewer.team_retrospective_filter``). Someone who may not read it is
told there is none, exactly as if none were written. The team's objectives beside it, with
their grades, are those the viewer may see. Each function runs a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q

from lineofsight.goals.access import GoalViewer
from lineofsight.goals.actions.team_retrospectives import is_open, opens_on, today
from lineofsight.goals.closing.selectors import GradeView, objective_grade, people_by_id
from lineofsight.goals.models import (
    Cycle,
    Objective,
    TeamRetrospective,
    TeamRetrospectiveSection,
)
from lineofsight.people.models import Person, Team

LIVE = (Objective.State.ACTIVE, Objective.State.CLOSED)
PROMPT_DAYS_AFTER_END = 42  # how long after a cycle ends a missing retrospective is asked for
TEXT_FIELDS: dict[str, str] = {
    TeamRetrospectiveSection.MOVED: "what_moved",
    TeamRetrospectiveSection.NOT_MOVED: "what_did_not_move",
    TeamRetrospectiveSection.LEARNED: "learned",
    TeamRetrospectiveSection.CHANGE: "will_change",
}


@dataclass
class GradedObjective:
    objective: Objective
    grade: GradeView


@dataclass
class Section:
    key: str
    label: str
    field: str
    text: str
    objectives: list[Objective]


@dataclass
class TeamRetrospectiveView:
    """A team's retrospective of a cycle as one viewer may read it, with the grades of the
    team's objectives of the cycle beside it."""

    team: Team
    cycle: Cycle
    retro: TeamRetrospective | None  # None: not written, or not for this viewer's eyes
    objectives: list[GradedObjective]
    sections: list[Section] = field(default_factory=list)

    @property
    def is_draft(self) -> bool:
        return self.retro is not None and not self.retro.is_published

    @property
    def average_grade(self) -> float | None:
        grades = [g.grade.computed for g in self.objectives if g.grade.computed is not None]
        return round(sum(grades) / len(grades), 2) if grades else None


def _team_objectives(user: Person, team: Team, cycle: Cycle) -> list[Objective]:
    return list(
        Objective.objects.visible_to(user)
        .filter(owner_team=team, cycle=cycle)
        .exclude(state=Objective.State.DRAFT)
        .select_related("cycle")
        .order_by("title", "pk")
    )


def _view(
    user: Person, team: Team, cycle: Cycle, retro: TeamRetrospective | None
) -> TeamRetrospectiveView:
    objectives = _team_objectives(user, team, cycle)
    people = people_by_id(o.graded_by_id for o in objectives)
    graded = [GradedObjective(o, objective_grade(o, people)) for o in objectives]
    view = TeamRetrospectiveView(team, cycle, retro, graded)
    if retro is not None:
        by_id = {o.pk: o for o in objectives}
        linked: dict[str, list[Objective]] = {}
        for key, objective_id in retro.links.order_by("pk").values_list("section", "objective_id"):
            if objective_id in by_id:  # one the viewer may see
                linked.setdefault(key, []).append(by_id[objective_id])
        view.sections = [
            Section(key, str(label), TEXT_FIELDS[key], getattr(retro, TEXT_FIELDS[key]), [])
            for key, label in TeamRetrospectiveSection.choices
        ]
        for section in view.sections:
            section.objectives = linked.get(section.key, [])
    return view


def team_retrospective(user: Person, team: Team, cycle: Cycle) -> TeamRetrospectiveView:
    """``team``'s retrospective of ``cycle`` as ``user`` may read it (``retro`` is None when
    there is none they may read)."""
    retro = (
        TeamRetrospective.objects.visible_to(user)
        .select_related("updated_by", "published_by")
        .filter(team=team, cycle=cycle)
        .first()
    )
    return _view(user, team, cycle, retro)


def last_team_retrospective(
    viewer: Person, team: Team, before_cycle: Cycle
) -> TeamRetrospectiveView | None:
    """The latest retrospective ``viewer`` may read of ``team``, of a cycle of the same kind
    that ended before ``before_cycle`` starts (for planning ``before_cycle``), with the
    grades of the team's objectives of that cycle. None if there is none. Render it with the
    fragment ``goals/team_retros/summary.html`` (context: ``summary``)."""
    retro = (
        TeamRetrospective.objects.visible_to(viewer)
        .select_related("updated_by", "published_by", "cycle")
        .filter(
            team=team,
            cycle__kind=before_cycle.kind,
            cycle__end_date__lt=before_cycle.start_date,
        )
        .order_by("-cycle__end_date", "-pk")
        .first()
    )
    if retro is None:
        return None
    return _view(viewer, team, retro.cycle, retro)


def versions(retro: TeamRetrospective) -> list:
    """The saved versions, newest first (for the team, who read the draft)."""
    return list(retro.versions.select_related("saved_by").order_by("-version"))


# ---------------------------------------------------------------------------------------
# When one is due


@dataclass
class Due:
    """A retrospective a team owes: the cycle is in its last two weeks or recently closed,
    the team has objectives in it and has published none."""

    team: Team
    cycle: Cycle
    state: str  # "" (not started) or "draft"

    @property
    def opens_on(self) -> dt.date:
        return opens_on(self.cycle)


def _window(day: dt.date) -> Q:
    """Cycles whose retrospective is open and still asked for on ``day``."""
    recent = day - dt.timedelta(days=PROMPT_DAYS_AFTER_END)
    ending = day + dt.timedelta(days=13)
    return Q(state=Cycle.State.CLOSED, end_date__gte=recent) | Q(
        state=Cycle.State.ACTIVE, end_date__lte=ending
    )


def due_team_retrospectives(
    user: Person, *, led_only: bool = False, cycle: Cycle | None = None
) -> list[Due]:
    """The retrospectives ``user``'s teams owe (those they lead, or also those they are a
    member of), of ``cycle`` or of every cycle in its window. No query for someone who
    belongs to and leads no team."""
    viewer = GoalViewer.of(user)
    if not viewer.is_active:
        return []
    team_ids = set(viewer.led_team_ids) if led_only else set(viewer.led_team_ids | viewer.team_ids)
    if not team_ids:
        return []
    day = today()
    if cycle is not None:
        if not is_open(cycle, day):
            return []
        cycles = {cycle.pk: cycle}
    else:
        cycles = {c.pk: c for c in Cycle.objects.filter(_window(day))}
    if not cycles:
        return []
    owed = set(
        Objective.objects.filter(owner_team__in=team_ids, cycle__in=list(cycles))
        .filter(state__in=LIVE)
        .values_list("owner_team_id", "cycle_id")
        .distinct()
    )
    if not owed:
        return []
    states = dict(
        ((t, c), s)
        for t, c, s in TeamRetrospective.objects.filter(
            team__in=team_ids, cycle__in=list(cycles)
        ).values_list("team_id", "cycle_id", "state")
    )
    teams = Team.objects.in_bulk({t for t, _ in owed})
    out = [
        Due(teams[t], cycles[c], states.get((t, c), ""))
        for t, c in owed
        if states.get((t, c)) != TeamRetrospective.State.PUBLISHED
    ]
    out.sort(key=lambda d: (d.cycle.end_date, d.team.name))
    return out


def prompt_cycle(team: Team) -> Cycle | None:
    """The cycle whose retrospective the team page offers: the latest cycle in its window in
    which the team has objectives (else none)."""
    return (
        Cycle.objects.filter(_window(today()))
        .filter(objectives__owner_team=team, objectives__state__in=LIVE)
        .order_by("-end_date", "pk")
        .distinct()
        .first()
    )


def planning_cycle() -> Cycle | None:
    """The next cycle being planned, if any: the earliest in its planning state that has not
    ended yet (a quarter before the year it starts)."""
    return (
        Cycle.objects.filter(state=Cycle.State.PLANNING, end_date__gte=today())
        .order_by("start_date", "end_date", "pk")
        .first()
    )


@dataclass
class TeamPagePrompt:
    """What the team page says about retrospectives: the one of the cycle in its window (to
    write, continue or read) and the summary of the last one before the cycle being planned
    (else the current one)."""

    cycle: Cycle | None
    retro: TeamRetrospective | None
    writes: bool
    summary: TeamRetrospectiveView | None

    @property
    def due(self) -> bool:
        return self.writes and (self.retro is None or not self.retro.is_published)


def team_page(user: Person, team: Team, current: Cycle | None) -> TeamPagePrompt:
    cycle = prompt_cycle(team)
    retro = None
    if cycle is not None:
        retro = TeamRetrospective.objects.visible_to(user).filter(team=team, cycle=cycle).first()
    target = planning_cycle() or current
    summary = last_team_retrospective(user, team, target) if target is not None else None
    writes = GoalViewer.of(user).writes_team_retrospective(team)
    return TeamPagePrompt(cycle, retro, writes, summary)
