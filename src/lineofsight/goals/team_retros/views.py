"""The team retrospective's page: ``/teams/<id>/retrospectives/<cycle id>/``.

Everyone who may see the team opens it; what it shows follows the policy: the team reads
(and writes) its draft, others see a published retrospective or are told there is none. The
grades of the team's objectives of the cycle (those the viewer may see) stand beside it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from lineofsight.core.errors import Conflict, InvalidInput
from lineofsight.core.web import SignedInRequest, apply_errors, page, render_page
from lineofsight.goals import actions, selectors
from lineofsight.goals.access import GoalViewer
from lineofsight.goals.actions.team_retrospectives import is_open, opens_on, today
from lineofsight.goals.team_retros import selectors as retros
from lineofsight.goals.team_retros.forms import TeamRetrospectiveForm, links_field
from lineofsight.people.selectors import get_team_for_user


def _initial(view: retros.TeamRetrospectiveView) -> dict[str, Any]:
    retro = view.retro
    if retro is None:
        return {"version": 0}
    initial: dict[str, Any] = {"version": retro.version}
    for section in view.sections:
        initial[section.field] = section.text
        initial[links_field(section.key)] = [o.pk for o in section.objectives]
    return initial


@page
@require_http_methods(["GET", "POST"])
def team_retrospective(request: SignedInRequest, team_id: int, cycle_id: int) -> HttpResponse:
    user = request.user
    team = get_team_for_user(user, team_id)
    cycle = selectors.get_cycle_for_user(user, cycle_id)
    viewer = GoalViewer.of(user)
    view = retros.team_retrospective(user, team, cycle)
    writes = viewer.writes_team_retrospective(team)
    open_now = is_open(cycle, today())
    objectives = [g.objective for g in view.objectives]
    status = 200
    conflict = False
    form = None
    if request.method == "POST":
        form = TeamRetrospectiveForm(request.POST, objectives=objectives)
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.save_team_retrospective(
                    acting_user=user,
                    team=team,
                    cycle=cycle,
                    what_moved=data["what_moved"],
                    what_did_not_move=data["what_did_not_move"],
                    learned=data["learned"],
                    will_change=data["will_change"],
                    links=form.links(),
                    base_version=data.get("version") or None,
                )
            except InvalidInput as exc:
                conflict = isinstance(exc, Conflict)
                apply_errors(form, exc, {"links": "__all__", "cycle": "__all__"})
            else:
                messages.success(request, f"Retrospective of {cycle.name} saved.")
                return redirect(reverse("team-retrospective", args=[team.pk, cycle.pk]))
        status = 409 if conflict else 422
        if conflict:
            view = retros.team_retrospective(user, team, cycle)  # the newer version
    elif writes and open_now:
        form = TeamRetrospectiveForm(initial=_initial(view), objectives=objectives)
    return render_page(
        request,
        "goals/team_retros/page.html",
        {
            "nav": "teams",
            "team": team,
            "cycle": cycle,
            "view": view,
            "form": form if writes and open_now else None,
            "conflict": conflict,
            "writes": writes,
            "open_now": open_now,
            "opens_on": opens_on(cycle),
            "can_publish": viewer.can_publish_team_retrospective(team),
            "versions": retros.versions(view.retro) if view.retro and writes else [],
        },
        status=status,
    )


@page
@require_POST
def publish_team_retrospective(
    request: SignedInRequest, team_id: int, cycle_id: int
) -> HttpResponse:
    user = request.user
    team = get_team_for_user(user, team_id)
    cycle = selectors.get_cycle_for_user(user, cycle_id)
    url = reverse("team-retrospective", args=[team.pk, cycle.pk])
    try:
        actions.publish_team_retrospective(acting_user=user, team=team, cycle=cycle)
    except InvalidInput as exc:
        messages.error(request, exc.summary())
        return redirect(url)
    messages.success(request, f"Retrospective of {cycle.name} published; the team is told.")
    return redirect(url)
