"""Pages for calibration.

* ``/reviews/calibration/``: the sessions I take part in (HR: all of them).
* ``/reviews/calibration/new/`` and ``<id>/edit/``: HR sets up a session (a draft can change).
* ``/reviews/calibration/<id>/``: the session: distribution (over everyone, per team, per
  manager; groups under four show their size only), the 9-box grid, the people with their
  flags, the managers' means and the change log. Facilitators and participants see the
  people of the session but never themselves; HR sees everyone.
* ``<id>/state/``: the facilitator (or HR) opens and completes the session.
* ``<id>/reviews/<review id>/move/`` and ``explain/``: move a rating or potential with a
  reason, and explain a flag, while the session is live (the facilitator and HR).
* ``<id>/distribution.csv``: the distribution as CSV, small groups hidden as on the page.
* ``/reviews/calibration/rules/`` and ``rules/<code>/``: HR's flag rules.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lineofsight.core.errors import InvalidInput, NotAllowed, NotFound
from lineofsight.core.parsing import as_id
from lineofsight.core.web import SignedInRequest, apply_errors, page, render_page
from lineofsight.people.models import Person, Team
from lineofsight.reviews.access import ReviewViewer
from lineofsight.reviews.calibration import actions, rules
from lineofsight.reviews.calibration import selectors as calibration
from lineofsight.reviews.calibration.forms import ExplainForm, MoveForm, RuleForm, SessionForm
from lineofsight.reviews.cycles.export import safe_cell
from lineofsight.reviews.models import CalibrationSession, RatingChange, Review, ReviewCycle

FORM_PAGE = "goals/form_page.html"


def _require_hr(request: SignedInRequest) -> None:
    if not ReviewViewer.of(request.user).can_manage_reviews():
        raise NotAllowed("Only HR admins set up calibration sessions and rules.")


def _session(request: SignedInRequest, session_id: int) -> CalibrationSession:
    return calibration.get_session_for_user(request.user, session_id)


def _session_url(session: CalibrationSession, anchor: str = "") -> str:
    return reverse("calibration-session", args=[session.pk]) + (f"#{anchor}" if anchor else "")


# ---------------------------------------------------------------------------------------
# Sessions


@page
@require_GET
def session_list(request: SignedInRequest) -> HttpResponse:
    viewer = ReviewViewer.of(request.user)
    return render_page(
        request,
        "reviews/calibration/session_list.html",
        {
            "nav": "reviews",
            "sessions": list(calibration.sessions_for_list(request.user)),
            "is_hr": viewer.can_manage_reviews(),
        },
    )


def _session_form(request: SignedInRequest, fixed_cycle: bool, **kwargs: Any) -> SessionForm:
    return SessionForm(
        request.POST if request.method == "POST" else None,
        cycles=ReviewCycle.objects.filter(state=ReviewCycle.State.OPEN).order_by("name"),
        people=Person.objects.filter(is_active=True).order_by("display_name", "username"),
        teams=Team.objects.order_by("path", "name"),
        fixed_cycle=fixed_cycle,
        **kwargs,
    )


def _form_page(
    request: SignedInRequest,
    form: Any,
    *,
    heading: str,
    intro: str,
    action: str,
    cancel: str,
    submit: str,
    status: int,
) -> HttpResponse:
    return render_page(
        request,
        FORM_PAGE,
        {
            "nav": "reviews",
            "form": form,
            "heading": heading,
            "intro": intro,
            "action": action,
            "submit_label": submit,
            "cancel_url": cancel,
        },
        status=status,
    )


def _session_fields(form: SessionForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "name": data["name"],
        "facilitator": data["facilitator"],
        "participants": list(data.get("participants") or []),
        "population_teams": list(data.get("population_teams") or []),
        "grid": data["grid"],
    }


@page
@require_http_methods(["GET", "POST"])
def session_new(request: SignedInRequest) -> HttpResponse:
    _require_hr(request)
    initial: dict[str, Any] = {"grid": CalibrationSession.Grid.RATING_ATTAINMENT}
    wanted = as_id(request.GET.get("cycle", ""))
    if wanted is not None:
        initial["review_cycle"] = wanted
    form = _session_form(request, False, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                session = actions.create_session(
                    acting_user=request.user,
                    review_cycle=form.cleaned_data["review_cycle"],
                    **_session_fields(form),
                )
            except InvalidInput as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request, f"{session.name} is set up as a draft; open it when you start."
                )
                return redirect("calibration-session", session.pk)
        status = 422
    return _form_page(
        request,
        form,
        heading="New calibration session",
        intro="Managers compare ratings across teams for one population, with OKR "
        "attainment as the primary evidence.",
        action=reverse("calibration-session-new"),
        cancel=reverse("calibration-sessions"),
        submit="Set up the session",
        status=status,
    )


@page
@require_http_methods(["GET", "POST"])
def session_edit(request: SignedInRequest, session_id: int) -> HttpResponse:
    session = _session(request, session_id)
    _require_hr(request)
    form = _session_form(
        request,
        True,
        initial={
            "name": session.name,
            "facilitator": session.facilitator_id,
            "participants": list(session.participants.values_list("pk", flat=True)),
            "population_teams": list(session.population_teams.values_list("pk", flat=True)),
            "grid": session.grid,
        },
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.update_session(
                    acting_user=request.user, session=session, **_session_fields(form)
                )
            except InvalidInput as exc:
                apply_errors(form, exc, {"state": "__all__"})
            else:
                messages.success(request, f"{form.cleaned_data['name']} is saved.")
                return redirect("calibration-session", session.pk)
        status = 422
    return _form_page(
        request,
        form,
        heading=f"Change {session.name}",
        intro="A draft session can change; its people are worked out again from the teams.",
        action=reverse("calibration-session-edit", args=[session.pk]),
        cancel=_session_url(session),
        submit="Save",
        status=status,
    )


@page
@require_GET
def session_detail(request: SignedInRequest, session_id: int) -> HttpResponse:
    session = _session(request, session_id)
    data = calibration.board(request.user, session)
    return render_page(
        request,
        "reviews/calibration/session.html",
        {
            "nav": "reviews",
            "session": session,
            "board": data,
            "is_hr": ReviewViewer.of(request.user).can_manage_reviews(),
            "me": request.user.pk,
        },
    )


@page
@require_POST
def session_state(request: SignedInRequest, session_id: int) -> HttpResponse:
    session = _session(request, session_id)
    if not ReviewViewer.of(request.user).can_facilitate(session):
        raise NotAllowed("Only the session's facilitator and HR change its state.")
    wanted = request.POST.get("state", "")
    try:
        session = actions.set_session_state(acting_user=request.user, session=session, state=wanted)
    except InvalidInput as exc:
        messages.error(request, exc.summary())
        return redirect("calibration-session", session.pk)
    messages.success(request, f"{session.name} is {session.get_state_display().lower()}.")
    return redirect("calibration-session", session.pk)


def _calibrated_review(
    request: SignedInRequest, session_id: int, review_id: int
) -> tuple[CalibrationSession, Review]:
    session = _session(request, session_id)
    review = calibration.get_session_review(request.user, session, review_id)
    if not ReviewViewer.of(request.user).can_calibrate(session, review):
        raise NotAllowed("Only the session's facilitator and HR move ratings and explain flags.")
    return session, review


@page
@require_http_methods(["GET", "POST"])
def session_move(request: SignedInRequest, session_id: int, review_id: int) -> HttpResponse:
    session, review = _calibrated_review(request, session_id, review_id)
    cycle = session.review_cycle
    field = request.POST.get("field") or request.GET.get("field") or RatingChange.Field.RATING
    if field not in RatingChange.Field.values or (
        field == RatingChange.Field.POTENTIAL and not cycle.rate_potential
    ):
        field = RatingChange.Field.RATING
    scale = (
        calibration.potential_scale_of(cycle)
        if field == RatingChange.Field.POTENTIAL
        else calibration.scale_of(cycle)
    )
    current = getattr(review, field)
    form = MoveForm(
        request.POST if request.method == "POST" else None,
        scale=scale,
        label=f"New {field}",
        initial={"value": current},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.move_rating(
                    acting_user=request.user,
                    session=session,
                    review=review,
                    field=field,
                    value=form.cleaned_data["value"],
                    reason=form.cleaned_data["reason"],
                )
            except InvalidInput as exc:
                apply_errors(form, exc, {"state": "__all__", "field": "__all__"})
            else:
                messages.success(
                    request,
                    f"{review.subject.name}: {field} {scale.label(current)} -> "
                    f"{scale.label(form.cleaned_data['value'])}.",
                )
                return redirect(_session_url(session, f"review-{review.pk}"))
        status = 422
    action = reverse("calibration-move", args=[session.pk, review.pk])
    return _form_page(
        request,
        form,
        heading=f"Move {review.subject.name}'s {field}",
        intro=f"Now {scale.label(current)}. The change is logged with your name, the time, "
        "the old and the new value and your reason.",
        action=f"{action}?field={field}",
        cancel=_session_url(session, f"review-{review.pk}"),
        submit=f"Move the {field}",
        status=status,
    )


@page
@require_http_methods(["GET", "POST"])
def session_explain(request: SignedInRequest, session_id: int, review_id: int) -> HttpResponse:
    session, review = _calibrated_review(request, session_id, review_id)
    rows = calibration.load_rows(
        session, visible=ReviewViewer.of(request.user).calibration_review_filter()
    )
    calibration.apply_rules(
        rows, calibration.scale_of(session.review_cycle), calibration.rules_in_force()
    )
    row = next((r for r in rows if r.review_id == review.pk), None)
    flags = row.flags if row is not None else []
    form = ExplainForm(
        request.POST if request.method == "POST" else None,
        flags=flags,
        initial={"rule": request.GET.get("rule", "")},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.explain_flag(
                    acting_user=request.user,
                    session=session,
                    review=review,
                    rule=form.cleaned_data["rule"],
                    text=form.cleaned_data["text"],
                )
            except InvalidInput as exc:
                apply_errors(form, exc, {"state": "__all__"})
            else:
                messages.success(request, f"Explanation saved for {review.subject.name}.")
                return redirect(_session_url(session, f"review-{review.pk}"))
        status = 422
    reasons = " ".join(f.reason for f in flags) or "This rating has no flag to explain."
    return _form_page(
        request,
        form,
        heading=f"Explain the flag on {review.subject.name}'s rating",
        intro=reasons,
        action=reverse("calibration-explain", args=[session.pk, review.pk]),
        cancel=_session_url(session, f"review-{review.pk}"),
        submit="Save the explanation",
        status=status,
    )


@page
@require_GET
def session_export(request: SignedInRequest, session_id: int) -> HttpResponse:
    """The distribution as CSV: over everyone, per team, per manager; groups smaller than
    four show their size only, as on the page."""
    session = _session(request, session_id)
    data = calibration.board(request.user, session)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    levels = [f"level_{v}" for v in data.scale.values]
    writer.writerow(["scope", "group", "people", "rated", "mean", *levels, "note"])
    for scope, groups in (
        ("session", [data.overall]),
        ("team", data.by_team),
        ("manager", data.by_manager),
    ):
        for g in groups:
            if g.hidden:
                counts = [""] * len(levels)
                mean = ""
                note = f"fewer than {data.minimum} people: mean and counts hidden"
            else:
                counts = [str(level.count) for level in g.levels]
                mean = "" if g.mean is None else f"{g.mean:.2f}"
                note = ""
            rated = "" if g.hidden else str(g.rated)
            writer.writerow([scope, safe_cell(g.name), g.people, rated, mean, *counts, note])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="calibration-{session.pk}-distribution.csv"'
    )
    return response


# ---------------------------------------------------------------------------------------
# Rules


@page
@require_GET
def rule_list(request: SignedInRequest) -> HttpResponse:
    _require_hr(request)
    return render_page(
        request,
        "reviews/calibration/rules.html",
        {"nav": "reviews", "rows": calibration.rule_rows()},
    )


@page
@require_http_methods(["GET", "POST"])
def rule_edit(request: SignedInRequest, code: str) -> HttpResponse:
    _require_hr(request)
    definition = rules.DEFINITIONS.get(code)
    if definition is None:
        raise NotFound("No such rule.")
    setting = next(r.setting for r in calibration.rule_rows() if r.definition.code == code)
    form = RuleForm(
        request.POST if request.method == "POST" else None,
        definition=definition,
        initial={
            "enabled": setting.enabled,
            "requires_explanation": setting.requires_explanation,
            **setting.params,
        },
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            params = form.params()
            try:
                actions.update_rule(
                    acting_user=request.user,
                    code=code,
                    enabled=form.cleaned_data["enabled"],
                    requires_explanation=form.cleaned_data["requires_explanation"],
                    params=params,
                )
            except InvalidInput as exc:
                renamed = {k.removeprefix("params."): v for k, v in exc.errors.items()}
                apply_errors(form, InvalidInput(renamed))
            else:
                messages.success(request, f"Saved the rule {definition.title!r}.")
                return redirect("calibration-rules")
        status = 422
    return _form_page(
        request,
        form,
        heading=definition.title,
        intro=definition.description,
        action=reverse("calibration-rule", args=[code]),
        cancel=reverse("calibration-rules"),
        submit="Save the rule",
        status=status,
    )
