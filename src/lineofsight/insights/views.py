"""Dashboard pages: the leadership overview, a team's dashboard and a person's.

Thin: each view resolves what the URL names through the access policy (missing and
forbidden both answer 404), asks ``insights.dashboards`` for the figures and renders them;
the charts are drawn by the templates' ``dashboard_charts`` tags.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from lineofsight.core.errors import NotFound
from lineofsight.core.web import SignedInRequest, page, render_page
from lineofsight.goals.blockers import team_open as team_blockers
from lineofsight.goals.models import Cycle
from lineofsight.goals.team_retros import selectors as team_retros
from lineofsight.insights import dashboards


def _cycle(request: SignedInRequest) -> Cycle | None:
    try:
        return dashboards.resolve_cycle(request.user, request.GET.get("cycle"))
    except NotFound:
        raise Http404("No such cycle.") from None


@page
@require_GET
def leadership(request: SignedInRequest) -> HttpResponse:
    cycle = _cycle(request)
    department = None
    raw = request.GET.get("department")
    if raw:
        department = dashboards.get_team(request.user, raw)
    data = dashboards.leadership(request.user, cycle, department=department) if cycle else None
    return render_page(
        request,
        "insights/leadership.html",
        {
            "nav": "dashboards",
            "cycle": cycle,
            "cycles": dashboards.cycles_for(request.user),
            "data": data,
        },
    )


@page
@require_GET
def team(request: SignedInRequest, team_id: int) -> HttpResponse:
    found = dashboards.get_team(request.user, team_id)
    cycle = _cycle(request)
    data = dashboards.team_dashboard(request.user, found, cycle) if cycle else None
    blockers, blockers_total = team_blockers(request.user, found)
    planning = team_retros.planning_cycle()
    return render_page(
        request,
        "insights/team.html",
        {
            "nav": "dashboards",
            "team": found,
            "cycle": cycle,
            "cycles": dashboards.cycles_for(request.user),
            "data": data,
            "blockers": blockers,
            "blockers_total": blockers_total,
            "planning": planning,
            "retro_summary": team_retros.last_team_retrospective(request.user, found, planning)
            if planning is not None
            else None,
        },
    )


@page
@require_GET
def person(request: SignedInRequest, person_id: int) -> HttpResponse:
    found = dashboards.get_person(request.user, person_id)
    cycle = _cycle(request)
    data = dashboards.person_dashboard(request.user, found, cycle) if cycle else None
    return render_page(
        request,
        "insights/person.html",
        {
            "nav": "dashboards",
            "person": found,
            "cycle": cycle,
            "cycles": dashboards.cycles_for(request.user),
            "data": data,
        },
    )
