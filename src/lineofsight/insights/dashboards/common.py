"""What the dashboards share: their limits, the cycle and the team or person a URL names
(through the access policy), and the organisation's time zone."""

from __future__ import annotations

import zoneinfo

from lineofsight.core.errors import NotFound
from lineofsight.goals import selectors as goal_selectors
from lineofsight.goals.models import Cycle, Objective
from lineofsight.insights.charts import figure
from lineofsight.people import selectors as people_selectors
from lineofsight.people.models import Person, Team

AT_RISK_LIMIT = 25
TEAMS_LIMIT = 200
LAGGING_TEAMS = 10
LIVE_STATES = (Objective.State.ACTIVE, Objective.State.CLOSED)


def rounded(value: float | None) -> float | None:
    return None if value is None else figure(value)


def org_tz() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(people_selectors.organisation_time_zone())


def resolve_cycle(user: Person, raw: object = None) -> Cycle | None:
    """The cycle asked for (``NotFound`` when it names nothing), else the current one."""
    if raw not in (None, ""):
        return goal_selectors.get_cycle_for_user(user, raw)
    return goal_selectors.current_cycle()


def cycles_for(user: Person) -> list[Cycle]:
    return list(goal_selectors.cycles_for_user(user).order_by("-start_date", "end_date"))


def get_team(user: Person, pk: object) -> Team:
    try:
        return people_selectors.teams_visible_to(user).get(pk=int(pk))  # type: ignore[call-overload]
    except (ValueError, TypeError, Team.DoesNotExist):
        raise NotFound("No such team.") from None


def get_person(user: Person, pk: object) -> Person:
    try:
        return people_selectors.people_visible_to(user).get(pk=int(pk))  # type: ignore[call-overload]
    except (ValueError, TypeError, Person.DoesNotExist):
        raise NotFound("No such person.") from None
