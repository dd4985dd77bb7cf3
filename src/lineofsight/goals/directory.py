"""The directory: people and teams, with the objectives of theirs the viewer may see."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse

from lineofsight.core.web import SignedInRequest, page, render_page
from lineofsight.goals import selectors as goal_selectors
from lineofsight.goals import tracking
from lineofsight.goals.access import GoalViewer
from lineofsight.goals.closing import views as closing_views
from lineofsight.goals.models import Cycle, Objective
from lineofsight.goals.team_retros import selectors as team_retros
from lineofsight.people import selectors

PEOPLE_PER_PAGE = 25


def _cycle_objectives(request: SignedInRequest, **owner: object) -> tuple[object, list]:
    cycle = goal_selectors.current_cycle()
    if cycle is None:
        return None, []
    objectives = list(
        goal_selectors.objectives_for_user(request.user)
        .filter(cycle_id__in=goal_selectors.cycle_scope(cycle), **owner)
        .exclude(state=Objective.State.ABANDONED)
        .order_by("title", "pk")
    )
    cards = goal_selectors.cards(request.user, objectives)
    tracking.annotate_cards(cards)
    return cycle, cards


@page
def people_list(request: SignedInRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    people = selectors.people_visible_to(request.user).select_related("manager")
    if query:
        people = people.filter(
            Q(display_name__icontains=query)
            | Q(username__icontains=query)
            | Q(job_title__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
        )
    paginator = Paginator(people.order_by("display_name", "username", "pk"), PEOPLE_PER_PAGE)
    page_obj = paginator.get_page(request.GET.get("page"))
    return render_page(
        request,
        "people/people_list.html",
        {"nav": "people", "page_obj": page_obj, "query": query},
    )


@page
def person_detail(request: SignedInRequest, person_id: int) -> HttpResponse:
    person = selectors.get_person_for_user(request.user, person_id)
    chain = selectors.manager_chain(person)
    reports = list(selectors.people_visible_to(request.user).filter(manager=person))
    teams = list(person.teams.order_by("name"))
    led = list(person.teams_led.order_by("name"))
    cycle, cards = _cycle_objectives(request, owner_person=person)
    return render_page(
        request,
        "people/person_detail.html",
        {
            "calibration_card": closing_views.person_card(request, person),
            "nav": "people",
            "person": person,
            "chain": chain,
            "reports": reports,
            "teams": teams,
            "led": led,
            "cycle": cycle,
            "cards": cards,
        },
    )


@page
def team_list(request: SignedInRequest) -> HttpResponse:
    teams = list(selectors.teams_visible_to(request.user).select_related("lead").order_by("name"))
    rows = selectors.nested(teams)
    return render_page(request, "people/team_list.html", {"nav": "teams", "rows": rows})


@page
def team_detail(request: SignedInRequest, team_id: int) -> HttpResponse:
    team = selectors.get_team_for_user(request.user, team_id)
    lead = team.lead
    ancestors = selectors.team_ancestors(team)
    members = list(team.members.filter(is_active=True).order_by("display_name", "username"))
    subteams = list(team.children.select_related("lead").order_by("name"))
    cycle, cards = _cycle_objectives(request, owner_team=team)
    current_cycle = cycle if isinstance(cycle, Cycle) else None
    return render_page(
        request,
        "people/team_detail.html",
        {
            "calibration_visible": GoalViewer.of(request.user).can_see_team_calibration(team),
            "nav": "teams",
            "team": team,
            "lead": lead,
            "ancestors": ancestors,
            "members": members,
            "subteams": subteams,
            "cycle": cycle,
            "cards": cards,
            "retro": team_retros.team_page(request.user, team, current_cycle),
        },
    )
