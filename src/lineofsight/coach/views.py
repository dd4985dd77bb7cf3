"""The coach's pages: alignment health, quality cards, acknowledging a finding.

Thin: each view resolves what the URL names through the access policy (missing and
forbidden both answer 404), asks ``coach.selectors`` / ``coach_health`` for the
findings and writes through ``coach.actions``. The quality cards are fragments the
objective page and the team page load after themselves (htmx), so those pages stay as fast
as they were. The checks run while an objective or key result is being written live in
``coach.drafts``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lineofsight.coach import actions as coach_actions
from lineofsight.coach.health import health
from lineofsight.coach.limits import coach_rules
from lineofsight.coach.selectors import (
    FindingRow,
    acknowledgeable,
    current_finding,
    get_acknowledgement_for_user,
    objective_coaching,
    resolve_cycle,
    subject_of,
    team_coaching,
)
from lineofsight.core.errors import InvalidInput, NotAllowed, NotFound
from lineofsight.core.web import SignedInRequest, is_htmx, page, render_page, safe_next
from lineofsight.goals import selectors as goal_selectors
from lineofsight.goals.models import Cycle
from lineofsight.people import actions as people_actions
from lineofsight.people.models import Team


def _cycle(request: SignedInRequest) -> Cycle | None:
    return resolve_cycle(request.user, request.GET.get("cycle") or request.POST.get("cycle"))


def _cycles(request: SignedInRequest) -> list[Cycle]:
    return list(goal_selectors.cycles_for_user(request.user).order_by("-start_date", "end_date"))


# ---------------------------------------------------------------------------------------
# Alignment health


def _health_page(request: SignedInRequest, department: Team | None) -> HttpResponse:
    cycle = _cycle(request)
    data = health(request.user, cycle, department=department) if cycle else None
    allowed = acknowledgeable(request.user, [*data.top, *data.acknowledged]) if data else set()
    return render_page(
        request,
        "coach/health.html",
        {
            "nav": "health",
            "cycle": cycle,
            "cycles": _cycles(request),
            "department": department,
            "data": data,
            "allowed": allowed,
            "here": request.get_full_path(),
        },
    )


@page
@require_GET
def health_page(request: SignedInRequest) -> HttpResponse:
    """``/health/``: the whole organisation, or ``?department=<id>``."""
    raw = request.GET.get("department")
    department = subject_of(request.user, "team", raw) if raw else None
    return _health_page(request, department)


@page
@require_GET
def health_department(request: SignedInRequest, team_id: int) -> HttpResponse:
    return _health_page(request, subject_of(request.user, "team", team_id))


# ---------------------------------------------------------------------------------------
# Quality cards (fragments loaded by the objective page and the team page)


@page
@require_GET
def objective_card(request: SignedInRequest, objective_id: int) -> HttpResponse:
    objective = goal_selectors.get_objective_for_user(request.user, objective_id)
    coaching = objective_coaching(request.user, objective)
    return render_page(
        request,
        "coach/objective_card.html",
        {
            "objective": objective,
            "coaching": coaching,
            "allowed": acknowledgeable(request.user, coaching.rows),
            "cycle_id": objective.cycle_id,
            "here": reverse("objective", args=[objective.pk]),
        },
    )


@page
@require_GET
def team_card(request: SignedInRequest, team_id: int) -> HttpResponse:
    team = subject_of(request.user, "team", team_id)
    cycle = _cycle(request)
    coaching = team_coaching(request.user, team, cycle) if cycle else None
    return render_page(
        request,
        "coach/team_card.html",
        {
            "team": team,
            "cycle": cycle,
            "coaching": coaching,
            "allowed": acknowledgeable(request.user, coaching.rows) if coaching else set(),
            "here": reverse("team", args=[team.pk]),
        },
    )


# ---------------------------------------------------------------------------------------
# Acknowledging and reopening


def _finding_fragment(
    request: SignedInRequest,
    row: FindingRow,
    cycle: Cycle,
    *,
    errors: dict[str, list[str]] | None = None,
    reason: str = "",
    status: int = 200,
) -> HttpResponse:
    return render_page(
        request,
        "coach/finding.html",
        {
            "row": row,
            "cycle_id": cycle.pk,
            "allowed": acknowledgeable(request.user, [row]),
            "errors": errors or {},
            "reason": reason,
            "open_form": bool(errors),
            "here": safe_next(request, reverse("coach-health")),
        },
        status=status,
    )


@page
@require_http_methods(["GET", "POST"])
def acknowledge(request: SignedInRequest) -> HttpResponse:
    """GET: the form for one finding (``cycle``, ``code``, ``subject``, ``subject_id``);
    POST: acknowledge it with a reason. htmx requests get the finding's row back."""
    data = request.POST if request.method == "POST" else request.GET
    user = request.user
    cycle = resolve_cycle(user, data.get("cycle"))
    if cycle is None:
        raise NotFound("No such cycle.")
    code, kind = data.get("code", ""), data.get("subject", "")
    subject = subject_of(user, kind, data.get("subject_id"))
    errors: dict[str, list[str]] = {}
    reason = data.get("reason", "")
    if request.method == "POST":
        try:
            coach_actions.acknowledge_finding(
                acting_user=user,
                cycle=cycle,
                code=code,
                subject=kind,
                subject_id=subject.pk,
                reason=reason,
            )
        except InvalidInput as exc:
            errors = exc.errors
        else:
            if is_htmx(request):
                fresh = current_finding(user, cycle, code, kind, subject)
                if fresh is not None:
                    return _finding_fragment(request, fresh, cycle)
            messages.success(
                request, "Acknowledged: the finding stops nagging; the reason is kept."
            )
            return redirect(safe_next(request, reverse("coach-health")))
    row = current_finding(user, cycle, code, kind, subject)
    if row is None and not errors:
        raise NotFound("No such finding.")
    if is_htmx(request) and row is not None:
        return _finding_fragment(
            request, row, cycle, errors=errors, reason=reason, status=422 if errors else 200
        )
    return render_page(
        request,
        "coach/acknowledge.html",
        {
            "nav": "health",
            "row": row,
            "cycle": cycle,
            "code": code,
            "kind": kind,
            "subject_id": subject.pk,
            "errors": errors,
            "reason": reason,
            "next": safe_next(request, reverse("coach-health")),
        },
        status=422 if errors else 200,
    )


@page
@require_POST
def reopen(request: SignedInRequest, acknowledgement_id: int) -> HttpResponse:
    user = request.user
    ack = get_acknowledgement_for_user(user, acknowledgement_id)
    errors: dict[str, list[str]] = {}
    try:
        coach_actions.reopen_finding(
            acting_user=user, acknowledgement=ack, reason=request.POST.get("reason", "")
        )
    except InvalidInput as exc:
        errors = exc.errors
    subject = subject_of(user, ack.subject_kind, ack.subject_id)
    if is_htmx(request):
        row = current_finding(user, ack.cycle, ack.code, ack.subject_kind, subject)
        if row is not None:
            return _finding_fragment(
                request, row, ack.cycle, errors=errors, status=422 if errors else 200
            )
        return HttpResponse("", status=422 if errors else 200)
    if errors:
        for field_errors in errors.values():
            for message in field_errors:
                messages.error(request, message)
    else:
        messages.success(request, "Reopened: the finding nags again; the acknowledgement is kept.")
    return redirect(safe_next(request, reverse("coach-health")))


# ---------------------------------------------------------------------------------------
# The rules and their limits


def _parse_limits(data: Any) -> tuple[dict[str, float | int], dict[str, list[str]]]:
    """The limits a form sent, as numbers, and the fields that are not numbers at all."""
    changes: dict[str, float | int] = {}
    errors: dict[str, list[str]] = {}
    shares = {name for name, _, _, _ in people_actions.COACH_SHARES}
    for name in people_actions.COACH_FIELDS:
        raw = (data.get(name) or "").strip()
        if not raw:
            continue
        try:
            changes[name] = float(raw) if name in shares else int(raw)
        except ValueError:
            kind = "a number such as 0.8" if name in shares else "a whole number"
            errors[name] = [f"Give {kind}."]
    return changes, errors


@page
@require_http_methods(["GET", "POST"])
def rules_page(request: SignedInRequest) -> HttpResponse:
    """``/coach/rules/``: every check and its limits; HR changes the limits here."""
    user = request.user
    can_edit = bool(user.is_hr_admin)
    errors: dict[str, list[str]] = {}
    sent: dict[str, str] = {}
    if request.method == "POST":
        if not can_edit:
            raise NotAllowed("Only HR admins can change the coach's limits.")
        sent = {name: request.POST.get(name, "") for name in people_actions.COACH_FIELDS}
        changes, errors = _parse_limits(request.POST)
        if not errors:
            try:
                people_actions.update_coach_settings(acting_user=user, **changes)
            except InvalidInput as exc:
                errors = exc.errors
            else:
                messages.success(request, "Saved: the coach applies the new limits from now on.")
                return redirect(reverse("coach-rules"))
    rules = [
        {
            "rule": rule,
            "limits": [
                {
                    "row": row,
                    "value": sent.get(row.name, "") if sent else f"{row.value:g}",
                    "errors": errors.get(row.name, []),
                }
                for row in rule.limits
            ],
        }
        for rule in coach_rules()
    ]
    return render_page(
        request,
        "coach/rules.html",
        {
            "nav": "health",
            "rules": rules,
            "can_edit": can_edit,
            "errors": errors,
            "other_errors": errors.get("__all__", []),
        },
        status=422 if errors else 200,
    )
