"""HR's pages for people and teams, under ``/organisation/``.

* ``/organisation/people/``: everyone, searched and filtered by team, manager and whether
  they are active, 50 a page; ``new/`` adds someone; ``<id>/`` edits them (name, email, job
  title, manager, teams, HR role, active).
* ``/organisation/people/picker/``: the people a picker suggests (a manager picker leaves
  out the person and everyone under them).
* ``/organisation/teams/``: the tree of teams; ``new/`` adds one; ``<id>/`` edits it (name,
  kind, where it sits, lead, cadence) and its members.

Everyone but HR gets 403; the forms save through the named actions, all or nothing, and
show each action's error on the field it names.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lineofsight.core.errors import InvalidInput
from lineofsight.core.parsing import as_id
from lineofsight.core.web import SignedInRequest, apply_errors, page, render_page
from lineofsight.people import actions
from lineofsight.people.models import Person, Team
from lineofsight.people.organisation import selectors
from lineofsight.people.organisation.forms import PICKER_LIST, MemberForm, PersonForm, TeamForm
from lineofsight.people.organisation.selectors import PeopleFilters, require_hr

NAV = "organisation"
ACTIVE_CHOICES = (("active", "Active"), ("inactive", "Deactivated"), ("all", "Everyone"))


def _picker_url(field: str, below: Person | None = None) -> str:
    url = f"{reverse('org-person-picker')}?field={field}"
    return f"{url}&below={below.pk}" if below is not None else url


def _lookup(form: Any, field: str, *, required: bool = False) -> Person | None:
    """The active person whose username the field holds (a form error when none)."""
    raw = form.cleaned_data.get(field, "") if hasattr(form, "cleaned_data") else ""
    if not raw:
        if required:
            form.add_error(field, "Enter a username.")
        return None
    person = selectors.person_by_username(raw)
    if person is None or not person.is_active:
        form.add_error(field, f"Nobody active has the username {raw!r}.")
        return None
    return person


# ---------------------------------------------------------------------------------------
# People


@page
@require_GET
def people_list(request: SignedInRequest) -> HttpResponse:
    require_hr(request.user)
    active = request.GET.get("active", "active")
    # The manager: an id (from a link in the list) or a username (typed in the filter).
    raw_manager = request.GET.get("manager", "").strip()[:150]
    manager_id = as_id(raw_manager)
    manager_error = ""
    if manager_id is None and raw_manager:
        found = selectors.person_by_username(raw_manager)
        if found is None:
            manager_error = f"Nobody has the username {raw_manager!r}."
        manager_id = found.pk if found is not None else 0
    filters = PeopleFilters(
        q=request.GET.get("q", "").strip()[:200],
        team=as_id(request.GET.get("team", "")),
        manager=manager_id,
        active=active if active in dict(ACTIVE_CHOICES) else "active",
    )
    page_obj = selectors.people_page(filters, request.GET.get("page"))
    manager = Person.objects.filter(pk=manager_id).first() if manager_id else None
    query = request.GET.copy()
    query.pop("page", None)
    return render_page(
        request,
        "people/organisation/people_list.html",
        {
            "nav": NAV,
            "page_obj": page_obj,
            "filters": filters,
            "manager": manager,
            "manager_error": manager_error,
            "manager_value": manager.username if manager is not None else raw_manager,
            "picker_url": _picker_url("manager"),
            "picker_list": PICKER_LIST,
            "teams": selectors.team_choices(),
            "active_choices": ACTIVE_CHOICES,
            "query_string": query.urlencode(),
        },
    )


def _person_form_page(
    request: SignedInRequest, form: PersonForm, person: Person | None, status: int = 200
) -> HttpResponse:
    return render_page(
        request,
        "people/organisation/person_form.html",
        {"nav": NAV, "form": form, "person": person, "picker_list": PICKER_LIST},
        status=status,
    )


@page
@require_http_methods(["GET", "POST"])
def person_new(request: SignedInRequest) -> HttpResponse:
    require_hr(request.user)
    picker = _picker_url("manager")
    if request.method != "POST":
        return _person_form_page(request, PersonForm(editing=False, picker_url=picker), None)
    form = PersonForm(request.POST, editing=False, picker_url=picker)
    if form.is_valid():
        manager = _lookup(form, "manager")
        if not form.errors:
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    person = actions.create_person(
                        acting_user=request.user,
                        username=data["username"],
                        display_name=data["display_name"],
                        email=data["email"].strip(),
                        job_title=data["job_title"],
                        manager=manager,
                        is_hr_admin=data["is_hr_admin"],
                    )
                    actions.set_person_teams(
                        acting_user=request.user,
                        person=person,
                        teams=Team.objects.filter(pk__in=data["teams"]),
                    )
            except InvalidInput as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"Added {person.name}.")
                return redirect("org-person", person.pk)
    return _person_form_page(request, form, None, status=422)


@page
@require_http_methods(["GET", "POST"])
def person_edit(request: SignedInRequest, person_id: int) -> HttpResponse:
    require_hr(request.user)
    person = selectors.any_person(person_id)
    picker = _picker_url("manager", below=person)
    if request.method != "POST":
        initial = {
            "display_name": person.display_name or person.name,
            "email": person.email,
            "job_title": person.job_title,
            "manager": person.manager.username if person.manager else "",
            "teams": [str(pk) for pk in person.memberships.values_list("team_id", flat=True)],
            "is_hr_admin": person.is_hr_admin,
            "is_active": person.is_active,
        }
        form = PersonForm(initial=initial, editing=True, picker_url=picker)
        return _person_form_page(request, form, person)
    form = PersonForm(request.POST, editing=True, picker_url=picker)
    if form.is_valid():
        manager = _lookup(form, "manager")
        if not form.errors:
            data = form.cleaned_data
            try:
                actions.edit_person(
                    acting_user=request.user,
                    person=person,
                    display_name=data["display_name"],
                    email=data["email"].strip(),
                    job_title=data["job_title"],
                    manager=manager,
                    teams=list(Team.objects.filter(pk__in=data["teams"])),
                    is_hr_admin=data["is_hr_admin"],
                    is_active=data["is_active"],
                )
            except InvalidInput as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"Saved {data['display_name']}.")
                return redirect("org-person", person.pk)
    return _person_form_page(request, form, person, status=422)


@page
@require_GET
def person_picker(request: SignedInRequest) -> HttpResponse:
    """``<option>``s for a picker's list: active people matching what was typed."""
    require_hr(request.user)
    field = request.GET.get("field", "q")
    below_id = as_id(request.GET.get("below", ""))
    below = Person.objects.filter(pk=below_id).first() if below_id is not None else None
    people = selectors.picker_people(request.GET.get(field, "")[:200], below=below)
    return render(request, "people/organisation/picker_options.html", {"people": people})


# ---------------------------------------------------------------------------------------
# Teams


@page
@require_GET
def team_tree(request: SignedInRequest) -> HttpResponse:
    require_hr(request.user)
    return render_page(
        request,
        "people/organisation/team_tree.html",
        {"nav": NAV, "rows": selectors.team_tree()},
    )


def _team_form_page(
    request: SignedInRequest,
    form: TeamForm,
    team: Team | None,
    *,
    member_form: MemberForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "nav": NAV,
        "form": form,
        "team": team,
        "picker_list": PICKER_LIST,
    }
    if team is not None:
        context["members"] = selectors.team_members(team)
        context["member_form"] = member_form or MemberForm(picker_url=_picker_url("person"))
    return render_page(request, "people/organisation/team_form.html", context, status=status)


def _team_choice(form: TeamForm) -> Team | None:
    pk = as_id(form.cleaned_data.get("parent") or "")
    return Team.objects.filter(pk=pk).first() if pk is not None else None


@page
@require_http_methods(["GET", "POST"])
def team_new(request: SignedInRequest) -> HttpResponse:
    require_hr(request.user)
    picker = _picker_url("lead")
    if request.method != "POST":
        parent = as_id(request.GET.get("parent", ""))
        initial = {"parent": str(parent) if parent else "", "kind": Team.Kind.TEAM}
        return _team_form_page(
            request, TeamForm(initial=initial, team=None, picker_url=picker), None
        )
    form = TeamForm(request.POST, team=None, picker_url=picker)
    if form.is_valid():
        lead = _lookup(form, "lead")
        if not form.errors:
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    team = actions.create_team(
                        acting_user=request.user,
                        name=data["name"],
                        kind=data["kind"],
                        parent=_team_choice(form),
                        lead=lead,
                    )
                    if data["check_in_cadence"]:
                        actions.set_team_cadence(
                            acting_user=request.user, team=team, cadence=data["check_in_cadence"]
                        )
            except InvalidInput as exc:
                apply_errors(form, exc, {"check_in_cadence": "check_in_cadence"})
            else:
                messages.success(request, f"Added {team.name}.")
                return redirect("org-team", team.pk)
    return _team_form_page(request, form, None, status=422)


@page
@require_http_methods(["GET", "POST"])
def team_edit(request: SignedInRequest, team_id: int) -> HttpResponse:
    require_hr(request.user)
    team = Team.objects.select_related("lead").get(pk=team_id)
    picker = _picker_url("lead")
    if request.method != "POST":
        initial = {
            "name": team.name,
            "kind": team.kind,
            "parent": str(team.parent_id or ""),
            "lead": team.lead.username if team.lead else "",
            "check_in_cadence": team.check_in_cadence,
        }
        return _team_form_page(
            request, TeamForm(initial=initial, team=team, picker_url=picker), team
        )
    form = TeamForm(request.POST, team=team, picker_url=picker)
    if form.is_valid():
        lead = _lookup(form, "lead")
        if not form.errors:
            data = form.cleaned_data
            try:
                actions.edit_team(
                    acting_user=request.user,
                    team=team,
                    name=data["name"],
                    kind=data["kind"],
                    parent=_team_choice(form),
                    lead=lead,
                    check_in_cadence=data["check_in_cadence"],
                )
            except InvalidInput as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"Saved {data['name']}.")
                return redirect("org-team", team.pk)
    return _team_form_page(request, form, team, status=422)


@page
@require_POST
def team_member_add(request: SignedInRequest, team_id: int) -> HttpResponse:
    require_hr(request.user)
    team = Team.objects.get(pk=team_id)
    member_form = MemberForm(request.POST, picker_url=_picker_url("person"))
    if member_form.is_valid():
        person = _lookup(member_form, "person", required=True)
        if person is not None:
            try:
                actions.add_member(acting_user=request.user, team=team, person=person)
            except InvalidInput as exc:
                apply_errors(member_form, exc)
            else:
                messages.success(request, f"{person.name} joined {team.name}.")
                return redirect("org-team", team.pk)
    form = TeamForm(
        initial={"name": team.name, "kind": team.kind, "parent": str(team.parent_id or "")},
        team=team,
        picker_url=_picker_url("lead"),
    )
    return _team_form_page(request, form, team, member_form=member_form, status=422)


@page
@require_POST
def team_member_remove(request: SignedInRequest, team_id: int, person_id: int) -> HttpResponse:
    require_hr(request.user)
    team = Team.objects.get(pk=team_id)
    person = Person.objects.get(pk=person_id, memberships__team=team)
    try:
        actions.remove_member(acting_user=request.user, team=team, person=person)
    except InvalidInput as exc:
        messages.error(request, exc.summary())
    else:
        messages.success(request, f"{person.name} left {team.name}.")
    return redirect("org-team", team.pk)
