"""Abandoning an objective or a key result: a page with the reason, saved through the named
actions ``abandon_objective`` and ``abandon_key_result``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from lineofsight.core.errors import NotAllowed
from lineofsight.core.web import SignedInRequest, page
from lineofsight.goals import actions, selectors
from lineofsight.goals.access import GoalViewer
from lineofsight.goals.editing._common import form_page
from lineofsight.goals.forms import AbandonForm
from lineofsight.goals.models import KeyResult, Objective
from lineofsight.goals.views import needs_amendment, require_open

OBJECTIVE_INTRO = (
    "Abandoning keeps “{title}” and its history: it takes no more check-ins, is no longer "
    "tracked, and stops counting towards what it is aligned to. Its explanation says when "
    "and why."
)
KEY_RESULT_INTRO = (
    "Abandoning keeps “{title}” and its readings: it takes no more check-ins, is no longer "
    "tracked, and stops counting in the progress of “{objective}”. Its explanation says when "
    "and why."
)


@page
@require_http_methods(["GET", "POST"])
def objective_abandon(request: SignedInRequest, objective_id: int) -> HttpResponse:
    user = request.user
    objective = selectors.get_objective_for_user(user, objective_id)
    if not GoalViewer.of(user).can_edit_objective(objective):
        raise NotAllowed("You cannot abandon this objective.")
    require_open(user, objective.cycle)
    if objective.state == Objective.State.ABANDONED:
        messages.info(request, "This objective is abandoned already.")
        return redirect("objective", objective.pk)

    def save(data: dict[str, Any]) -> str:
        actions.abandon_objective(
            acting_user=user,
            objective=objective,
            reason=data["reason"],
            amendment_reason=data.get("amendment_reason", ""),
        )
        return f"Objective {objective.title!r} abandoned; the reason is in its history."

    return form_page(
        request,
        AbandonForm,
        form_kwargs={"amend": needs_amendment(user, objective.cycle)},
        initial={},
        save=save,
        objective_id=objective.pk,
        field_map={"state": "__all__"},
        context=lambda: {
            "heading": "Abandon objective",
            "intro": OBJECTIVE_INTRO.format(title=objective.title),
            "action": reverse("objective-abandon", args=[objective.pk]),
            "submit_label": "Abandon objective",
            "cancel_url": reverse("objective", args=[objective.pk]),
        },
    )


@page
@require_http_methods(["GET", "POST"])
def key_result_abandon(request: SignedInRequest, key_result_id: int) -> HttpResponse:
    user = request.user
    kr = selectors.get_key_result_for_user(user, key_result_id)
    if not GoalViewer.of(user).can_edit_key_result(kr):
        raise NotAllowed("You cannot abandon this key result.")
    require_open(user, kr.cycle)
    if kr.state == KeyResult.State.ABANDONED:
        messages.info(request, "This key result is abandoned already.")
        return redirect("objective", kr.objective_id)

    def save(data: dict[str, Any]) -> str:
        actions.abandon_key_result(
            acting_user=user,
            key_result=kr,
            reason=data["reason"],
            amendment_reason=data.get("amendment_reason", ""),
        )
        return f"Key result {kr.title!r} abandoned; the reason is in its history."

    return form_page(
        request,
        AbandonForm,
        form_kwargs={"amend": needs_amendment(user, kr.cycle)},
        initial={},
        save=save,
        objective_id=kr.objective_id,
        field_map={"state": "__all__"},
        context=lambda: {
            "heading": "Abandon key result",
            "intro": KEY_RESULT_INTRO.format(title=kr.title, objective=kr.objective.title),
            "action": reverse("key-result-abandon", args=[kr.pk]),
            "submit_label": "Abandon key result",
            "cancel_url": reverse("objective", args=[kr.objective_id]),
        },
    )
