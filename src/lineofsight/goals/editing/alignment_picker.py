"""The alignment picker: the searchable list of objectives and key results a new or existing
objective may align to, highest level first, as a page fragment for the objective forms.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.views.decorators.http import require_GET

from lineofsight.core.errors import NotFound
from lineofsight.core.web import SignedInRequest, page, render_page
from lineofsight.goals import selectors
from lineofsight.goals.alignment import LEVEL_RANK
from lineofsight.goals.models import Cycle, KeyResult, Objective
from lineofsight.people.models import Person


def candidates_for(
    user: Person, child: Objective, query: str, selected: tuple[str, int] | None
) -> list[Objective]:
    """Alignment candidates (highest level first): objectives of the child's cycle and of its
    year only, each labelled with its cycle; the selected parent is kept in the list when it
    belongs there."""
    found = sorted(
        selectors.alignment_candidates(user, child, query),
        key=lambda o: -LEVEL_RANK.get(o.level, 0),
    )
    if selected is None:
        return found
    kind, pk = selected
    if kind == "o":
        wanted: Any = pk
    else:
        wanted = (
            KeyResult.objects.visible_to(user).filter(pk=pk).values_list("objective_id", flat=True)
        ).first()
    if wanted is None or any(o.pk == wanted for o in found):
        return found
    scope = selectors.cycle_scope(child.cycle)
    extra = list(selectors.candidate_objectives(user, scope).filter(pk=wanted))
    return extra + found


def _selected_from(raw: str) -> tuple[str, int] | None:
    from lineofsight.goals.forms import parse_parent

    try:
        return parse_parent(raw)
    except Exception:  # a malformed value simply selects nothing
        return None


def _selected_value(selected: tuple[str, int] | None) -> str:
    return f"{selected[0]}-{selected[1]}" if selected else ""


def _new_child(level: str, cycle: Cycle | None) -> Objective | None:
    if cycle is None or level not in Objective.Level.values:
        return None
    return Objective(level=level, cycle=cycle)


# ---------------------------------------------------------------------------------------
# The picker's pages


@page
@require_GET
def alignment_candidates_new(request: SignedInRequest) -> HttpResponse:
    """Candidates for an objective not yet saved: ``?level=&cycle=&q=``."""
    user = request.user
    cycle: Cycle | None
    try:
        cycle = selectors.get_cycle_for_user(user, request.GET.get("cycle"))
    except NotFound:
        cycle = selectors.current_cycle()
    child = _new_child(request.GET.get("level", Objective.Level.INDIVIDUAL), cycle)
    selected = _selected_from(request.GET.get("parent", ""))
    found = candidates_for(user, child, request.GET.get("q", "").strip(), selected) if child else []
    return render_page(
        request,
        "goals/candidates.html",
        {"candidates": found, "selected_value": _selected_value(selected), "allow_none": True},
    )


@page
@require_GET
def alignment_candidates(request: SignedInRequest, objective_id: int) -> HttpResponse:
    user = request.user
    objective = selectors.get_objective_for_user(user, objective_id)
    selected = _selected_from(request.GET.get("parent", ""))
    found = candidates_for(user, objective, request.GET.get("q", "").strip(), selected)
    return render_page(
        request,
        "goals/candidates.html",
        {"candidates": found, "selected_value": _selected_value(selected), "allow_none": False},
    )
