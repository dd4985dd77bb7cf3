"""Creating an objective (with its alignment, in one transaction) and editing one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from lineofsight.core.errors import InvalidInput, NotAllowed, NotFound
from lineofsight.core.web import SignedInRequest, apply_errors, page, render_page
from lineofsight.goals import actions, selectors
from lineofsight.goals.access import GoalViewer
from lineofsight.goals.editing._common import (
    cycle_label,
    form_page,
    objective_level_choices,
    objective_owner_choices,
    objective_owner_value,
    resolve_owner,
    resolve_parent,
)
from lineofsight.goals.editing.alignment_picker import (
    _new_child,
    _selected_from,
    _selected_value,
    candidates_for,
)
from lineofsight.goals.forms import AlignForm, ObjectiveForm
from lineofsight.goals.models import Cycle, Objective
from lineofsight.goals.views import may_change, needs_amendment, require_open
from lineofsight.people.models import Person

# Errors of align_objective, by the field of the new-objective form they belong to.
ALIGN_FIELDS = {
    "kind": "align_kind",
    "weight": "align_weight",
    "parent": "parent",
    "parent_objective": "parent",
    "parent_key_result": "parent",
}


def _open_cycles(user: Person) -> list[Cycle]:
    return [
        c
        for c in selectors.cycles_for_user(user).order_by("-start_date", "end_date")
        if may_change(user, c)
    ]


@page
@require_http_methods(["GET", "POST"])
def objective_new(request: SignedInRequest) -> HttpResponse:
    user = request.user
    cycles = _open_cycles(user)
    cycle_choices = [(str(c.pk), cycle_label(c)) for c in cycles]
    amend = bool(user.is_hr_admin) and any(c.is_closed for c in cycles)
    level_choices = objective_level_choices(user)
    kwargs: dict[str, Any] = {
        "creating": True,
        "owner_choices": objective_owner_choices(user),
        "cycle_choices": cycle_choices,
        "level_choices": level_choices,
        "amend": amend,
    }
    status = 200
    if request.method == "POST":
        form = ObjectiveForm(request.POST, **kwargs)
        selected = _selected_from(request.POST.get("parent", ""))
        if form.is_valid():
            created = _create_objective(request, form)
            if isinstance(created, Objective):
                message = f"Objective {created.title!r} created."
                if created.parent_links.pending().exists():
                    message += (
                        " Its contribution is proposed: it counts once one of the parent's "
                        "owners accepts it."
                    )
                messages.success(request, message)
                return redirect("objective", created.pk)
            status = created
        else:
            status = 422
        level = request.POST.get("level", "")
        cycle = next((c for c in cycles if str(c.pk) == request.POST.get("cycle")), None)
    else:
        selected, level, cycle = _initial_alignment(request, cycles, [v for v, _ in level_choices])
        initial: dict[str, Any] = {
            "owner": f"person-{user.pk}",
            "level": level,
            "cycle": str(cycle.pk) if cycle else "",
            "parent": _selected_value(selected),
        }
        form = ObjectiveForm(initial=initial, **kwargs)
    child = _new_child(level, cycle)
    candidates = candidates_for(user, child, "", selected) if child else []
    return render_page(
        request,
        "goals/objective_form.html",
        {
            "nav": "tree",
            "form": form,
            "creating": True,
            "candidates": candidates,
            "selected_value": _selected_value(selected),
            "allow_none": True,
            "candidates_url": reverse("alignment-candidates"),
        },
        status=status,
    )


def _initial_alignment(
    request: SignedInRequest, cycles: list[Cycle], levels: list[str]
) -> tuple[tuple[str, int] | None, str, Cycle | None]:
    """Pre-select the parent from ``?parent=`` or ``?parent_kr=``, and a level under it (one
    of ``levels``, those the user may set)."""
    user = request.user
    selected: tuple[str, int] | None = None
    parent: Objective | None = None
    if request.GET.get("parent"):
        parent = selectors.get_objective_for_user(user, request.GET["parent"])
        selected = ("o", parent.pk)
    elif request.GET.get("parent_kr"):
        kr = selectors.get_key_result_for_user(user, request.GET["parent_kr"])
        parent = kr.objective
        selected = ("k", kr.pk)
    level = Objective.Level.INDIVIDUAL
    if parent is not None and parent.level == Objective.Level.COMPANY and "team" in levels:
        level = Objective.Level.TEAM
    cycle = None
    wanted = request.GET.get("cycle")
    if wanted:
        cycle = next((c for c in cycles if str(c.pk) == wanted), None)
    if cycle is None:
        current = selectors.current_cycle()
        cycle = next((c for c in cycles if current and c.pk == current.pk), None)
    if cycle is None and cycles:
        cycle = cycles[0]
    return selected, str(level), cycle


def _create_objective(request: SignedInRequest, form: ObjectiveForm) -> Objective | int:
    """Create the objective and its alignment together; on failure, the status to answer."""
    user = request.user
    data = form.cleaned_data
    stage = "input"
    try:
        owner_person, owner_team = resolve_owner(user, data["owner"])
        cycle = selectors.get_cycle_for_user(user, data["cycle"])
        parent_objective, parent_key_result = resolve_parent(user, data["parent"])
        with transaction.atomic():
            stage = "create"
            objective = actions.create_objective(
                acting_user=user,
                title=data["title"],
                level=data["level"],
                cycle=cycle,
                owner_person=owner_person,
                owner_team=owner_team,
                description=data["description"],
                visibility=data["visibility"],
                state=data["state"],
                commitment=data["commitment"],
                rationale=data["rationale"],
                progress_mode=data["progress_mode"],
                is_development=bool(data.get("is_development")),
                amendment_reason=data.get("amendment_reason", ""),
            )
            if parent_objective is not None or parent_key_result is not None:
                stage = "align"
                actions.align_objective(
                    acting_user=user,
                    child=objective,
                    parent_objective=parent_objective,
                    parent_key_result=parent_key_result,
                    kind=data["align_kind"],
                    weight=data["align_weight"],
                    amendment_reason=data.get("amendment_reason", ""),
                )
    except NotFound:
        form.add_error("cycle", "Choose a cycle from the list.")
        return 422
    except InvalidInput as exc:
        apply_errors(form, exc, ALIGN_FIELDS if stage == "align" else {})
        return 422
    except NotAllowed as exc:
        form.add_error("parent" if stage == "align" else "owner", str(exc))
        return 403
    return objective


@page
@require_http_methods(["GET", "POST"])
def objective_edit(request: SignedInRequest, objective_id: int) -> HttpResponse:
    user = request.user
    objective = selectors.get_objective_for_user(user, objective_id)
    if not GoalViewer.of(user).can_edit_objective(objective):
        raise NotAllowed("You cannot edit this objective.")
    require_open(user, objective.cycle)
    amend = needs_amendment(user, objective.cycle)

    def save(data: dict[str, Any]) -> str:
        owner: dict[str, Any] = {}
        if data["owner"] != objective_owner_value(objective):
            person, team = resolve_owner(user, data["owner"])
            owner = {"owner_person": person, "owner_team": team}
        actions.update_objective(
            acting_user=user,
            objective=objective,
            reason=data["reason"],
            amendment_reason=data.get("amendment_reason", ""),
            title=data["title"],
            description=data["description"],
            state=data["state"],
            commitment=data["commitment"],
            visibility=data["visibility"],
            progress_mode=data["progress_mode"],
            rationale=data["rationale"],
            is_development=bool(data.get("is_development"))
            if objective.level == "individual" or data.get("is_development")
            else None,
            **owner,
        )
        return "Objective saved; its previous version is in the history."

    return form_page(
        request,
        ObjectiveForm,
        form_kwargs={
            "creating": False,
            "owner_choices": objective_owner_choices(user, objective),
            "amend": amend,
        },
        initial={
            "title": objective.title,
            "description": objective.description,
            "owner": objective_owner_value(objective),
            "visibility": objective.visibility,
            "state": objective.state,
            "commitment": objective.commitment,
            "progress_mode": objective.progress_mode,
            "rationale": objective.rationale,
            "is_development": objective.is_development,
        },
        save=save,
        objective_id=objective.pk,
        template="goals/objective_form.html",
        context=lambda: {
            "creating": False,
            "objective": objective,
            "align_form": AlignForm(amend=amend),
            "candidates": candidates_for(user, objective, "", None),
            "selected_value": "",
            "candidates_url": reverse("objective-alignment-candidates", args=[objective.pk]),
        },
    )
