"""Pages for closing a cycle.

* ``/cycles/`` and ``/cycles/<id>/``: the cycles, with what closing one freezes and grades;
  HR closes a cycle from there (a confirmation step first) and may regrade a closed one.
* ``/cycles/<id>/close-out/``: a person's objectives and key results of a closed cycle with
  their grades, adjusted grades, retrospectives and carry-over controls, and their
  calibrated confidence.
* The small forms behind those controls (adjusted grade, retrospective, carry-over) answer
  htmx with the refreshed block, and work as plain pages without JavaScript.
* ``/people/<id>/confidence-calibration/`` and ``/teams/<id>/confidence-calibration/``: the
  calibration card, for the person or the team's leads, their managers and HR.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lineofsight.core.errors import InvalidInput, NotAllowed, NotFound
from lineofsight.core.parsing import as_id
from lineofsight.core.web import (
    SignedInRequest,
    apply_errors,
    is_htmx,
    page,
    render_page,
    safe_next,
)
from lineofsight.goals import actions, grading, selectors
from lineofsight.goals.access import GoalViewer
from lineofsight.goals.closing import selectors as closing
from lineofsight.goals.closing.forms import CarryOverForm, GradeForm, RetrospectiveForm
from lineofsight.goals.models import Cycle, KeyResult, Objective
from lineofsight.goals.team_retros import selectors as team_retros
from lineofsight.people.models import Person, Team
from lineofsight.people.selectors import get_person_for_user, get_team_for_user

# ---------------------------------------------------------------------------------------
# Cycles


def _cycle(request: SignedInRequest, cycle_id: int) -> Cycle:
    return selectors.get_cycle_for_user(request.user, cycle_id)


def _require_hr(request: SignedInRequest) -> None:
    if not GoalViewer.of(request.user).can_close_cycles():
        raise NotAllowed("Only HR admins close cycles.")


@page
@require_GET
def cycle_list(request: SignedInRequest) -> HttpResponse:
    from django.db.models import Count

    cycles = list(
        selectors.cycles_for_user(request.user)
        .annotate(objective_count=Count("objectives"))
        .order_by("-start_date", "end_date", "pk")
    )
    return render_page(
        request,
        "goals/closing/cycle_list.html",
        {
            "nav": "cycles",
            "cycles": cycles,
            "is_hr": GoalViewer.of(request.user).can_close_cycles(),
        },
    )


@page
@require_GET
def cycle_detail(request: SignedInRequest, cycle_id: int) -> HttpResponse:
    cycle = _cycle(request, cycle_id)
    is_hr = GoalViewer.of(request.user).can_close_cycles()
    summary = closing.grade_summary(request.user, cycle) if cycle.is_closed else None
    preview = closing.closing_preview(cycle) if is_hr and not cycle.is_closed else None
    return render_page(
        request,
        "goals/closing/cycle_detail.html",
        {
            "nav": "cycles",
            "cycle": cycle,
            "is_hr": is_hr,
            "summary": summary,
            "preview": preview,
        },
    )


@page
@require_http_methods(["GET", "POST"])
def cycle_close(request: SignedInRequest, cycle_id: int) -> HttpResponse:
    """HR's confirmation step: what closing freezes and grades; POST closes the cycle."""
    cycle = _cycle(request, cycle_id)
    _require_hr(request)
    error = ""
    if request.method == "POST":
        try:
            actions.set_cycle_state(acting_user=request.user, cycle=cycle, state=Cycle.State.CLOSED)
        except InvalidInput as exc:
            error = exc.summary()
        else:
            summary = closing.grade_summary(request.user, cycle)
            messages.success(
                request, f"{cycle.name} is closed and graded. " + " ".join(summary.lines())
            )
            return redirect("cycle", cycle.pk)
    return render_page(
        request,
        "goals/closing/cycle_close.html",
        {
            "nav": "cycles",
            "cycle": cycle,
            "preview": None if cycle.is_closed else closing.closing_preview(cycle),
            "error": error,
        },
        status=422 if error else 200,
    )


@page
@require_POST
def cycle_regrade(request: SignedInRequest, cycle_id: int) -> HttpResponse:
    cycle = _cycle(request, cycle_id)
    _require_hr(request)
    try:
        run = actions.regrade_cycle(acting_user=request.user, cycle=cycle)
    except InvalidInput as exc:
        messages.error(request, exc.summary())
    else:
        messages.success(
            request,
            f"Regraded {cycle.name}: {run.objectives_written} objective grades and "
            f"{run.key_results_written} key-result grades changed.",
        )
    return redirect("cycle", cycle.pk)


# ---------------------------------------------------------------------------------------
# The close-out page


def _person(request: SignedInRequest) -> Person:
    raw = request.GET.get("person")
    if not raw:
        return request.user
    pk = as_id(raw)
    try:
        if pk is None:
            raise Person.DoesNotExist
        return get_person_for_user(request.user, pk)
    except Person.DoesNotExist:
        raise Http404("No such person.") from None


@page
@require_GET
def close_out(request: SignedInRequest, cycle_id: int) -> HttpResponse:
    cycle = _cycle(request, cycle_id)
    person = _person(request)
    data = closing.close_out_page(request.user, cycle, person)
    return render_page(
        request,
        "goals/closing/close_out.html",
        {
            "nav": "cycles",
            "cycle": cycle,
            "data": data,
            "person": person,
            "mine": person.pk == request.user.pk,
            "team_retros_due": team_retros.due_team_retrospectives(request.user, cycle=cycle)
            if person.pk == request.user.pk
            else [],
            "card": _card(
                data.calibration,
                subject=person,
                cycle=cycle,
                url=reverse("person-calibration", args=[person.pk]),
                cycles=None,
            )
            if data.calibration is not None
            else None,
            "here": request.get_full_path(),
        },
    )


# ---------------------------------------------------------------------------------------
# Adjusted grades


def _form_response(
    request: SignedInRequest, template: str, context: dict[str, Any], slot: str, status: int
) -> HttpResponse:
    response = render_page(request, template, context, status=status)
    if is_htmx(request) and request.method == "POST":
        response["HX-Retarget"] = f"#{slot}"
        response["HX-Reswap"] = "innerHTML"
    return response


def _grade_view(
    request: SignedInRequest,
    *,
    kind: str,
    subject: Objective | KeyResult,
    objective: Objective,
    may: bool,
    save: Any,
) -> HttpResponse:
    if not may:
        raise NotAllowed("Only the owner and those who may edit it grade it.")
    url = reverse(
        "objective-grade" if kind == "objective" else "key-result-grade", args=[subject.pk]
    )
    block = f"grade-{kind}-{subject.pk}"
    status = 200
    if request.method == "POST":
        form = GradeForm(request.POST)
        if form.is_valid():
            try:
                save(
                    None if form.withdrawing else form.cleaned_data["adjusted_grade"],
                    form.cleaned_data.get("reason", ""),
                )
            except InvalidInput as exc:
                apply_errors(form, exc)
            else:
                if is_htmx(request):
                    return _grade_block(request, kind, subject.pk)
                messages.success(request, f"Grade saved for {subject.title!r}.")
                return redirect(safe_next(request, reverse("objective", args=[objective.pk])))
        status = 422
    else:
        form = GradeForm(
            initial={"adjusted_grade": subject.adjusted_grade, "reason": subject.grade_reason}
        )
    people = closing.people_by_id([subject.graded_by_id])
    grade = (
        closing.objective_grade(objective, people)
        if kind == "objective"
        else closing.key_result_grade(subject, objective, people)  # type: ignore[arg-type]
    )
    return _form_response(
        request,
        "goals/closing/grade_form.html",
        {
            "form": form,
            "kind": kind,
            "subject": subject,
            "objective": objective,
            "g": grade,
            "url": url,
            "block_id": block,
            "next": request.GET.get("next") or request.POST.get("next") or "",
        },
        f"{block}-slot",
        status,
    )


def _grade_block(request: SignedInRequest, kind: str, pk: int) -> HttpResponse:
    user = request.user
    if kind == "objective":
        objective = selectors.get_objective_for_user(user, pk)
        people = closing.people_by_id([objective.graded_by_id])
        context = {
            "g": closing.objective_grade(objective, people),
            "subject": objective,
            "can": GoalViewer.of(user).can_close_out_objective(objective),
        }
    else:
        kr = selectors.get_key_result_for_user(user, pk)
        people = closing.people_by_id([kr.graded_by_id])
        context = {
            "g": closing.key_result_grade(kr, kr.objective, people),
            "subject": kr,
            "can": GoalViewer.of(user).can_close_out_key_result(kr),
        }
    context["kind"] = kind
    return render_page(request, "goals/closing/grade_block.html", context)


@page
@require_http_methods(["GET", "POST"])
def objective_grade(request: SignedInRequest, objective_id: int) -> HttpResponse:
    user = request.user
    objective = selectors.get_objective_for_user(user, objective_id)

    def save(value: Any, reason: str) -> None:
        actions.adjust_objective_grade(
            acting_user=user, objective=objective, adjusted_grade=value, reason=reason
        )

    return _grade_view(
        request,
        kind="objective",
        subject=objective,
        objective=objective,
        may=GoalViewer.of(user).can_close_out_objective(objective),
        save=save,
    )


@page
@require_http_methods(["GET", "POST"])
def key_result_grade(request: SignedInRequest, key_result_id: int) -> HttpResponse:
    user = request.user
    kr = selectors.get_key_result_for_user(user, key_result_id)

    def save(value: Any, reason: str) -> None:
        actions.adjust_key_result_grade(
            acting_user=user, key_result=kr, adjusted_grade=value, reason=reason
        )

    return _grade_view(
        request,
        kind="kr",
        subject=kr,
        objective=kr.objective,
        may=GoalViewer.of(user).can_close_out_key_result(kr),
        save=save,
    )


# ---------------------------------------------------------------------------------------
# Retrospectives


@page
@require_http_methods(["GET", "POST"])
def objective_retrospective(request: SignedInRequest, objective_id: int) -> HttpResponse:
    user = request.user
    objective, retro = closing.get_retrospective(user, objective_id)
    if not GoalViewer.of(user).can_close_out_objective(objective):
        raise NotAllowed("Only the objective's owner and those who may edit it write this.")
    status = 200
    if request.method == "POST":
        form = RetrospectiveForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.save_retrospective(
                    acting_user=user,
                    objective=objective,
                    what_happened=data["what_happened"],
                    in_control=data.get("in_control", ""),
                    learned=data.get("learned", ""),
                    decision=data["decision"],
                )
            except InvalidInput as exc:
                apply_errors(form, exc)
            else:
                if is_htmx(request):
                    objective, retro = closing.get_retrospective(user, objective_id)
                    return render_page(
                        request,
                        "goals/closing/retrospective_block.html",
                        {"objective": objective, "retro": retro, "can": True},
                    )
                messages.success(request, f"Retrospective saved for {objective.title!r}.")
                return redirect(safe_next(request, reverse("objective", args=[objective.pk])))
        status = 422
    else:
        initial = {}
        if retro is not None:
            initial = {
                "what_happened": retro.what_happened,
                "in_control": retro.in_control,
                "learned": retro.learned,
                "decision": retro.decision,
            }
        form = RetrospectiveForm(initial=initial)
    return _form_response(
        request,
        "goals/closing/retrospective_form.html",
        {
            "form": form,
            "objective": objective,
            "next": request.GET.get("next") or request.POST.get("next") or "",
        },
        f"retro-{objective.pk}-slot",
        status,
    )


# ---------------------------------------------------------------------------------------
# Carrying a key result over


@page
@require_http_methods(["GET", "POST"])
def key_result_carry_over(request: SignedInRequest, key_result_id: int) -> HttpResponse:
    user = request.user
    kr = selectors.get_key_result_for_user(user, key_result_id)
    if not GoalViewer.of(user).can_close_out_key_result(kr):
        raise NotAllowed("Only the key result's owner and those who may edit it carry it over.")
    following, targets, copy_label = closing.carry_form_targets(user, kr)
    numeric = kr.kind != "milestone"
    status = 200
    form_kwargs: dict[str, Any] = {
        "copy_label": copy_label or "Into a copy of its objective",
        "targets": targets,
        "numeric": numeric,
    }
    plan = None
    if request.method == "POST":
        form = CarryOverForm(request.POST, **form_kwargs)
        if form.is_valid():
            into = None
            target_id = form.target_objective_id()
            if target_id is not None:
                into = next((t for t in targets if t.pk == target_id), None)
            carry = {
                "acting_user": user,
                "key_result": kr,
                "into_objective": into,
                "title": form.cleaned_data["title"],
                "target_value": form.cleaned_data.get("target_value"),
            }
            try:
                if target_id is not None and into is None:
                    raise InvalidInput.one("into", "Choose one of the objectives listed.")
                # First what it will create and where, then (confirmed) the carry-over.
                if not form.confirmed:
                    plan = actions.plan_carry_over(**carry)
                else:
                    actions.carry_over_key_result(**carry)
            except InvalidInput as exc:
                apply_errors(form, exc, {"objective": "into", "cycle": "into"})
            else:
                if plan is None:
                    if is_htmx(request):
                        return _carry_block(request, kr.pk)
                    messages.success(request, f"{kr.title!r} carried into {following}.")
                    return redirect(
                        safe_next(request, reverse("objective", args=[kr.objective_id]))
                    )
        status = 200 if plan is not None else 422
    else:
        form = CarryOverForm(
            initial={
                "into": "copy",
                "title": kr.title,
                "target_value": None if kr.target_value is None else f"{kr.target_value:g}",
            },
            **form_kwargs,
        )
    start = kr.current_value if kr.current_value is not None else kr.start_value
    return _form_response(
        request,
        "goals/closing/carry_form.html",
        {
            "form": form,
            "kr": kr,
            "following": following,
            "start": start if numeric else None,
            "plan": plan,
            "next": request.GET.get("next") or request.POST.get("next") or "",
        },
        f"carry-{kr.pk}-slot",
        status,
    )


def _carry_block(request: SignedInRequest, pk: int) -> HttpResponse:
    user = request.user
    kr = selectors.get_key_result_for_user(user, pk)
    objective = kr.objective
    page_data = closing.objective_closing(user, objective, [kr])
    return render_page(
        request, "goals/closing/carry_block.html", {"k": page_data.key_results[kr.pk]}
    )


# ---------------------------------------------------------------------------------------
# Calibrated confidence


def _card(
    calibration: grading.Calibration | None,
    *,
    subject: Person | Team,
    cycle: Cycle | None,
    url: str,
    cycles: list[Cycle] | None,
) -> dict[str, Any]:
    return {
        "calibration": calibration,
        "subject": subject,
        "cycle": cycle,
        "url": url,
        "cycles": cycles,
        "audience": (
            f"{subject.name}, their managers and HR"
            if isinstance(subject, Person)
            else "the team's lead, the leads above it, their managers and HR"
        ),
        "method": grading.METHOD,
        "reference": grading.REFERENCE,
        "rule": grading.READING_RULE,
    }


def person_card(request: SignedInRequest, person: Person) -> dict[str, Any] | None:
    """The calibration card for the person page, or None when the viewer may not see it."""
    if not GoalViewer.of(request.user).can_see_calibration_of(person):
        return None
    choices = closing.closed_cycles()
    cycle = closing.calibration_cycle(None, choices)
    result = closing.person_calibration(request.user, person, cycle) if cycle else None
    return _card(
        result,
        subject=person,
        cycle=cycle,
        url=reverse("person-calibration", args=[person.pk]),
        cycles=choices,
    )


def _calibration_page(
    request: SignedInRequest, card: dict[str, Any], title: str, back: str
) -> HttpResponse:
    return render_page(
        request,
        "goals/closing/calibration_page.html",
        {"card": card, "title": title, "back": back},
    )


@page
@require_GET
def person_calibration(request: SignedInRequest, person_id: int) -> HttpResponse:
    try:
        person = get_person_for_user(request.user, person_id)
    except Person.DoesNotExist:
        raise NotFound("No such person.") from None
    if not GoalViewer.of(request.user).can_see_calibration_of(person):
        raise NotFound("No such person.")
    choices = closing.closed_cycles()
    cycle = closing.calibration_cycle(request.GET.get("cycle"), choices)
    result = closing.person_calibration(request.user, person, cycle) if cycle else None
    card = _card(
        result,
        subject=person,
        cycle=cycle,
        url=reverse("person-calibration", args=[person.pk]),
        cycles=choices,
    )
    return _calibration_page(
        request, card, f"Calibrated confidence: {person.name}", reverse("person", args=[person.pk])
    )


@page
@require_GET
def team_calibration(request: SignedInRequest, team_id: int) -> HttpResponse:
    try:
        team = get_team_for_user(request.user, team_id)
    except Team.DoesNotExist:
        raise NotFound("No such team.") from None
    if not GoalViewer.of(request.user).can_see_team_calibration(team):
        raise NotFound("No such team.")
    choices = closing.closed_cycles()
    cycle = closing.calibration_cycle(request.GET.get("cycle"), choices)
    result = closing.team_calibration(request.user, team, cycle) if cycle else None
    card = _card(
        result,
        subject=team,
        cycle=cycle,
        url=reverse("team-calibration", args=[team.pk]),
        cycles=choices,
    )
    return _calibration_page(
        request, card, f"Calibrated confidence: {team.name}", reverse("team", args=[team.pk])
    )
