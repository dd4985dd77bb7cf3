"""A blocker's page: what it is, on which key result, who raised it and owns it, its
history; and the two changes made there: its state (resolving asks for a note; reopening
is allowed) and its assignee. Saved through ``set_blocker_state`` and ``assign_blocker``."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from lineofsight.core.errors import InvalidInput
from lineofsight.core.web import SignedInRequest, apply_errors, page, render_page
from lineofsight.goals import actions
from lineofsight.goals import blockers as selectors
from lineofsight.goals.forms import BlockerAssignForm, BlockerStateForm
from lineofsight.goals.models import Blocker
from lineofsight.people.models import Person


def _render(
    request: SignedInRequest,
    blocker: Blocker,
    state_form: BlockerStateForm | None = None,
    assign_form: BlockerAssignForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    if state_form is None and blocker.can_update:  # type: ignore[attr-defined]
        state_form = BlockerStateForm(current=blocker.state)
    if assign_form is None and blocker.can_assign:  # type: ignore[attr-defined]
        assign_form = BlockerAssignForm(
            initial={"assignee": str(blocker.assignee_id or "")},
            assignees=_choices(user, blocker),
        )
    return render_page(
        request,
        "goals/blocker_detail.html",
        {
            "nav": "home",
            "blocker": blocker,
            "state_form": state_form,
            "assign_form": assign_form,
            "events": list(blocker.events.all()),
        },
        status=status,
    )


def _choices(user: Person, blocker: Blocker) -> list[tuple[str, str]]:
    choices = selectors.assignee_choices(user, blocker.key_result)
    if blocker.assignee_id and str(blocker.assignee_id) not in {c for c, _ in choices}:
        assert blocker.assignee is not None
        choices.append((str(blocker.assignee_id), blocker.assignee.name))
    return choices


@page
@require_http_methods(["GET"])
def blocker_detail(request: SignedInRequest, blocker_id: int) -> HttpResponse:
    return _render(request, selectors.get_blocker_for_user(request.user, blocker_id))


@page
@require_http_methods(["POST"])
def blocker_state(request: SignedInRequest, blocker_id: int) -> HttpResponse:
    user = request.user
    blocker = selectors.get_blocker_for_user(user, blocker_id)
    form = BlockerStateForm(request.POST, current=blocker.state)
    if form.is_valid():
        try:
            actions.set_blocker_state(
                acting_user=user,
                blocker=blocker,
                state=form.cleaned_data["state"],
                note=form.cleaned_data.get("note", ""),
            )
        except InvalidInput as exc:
            apply_errors(form, exc)
        else:
            label = Blocker.State(form.cleaned_data["state"]).label.lower()
            messages.success(request, f"The blocker is {label} now.")
            return redirect("blocker", blocker.pk)
    return _render(request, blocker, state_form=form, status=422)


@page
@require_http_methods(["POST"])
def blocker_assign(request: SignedInRequest, blocker_id: int) -> HttpResponse:
    user = request.user
    blocker = selectors.get_blocker_for_user(user, blocker_id)
    form = BlockerAssignForm(request.POST, assignees=_choices(user, blocker))
    if form.is_valid():
        raw = form.cleaned_data.get("assignee") or ""
        try:
            done = actions.assign_blocker(
                acting_user=user, blocker=blocker, assignee_id=int(raw) if raw else None
            )
        except InvalidInput as exc:
            apply_errors(form, exc)
        else:
            who = done.assignee.name if done.assignee else "nobody"
            messages.success(request, f"The blocker is assigned to {who}.")
            return redirect("blocker", blocker.pk)
    return _render(request, blocker, assign_form=form, status=422)
