"""Adding a key result to an objective, and editing one."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from lineofsight.core.errors import NotAllowed
from lineofsight.core.web import SignedInRequest, page
from lineofsight.goals import actions, selectors
from lineofsight.goals.access import GoalViewer
from lineofsight.goals.editing._common import cycle_label, form_page, people_choices, resolve_person
from lineofsight.goals.forms import KeyResultForm
from lineofsight.goals.models import Objective
from lineofsight.goals.views import needs_amendment, require_open
from lineofsight.people.models import Person


def _kr_cycle_choices(user: Person, objective: Objective) -> list[tuple[str, str]]:
    cycles = selectors.cycles_for_user(user).filter(
        Q(pk=objective.cycle_id) | Q(parent_id=objective.cycle_id)
    )
    return [(str(c.pk), cycle_label(c)) for c in cycles.order_by("start_date", "-end_date")]


@page
@require_http_methods(["GET", "POST"])
def key_result_new(request: SignedInRequest, objective_id: int) -> HttpResponse:
    user = request.user
    objective = selectors.get_objective_for_user(user, objective_id)
    if not GoalViewer.of(user).can_edit_objective(objective):
        raise NotAllowed("You cannot add key results to this objective.")
    require_open(user, objective.cycle)

    def save(data: dict[str, Any]) -> str:
        cycle = selectors.get_cycle_for_user(user, data["cycle"])
        kr = actions.create_key_result(
            acting_user=user,
            objective=objective,
            title=data["title"],
            kind=data["kind"],
            owner=resolve_person(user, data["owner"]),
            start_value=data["start_value"],
            target_value=data["target_value"],
            unit=data["unit"],
            signal=data["signal"],
            weight=data["weight"],
            source=data["source"],
            cycle=cycle,
            amendment_reason=data.get("amendment_reason", ""),
        )
        return f"Key result {kr.title!r} added."

    return form_page(
        request,
        KeyResultForm,
        form_kwargs={
            "creating": True,
            "owner_choices": people_choices(user, objective),
            "cycle_choices": _kr_cycle_choices(user, objective),
            "amend": needs_amendment(user, objective.cycle),
        },
        initial={"owner": str(user.pk), "cycle": str(objective.cycle_id), "weight": 1},
        save=save,
        objective_id=objective.pk,
        field_map={"objective": "__all__"},
        context=lambda: {
            "heading": "New key result",
            "intro": f"For “{objective.title}”",
            "action": reverse("key-result-new", args=[objective.pk]),
            "coach_check_url": reverse("coach-draft-key-result", args=[objective.pk]),
            "submit_label": "Add key result",
            "cancel_url": reverse("objective", args=[objective.pk]),
        },
    )


@page
@require_http_methods(["GET", "POST"])
def key_result_edit(request: SignedInRequest, key_result_id: int) -> HttpResponse:
    user = request.user
    kr = selectors.get_key_result_for_user(user, key_result_id)
    if not GoalViewer.of(user).can_edit_key_result(kr):
        raise NotAllowed("You cannot edit this key result.")
    require_open(user, kr.cycle)

    def save(data: dict[str, Any]) -> str:
        changes: dict[str, Any] = {
            "title": data["title"],
            "kind": data["kind"],
            "unit": data["unit"],
            "start_value": data["start_value"],
            "target_value": data["target_value"],
            "signal": data["signal"],
            "weight": data["weight"],
            "source": data["source"],
            "state": data["state"],
        }
        if data["owner"] != str(kr.owner_id):
            changes["owner"] = resolve_person(user, data["owner"])
        actions.update_key_result(
            acting_user=user,
            key_result=kr,
            reason=data["reason"],
            amendment_reason=data.get("amendment_reason", ""),
            **changes,
        )
        return "Key result saved; its previous version is kept."

    return form_page(
        request,
        KeyResultForm,
        form_kwargs={
            "creating": False,
            "owner_choices": people_choices(user, kr.objective, kr.owner_id),
            "amend": needs_amendment(user, kr.cycle),
        },
        initial={
            "title": kr.title,
            "kind": kr.kind,
            "unit": kr.unit,
            "start_value": kr.start_value,
            "target_value": kr.target_value,
            "signal": kr.signal,
            "weight": kr.weight,
            "owner": str(kr.owner_id),
            "source": kr.source,
            "state": kr.state,
        },
        save=save,
        objective_id=kr.objective_id,
        context=lambda: {
            "heading": "Edit key result",
            "intro": f"Of “{kr.objective.title}”",
            "action": reverse("key-result-edit", args=[kr.pk]),
            "coach_check_url": reverse("coach-draft-key-result", args=[kr.objective_id])
            + f"?key_result={kr.pk}",
            "submit_label": "Save key result",
            "cancel_url": reverse("objective", args=[kr.objective_id]),
        },
    )
