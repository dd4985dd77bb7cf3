"""Writing OKRs together, in the browser: sharing a draft, proposing it, approving it or
asking for changes, activating it; copying an objective to a later cycle (with a confirm
screen); the template library (HR keeps the organisation's own templates); and the "Plan
next cycle" page, where HR can add the next cycle if it does not exist yet."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods, require_POST

from lineofsight.core.errors import InvalidInput, NotAllowed, NotFound
from lineofsight.core.parsing import as_id
from lineofsight.core.web import SignedInRequest, apply_errors, page, render_page
from lineofsight.goals import actions, drafts, selectors, template_library
from lineofsight.goals.access import GoalViewer
from lineofsight.goals.editing._common import cycle_label
from lineofsight.goals.editing.objectives import row_index
from lineofsight.goals.forms import (
    ApprovalDecisionForm,
    CopyObjectiveForm,
    KeyResultRowForm,
    OkrTemplateForm,
    ShareDraftForm,
)
from lineofsight.goals.models import Cycle, Objective, OkrTemplate
from lineofsight.goals.team_retros.selectors import last_team_retrospective
from lineofsight.people.models import Person, Team
from lineofsight.people.selectors import people_visible_to, teams_visible_to


def _refused(request: SignedInRequest, objective: Objective, exc: InvalidInput) -> HttpResponse:
    messages.error(request, exc.summary())
    return redirect("objective", objective.pk)


@page
@require_POST
def objective_share(request: SignedInRequest, objective_id: int) -> HttpResponse:
    user = request.user
    objective = selectors.get_objective_for_user(user, objective_id)
    if not GoalViewer.of(user).can_edit_objective(objective):
        raise NotAllowed("Only the objective's owner and editors share a draft.")
    form = ShareDraftForm(request.POST, people_choices=drafts.share_people_choices(user))
    if not form.is_valid():
        found = {name: [str(e) for e in errors] for name, errors in form.errors.items()}
        return _refused(request, objective, InvalidInput(found))
    chosen = [int(pk) for pk in form.cleaned_data["people"]]
    people = list(people_visible_to(user).filter(pk__in=chosen))
    try:
        actions.share_draft(
            acting_user=user,
            objective=objective,
            sharing=form.cleaned_data["sharing"],
            people=people,
        )
    except InvalidInput as exc:
        return _refused(request, objective, exc)
    messages.success(request, "Sharing saved.")
    return redirect("objective", objective.pk)


@page
@require_POST
def objective_propose(request: SignedInRequest, objective_id: int) -> HttpResponse:
    user = request.user
    objective = selectors.get_objective_for_user(user, objective_id)
    try:
        done = actions.propose_objective(
            acting_user=user, objective=objective, note=request.POST.get("note", "")
        )
    except InvalidInput as exc:
        return _refused(request, objective, exc)
    approver = done.approver.name if done.approver else "its approver"
    messages.success(request, f"Proposed to {approver}, who is told in their inbox.")
    return redirect("objective", objective.pk)


@page
@require_POST
def objective_activate(request: SignedInRequest, objective_id: int) -> HttpResponse:
    user = request.user
    objective = selectors.get_objective_for_user(user, objective_id)
    try:
        actions.activate_draft(acting_user=user, objective=objective)
    except InvalidInput as exc:
        return _refused(request, objective, exc)
    messages.success(request, "The objective is active and counts from now on.")
    return redirect("objective", objective.pk)


@page
@require_POST
def objective_approve(request: SignedInRequest, objective_id: int) -> HttpResponse:
    user = request.user
    objective = selectors.get_objective_for_user(user, objective_id)
    try:
        actions.approve_objective(
            acting_user=user, objective=objective, note=request.POST.get("comment", "")
        )
    except InvalidInput as exc:
        return _refused(request, objective, exc)
    messages.success(request, "Approved: the objective is active and its author is told.")
    return redirect("objective", objective.pk)


@page
@require_http_methods(["GET", "POST"])
def objective_request_changes(request: SignedInRequest, objective_id: int) -> HttpResponse:
    """Ask for changes with a required comment (the form is on the objective page; this page
    shows it again with its error)."""
    user = request.user
    objective = selectors.get_objective_for_user(user, objective_id)
    if not GoalViewer.of(user).can_decide_approval(objective):
        raise NotAllowed("Only its approver and HR decide on this objective.")
    status = 200
    if request.method == "POST":
        form = ApprovalDecisionForm(request.POST)
        if form.is_valid():
            try:
                actions.request_changes(
                    acting_user=user, objective=objective, comment=form.cleaned_data["comment"]
                )
            except InvalidInput as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "Sent back to its author with your comment.")
                return redirect("objective", objective.pk)
        status = 422
    else:
        form = ApprovalDecisionForm()
    return render_page(
        request,
        "goals/request_changes.html",
        {"nav": "tree", "objective": objective, "form": form},
        status=status,
    )


# ---------------------------------------------------------------------------------------
# Copy to next cycle


def _later_cycles(objective: Objective) -> list[Cycle]:
    return list(
        Cycle.objects.filter(kind=objective.cycle.kind, start_date__gt=objective.cycle.end_date)
        .exclude(state=Cycle.State.CLOSED)
        .order_by("start_date", "pk")[:12]
    )


@page
@require_http_methods(["GET", "POST"])
def objective_copy(request: SignedInRequest, objective_id: int) -> HttpResponse:
    """Pick a later cycle, see what will be created, then confirm."""
    user = request.user
    objective = selectors.get_objective_for_user(user, objective_id)
    if not GoalViewer.of(user).can_edit_objective(objective):
        raise NotAllowed("Only the objective's owner and editors copy it.")
    cycles = _later_cycles(objective)
    choices = [(str(c.pk), cycle_label(c)) for c in cycles]
    source = request.POST if request.method == "POST" else request.GET
    form = CopyObjectiveForm(
        source if "cycle" in source else None,
        cycle_choices=choices,
        initial={"cycle": choices[0][0] if choices else ""},
    )
    plan = None
    status = 200
    if form.is_bound and form.is_valid():
        cycle = next(c for c in cycles if str(c.pk) == form.cleaned_data["cycle"])
        try:
            plan = actions.plan_copy(acting_user=user, objective=objective, cycle=cycle)
            if request.method == "POST" and request.POST.get("confirm"):
                copy = actions.copy_objective_to_cycle(
                    acting_user=user, objective=objective, cycle=cycle
                )
                messages.success(
                    request,
                    f"Copied into {copy.cycle.name} as a draft with "
                    f"{copy.key_results.count()} key results.",
                )
                return redirect("objective", copy.pk)
        except InvalidInput as exc:
            apply_errors(form, exc)
            plan = None
            status = 422
    elif form.is_bound:
        status = 422
    return render_page(
        request,
        "goals/objective_copy.html",
        {
            "nav": "tree",
            "objective": objective,
            "form": form,
            "plan": plan,
            "no_cycles": not choices,
            "is_hr": GoalViewer.of(user).is_hr,
        },
        status=status,
    )


# ---------------------------------------------------------------------------------------
# Templates


@page
@require_http_methods(["GET"])
def okr_templates(request: SignedInRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    function = request.GET.get("function", "")
    if function not in OkrTemplate.Function.values:
        function = ""
    found = template_library.library(query=query, function=function)
    viewer = GoalViewer.of(request.user)
    return render_page(
        request,
        "goals/templates.html",
        {
            "nav": "templates",
            "templates": found,
            "query": query,
            "function": function,
            "functions": OkrTemplate.Function.choices,
            "can_manage": viewer.manages_okr_templates(),
            "cycle": request.GET.get("cycle", ""),
            "owner": request.GET.get("owner", ""),
        },
    )


def _template_rows(request: SignedInRequest, keep_blank: bool = False) -> list[dict[str, Any]]:
    count = min(row_index(request.POST.get("kr_count", "")) or 0, actions.KEY_RESULTS_MAX)
    rows = []
    for i in range(count):
        row = {
            name: request.POST.get(f"kr-{i}-{name}", "").strip()
            for name in ("title", "kind", "start_value", "target_value", "unit")
        }
        if keep_blank or any(row[n] for n in ("title", "start_value", "target_value", "unit")):
            rows.append({k: (v if v != "" else None) for k, v in row.items()})
    return rows


def _template_page(
    request: SignedInRequest, template: OkrTemplate | None
) -> HttpResponse:
    user = request.user
    if not GoalViewer.of(user).manages_okr_templates():
        raise NotAllowed("Only HR admins keep the organisation's OKR templates.")
    choices = list(OkrTemplate.Function.choices)
    status = 200
    if request.method == "POST":
        form = OkrTemplateForm(request.POST, function_choices=choices)
        rows = _template_rows(request)
        if "add_row" in request.POST or "remove_row" in request.POST:
            form.errors.clear()
            rows = _template_rows(request, keep_blank=True)
            gone = row_index(request.POST.get("remove_row", ""))
            if gone is not None and gone < len(rows):
                rows.pop(gone)
            if "add_row" in request.POST:
                rows.append({})
            row_forms = _unbound_rows(rows)
            status = 200
        else:
            row_forms = _unbound_rows(rows)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    if template is None:
                        actions.create_template(
                            acting_user=user,
                            function=data["function"],
                            title=data["title"],
                            description=data["description"],
                            key_results=rows,
                        )
                    else:
                        actions.update_template(
                            acting_user=user,
                            template=template,
                            function=data["function"],
                            title=data["title"],
                            description=data["description"],
                            key_results=rows,
                        )
                except InvalidInput as exc:
                    rest: dict[str, list[str]] = {}
                    for key, found in exc.errors.items():
                        parts = key.split(".")
                        if len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(rows):
                            row = row_forms[int(parts[1])]
                            row.is_valid()
                            for message in found:
                                row.add_error(parts[2] if parts[2] in row.fields else None, message)
                        else:
                            rest[key] = found
                    apply_errors(form, InvalidInput(rest))
                else:
                    messages.success(request, "Template saved in the library.")
                    return redirect("okr-templates")
            status = 422
    else:
        initial: dict[str, Any] = {}
        rows = [{} for _ in range(3)]
        if template is not None:
            initial = {
                "function": template.function,
                "title": template.title,
                "description": template.description,
            }
            rows = list(template.key_results) + [{}]
        form = OkrTemplateForm(initial=initial, function_choices=choices)
        row_forms = _unbound_rows(rows)
    return render_page(
        request,
        "goals/template_form.html",
        {
            "nav": "templates",
            "form": form,
            "rows": row_forms,
            "row_count": len(row_forms),
            "template": template,
        },
        status=status,
    )


def _unbound_rows(rows: list[dict[str, Any]]) -> list[KeyResultRowForm]:
    """Rows shown again with what was typed (bound, so errors can be added to them)."""
    forms = []
    for i, values in enumerate(rows):
        prefix = f"kr-{i}"
        data = {
            f"{prefix}-{k}": ("" if v is None else (f"{v:g}" if isinstance(v, float) else v))
            for k, v in values.items()
        }
        data.setdefault(f"{prefix}-kind", "increase")
        form = KeyResultRowForm(data, prefix=prefix)
        form.is_valid()
        forms.append(form)
    return forms


@page
@require_http_methods(["GET", "POST"])
def okr_template_new(request: SignedInRequest) -> HttpResponse:
    return _template_page(request, None)


def _org_template(template_id: int) -> OkrTemplate:
    found = OkrTemplate.objects.filter(pk=template_id, retired_at__isnull=True).first()
    if found is None:
        raise Http404("No such template.")
    return found


@page
@require_http_methods(["GET", "POST"])
def okr_template_edit(request: SignedInRequest, template_id: int) -> HttpResponse:
    if not GoalViewer.of(request.user).manages_okr_templates():
        raise NotAllowed("Only HR admins keep the organisation's OKR templates.")
    return _template_page(request, _org_template(template_id))


@page
@require_POST
def okr_template_retire(request: SignedInRequest, template_id: int) -> HttpResponse:
    if not GoalViewer.of(request.user).manages_okr_templates():
        raise NotAllowed("Only HR admins keep the organisation's OKR templates.")
    template = _org_template(template_id)
    actions.retire_template(acting_user=request.user, template=template)
    messages.success(request, f"{template.title!r} is retired: no longer offered.")
    return redirect("okr-templates")


# ---------------------------------------------------------------------------------------
# Plan next cycle


@page
@require_http_methods(["GET"])
def plan_next_cycle(request: SignedInRequest) -> HttpResponse:
    """My plan (or ``?team=`` for a team I may see, ``?person=`` for someone else's), the
    current cycle's objectives beside the next cycle's drafts."""
    user = request.user
    team = None
    person: Person = user
    if request.GET.get("team"):
        try:
            team = teams_visible_to(user).select_related("lead").get(
                pk=as_id(request.GET["team"]) or 0
            )
        except Exception:  # noqa: BLE001 - any bad or invisible team is "not found"
            raise Http404("No such team.") from None
    elif request.GET.get("person"):
        found = people_visible_to(user).filter(pk=as_id(request.GET["person"]) or 0).first()
        if found is None:
            raise Http404("No such person.")
        person = found
    plan = drafts.plan_for(user, person=person, team=team)
    viewer = GoalViewer.of(user)
    led = [
        t
        for t in teams_visible_to(user).filter(pk__in=list(viewer.led_team_ids)).order_by("name")
    ]
    return render_page(
        request,
        "goals/plan.html",
        {
            "nav": "plan",
            "plan": plan,
            "led_teams": led,
            "awaiting": drafts.awaiting_approval(user),
            "is_hr": viewer.is_hr,
            "suggested": drafts.suggested_next_cycle(plan.current)
            if plan.current is not None and plan.upcoming is None
            else None,
            "retrospectives": _retrospectives(user, plan, person),
        },
    )


# How many teams' retrospectives a person's own plan shows at most.
PLAN_RETROSPECTIVES = 3


def _retrospectives(user: Person, plan: drafts.Plan, person: Person) -> list[Any]:
    """The last retrospective of the plan's team before the cycle being planned (the next
    one, else the current one), or on a person's plan those of their teams, as ``user`` may
    read them."""
    planned = plan.upcoming or plan.current
    if planned is None:
        return []
    if plan.team is not None:
        teams = [plan.team]
    else:
        teams = list(
            Team.objects.filter(Q(memberships__person=person) | Q(lead=person))
            .distinct()
            .order_by("name")[:PLAN_RETROSPECTIVES]
        )
    found = (last_team_retrospective(user, team, planned) for team in teams)
    return [summary for summary in found if summary is not None]


@page
@require_POST
def plan_create_cycle(request: SignedInRequest) -> HttpResponse:
    """HR adds the next cycle from the planning page (``create_cycle``; a quarter's year is
    added first when it does not exist)."""
    user = request.user
    if not GoalViewer.of(user).is_hr:
        raise NotAllowed("Only HR admins manage cycles.")
    current = selectors.current_cycle()
    if current is None:
        raise NotFound("There is no current cycle to follow.")
    try:
        cycle = actions.create_following_cycle(
            acting_user=user, current=current, name=request.POST.get("name", "")
        )
    except InvalidInput as exc:
        messages.error(request, exc.summary())
        return redirect("plan")
    messages.success(request, f"{cycle.name} is added, in planning: start writing its drafts.")
    return redirect("plan")
