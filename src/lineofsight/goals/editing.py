"""Creating and editing OKRs in the browser: objectives (with the alignment picker), key
results, initiatives and alignment links.

Each view checks shapes with a form, writes through one named action (or, for a new
objective with its alignment, two actions in one transaction so nothing is half saved), and
puts the action's errors back on the field they name.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lineofsight.core.access import Viewer
from lineofsight.core.errors import InvalidInput, NotAllowed, NotFound
from lineofsight.core.web import SignedInRequest, apply_errors, page, render_page, safe_next
from lineofsight.goals import actions, selectors
from lineofsight.goals.alignment import LEVEL_RANK
from lineofsight.goals.forms import (
    AlignForm,
    InitiativeForm,
    KeyResultForm,
    LinkChangeForm,
    LinkEndForm,
    ObjectiveForm,
)
from lineofsight.goals.models import Cycle, KeyResult, Objective
from lineofsight.goals.views import may_change, needs_amendment, require_open
from lineofsight.people.models import Person, Team
from lineofsight.people.selectors import people_visible_to, teams_visible_to

OWNER_LIMIT = 500

# Errors of align_objective, by the field of the new-objective form they belong to.
ALIGN_FIELDS = {
    "kind": "align_kind",
    "weight": "align_weight",
    "parent": "parent",
    "parent_objective": "parent",
    "parent_key_result": "parent",
}
LINK_FIELDS = {"parent_objective": "parent", "parent_key_result": "parent", "link": "__all__"}


# ---------------------------------------------------------------------------------------
# Choices and look-ups for the forms (bounded: one query each)


def objective_owner_choices(user: Person, current: Objective | None = None) -> list[Any]:
    """People and teams the user may plausibly set objectives for (the action decides)."""
    viewer = Viewer.of(user)
    if user.is_hr_admin:
        people_q = Q()
    else:
        people_q = Q(pk=user.pk) | Q(manager_path__startswith=user.subtree_prefix)
    if current is not None and current.owner_person_id:
        people_q |= Q(pk=current.owner_person_id)
    people = list(
        people_visible_to(user).filter(people_q).order_by("display_name", "username")[:OWNER_LIMIT]
    )
    if user.is_hr_admin or user.is_executive:
        teams_q = Q()
    else:
        teams_q = Q(pk__in=list(viewer.team_ids | viewer.led_team_ids))
        for led in viewer.led_team_ids:
            teams_q |= Q(path__contains=f"/{led}/")
    if current is not None and current.owner_team_id:
        teams_q |= Q(pk=current.owner_team_id)
    teams = list(teams_visible_to(user).filter(teams_q).order_by("name")[:OWNER_LIMIT])
    return [
        ("People", [(f"person-{p.pk}", p.name) for p in people]),
        ("Teams", [(f"team-{t.pk}", t.name) for t in teams]),
    ]


def objective_owner_value(objective: Objective) -> str:
    if objective.owner_team_id:
        return f"team-{objective.owner_team_id}"
    return f"person-{objective.owner_person_id}"


def resolve_owner(user: Person, value: str) -> tuple[Person | None, Team | None]:
    kind, _, raw = value.partition("-")
    try:
        if kind == "person":
            return people_visible_to(user).get(pk=int(raw)), None
        if kind == "team":
            return None, teams_visible_to(user).get(pk=int(raw))
    except (ValueError, Person.DoesNotExist, Team.DoesNotExist):
        pass
    raise InvalidInput.one("owner", "Choose a person or a team from the list.")


def people_choices(user: Person, objective: Objective, *also: int | None) -> list[tuple[str, str]]:
    """Who may own a key result or initiative: the objective's people, mine, and ``also``."""
    q = Q(pk=user.pk) | Q(manager_path__startswith=user.subtree_prefix)
    if objective.owner_person_id:
        owner = objective.owner_person
        assert owner is not None
        q |= Q(pk=owner.pk) | Q(manager_path__startswith=owner.subtree_prefix)
    if objective.owner_team_id:
        team = objective.owner_team
        assert team is not None
        q |= Q(memberships__team=team) | Q(memberships__team__path__startswith=team.subtree_prefix)
        if team.lead_id:
            q |= Q(pk=team.lead_id)
    extra = [pk for pk in also if pk]
    if extra:
        q |= Q(pk__in=extra)
    people = (
        people_visible_to(user)
        .filter(q)
        .distinct()
        .order_by("display_name", "username")[:OWNER_LIMIT]
    )
    return [(str(p.pk), p.name) for p in people]


def resolve_person(user: Person, value: str, field: str = "owner") -> Person:
    try:
        return people_visible_to(user).get(pk=int(value))
    except (ValueError, Person.DoesNotExist):
        raise InvalidInput.one(field, "Choose a person from the list.") from None


def cycle_label(cycle: Cycle) -> str:
    return f"{cycle.name} ({cycle.get_state_display().lower()})"


def resolve_parent(
    user: Person, parent: tuple[str, int] | None
) -> tuple[Objective | None, KeyResult | None]:
    if parent is None:
        return None, None
    kind, pk = parent
    try:
        if kind == "o":
            return selectors.get_objective_for_user(user, pk), None
        return None, selectors.get_key_result_for_user(user, pk)
    except NotFound:
        raise InvalidInput.one("parent", "No such objective or key result.") from None


def _candidate_queryset(user: Person) -> Any:
    return selectors.objectives_for_user(user).prefetch_related(
        Prefetch(
            "key_results",
            queryset=KeyResult.objects.filter(state=KeyResult.State.ACTIVE).order_by(
                "position", "pk"
            ),
        )
    )


def candidates_for(
    user: Person, child: Objective, query: str, selected: tuple[str, int] | None
) -> list[Objective]:
    """Alignment candidates (highest level first), with the selected parent kept in the list."""
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
    extra = list(_candidate_queryset(user).filter(pk=wanted))
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
# The alignment picker


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


# ---------------------------------------------------------------------------------------
# Objectives


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
    kwargs: dict[str, Any] = {
        "creating": True,
        "owner_choices": objective_owner_choices(user),
        "cycle_choices": cycle_choices,
        "amend": amend,
    }
    status = 200
    if request.method == "POST":
        form = ObjectiveForm(request.POST, **kwargs)
        selected = _selected_from(request.POST.get("parent", ""))
        if form.is_valid():
            created = _create_objective(request, form)
            if isinstance(created, Objective):
                messages.success(request, f"Objective {created.title!r} created.")
                return redirect("objective", created.pk)
            status = created
        else:
            status = 422
        level = request.POST.get("level", "")
        cycle = next((c for c in cycles if str(c.pk) == request.POST.get("cycle")), None)
    else:
        selected, level, cycle = _initial_alignment(request, cycles)
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
    request: SignedInRequest, cycles: list[Cycle]
) -> tuple[tuple[str, int] | None, str, Cycle | None]:
    """Pre-select the parent from ``?parent=`` or ``?parent_kr=``, and a level under it."""
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
    if parent is not None and parent.level == Objective.Level.COMPANY:
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
    if not Viewer.of(user).can_edit_objective(objective):
        raise NotAllowed("You cannot edit this objective.")
    require_open(user, objective.cycle)
    amend = needs_amendment(user, objective.cycle)
    kwargs: dict[str, Any] = {
        "creating": False,
        "owner_choices": objective_owner_choices(user, objective),
        "amend": amend,
    }
    status = 200
    if request.method == "POST":
        form = ObjectiveForm(request.POST, **kwargs)
        if form.is_valid():
            data = form.cleaned_data
            owner: dict[str, Any] = {}
            try:
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
                    **owner,
                )
            except InvalidInput as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request, "Objective saved; its previous version is in the history."
                )
                return redirect("objective", objective.pk)
        status = 422
    else:
        form = ObjectiveForm(
            initial={
                "title": objective.title,
                "description": objective.description,
                "owner": objective_owner_value(objective),
                "visibility": objective.visibility,
                "state": objective.state,
                "commitment": objective.commitment,
                "progress_mode": objective.progress_mode,
                "rationale": objective.rationale,
            },
            **kwargs,
        )
    return render_page(
        request,
        "goals/objective_form.html",
        {
            "nav": "tree",
            "form": form,
            "creating": False,
            "objective": objective,
            "align_form": AlignForm(amend=amend),
            "candidates": candidates_for(user, objective, "", None),
            "selected_value": "",
            "candidates_url": reverse("objective-alignment-candidates", args=[objective.pk]),
        },
        status=status,
    )


# ---------------------------------------------------------------------------------------
# Alignment links


@page
@require_http_methods(["GET", "POST"])
def objective_align(request: SignedInRequest, objective_id: int) -> HttpResponse:
    user = request.user
    objective = selectors.get_objective_for_user(user, objective_id)
    if not Viewer.of(user).can_edit_objective(objective):
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
                actions.align_objective(
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
                messages.success(request, "Alignment added.")
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
    status = 200
    if request.method == "POST":
        form = LinkChangeForm(request.POST, amend=amend)
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.change_alignment(
                    acting_user=user,
                    link=link,
                    kind=data["kind"],
                    weight=data["weight"],
                    reason=data["reason"],
                    amendment_reason=data.get("amendment_reason", ""),
                )
            except InvalidInput as exc:
                apply_errors(form, exc, LINK_FIELDS)
            else:
                messages.success(request, "Alignment changed.")
                return redirect("objective", link.child_id)
        status = 422
    else:
        require_open(user, link.child.cycle)
        form = LinkChangeForm(initial={"kind": link.kind, "weight": link.weight}, amend=amend)
    return render_page(
        request,
        "goals/form_page.html",
        {
            "nav": "tree",
            "heading": "Change alignment",
            "intro": f"{link.child.title} → {_parent_title(link)}",
            "form": form,
            "action": reverse("link-change", args=[link.pk]),
            "submit_label": "Save alignment",
            "cancel_url": reverse("objective", args=[link.child_id]),
        },
        status=status,
    )


def _parent_title(link: Any) -> str:
    if link.parent_key_result_id:
        return f"{link.parent_key_result.title} (key result)"
    return str(link.parent_objective.title)


# ---------------------------------------------------------------------------------------
# Key results and initiatives


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
    if not Viewer.of(user).can_edit_objective(objective):
        raise NotAllowed("You cannot add key results to this objective.")
    require_open(user, objective.cycle)
    kwargs: dict[str, Any] = {
        "creating": True,
        "owner_choices": people_choices(user, objective),
        "cycle_choices": _kr_cycle_choices(user, objective),
        "amend": needs_amendment(user, objective.cycle),
    }
    status = 200
    if request.method == "POST":
        form = KeyResultForm(request.POST, **kwargs)
        if form.is_valid():
            data = form.cleaned_data
            try:
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
            except InvalidInput as exc:
                apply_errors(form, exc, {"objective": "__all__"})
            else:
                messages.success(request, f"Key result {kr.title!r} added.")
                return redirect("objective", objective.pk)
        status = 422
    else:
        form = KeyResultForm(
            initial={"owner": str(user.pk), "cycle": str(objective.cycle_id), "weight": 1},
            **kwargs,
        )
    return render_page(
        request,
        "goals/form_page.html",
        {
            "nav": "tree",
            "heading": "New key result",
            "intro": f"For “{objective.title}”",
            "form": form,
            "action": reverse("key-result-new", args=[objective.pk]),
            "submit_label": "Add key result",
            "cancel_url": reverse("objective", args=[objective.pk]),
        },
        status=status,
    )


@page
@require_http_methods(["GET", "POST"])
def key_result_edit(request: SignedInRequest, key_result_id: int) -> HttpResponse:
    user = request.user
    kr = selectors.get_key_result_for_user(user, key_result_id)
    if not Viewer.of(user).can_edit_key_result(kr):
        raise NotAllowed("You cannot edit this key result.")
    require_open(user, kr.cycle)
    kwargs: dict[str, Any] = {
        "creating": False,
        "owner_choices": people_choices(user, kr.objective, kr.owner_id),
        "amend": needs_amendment(user, kr.cycle),
    }
    status = 200
    if request.method == "POST":
        form = KeyResultForm(request.POST, **kwargs)
        if form.is_valid():
            data = form.cleaned_data
            try:
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
            except InvalidInput as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "Key result saved; its previous version is kept.")
                return redirect("objective", kr.objective_id)
        status = 422
    else:
        form = KeyResultForm(
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
            **kwargs,
        )
    return render_page(
        request,
        "goals/form_page.html",
        {
            "nav": "tree",
            "heading": "Edit key result",
            "intro": f"Of “{kr.objective.title}”",
            "form": form,
            "action": reverse("key-result-edit", args=[kr.pk]),
            "submit_label": "Save key result",
            "cancel_url": reverse("objective", args=[kr.objective_id]),
        },
        status=status,
    )


@page
@require_http_methods(["GET", "POST"])
def initiative_new(request: SignedInRequest, key_result_id: int) -> HttpResponse:
    user = request.user
    kr = selectors.get_key_result_for_user(user, key_result_id)
    if not Viewer.of(user).can_check_in(kr):
        raise NotAllowed("You cannot add initiatives to this key result.")
    require_open(user, kr.cycle)
    kwargs: dict[str, Any] = {
        "owner_choices": people_choices(user, kr.objective, kr.owner_id),
        "amend": needs_amendment(user, kr.cycle),
    }
    status = 200
    if request.method == "POST":
        form = InitiativeForm(request.POST, **kwargs)
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.create_initiative(
                    acting_user=user,
                    key_result=kr,
                    title=data["title"],
                    owner=resolve_person(user, data["owner"]),
                    state=data["state"],
                    link=data["link"],
                    amendment_reason=data.get("amendment_reason", ""),
                )
            except InvalidInput as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "Initiative added.")
                return redirect("objective", kr.objective_id)
        status = 422
    else:
        form = InitiativeForm(initial={"owner": str(user.pk)}, **kwargs)
    return render_page(
        request,
        "goals/form_page.html",
        {
            "nav": "tree",
            "heading": "New initiative",
            "intro": f"Supporting “{kr.title}”",
            "form": form,
            "action": reverse("initiative-new", args=[kr.pk]),
            "submit_label": "Add initiative",
            "cancel_url": reverse("objective", args=[kr.objective_id]),
        },
        status=status,
    )


@page
@require_http_methods(["GET", "POST"])
def initiative_edit(request: SignedInRequest, initiative_id: int) -> HttpResponse:
    user = request.user
    initiative = selectors.get_initiative_for_user(user, initiative_id)
    kr = initiative.key_result
    if not Viewer.of(user).can_edit_initiative(initiative):
        raise NotAllowed("You cannot edit this initiative.")
    require_open(user, kr.cycle)
    kwargs: dict[str, Any] = {
        "owner_choices": people_choices(user, kr.objective, initiative.owner_id, kr.owner_id),
        "amend": needs_amendment(user, kr.cycle),
    }
    status = 200
    if request.method == "POST":
        form = InitiativeForm(request.POST, **kwargs)
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.update_initiative(
                    acting_user=user,
                    initiative=initiative,
                    title=data["title"],
                    owner=resolve_person(user, data["owner"]),
                    state=data["state"],
                    link=data["link"],
                    amendment_reason=data.get("amendment_reason", ""),
                )
            except InvalidInput as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "Initiative saved.")
                return redirect("objective", kr.objective_id)
        status = 422
    else:
        form = InitiativeForm(
            initial={
                "title": initiative.title,
                "owner": str(initiative.owner_id),
                "state": initiative.state,
                "link": initiative.link,
            },
            **kwargs,
        )
    return render_page(
        request,
        "goals/form_page.html",
        {
            "nav": "tree",
            "heading": "Edit initiative",
            "intro": f"Supporting “{kr.title}”",
            "form": form,
            "action": reverse("initiative-edit", args=[initiative.pk]),
            "submit_label": "Save initiative",
            "cancel_url": reverse("objective", args=[kr.objective_id]),
        },
        status=status,
    )
