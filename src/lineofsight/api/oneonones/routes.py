"""One-on-ones (``/api/one-on-ones``, ``/api/one-on-one-meetings`` and their items).

Only the two participants read or write a one-on-one; for everyone else (HR, the manager's
manager, an administrator) it does not exist: 404. A private note is only ever returned to
its author.

* ``GET /api/one-on-ones``: my series, each with its next meeting.
* ``POST /api/one-on-ones``: set one up with my manager or a direct report.
* ``GET /api/one-on-ones/{id}``: a series with its meetings (latest first).
* ``PATCH /api/one-on-ones/{id}``: change its cadence, weekday or time.
* ``POST /api/one-on-ones/{id}/end``: end it (meetings held stay).
* ``GET /api/one-on-one-meetings/{id}``: a meeting: agenda, action items, shared notes, my
  private note and "since last time".
* ``PATCH /api/one-on-one-meetings/{id}``: move it (``starts_at``) or skip it (``skipped``).
* ``POST /api/one-on-one-meetings/{id}/agenda``: add a topic.
* ``PUT /api/one-on-one-meetings/{id}/notes``: save the shared notes (``version`` from the
  read: 409 if the other side saved in between).
* ``PUT /api/one-on-one-meetings/{id}/private-note``: save my private note.
* ``POST /api/one-on-one-meetings/{id}/action-items``: add an action item.
* ``POST /api/one-on-one-meetings/{id}/share-into-review``: share the notes into the
  report's review (from then on its readers, HR included, read them there).
* ``PATCH /api/one-on-one-agenda-items/{id}``: tick it or move it up or down;
  ``DELETE``: remove one's own topic.
* ``PATCH /api/one-on-one-action-items/{id}``: mark it done or open.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import AfterValidator, Field

from lineofsight.api.auth import caller
from lineofsight.api.base import ErrorOut, Input
from lineofsight.api.errors import READ_ERRORS, WRITE_ERRORS, body
from lineofsight.api.types import DateTime, Flag, Id, ParamId, StartInstant, optional, text
from lineofsight.core.errors import Conflict, InvalidInput, NotFound
from lineofsight.oneonones import actions, schedule, selectors
from lineofsight.oneonones.access import OneOnOneViewer
from lineofsight.oneonones.models import NOTES_MAX, TEXT_MAX, Meeting, Series
from lineofsight.people.models import Person

series_router = Router(tags=["one-on-ones"])
meetings = Router(tags=["one-on-ones"])
agenda_items = Router(tags=["one-on-ones"])
action_items = Router(tags=["one-on-ones"])

CadenceName = Literal["weekly", "fortnightly", "monthly"]
Weekday = Annotated[int, Field(ge=0, le=6, strict=True)]


def _time_of_day(value: str) -> str:
    try:
        dt.time.fromisoformat(value)
    except ValueError:
        raise ValueError("Give a time of day like 10:30.") from None
    return value


TimeOfDay = Annotated[str, Field(max_length=8, examples=["10:30"]), AfterValidator(_time_of_day)]


class OneOnOnePerson(Schema):
    id: int
    name: str


class MeetingBrief(Schema):
    id: int
    starts_at: DateTime
    planned_at: DateTime
    skipped: bool


class SeriesOut(Schema):
    id: int
    manager: OneOnOnePerson
    report: OneOnOnePerson
    cadence: CadenceName
    weekday: int = Field(description="0 = Monday ... 6 = Sunday.")
    time: str = Field(description="Time of day in the organisation's time zone.")
    rule: str
    running: bool = Field(description="Not ended, and the report still reports to the manager.")
    ended_at: DateTime | None
    next_meeting: MeetingBrief | None


class SeriesDetail(SeriesOut):
    meetings: list[MeetingBrief] = Field(description="Latest first.")


class SeriesCreate(Input):
    person: Id = Field(description="Your manager, or one of your direct reports.")
    cadence: CadenceName
    weekday: Weekday
    time: TimeOfDay


class SeriesEdit(Input):
    cadence: CadenceName = optional()
    weekday: Weekday = optional()
    time: TimeOfDay = optional()


class AgendaItemOut(Schema):
    id: int
    text: str
    added_by: OneOnOnePerson
    position: int
    done: bool


class ActionItemOut(Schema):
    id: int
    text: str
    owner: OneOnOnePerson
    due: dt.date | None
    done: bool
    meeting: int = Field(description="The meeting it was raised in.")
    carried: bool = Field(description="Raised in an earlier meeting and still open then.")


class ObjectiveChangeOut(Schema):
    objective: int
    title: str
    then_percent: int
    now_percent: int


class ConfidenceChangeOut(Schema):
    check_in: int
    key_result: int
    key_result_title: str
    recorded_at: DateTime
    before: str
    after: str
    note: str


class SinceBlockerOut(Schema):
    id: int
    text: str
    state: str
    new: bool = Field(description="Raised since the previous meeting.")


class SinceOut(Schema):
    since: DateTime
    until: DateTime
    objectives: list[ObjectiveChangeOut]
    confidence_changes: list[ConfidenceChangeOut]
    blockers: list[SinceBlockerOut]


class MeetingOut(Schema):
    id: int
    series: int
    manager: OneOnOnePerson
    report: OneOnOnePerson
    starts_at: DateTime
    planned_at: DateTime
    skipped: bool
    agenda: list[AgendaItemOut]
    action_items: list[ActionItemOut]
    shared_notes: str
    notes_version: int = Field(description="Send it back when saving the notes.")
    private_note: str = Field(description="Your own private note: nobody else reads it.")
    since_last_time: SinceOut
    can_write: bool
    can_move: bool


class NotesConflictOut(ErrorOut):
    current: MeetingOut = Field(description="The meeting as it is saved now.")


class MeetingEdit(Input):
    starts_at: StartInstant = optional(description="Move it to this date and time.")
    skipped: Flag = optional(description="Skip it (true) or hold it after all (false).")


class AgendaCreate(Input):
    text: text(TEXT_MAX, min_length=1)  # type: ignore[valid-type]


class AgendaEdit(Input):
    done: Flag = optional()
    move: Literal["up", "down"] = optional(description="Move one place up or down.")


class NotesPut(Input):
    text: text(NOTES_MAX)  # type: ignore[valid-type]
    version: Annotated[int, Field(ge=0, strict=True)]


class PrivateNotePut(Input):
    text: text(NOTES_MAX)  # type: ignore[valid-type]


class ActionCreate(Input):
    text: text(TEXT_MAX, min_length=1)  # type: ignore[valid-type]
    owner: Id = Field(description="One of the two participants.")
    due: dt.date | None = None


class ActionEdit(Input):
    done: Flag


def _person(p: Person) -> dict[str, Any]:
    return {"id": p.pk, "name": p.name}


def _brief(m: Meeting | None) -> dict[str, Any] | None:
    if m is None:
        return None
    return {"id": m.pk, "starts_at": m.starts_at, "planned_at": m.planned_at, "skipped": m.skipped}


def _series_row(s: Series, running: bool, next_meeting: Meeting | None) -> dict[str, Any]:
    return {
        "id": s.pk,
        "manager": _person(s.manager),
        "report": _person(s.report),
        "cadence": s.cadence,
        "weekday": s.weekday,
        "time": s.time.strftime("%H:%M"),
        "rule": schedule.describe(s.cadence, s.weekday, s.time),
        "running": running,
        "ended_at": s.ended_at,
        "next_meeting": _brief(next_meeting),
    }


@series_router.get("", response={200: list[SeriesOut], **READ_ERRORS})
def list_one_on_ones(request: HttpRequest) -> Any:
    """My one-on-one series, running ones first."""
    return [
        _series_row(r.series, r.live, r.next_meeting) for r in selectors.my_series(caller(request))
    ]


def _series_detail(user: Person, series_id: int, *, ended_now: bool = False) -> dict[str, Any]:
    series = selectors.get_series_for_user(user, series_id)
    running = OneOnOneViewer.of(user).series_is_live(series)
    listed = selectors.series_meetings(user, series)
    if not listed and not running and not ended_now:
        raise NotFound("No such one-on-one.")
    now = timezone.now()
    ahead = [m for m in listed if m.starts_at > now and not m.skipped]
    row = _series_row(series, running, ahead[-1] if ahead and running else None)
    row["meetings"] = [_brief(m) for m in listed]
    return row


def _parse_time(value: str) -> dt.time:
    return dt.time.fromisoformat(value)


@series_router.post("", response={201: SeriesDetail, **WRITE_ERRORS})
def create_one_on_one(request: HttpRequest, payload: SeriesCreate) -> Any:
    """Set up a recurring one-on-one with your manager or a direct report; its first meeting
    is the first such day ahead."""
    user = caller(request)
    other = Person.objects.filter(pk=payload.person, is_active=True).first()
    if other is None:
        raise InvalidInput.one(
            "person", "Set up a one-on-one with your manager or a direct report."
        )
    series = actions.set_up_series(
        acting_user=user,
        other=other,
        cadence=payload.cadence,
        weekday=payload.weekday,
        time=_parse_time(payload.time),
    )
    return Status(201, _series_detail(user, series.pk))


@series_router.get("/{id}", response={200: SeriesDetail, **READ_ERRORS})
def get_one_on_one(request: HttpRequest, id: ParamId) -> Any:
    return _series_detail(caller(request), id)


@series_router.patch("/{id}", response={200: SeriesDetail, **WRITE_ERRORS})
def edit_one_on_one(request: HttpRequest, id: ParamId, payload: SeriesEdit) -> Any:
    """Change the cadence, weekday or time: meetings ahead that nobody moved follow."""
    user = caller(request)
    series = selectors.get_series_for_user(user, id)
    given = payload.model_dump(exclude_unset=True)
    actions.change_series(
        acting_user=user,
        series=series,
        cadence=given.get("cadence", series.cadence),
        weekday=given.get("weekday", series.weekday),
        time=_parse_time(given["time"]) if "time" in given else series.time,
    )
    return _series_detail(user, id)


@series_router.post("/{id}/end", response={200: SeriesDetail, **WRITE_ERRORS})
def end_one_on_one(request: HttpRequest, id: ParamId) -> Any:
    """End the series: meetings held stay, those ahead with nothing in them go."""
    user = caller(request)
    actions.end_series(acting_user=user, series=selectors.get_series_for_user(user, id))
    return _series_detail(user, id, ended_now=True)


# -- meetings ------------------------------------------------------------------------------------


def _meeting_row(user: Person, meeting: Meeting) -> dict[str, Any]:
    page = selectors.meeting_page(user, meeting)
    since = page.since
    return {
        "id": meeting.pk,
        "series": meeting.series_id,
        "manager": _person(meeting.manager),
        "report": _person(meeting.report),
        "starts_at": meeting.starts_at,
        "planned_at": meeting.planned_at,
        "skipped": meeting.skipped,
        "agenda": [
            {
                "id": a.pk,
                "text": a.text,
                "added_by": _person(a.added_by),
                "position": a.position,
                "done": a.done,
            }
            for a in page.agenda
        ],
        "action_items": [
            {
                "id": i.pk,
                "text": i.text,
                "owner": _person(i.owner),
                "due": i.due,
                "done": i.done,
                "meeting": i.meeting_id,
                "carried": i.meeting_id != meeting.pk,
            }
            for i in page.action_items
        ],
        "shared_notes": meeting.shared_notes,
        "notes_version": meeting.notes_version,
        "private_note": page.private_note.text if page.private_note else "",
        "since_last_time": {
            "since": since.since,
            "until": since.until,
            "objectives": [
                {
                    "objective": c.objective.pk,
                    "title": c.objective.title,
                    "then_percent": c.then,
                    "now_percent": c.now,
                }
                for c in since.objectives
            ],
            "confidence_changes": [
                {
                    "check_in": c.check_in.pk,
                    "key_result": c.check_in.key_result_id,
                    "key_result_title": c.check_in.key_result.title,
                    "recorded_at": c.check_in.recorded_at,
                    "before": c.before,
                    "after": c.after,
                    "note": c.check_in.note,
                }
                for c in since.confidence
            ],
            "blockers": [
                {"id": b.blocker.pk, "text": b.blocker.text, "state": b.blocker.state, "new": b.new}
                for b in since.blockers
            ],
        },
        "can_write": page.can_write,
        "can_move": page.can_move,
    }


def _meeting(request: HttpRequest, id: int) -> tuple[Person, Meeting]:
    user = caller(request)
    return user, selectors.get_meeting_for_user(user, id)


@meetings.get("/{id}", response={200: MeetingOut, **READ_ERRORS})
def get_one_on_one_meeting(request: HttpRequest, id: ParamId) -> Any:
    user, meeting = _meeting(request, id)
    return _meeting_row(user, meeting)


@meetings.patch("/{id}", response={200: MeetingOut, **WRITE_ERRORS})
def edit_one_on_one_meeting(request: HttpRequest, id: ParamId, payload: MeetingEdit) -> Any:
    """Move one meeting, or skip it; the series keeps its rule."""
    user, meeting = _meeting(request, id)
    given = payload.model_dump(exclude_unset=True)
    if not given:
        raise InvalidInput.one("starts_at", "Give starts_at or skipped.")
    if "starts_at" in given:
        actions.move_meeting(acting_user=user, meeting=meeting, starts_at=given["starts_at"])
    if "skipped" in given:
        actions.skip_meeting(acting_user=user, meeting=meeting, skip=given["skipped"])
    return _meeting_row(user, selectors.get_meeting_for_user(user, id))


@meetings.post("/{id}/agenda", response={201: AgendaItemOut, **WRITE_ERRORS})
def add_one_on_one_agenda_item(request: HttpRequest, id: ParamId, payload: AgendaCreate) -> Any:
    """Add a topic; the other participant is told in their inbox."""
    user, meeting = _meeting(request, id)
    item = actions.add_agenda_item(acting_user=user, meeting=meeting, text=payload.text)
    return Status(
        201,
        {
            "id": item.pk,
            "text": item.text,
            "added_by": _person(user),
            "position": item.position,
            "done": item.done,
        },
    )


@meetings.put("/{id}/notes", response={200: MeetingOut, 409: NotesConflictOut, **WRITE_ERRORS})
def save_one_on_one_notes(request: HttpRequest, id: ParamId, payload: NotesPut) -> Any:
    """Save the shared notes; 409 when the other side saved after the ``version`` you read
    (nothing is written: merge and send again)."""
    user, meeting = _meeting(request, id)
    try:
        actions.save_shared_notes(
            acting_user=user, meeting=meeting, text=payload.text, version=payload.version
        )
    except Conflict as exc:
        current = _meeting_row(user, selectors.get_meeting_for_user(user, id))
        return Status(409, {**body(exc.summary(), exc.errors), "current": current})
    return _meeting_row(user, selectors.get_meeting_for_user(user, id))


@meetings.put("/{id}/private-note", response={200: MeetingOut, **WRITE_ERRORS})
def save_one_on_one_private_note(request: HttpRequest, id: ParamId, payload: PrivateNotePut) -> Any:
    """Save your private note on this meeting: only you ever read it."""
    user, meeting = _meeting(request, id)
    actions.save_private_note(acting_user=user, meeting=meeting, text=payload.text)
    return _meeting_row(user, meeting)


@meetings.post("/{id}/action-items", response={201: ActionItemOut, **WRITE_ERRORS})
def add_one_on_one_action_item(request: HttpRequest, id: ParamId, payload: ActionCreate) -> Any:
    """Add an action item for one of the two; its owner is told when it is not you."""
    user, meeting = _meeting(request, id)
    item = actions.add_action_item(
        acting_user=user,
        meeting=meeting,
        text=payload.text,
        owner_id=payload.owner,
        due=payload.due,
    )
    owner = meeting.manager if item.owner_id == meeting.manager_id else meeting.report
    return Status(
        201,
        {
            "id": item.pk,
            "text": item.text,
            "owner": _person(owner),
            "due": item.due,
            "done": item.done,
            "meeting": item.meeting_id,
            "carried": False,
        },
    )


class SharedIntoReviewOut(Schema):
    review: int = Field(description="The report's review the notes are now in.")
    note: int


@meetings.post("/{id}/share-into-review", response={201: SharedIntoReviewOut, **WRITE_ERRORS})
def share_one_on_one_notes(request: HttpRequest, id: ParamId) -> Any:
    """Copy the meeting's shared notes into the report's review being written by the
    meeting's manager, marked as shared from this one-on-one (422 on ``review`` when there is
    none). Only from then on do the review's readers (the manager chain, HR) read them."""
    user, meeting = _meeting(request, id)
    shared = actions.share_notes_into_review(acting_user=user, meeting=meeting)
    return Status(201, {"review": shared.review_id, "note": shared.note_id})


@agenda_items.patch("/{id}", response={200: AgendaItemOut, **WRITE_ERRORS})
def edit_one_on_one_agenda_item(request: HttpRequest, id: ParamId, payload: AgendaEdit) -> Any:
    """Tick a topic (or untick it), or move it one place up or down."""
    user = caller(request)
    given = payload.model_dump(exclude_unset=True)
    if not given:
        raise InvalidInput.one("done", "Give done or move.")
    item = None
    if "done" in given:
        item = actions.tick_agenda_item(acting_user=user, item_id=id, done=given["done"])
    if "move" in given:
        item = actions.move_agenda_item(acting_user=user, item_id=id, direction=given["move"])
    assert item is not None
    item = type(item).objects.select_related("added_by").get(pk=item.pk)
    return {
        "id": item.pk,
        "text": item.text,
        "added_by": _person(item.added_by),
        "position": item.position,
        "done": item.done,
    }


@agenda_items.delete("/{id}", response={204: None, **WRITE_ERRORS})
def remove_one_on_one_agenda_item(request: HttpRequest, id: ParamId) -> Any:
    """Take your own topic off the agenda (not once it is ticked)."""
    actions.remove_agenda_item(acting_user=caller(request), item_id=id)
    return Status(204, None)


@action_items.patch("/{id}", response={200: ActionItemOut, **WRITE_ERRORS})
def edit_one_on_one_action_item(request: HttpRequest, id: ParamId, payload: ActionEdit) -> Any:
    """Mark an action item done, or open again."""
    item = actions.set_action_item_done(acting_user=caller(request), item_id=id, done=payload.done)
    item = type(item).objects.select_related("owner").get(pk=item.pk)
    return {
        "id": item.pk,
        "text": item.text,
        "owner": _person(item.owner),
        "due": item.due,
        "done": item.done,
        "meeting": item.meeting_id,
        "carried": False,
    }
