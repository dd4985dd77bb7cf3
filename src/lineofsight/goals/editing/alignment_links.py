"""Aligning an objective to a parent, changing or removing an alignment link, and deciding
on a proposed contribution."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.core.web import SignedInRequest, apply_errors, page, render_page, safe_next
from lineofsight.goals import actions, selectors
from lineofsight.goals.access import GoalViewer
from lineofsight.goals.editing._common import form_page, resolve_parent
from lineofsight.goals.editing.alignment_picker import (
    _selected_from,
    _selected_value,
    candidates_for,
)
from lineofsight.goals.forms import AlignForm, LinkChangeForm, LinkDecisionForm, LinkEndForm
from lineofsight.goals.models import AlignmentLink
from lineofsight.goals.views import needs_amendment, require_open

LINK_FIELDS = {"parent_objective": "parent", "parent_key_result": "parent", "link": "__all__"}


@page
@require_http_methods(["GET", "POST"])
def objective_align(request: SignedInRequest, objective_id: int) -> HttpResponse:
    user = request.user
    objective = selectors.get_objective_for_user(user, objective_id)
    if not GoalViewer.of(user).can_edit_objective(objective):
        raise NotAllowed("You cannot change this objective's alignment.")
    require_open(user, objective.cycle)
    amend = needs_amendment(user, objective.cycle)
    status = 200
    selected: tuple[str, int] | None = None
    if request.method == "POST":
        form = AlignForm(request.POST, amend=amend)
        selected = _selected_from(request.POST.get("parent", ""))
        if form.is_valid():
            data = form.cleaned_data
            try:
                parent_objective, parent_key_result = resolve_parent(user, data["parent"])
                link = actions.align_objective(
                    acting_user=user,
                    child=objective,
                    parent_objective=parent_objective,
                    parent_key_result=parent_key_result,
                    kind=data["kind"],
                    weight=data["weight"],
                    amendment_reason=data.get("amendment_reason", ""),
                )
            except InvalidInput as exc:
                apply_errors(form, exc, LINK_FIELDS)
            else:
                messages.success(request, added_message(link))
                return redirect("objective", objective.pk)
        status = 422
    else:
        form = AlignForm(amend=amend)
    return render_page(
        request,
        "goals/align_form.html",
        {
            "nav": "tree",
            "objective": objective,
            "align_form": form,
            "candidates": candidates_for(user, objective, "", selected),
            "selected_value": _selected_value(selected),
            "candidates_url": reverse("objective-alignment-candidates", args=[objective.pk]),
        },
        status=status,
    )


@page
@require_POST
def link_end(request: SignedInRequest, link_id: int) -> HttpResponse:
    user = request.user
    link = selectors.get_link_for_user(user, link_id)
    form = LinkEndForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    try:
        actions.end_alignment(
            acting_user=user,
            link=link,
            reason=data.get("reason", ""),
            amendment_reason=data.get("amendment_reason", ""),
        )
    except InvalidInput as exc:
        messages.error(request, exc.summary())
    else:
        messages.success(request, "Alignment removed; it stays in the objective's history.")
    return redirect(safe_next(request, reverse("objective", args=[link.child_id])))


@page
@require_http_methods(["GET", "POST"])
def link_change(request: SignedInRequest, link_id: int) -> HttpResponse:
    user = request.user
    link = selectors.get_link_for_user(user, link_id)
    amend = needs_amendment(user, link.child.cycle)
    if request.method != "POST":
        require_open(user, link.child.cycle)

    def save(data: dict[str, Any]) -> str:
        actions.change_alignment(
            acting_user=user,
            link=link,
            kind=data["kind"],
            weight=data["weight"],
            reason=data["reason"],
            amendment_reason=data.get("amendment_reason", ""),
        )
        return "Alignment changed."

    return form_page(
        request,
        LinkChangeForm,
        form_kwargs={"amend": amend},
        initial={"kind": link.kind, "weight": link.weight},
        save=save,
        objective_id=link.child_id,
        field_map=LINK_FIELDS,
        context=lambda: {
            "heading": "Change alignment",
            "intro": f"{link.child.title} → {_parent_title(link)}",
            "action": reverse("link-change", args=[link.pk]),
            "submit_label": "Save alignment",
            "cancel_url": reverse("objective", args=[link.child_id]),
        },
    )


def added_message(link: AlignmentLink) -> str:
    """What aligning did: counted at once, or proposed to the parent's owners."""
    if link.is_pending:
        return (
            f"Proposed: it counts towards \u201c{_parent_title(link)}\u201d once one of its "
            "owners accepts it. They have been told."
        )
    return "Alignment added."


@page
@require_http_methods(["GET", "POST"])
def link_decide(request: SignedInRequest, link_id: int) -> HttpResponse:
    """The parent's editors accept (with a weight) or decline (with a reason) a proposal."""
    user = request.user
    link = selectors.get_link_for_user(user, link_id)
    parent = link.parent_objective or link.parent_key_result.objective  # type: ignore[union-attr]
    if not GoalViewer.of(user).can_edit_objective(parent):
        raise NotAllowed("Only those who may edit the parent objective decide on a proposal.")
    amend = needs_amendment(user, link.child.cycle)

    def save(data: dict[str, Any]) -> str:
        if data["decision"] == "accept":
            accepted = actions.accept_alignment(
                acting_user=user,
                link=link,
                weight=data.get("weight"),
                amendment_reason=data.get("amendment_reason", ""),
            )
            return (
                f"Accepted: \u201c{link.child.title}\u201d now counts, with weight "
                f"{accepted.weight:g}."
            )
        actions.decline_alignment(
            acting_user=user,
            link=link,
            reason=data.get("reason", ""),
            amendment_reason=data.get("amendment_reason", ""),
        )
        return (
            f"Declined: \u201c{link.child.title}\u201d does not count. Its proposer has been told."
        )

    return form_page(
        request,
        LinkDecisionForm,
        form_kwargs={"amend": amend},
        initial={"decision": "accept", "weight": f"{link.weight:g}"},
        save=save,
        objective_id=link.target_id,
        field_map={**LINK_FIELDS, "kind": "__all__"},
        context=lambda: {
            "heading": "Proposed contribution",
            "intro": f"{link.child.title} → {_parent_title(link)}, proposed by "
            f"{link.created_by.name if link.created_by else 'someone'}",
            "action": reverse("link-decide", args=[link.pk]),
            "submit_label": "Save decision",
            "cancel_url": reverse("objective", args=[link.target_id]),
        },
    )


def _parent_title(link: Any) -> str:
    if link.parent_key_result_id:
        return f"{link.parent_key_result.title} (key result)"
    return str(link.parent_objective.title)
