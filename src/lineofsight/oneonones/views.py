"""One-on-one pages: my one-on-ones, setting one up, a series (its rule, its meetings,
ending it) and a meeting (agenda, since last time, shared notes, action items, my private
note). Every form posts to its own URL and comes back to the page, so it all works without
JavaScript. Anyone but the two participants gets "not found"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lineofsight.core.errors import InvalidInput, NotFound
from lineofsight.core.web import SignedInRequest, apply_errors, page, render_page
from lineofsight.oneonones import actions, schedule, selectors
from lineofsight.oneonones.access import OneOnOneViewer
from lineofsight.oneonones.forms import (
    ActionItemForm,
    AgendaForm,
    MoveForm,
    NotesForm,
    PrivateNoteForm,
    RuleForm,
    SetUpForm,
)
from lineofsight.oneonones.models import Meeting
from lineofsight.people.models import Person

NAV = "one-on-ones"


def _partners(user: Person) -> list[Person]:
    """Whom I may set up a one-on-one with: my manager and my direct reports."""
    people = list(
        Person.objects.filter(manager=user, is_active=True).order_by("display_name", "username")
    )
    if user.manager_id is not None:
        manager = Person.objects.filter(pk=user.manager_id, is_active=True).first()
        if manager is not None:
            people.insert(0, manager)
    return people


@page
@require_GET
def my_one_on_ones(request: SignedInRequest) -> HttpResponse:
    rows = selectors.my_series(request.user)
    running = {r.other.pk for r in rows if r.live}
    missing = [p for p in _partners(request.user) if p.pk not in running]
    return render_page(
        request,
        "oneonones/list.html",
        {"nav": NAV, "rows": rows, "missing": missing},
    )


@page
@require_http_methods(["GET", "POST"])
def set_up(request: SignedInRequest) -> HttpResponse:
    partners = _partners(request.user)
    choices = [(p.pk, p.name) for p in partners]
    if request.method == "GET":
        initial: dict[str, Any] = {"cadence": "weekly", "weekday": 1, "time": "10:00"}
        wanted = request.GET.get("person", "")
        if wanted.isdigit():
            initial["person"] = int(wanted)
        form = SetUpForm(initial=initial, people=choices)
        return render_page(request, "oneonones/set_up.html", {"nav": NAV, "form": form})
    form = SetUpForm(request.POST, people=choices)
    if form.is_valid():
        other = next(p for p in partners if p.pk == form.cleaned_data["person"])
        try:
            series = actions.set_up_series(
                acting_user=request.user,
                other=other,
                cadence=form.cleaned_data["cadence"],
                weekday=form.cleaned_data["weekday"],
                time=form.cleaned_data["time"],
            )
        except InvalidInput as exc:
            apply_errors(form, exc)
        else:
            return redirect("one-on-one-series", series.pk)
    return render_page(request, "oneonones/set_up.html", {"nav": NAV, "form": form}, status=422)


def _series_page(
    request: SignedInRequest, series_id: int, form: RuleForm | None = None, status: int = 200
) -> HttpResponse:
    series = selectors.get_series_for_user(request.user, series_id)
    viewer = OneOnOneViewer.of(request.user)
    meetings = selectors.series_meetings(request.user, series)
    if not meetings and not viewer.series_is_live(series):
        raise NotFound("No such one-on-one.")
    now = timezone.now()
    return render_page(
        request,
        "oneonones/series.html",
        {
            "nav": NAV,
            "series": series,
            "other": series.report if series.manager_id == request.user.pk else series.manager,
            "rule": schedule.describe(series.cadence, series.weekday, series.time),
            "ahead": [m for m in reversed(meetings) if m.starts_at > now],
            "held": [m for m in meetings if m.starts_at <= now],
            "can_change": viewer.can_change_series(series),
            "form": form
            or RuleForm(
                initial={"cadence": series.cadence, "weekday": series.weekday, "time": series.time}
            ),
        },
        status=status,
    )


@page
@require_http_methods(["GET", "POST"])
def series_page(request: SignedInRequest, series_id: int) -> HttpResponse:
    """The series (GET); change its day, time or cadence (POST)."""
    if request.method == "GET":
        series = selectors.get_series_for_user(request.user, series_id)
        actions.keep_next_meeting(series)
        return _series_page(request, series_id)
    series = selectors.get_series_for_user(request.user, series_id)
    form = RuleForm(request.POST)
    if form.is_valid():
        try:
            actions.change_series(
                acting_user=request.user,
                series=series,
                cadence=form.cleaned_data["cadence"],
                weekday=form.cleaned_data["weekday"],
                time=form.cleaned_data["time"],
            )
        except InvalidInput as exc:
            apply_errors(form, exc)
        else:
            return redirect("one-on-one-series", series.pk)
    return _series_page(request, series_id, form, status=422)


@page
@require_POST
def series_end(request: SignedInRequest, series_id: int) -> HttpResponse:
    series = selectors.get_series_for_user(request.user, series_id)
    actions.end_series(acting_user=request.user, series=series)
    return redirect("one-on-ones")


# -- a meeting ---------------------------------------------------------------------------------


def _people(meeting: Meeting) -> list[tuple[int, str]]:
    return [(meeting.report_id, meeting.report.name), (meeting.manager_id, meeting.manager.name)]


def _meeting_url(meeting_id: int, anchor: str = "") -> str:
    return reverse("one-on-one-meeting", args=[meeting_id]) + (f"#{anchor}" if anchor else "")


def _render_meeting(
    request: SignedInRequest, meeting: Meeting, status: int = 200, **forms: Any
) -> HttpResponse:
    data = selectors.meeting_page(request.user, meeting)
    note = data.private_note
    context: dict[str, Any] = {
        "nav": NAV,
        "page": data,
        "meeting": meeting,
        "other": meeting.report if meeting.manager_id == request.user.pk else meeting.manager,
        "i_am_manager": meeting.manager_id == request.user.pk,
        "agenda_form": AgendaForm(),
        "notes_form": NotesForm(
            initial={"text": meeting.shared_notes, "version": meeting.notes_version}
        ),
        "private_form": PrivateNoteForm(initial={"text": note.text if note else ""}),
        "action_form": ActionItemForm(people=_people(meeting), initial={"owner": request.user.pk}),
        "move_form": MoveForm(initial={"starts_at": timezone.localtime(meeting.starts_at)}),
    }
    context.update(forms)
    return render_page(request, "oneonones/meeting.html", context, status=status)


@page
@require_GET
def meeting_page(request: SignedInRequest, meeting_id: int) -> HttpResponse:
    return _render_meeting(request, selectors.get_meeting_for_user(request.user, meeting_id))


def _submit(
    request: SignedInRequest,
    meeting: Meeting,
    form: forms.Form,
    key: str,
    anchor: str,
    write: Callable[[dict[str, Any]], object],
) -> HttpResponse:
    """A form of the meeting page: the action on success (back to its section), else the
    page again with the form's errors (422)."""
    if form.is_valid():
        try:
            write(form.cleaned_data)
        except InvalidInput as exc:
            apply_errors(form, exc)
        else:
            return redirect(_meeting_url(meeting.pk, anchor))
    return _render_meeting(request, meeting, status=422, **{key: form})


@page
@require_POST
def meeting_move(request: SignedInRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.get_meeting_for_user(request.user, meeting_id)
    return _submit(
        request,
        meeting,
        MoveForm(request.POST),
        "move_form",
        "",
        lambda data: actions.move_meeting(
            acting_user=request.user, meeting=meeting, starts_at=data["starts_at"]
        ),
    )


@page
@require_POST
def meeting_skip(request: SignedInRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.get_meeting_for_user(request.user, meeting_id)
    actions.skip_meeting(
        acting_user=request.user, meeting=meeting, skip=request.POST.get("skip") != "0"
    )
    return redirect(_meeting_url(meeting.pk))


@page
@require_POST
def agenda_add(request: SignedInRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.get_meeting_for_user(request.user, meeting_id)
    return _submit(
        request,
        meeting,
        AgendaForm(request.POST),
        "agenda_form",
        "agenda",
        lambda data: actions.add_agenda_item(
            acting_user=request.user, meeting=meeting, text=data["text"]
        ),
    )


@page
@require_POST
def agenda_tick(request: SignedInRequest, agenda_id: int) -> HttpResponse:
    item = actions.tick_agenda_item(
        acting_user=request.user, item_id=agenda_id, done=request.POST.get("done") == "1"
    )
    return redirect(_meeting_url(item.meeting_id, "agenda"))


@page
@require_POST
def agenda_move(request: SignedInRequest, agenda_id: int) -> HttpResponse:
    try:
        item = actions.move_agenda_item(
            acting_user=request.user, item_id=agenda_id, direction=request.POST.get("direction", "")
        )
    except InvalidInput as exc:
        return HttpResponse(exc.summary(), status=422, content_type="text/plain")
    return redirect(_meeting_url(item.meeting_id, "agenda"))


@page
@require_POST
def agenda_remove(request: SignedInRequest, agenda_id: int) -> HttpResponse:
    meeting_id = selectors.agenda_item_meeting_id(request.user, agenda_id)
    actions.remove_agenda_item(acting_user=request.user, item_id=agenda_id)
    return redirect(_meeting_url(meeting_id, "agenda"))


@page
@require_POST
def notes_save(request: SignedInRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.get_meeting_for_user(request.user, meeting_id)
    return _submit(
        request,
        meeting,
        NotesForm(request.POST),
        "notes_form",
        "notes",
        lambda data: actions.save_shared_notes(
            acting_user=request.user, meeting=meeting, text=data["text"], version=data["version"]
        ),
    )


@page
@require_GET
def notes_versions(request: SignedInRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.get_meeting_for_user(request.user, meeting_id)
    return render_page(
        request,
        "oneonones/note_versions.html",
        {
            "nav": NAV,
            "meeting": meeting,
            "versions": selectors.note_versions(request.user, meeting),
        },
    )


@page
@require_POST
def private_note_save(request: SignedInRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.get_meeting_for_user(request.user, meeting_id)
    return _submit(
        request,
        meeting,
        PrivateNoteForm(request.POST),
        "private_form",
        "private",
        lambda data: actions.save_private_note(
            acting_user=request.user, meeting=meeting, text=data["text"]
        ),
    )


@page
@require_POST
def action_add(request: SignedInRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.get_meeting_for_user(request.user, meeting_id)
    return _submit(
        request,
        meeting,
        ActionItemForm(request.POST, people=_people(meeting)),
        "action_form",
        "actions",
        lambda data: actions.add_action_item(
            acting_user=request.user,
            meeting=meeting,
            text=data["text"],
            owner_id=data["owner"],
            due=data["due"],
        ),
    )


@page
@require_POST
def share_into_review(request: SignedInRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.get_meeting_for_user(request.user, meeting_id)
    try:
        actions.share_notes_into_review(acting_user=request.user, meeting=meeting)
    except InvalidInput as exc:
        messages.error(request, exc.summary())
    else:
        messages.success(
            request,
            f"The notes are in {meeting.report.name}'s review, marked as shared from this "
            "one-on-one: the review's readers (the manager chain and HR) read them there.",
        )
    return redirect(_meeting_url(meeting.pk, "notes"))


@page
@require_POST
def action_done(request: SignedInRequest, action_id: int) -> HttpResponse:
    actions.set_action_item_done(
        acting_user=request.user, item_id=action_id, done=request.POST.get("done") == "1"
    )
    back = request.POST.get("meeting", "")
    if back.isdigit():
        meeting = selectors.get_meeting_for_user(request.user, int(back))
        return redirect(_meeting_url(meeting.pk, "actions"))
    return redirect("one-on-ones")
