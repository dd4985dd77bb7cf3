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
from lineofsight.goals import actions, selectors, template_library
from lineofsight.goals.access import GoalViewer
from lineofsight.goals.actions.approval import approval_on
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
from lineofsight.goals.forms import AlignForm, KeyResultRowForm, ObjectiveForm
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


KR_ROWS_DEFAULT = 3
KR_ROW_FIELDS = ("title", "kind", "start_value", "target_value", "unit")


def row_index(raw: str) -> int | None:
    """A row number (or count) as posted: a small whole number, else None."""
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 4 else None


def _posted_rows(request: SignedInRequest) -> list[dict[str, str]]:
    """The key result rows as posted (``kr-<n>-<field>``), at most ``KEY_RESULTS_MAX``."""
    count = min(row_index(request.POST.get("kr_count", "")) or 0, actions.KEY_RESULTS_MAX)
    return [
        {name: request.POST.get(f"kr-{i}-{name}", "") for name in KR_ROW_FIELDS}
        for i in range(count)
    ]


def _row_forms(rows: list[dict[str, Any]], bound: bool) -> list[KeyResultRowForm]:
    forms = []
    for i, values in enumerate(rows):
        prefix = f"kr-{i}"
        if bound:
            data = {f"{prefix}-{k}": v for k, v in values.items() if v is not None}
            forms.append(KeyResultRowForm(data, prefix=prefix))
        else:
            clean = {k: ("" if v is None else v) for k, v in values.items()}
            forms.append(KeyResultRowForm(initial=clean, prefix=prefix))
    return forms


def _template_initial(request: SignedInRequest) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The objective's title and description and the key result rows of ``?template=``."""
    raw = request.GET.get("template", "")
    template = template_library.find(raw) if raw else None
    if template is None:
        return {}, [{} for _ in range(KR_ROWS_DEFAULT)]
    rows = [
        {
            **kr.as_dict(),
            "start_value": _plain(kr.start_value),
            "target_value": _plain(kr.target_value),
        }
        for kr in template.key_results
    ]
    return {"title": template.title, "description": template.description}, rows


def _plain(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


@page
@require_http_methods(["GET", "POST"])
def objective_new(request: SignedInRequest) -> HttpResponse:
    """The one form: an objective and its key results (rows added and removed by plain
    buttons, so it works without scripts), saved together by one action."""
    user = request.user
    cycles = _open_cycles(user)
    cycle_choices = [(str(c.pk), cycle_label(c)) for c in cycles]
    amend = bool(user.is_hr_admin) and any(c.is_closed for c in cycles)
    level_choices = objective_level_choices(user)
    owner_choices = objective_owner_choices(user)
    drafts_first = approval_needed_for(user)
    kwargs: dict[str, Any] = {
        "creating": True,
        "owner_choices": owner_choices,
        "cycle_choices": cycle_choices,
        "level_choices": level_choices,
        "amend": amend,
    }
    status = 200
    if request.method == "POST":
        rows = _posted_rows(request)
        editing_rows = "add_row" in request.POST or "remove_row" in request.POST
        if editing_rows:
            if "add_row" in request.POST and len(rows) < actions.KEY_RESULTS_MAX:
                rows.append({})
            gone = row_index(request.POST.get("remove_row", ""))
            if gone is not None and gone < len(rows):
                rows.pop(gone)
            form = ObjectiveForm(request.POST, **kwargs)
            form.errors.clear()  # not submitted yet: no errors to show
            row_forms = _row_forms(rows, bound=False)
        else:
            form = ObjectiveForm(request.POST, **kwargs)
            row_forms = _row_forms(rows, bound=True)
            selected = _selected_from(request.POST.get("parent", ""))
            rows_valid = all([r.is_valid() for r in row_forms])
            if form.is_valid() and rows_valid:
                created = _create_objective(request, form, row_forms)
                if isinstance(created, Objective):
                    count = created.key_results.count()
                    message = f"Objective {created.title!r} created"
                    message += f" with {count} key result{'s' if count != 1 else ''}."
                    if created.state == Objective.State.DRAFT:
                        message += (
                            " It is a draft: only you and its editors see it until you share it."
                        )
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
        selected = _selected_from(request.POST.get("parent", ""))
        level = request.POST.get("level", "")
        cycle = next((c for c in cycles if str(c.pk) == request.POST.get("cycle")), None)
    else:
        selected, level, cycle = _initial_alignment(request, cycles, [v for v, _ in level_choices])
        from_template, rows = _template_initial(request)
        owner = f"person-{user.pk}"
        wanted_owner = request.GET.get("owner", "")
        if any(wanted_owner == v for _, group in owner_choices for v, _ in group):
            owner = wanted_owner
            if owner.startswith("team-") and "team" in [v for v, _ in level_choices]:
                level = str(Objective.Level.TEAM)
        initial: dict[str, Any] = {
            "owner": owner,
            "level": level,
            "cycle": str(cycle.pk) if cycle else "",
            "parent": _selected_value(selected),
            **from_template,
        }
        if drafts_first:
            initial["state"] = Objective.State.DRAFT
        form = ObjectiveForm(initial=initial, **kwargs)
        row_forms = _row_forms(rows, bound=False)
    child = _new_child(level, cycle)
    candidates = candidates_for(user, child, "", selected) if child else []
    return render_page(
        request,
        "goals/objective_form.html",
        {
            "nav": "tree",
            "form": form,
            "creating": True,
            "rows": row_forms,
            "row_count": len(row_forms),
            "can_add_row": len(row_forms) < actions.KEY_RESULTS_MAX,
            "approval_on": drafts_first,
            "candidates": candidates,
            "selected_value": _selected_value(selected),
            "allow_none": True,
            "candidates_url": reverse("alignment-candidates"),
        },
        status=status,
    )


def approval_needed_for(user: Person) -> bool:
    """Whether this person's new objectives start as drafts (the organisation approves them
    and they are not HR)."""
    return approval_on() and not user.is_hr_admin


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


def _create_objective(
    request: SignedInRequest, form: ObjectiveForm, row_forms: list[KeyResultRowForm]
) -> Objective | int:
    """Create the objective, its key results and its alignment together; on failure, the
    status to answer (the errors are on the form and its rows)."""
    user = request.user
    data = form.cleaned_data
    filled = [(i, r) for i, r in enumerate(row_forms) if not r.is_blank()]
    stage = "input"
    try:
        owner_person, owner_team = resolve_owner(user, data["owner"])
        cycle = selectors.get_cycle_for_user(user, data["cycle"])
        parent_objective, parent_key_result = resolve_parent(user, data["parent"])
        with transaction.atomic():
            stage = "create"
            objective = actions.create_objective_with_key_results(
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
                key_results=[
                    actions.KeyResultInput(
                        title=r.cleaned_data["title"],
                        kind=r.cleaned_data["kind"],
                        start_value=r.cleaned_data["start_value"].strip() or None,
                        target_value=r.cleaned_data["target_value"].strip() or None,
                        unit=r.cleaned_data["unit"],
                    )
                    for _, r in filled
                ],
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
        rest = _apply_row_errors(exc, [r for _, r in filled])
        if rest.errors:
            apply_errors(form, rest, ALIGN_FIELDS if stage == "align" else {})
        return 422
    except NotAllowed as exc:
        form.add_error("parent" if stage == "align" else "owner", str(exc))
        return 403
    return objective


def _apply_row_errors(exc: InvalidInput, rows: list[KeyResultRowForm]) -> InvalidInput:
    """Put ``key_results.<n>.<field>`` errors on row n's field; return the others."""
    rest: dict[str, list[str]] = {}
    for key, found in exc.errors.items():
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == "key_results" and parts[1].isdigit():
            index, name = int(parts[1]), parts[2]
            if index < len(rows):
                row = rows[index]
                for message in found:
                    row.add_error(name if name in row.fields else None, message)
                continue
        rest[key] = found
    return InvalidInput(rest)


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
