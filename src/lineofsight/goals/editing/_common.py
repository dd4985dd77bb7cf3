"""What the editing pages share: the choices and look-ups for their forms (bounded: one query
each), and ``form_page``, which shows a form and saves it through one action.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect

from lineofsight.core.errors import InvalidInput, NotFound
from lineofsight.core.parsing import as_id
from lineofsight.core.web import SignedInRequest, apply_errors, render_page
from lineofsight.goals import selectors
from lineofsight.goals.access import GoalViewer
from lineofsight.goals.models import Cycle, KeyResult, Objective
from lineofsight.people.models import Person, Team
from lineofsight.people.selectors import people_visible_to, teams_visible_to

OWNER_LIMIT = 500


# ---------------------------------------------------------------------------------------
# Choices and look-ups for the forms


def objective_owner_choices(user: Person, current: Objective | None = None) -> list[Any]:
    """People and teams whose objectives the user may set (``GoalViewer.objective_owner_filters``,
    the policy the action applies), plus the objective's current owner when editing."""
    people_q, teams_q = GoalViewer.of(user).objective_owner_filters()
    if current is not None and current.owner_person_id:
        people_q |= Q(pk=current.owner_person_id)
    if current is not None and current.owner_team_id:
        teams_q |= Q(pk=current.owner_team_id)
    people = list(
        people_visible_to(user).filter(people_q).order_by("display_name", "username")[:OWNER_LIMIT]
    )
    teams = list(teams_visible_to(user).filter(teams_q).order_by("name")[:OWNER_LIMIT])
    groups: list[Any] = [("People", [(f"person-{p.pk}", p.name) for p in people])]
    if teams:
        groups.append(("Teams", [(f"team-{t.pk}", t.name) for t in teams]))
    return groups


def objective_level_choices(user: Person) -> list[tuple[str, str]]:
    """The levels the user may set objectives at (``GoalViewer.objective_levels``)."""
    return [(lvl, Objective.Level(lvl).label) for lvl in GoalViewer.of(user).objective_levels()]


def objective_owner_value(objective: Objective) -> str:
    if objective.owner_team_id:
        return f"team-{objective.owner_team_id}"
    return f"person-{objective.owner_person_id}"


def resolve_owner(user: Person, value: str) -> tuple[Person | None, Team | None]:
    kind, _, raw = value.partition("-")
    pk = as_id(raw)
    try:
        if kind == "person" and pk is not None:
            return people_visible_to(user).get(pk=pk), None
        if kind == "team" and pk is not None:
            return None, teams_visible_to(user).get(pk=pk)
    except (Person.DoesNotExist, Team.DoesNotExist):
        pass
    raise InvalidInput.one("owner", "Choose a person or a team from the list.")


def people_choices(user: Person, objective: Objective, *also: int | None) -> list[tuple[str, str]]:
    """Who may own a key result or initiative: the objective's people, mine, and ``also``."""
    q = Q(pk=user.pk) | Q(manager_path__startswith=user.subtree_prefix)
    if objective.owner_person_id:
        owner = objective.owner_person
        assert owner is not None
        q |= Q(pk=owner.pk) | Q(manager_path__startswith=owner.subtree_prefix)
    if objective.owner_team_id:
        team = objective.owner_team
        assert team is not None
        q |= Q(memberships__team=team) | Q(memberships__team__path__startswith=team.subtree_prefix)
        if team.lead_id:
            q |= Q(pk=team.lead_id)
    extra = [pk for pk in also if pk]
    if extra:
        q |= Q(pk__in=extra)
    people = (
        people_visible_to(user)
        .filter(q)
        .distinct()
        .order_by("display_name", "username")[:OWNER_LIMIT]
    )
    return [(str(p.pk), p.name) for p in people]


def resolve_person(user: Person, value: str, field: str = "owner") -> Person:
    pk = as_id(value)
    try:
        if pk is None:
            raise Person.DoesNotExist
        return people_visible_to(user).get(pk=pk)
    except Person.DoesNotExist:
        raise InvalidInput.one(field, "Choose a person from the list.") from None


def cycle_label(cycle: Cycle) -> str:
    return f"{cycle.name} ({cycle.get_state_display().lower()})"


def resolve_parent(
    user: Person, parent: tuple[str, int] | None
) -> tuple[Objective | None, KeyResult | None]:
    if parent is None:
        return None, None
    kind, pk = parent
    try:
        if kind == "o":
            return selectors.get_objective_for_user(user, pk), None
        return None, selectors.get_key_result_for_user(user, pk)
    except NotFound:
        raise InvalidInput.one("parent", "No such objective or key result.") from None


# ---------------------------------------------------------------------------------------
# The form pages


def form_page(
    request: SignedInRequest,
    form_class: type[forms.Form],
    *,
    form_kwargs: dict[str, Any],
    initial: dict[str, Any],
    save: Callable[[dict[str, Any]], str],
    objective_id: int,
    context: Callable[[], dict[str, Any]],
    field_map: Mapping[str, str] | None = None,
    template: str = "goals/form_page.html",
) -> HttpResponse:
    """Show a form on GET; on POST check it and save it through ``save``.

    ``save`` gets the cleaned data, writes through an action and returns the message to show;
    the page then goes back to objective ``objective_id``. An ``InvalidInput`` from ``save``
    goes back onto the fields it names (renamed by ``field_map``), and the form is shown again
    with status 422, as is a form that fails its own checks. ``context`` gives the rest of the
    page's context, only when the page is shown.
    """
    status = 200
    if request.method == "POST":
        form = form_class(request.POST, **form_kwargs)
        if form.is_valid():
            try:
                message = save(form.cleaned_data)
            except InvalidInput as exc:
                apply_errors(form, exc, field_map)
            else:
                messages.success(request, message)
                return redirect("objective", objective_id)
        status = 422
    else:
        form = form_class(initial=initial, **form_kwargs)
    return render_page(request, template, {"nav": "tree", "form": form, **context()}, status=status)
