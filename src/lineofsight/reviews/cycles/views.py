"""Pages for review cycles.

* ``/reviews/cycles/``: the cycles that concern me (HR: all of them, drafts included).
* ``/reviews/cycles/new/``: HR creates a draft cycle; ``population/`` previews its size.
* ``/reviews/cycles/<id>/``: deadlines, the phase today, progress per phase over the reviews
  I may open, and for HR the table of reviews with their state.
* ``/reviews/cycles/<id>/launch/`` and ``close/``: HR's confirmation steps.
* ``/reviews/cycles/<id>/ratings.csv``: HR's ratings export, streamed.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods

from lineofsight.core import words
from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.core.web import SignedInRequest, apply_errors, page, render_page
from lineofsight.goals.models import Cycle
from lineofsight.reviews import policy
from lineofsight.reviews.access import ReviewViewer
from lineofsight.reviews.cycles import actions, export, selectors
from lineofsight.reviews.cycles.default_template import DEFAULT_TEMPLATE_NAME
from lineofsight.reviews.cycles.forms import ReviewCycleForm
from lineofsight.reviews.cycles.population import cycle_population, population_people
from lineofsight.reviews.cycles.scales import PHASES, scale_label
from lineofsight.reviews.formula import PART_LABELS, describe
from lineofsight.reviews.models import Review, ReviewCycle, ReviewTemplate

REVIEWS_PER_PAGE = 100


def _require_hr(request: SignedInRequest) -> None:
    if not ReviewViewer.of(request.user).can_manage_reviews():
        raise NotAllowed("Only HR admins manage review cycles.")


def _cycle(request: SignedInRequest, cycle_id: int) -> ReviewCycle:
    return selectors.get_review_cycle_for_user(request.user, cycle_id)


@page
@require_GET
def cycle_list(request: SignedInRequest) -> HttpResponse:
    cycles = list(selectors.review_cycles_for_list(request.user))
    today = selectors.organisation_today()
    rows = [(c, selectors.cycle_phase(c, today)) for c in cycles]
    return render_page(
        request,
        "reviews/cycles/cycle_list.html",
        {
            "nav": "reviews",
            "rows": rows,
            "is_hr": ReviewViewer.of(request.user).can_manage_reviews(),
        },
    )


def _form_initial() -> dict[str, Any]:
    """The latest closed quarter under review, the quarter after it next, the standard
    template, and the organisation's policy."""
    closed = (
        Cycle.objects.filter(kind=Cycle.Kind.QUARTER, state=Cycle.State.CLOSED)
        .order_by("-end_date")
        .first()
    )
    following = (
        Cycle.objects.filter(kind=Cycle.Kind.QUARTER, start_date__gt=closed.end_date)
        .order_by("start_date")
        .first()
        if closed is not None
        else None
    )
    template = ReviewTemplate.objects.filter(name=DEFAULT_TEMPLATE_NAME, archived=False).first()
    return {
        "goal_cycle": closed,
        "next_goal_cycle": following,
        "template": template,
        "policy_mode": policy.policy_in_force().mode,
        "anonymous_upward_feedback": True,
        "kind": ReviewCycle.Kind.QUARTER,
        "population": ReviewCycle.Population.ORGANISATION,
    }


@page
@require_http_methods(["GET", "POST"])
def cycle_new(request: SignedInRequest) -> HttpResponse:
    _require_hr(request)
    status = 200
    if request.method == "POST":
        form = ReviewCycleForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                cycle = actions.create_review_cycle(
                    acting_user=request.user,
                    name=data["name"],
                    kind=data["kind"],
                    goal_cycle=data["goal_cycle"],
                    next_goal_cycle=data["next_goal_cycle"],
                    template=data["template"],
                    population=data["population"],
                    population_teams=data["population_teams"],
                    population_people=form.people,
                    anonymous_peer_feedback=data["anonymous_peer_feedback"],
                    anonymous_upward_feedback=data["anonymous_upward_feedback"],
                    policy_mode=data["policy_mode"],
                    formula_weights=form.weights(),
                    **{f: data[f] for f in ReviewCycleForm.deadline_fields},
                )
            except InvalidInput as exc:
                field_map = {
                    f"formula_weights.{part}": f"weight_{part}" for part in actions.FORMULA_PARTS
                }
                field_map["formula_weights"] = "weight_okr_attainment"
                apply_errors(form, exc, field_map)
            else:
                messages.success(
                    request, f"{cycle.name} is saved as a draft. Check it, then launch it."
                )
                return redirect("review-cycle", cycle.pk)
        status = 422
    else:
        form = ReviewCycleForm(initial=_form_initial())
    return render_page(
        request,
        "reviews/cycles/cycle_form.html",
        {
            "nav": "reviews",
            "form": form,
            "policy": policy.policy_in_force(),
            "deadline_fields": [form[f] for f in ReviewCycleForm.deadline_fields],
            "weight_fields": [form[f] for f in ReviewCycleForm.weight_fields],
        },
        status=status,
    )


@page
@require_GET
def population_preview(request: SignedInRequest) -> HttpResponse:
    """How many people a population would cover (the create form asks as it changes)."""
    _require_hr(request)
    form = ReviewCycleForm(request.GET)
    form.is_valid()  # only the population fields matter here
    data = getattr(form, "cleaned_data", {})
    field, error = next(
        (
            (name, form.errors[name][0])
            for name in ("population_teams", "population_people")
            if name in form.errors
        ),
        ("", ""),
    )
    size = None
    if not error:
        size = population_people(
            population=data.get("population") or request.GET.get("population", ""),
            teams=data.get("population_teams") or [],
            people=form.people,
        ).count()
    label = form.fields[field].label if field else ""
    return render_page(
        request,
        "reviews/cycles/population_preview.html",
        {"size": size, "error": f"{label}: {error}" if error else ""},
        status=422 if error else 200,
    )


@page
@require_GET
def cycle_detail(request: SignedInRequest, cycle_id: int) -> HttpResponse:
    cycle = _cycle(request, cycle_id)
    viewer = ReviewViewer.of(request.user)
    is_hr = viewer.can_manage_reviews()
    context: dict[str, Any] = {
        "nav": "reviews",
        "cycle": cycle,
        "is_hr": is_hr,
        "phase": selectors.cycle_phase(cycle),
        "deadlines": [(label, getattr(cycle, field)) for field, _, label in PHASES],
        "weights": [
            (PART_LABELS.get(part, part), weight) for part, weight in cycle.formula_weights.items()
        ],
        "formula_text": describe(cycle.formula_weights)
        if cycle.policy_mode == "formula" and cycle.formula_weights
        else "",
    }
    if cycle.state == ReviewCycle.State.DRAFT:
        context["population_size"] = cycle_population(cycle).count()
        context["teams"] = list(cycle.population_teams.all())
    else:
        progress = selectors.cycle_progress(request.user, cycle)
        context["progress"] = progress
        if is_hr:
            state = request.GET.get("state", "")
            if state not in Review.State.values:
                state = ""
            paginator = Paginator(
                selectors.cycle_reviews(request.user, cycle, state), REVIEWS_PER_PAGE
            )
            page_obj = paginator.get_page(request.GET.get("page"))
            for review in page_obj:
                review.rating_label = scale_label(cycle.rating_scale, review.rating)  # type: ignore[attr-defined]
            context["page_obj"] = page_obj
            context["state_filter"] = state
            context["states"] = Review.State.choices
    return render_page(request, "reviews/cycles/cycle_detail.html", context)


@page
@require_http_methods(["GET", "POST"])
def cycle_launch(request: SignedInRequest, cycle_id: int) -> HttpResponse:
    cycle = _cycle(request, cycle_id)  # drafts are HR's: 404 for everyone else
    _require_hr(request)
    error = ""
    if request.method == "POST":
        try:
            actions.launch_review_cycle(review_cycle=cycle, acting_user=request.user)
        except InvalidInput as exc:
            error = exc.summary()
        else:
            created = words.count(cycle.reviews.count(), "review")
            messages.success(request, f"{cycle.name} is open: {created} created.")
            return redirect("review-cycle", cycle.pk)
    return render_page(
        request,
        "reviews/cycles/cycle_launch.html",
        {
            "nav": "reviews",
            "cycle": cycle,
            "error": error,
            "population_size": cycle_population(cycle).count()
            if cycle.state == ReviewCycle.State.DRAFT
            else None,
        },
        status=422 if error else 200,
    )


@page
@require_http_methods(["GET", "POST"])
def cycle_close(request: SignedInRequest, cycle_id: int) -> HttpResponse:
    cycle = _cycle(request, cycle_id)
    _require_hr(request)
    error = ""
    if request.method == "POST":
        try:
            actions.close_review_cycle(review_cycle=cycle, acting_user=request.user)
        except InvalidInput as exc:
            error = exc.summary()
        else:
            messages.success(request, f"{cycle.name} is closed: everything in it is read-only.")
            return redirect("review-cycle", cycle.pk)
    return render_page(
        request,
        "reviews/cycles/cycle_close.html",
        {
            "nav": "reviews",
            "cycle": cycle,
            "error": error,
            "progress": selectors.cycle_progress(request.user, cycle)
            if cycle.state == ReviewCycle.State.OPEN
            else None,
        },
        status=422 if error else 200,
    )


@page
@require_GET
def ratings_csv(request: SignedInRequest, cycle_id: int) -> HttpResponse:
    cycle = _cycle(request, cycle_id)
    _require_hr(request)
    response = StreamingHttpResponse(
        export.ratings_csv(request.user, cycle), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{export.ratings_filename(cycle)}"'
    response["Cache-Control"] = "private, no-store"
    # Streamed: the views' decorators are typed for HttpResponse, which it stands in for.
    return cast(HttpResponse, response)
