"""Adding an initiative under a key result, and editing one."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from lineofsight.core.errors import NotAllowed
from lineofsight.core.web import SignedInRequest, page
from lineofsight.goals import actions, selectors
from lineofsight.goals.access import GoalViewer
from lineofsight.goals.editing._common import form_page, people_choices, resolve_person
from lineofsight.goals.forms import InitiativeForm
from lineofsight.goals.views import needs_amendment, require_open


@page
@require_http_methods(["GET", "POST"])
def initiative_new(request: SignedInRequest, key_result_id: int) -> HttpResponse:
    user = request.user
    kr = selectors.get_key_result_for_user(user, key_result_id)
    if not GoalViewer.of(user).can_check_in(kr):
        raise NotAllowed("You cannot add initiatives to this key result.")
    require_open(user, kr.cycle)

    def save(data: dict[str, Any]) -> str:
        actions.create_initiative(
            acting_user=user,
            key_result=kr,
            title=data["title"],
            owner=resolve_person(user, data["owner"]),
            state=data["state"],
            link=data["link"],
            amendment_reason=data.get("amendment_reason", ""),
        )
        return "Initiative added."

    return form_page(
        request,
        InitiativeForm,
        form_kwargs={
            "owner_choices": people_choices(user, kr.objective, kr.owner_id),
            "amend": needs_amendment(user, kr.cycle),
        },
        initial={"owner": str(user.pk)},
        save=save,
        objective_id=kr.objective_id,
        context=lambda: {
            "heading": "New initiative",
            "intro": f"Supporting “{kr.title}”",
            "action": reverse("initiative-new", args=[kr.pk]),
            "submit_label": "Add initiative",
            "cancel_url": reverse("objective", args=[kr.objective_id]),
        },
    )


@page
@require_http_methods(["GET", "POST"])
def initiative_edit(request: SignedInRequest, initiative_id: int) -> HttpResponse:
    user = request.user
    initiative = selectors.get_initiative_for_user(user, initiative_id)
    kr = initiative.key_result
    if not GoalViewer.of(user).can_edit_initiative(initiative):
        raise NotAllowed("You cannot edit this initiative.")
    require_open(user, kr.cycle)

    def save(data: dict[str, Any]) -> str:
        actions.update_initiative(
            acting_user=user,
            initiative=initiative,
            title=data["title"],
            owner=resolve_person(user, data["owner"]),
            state=data["state"],
            link=data["link"],
            amendment_reason=data.get("amendment_reason", ""),
        )
        return "Initiative saved."

    return form_page(
        request,
        InitiativeForm,
        form_kwargs={
            "owner_choices": people_choices(user, kr.objective, initiative.owner_id, kr.owner_id),
            "amend": needs_amendment(user, kr.cycle),
        },
        initial={
            "title": initiative.title,
            "owner": str(initiative.owner_id),
            "state": initiative.state,
            "link": initiative.link,
        },
        save=save,
        objective_id=kr.objective_id,
        context=lambda: {
            "heading": "Edit initiative",
            "intro": f"Supporting “{kr.title}”",
            "action": reverse("initiative-edit", args=[initiative.pk]),
            "submit_label": "Save initiative",
            "cancel_url": reverse("objective", args=[kr.objective_id]),
        },
    )
