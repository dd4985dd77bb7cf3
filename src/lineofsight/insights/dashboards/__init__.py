"""Dashboards: the leadership overview, a team's dashboard and a person's, as the viewer may
see them.

Where each figure comes from, and so how fresh it is:

* **Live** (as of the request), through ``goals.tracking``: company objectives' progress,
  pace and forecast on the leadership page; everything about a team's or a person's own
  key results (burn-ups, pace, forecast, discipline) on their dashboards.
* **Stored** (as of the last ``lineofsight snapshot`` run, see ``insights.snapshots``): the
  organisation's, departments' and teams' figures, the weekly trends and the at-risk list.
  Reading them is a handful of indexed queries whatever the size of the organisation.

Access: lists go through the access policy like every other read (objectives and key results
the viewer may see). Stored aggregates are read in the viewer's scope
(``Viewer.figure_scope``): over every objective for HR and executives, over public objectives
for everyone else.

Every figure is rounded once here (``charts.figure``), so the pages' tables, their charts'
``data-value`` attributes and the API carry the same numbers.

The package is split by concept: ``common`` (limits, the cycle, team and person a URL
names), ``subjects`` (stored figures), ``key_results`` (live figures of key results),
``leadership``, ``team`` and ``person`` (one dashboard each); everything public is
importable from here.
"""

from lineofsight.insights.dashboards.common import (
    AT_RISK_LIMIT,
    LAGGING_TEAMS,
    LIVE_STATES,
    TEAMS_LIMIT,
    cycles_for,
    get_person,
    get_team,
    resolve_cycle,
)
from lineofsight.insights.dashboards.key_results import (
    KeyResultFigures,
    ObjectiveBlock,
    Reading,
    key_result_figures,
    total_discipline,
)
from lineofsight.insights.dashboards.leadership import (
    AtRiskItem,
    CompanyObjective,
    Leadership,
    leadership,
)
from lineofsight.insights.dashboards.person import (
    PersonDashboard,
    person_dashboard,
)
from lineofsight.insights.dashboards.subjects import (
    STATUS_ORDER,
    STORED,
    STORED_TEAM,
    Statuses,
    SubjectRow,
    WeekPoint,
)
from lineofsight.insights.dashboards.team import (
    MemberRow,
    TeamDashboard,
    team_dashboard,
)

__all__ = [
    "AT_RISK_LIMIT",
    "LAGGING_TEAMS",
    "LIVE_STATES",
    "STATUS_ORDER",
    "STORED",
    "STORED_TEAM",
    "TEAMS_LIMIT",
    "AtRiskItem",
    "CompanyObjective",
    "KeyResultFigures",
    "Leadership",
    "MemberRow",
    "ObjectiveBlock",
    "PersonDashboard",
    "Reading",
    "Statuses",
    "SubjectRow",
    "TeamDashboard",
    "WeekPoint",
    "cycles_for",
    "get_person",
    "get_team",
    "key_result_figures",
    "leadership",
    "person_dashboard",
    "resolve_cycle",
    "team_dashboard",
    "total_discipline",
]
