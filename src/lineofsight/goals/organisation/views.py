"""The organisation hub and HR's cycles page.

* ``/organisation/``: how many people, teams and cycles there are, with links to each page,
  to the organisation's settings and to the org chart's import and export.
* ``/organisation/cycles/``: every cycle with what HR may do next: edit it, open it (planning
  to active), close it (the close-out's confirmation page, ``goals.closing``);
  ``new/`` adds the next quarter, its name and dates filled in (the quarter after the latest
  one); ``<id>/`` edits a cycle's name, dates and cadence.

Everyone but HR gets 403; writes go through ``goals.actions``.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.core.web import SignedInRequest, apply_errors, page, render_page
from lineofsight.goals import actions, selectors
from lineofsight.goals.access import GoalViewer
from lineofsight.goals.models import Cycle
from lineofsight.goals.organisation.forms import CycleForm
from lineofsight.people.models import Person, Team

NAV = "organisation"
IMPORT_URL = "/organisation/import/"
EXPORT_URL = "/organisation/export/"


def _require_hr(request: SignedInRequest) -> None:
    if not GoalViewer.of(request.user).can_manage_people():
        raise NotAllowed("Only HR admins run the organisation.")


@page
@require_GET
def hub(request: SignedInRequest) -> HttpResponse:
    _require_hr(request)
    people = Person.objects.aggregate(
        active=Count("pk", filter=Q(is_active=True)),
        inactive=Count("pk", filter=Q(is_active=False)),
    )
    cycles = dict(
        Cycle.objects.order_by()
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    return render_page(
        request,
        "goals/organisation/hub.html",
        {
            "nav": NAV,
            "people": people,
            "team_count": Team.objects.count(),
            "cycles": cycles,
            "current": selectors.current_cycle(),
            "import_url": IMPORT_URL,
            "export_url": EXPORT_URL,
        },
    )


@page
@require_GET
def cycle_list(request: SignedInRequest) -> HttpResponse:
    _require_hr(request)
    cycles = list(
        Cycle.objects.select_related("parent")
        .annotate(objective_count=Count("objectives"))
        .order_by("-start_date", "end_date", "pk")
    )
    return render_page(request, "goals/organisation/cycles.html", {"nav": NAV, "cycles": cycles})


def _form_page(
    request: SignedInRequest, form: CycleForm, cycle: Cycle | None, status: int = 200
) -> HttpResponse:
    return render_page(
        request,
        "goals/organisation/cycle_form.html",
        {"nav": NAV, "form": form, "cycle": cycle},
        status=status,
    )


@page
@require_http_methods(["GET", "POST"])
def cycle_new(request: SignedInRequest) -> HttpResponse:
    """The next quarter: its name and dates proposed, its year made when there is none."""
    _require_hr(request)
    if request.method != "POST":
        today = timezone.localdate()
        name, start, end = actions.next_quarter_dates(today)
        latest = Cycle.objects.filter(kind=Cycle.Kind.QUARTER).order_by("-end_date").first()
        initial = {
            "name": name,
            "start_date": start,
            "end_date": end,
            "check_in_cadence": latest.check_in_cadence if latest else "weekly",
        }
        return _form_page(request, CycleForm(initial=initial), None)
    form = CycleForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            cycle = actions.create_quarter(
                acting_user=request.user,
                name=data["name"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                check_in_cadence=data["check_in_cadence"],
            )
        except InvalidInput as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                f"Added {cycle.name} in {cycle.parent.name if cycle.parent else ''}, "
                "in planning: open it when it starts.",
            )
            return redirect("org-cycles")
    return _form_page(request, form, None, status=422)


@page
@require_http_methods(["GET", "POST"])
def cycle_edit(request: SignedInRequest, cycle_id: int) -> HttpResponse:
    _require_hr(request)
    cycle = Cycle.objects.select_related("parent").get(pk=cycle_id)
    if request.method != "POST":
        initial = {
            "name": cycle.name,
            "start_date": cycle.start_date,
            "end_date": cycle.end_date,
            "check_in_cadence": cycle.check_in_cadence,
        }
        return _form_page(request, CycleForm(initial=initial), cycle)
    form = CycleForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.update_cycle(acting_user=request.user, cycle=cycle, **data)
        except InvalidInput as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Saved {data['name']}.")
            return redirect("org-cycles")
    return _form_page(request, form, cycle, status=422)


@page
@require_POST
def cycle_open(request: SignedInRequest, cycle_id: int) -> HttpResponse:
    _require_hr(request)
    cycle = Cycle.objects.get(pk=cycle_id)
    try:
        actions.set_cycle_state(acting_user=request.user, cycle=cycle, state=Cycle.State.ACTIVE)
    except InvalidInput as exc:
        messages.error(request, exc.summary())
    else:
        messages.success(request, f"{cycle.name} is open: its owners can check in.")
    return redirect("org-cycles")
