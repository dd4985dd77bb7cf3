"""Writes to one-on-ones: setting up, moving, skipping and ending, the agenda, the shared
notes, action items and private notes.

Each action takes keyword-only arguments and ``acting_user``, asks the access policy first,
runs in one transaction and writes an audit row naming ids only (never what was written: a
one-on-one is for its two participants). Bad input raises ``InvalidInput`` naming the field;
refusal raises ``NotAllowed``; something the writer may not see is ``NotFound``. Either way
nothing is written.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from lineofsight.core import audit
from lineofsight.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from lineofsight.oneonones import schedule
from lineofsight.oneonones.access import OneOnOneViewer
from lineofsight.oneonones.models import (
    NOTES_MAX,
    TEXT_MAX,
    ActionItem,
    AgendaItem,
    Meeting,
    PrivateNote,
    Series,
    SharedNoteVersion,
)
from lineofsight.oneonones.signals import action_item_assigned, agenda_item_added
from lineofsight.people.models import Person
from lineofsight.people.selectors import organisation_time_zone
from lineofsight.reviews.conversation import actions as review_conversation

# How far ahead a meeting may be moved.
MOVE_LIMIT_DAYS = 90


@dataclass(frozen=True)
class ReviewNoteShared:
    review_id: int
    note_id: int


def _viewer(acting_user: Person | None) -> OneOnOneViewer:
    if acting_user is None or not acting_user.is_authenticated or not acting_user.is_active:
        raise NotAllowed("Sign in first.")
    return OneOnOneViewer.of(acting_user)


def _tz() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(organisation_time_zone())


def _text(field: str, text: str, limit: int = TEXT_MAX) -> str:
    value = (text or "").strip()
    if not value:
        raise InvalidInput.one(field, "Write something first.")
    if len(value) > limit:
        raise InvalidInput.one(field, f"Keep it under {limit} characters.")
    return value


def _rule(cadence: str, weekday: object, time: object) -> tuple[str, int, dt.time]:
    errors: dict[str, str] = {}
    if cadence not in schedule.CADENCES:
        errors["cadence"] = "Choose weekly, every two weeks or monthly."
    if not isinstance(weekday, int) or isinstance(weekday, bool) or not 0 <= weekday <= 6:
        errors["weekday"] = "Choose a day of the week (0 = Monday ... 6 = Sunday)."
    if not isinstance(time, dt.time):
        errors["time"] = "Give a time of day, like 10:30."
    if errors:
        raise InvalidInput(errors)
    assert isinstance(weekday, int) and isinstance(time, dt.time)
    return cadence, weekday, time.replace(second=0, microsecond=0, tzinfo=None)


def _live_meetings(viewer: OneOnOneViewer):  # type: ignore[no-untyped-def]
    return Meeting.objects.filter(viewer.meeting_filter()).select_related(
        "series", "report", "manager"
    )


def _writable(viewer: OneOnOneViewer, meeting: Meeting) -> Meeting:
    """The meeting again, locked, as the policy sees it; refused unless it may be written."""
    fresh = _live_meetings(viewer).select_for_update(of=("self",)).filter(pk=meeting.pk).first()
    if fresh is None:
        raise NotFound("No such one-on-one.")
    if not viewer.can_write_meeting(fresh):
        raise NotAllowed("This one-on-one series has ended; its meetings can no longer change.")
    return fresh


def _create_next(series: Series, now: dt.datetime) -> Meeting:
    last = series.meetings.order_by("-planned_at").first()
    tz = _tz()
    previous = last.planned_at.astimezone(tz).date() if last is not None else None
    slot = schedule.next_slot_after(
        previous,
        cadence=series.cadence,
        weekday=series.weekday,
        time=series.time,
        tz=tz,
        now=now,
    )
    return Meeting.objects.create(
        series=series,
        manager_id=series.manager_id,
        report_id=series.report_id,
        planned_at=slot,
        starts_at=slot,
    )


def keep_next_meeting(series: Series, now: dt.datetime | None = None) -> Meeting | None:
    """Make sure a live series has its next meeting ahead (one not skipped), creating the
    meetings it needs; returns it. Safe to run any number of times; the reminder run and
    every change to a series call it. Nothing is written for an ended series."""
    now = now or timezone.now()
    if series.ended_at is not None or series.report.manager_id != series.manager_id:
        return None
    with transaction.atomic():
        Series.objects.select_for_update().filter(pk=series.pk).first()
        upcoming = (
            series.meetings.filter(starts_at__gt=now, state=Meeting.State.SCHEDULED)
            .order_by("starts_at")
            .first()
        )
        created = 0
        while upcoming is None and created < 3:
            meeting = _create_next(series, now)
            created += 1
            if meeting.starts_at > now:
                upcoming = meeting
        if created:
            audit.record(
                actor=None,
                action="one_on_one.scheduled",
                subject=series,
                data={"meeting": upcoming.pk if upcoming else None},
            )
        return upcoming


@transaction.atomic
def set_up_series(
    *,
    acting_user: Person,
    other: Person,
    cadence: str,
    weekday: object,
    time: object,
) -> Series:
    """A manager with one of their reports, or a report with their manager, sets up a
    recurring one-on-one; its first meeting is the first slot ahead."""
    viewer = _viewer(acting_user)
    if not viewer.can_set_up_one_on_one(other):
        raise InvalidInput.one(
            "person", "Set up a one-on-one with your manager or a direct report."
        )
    cadence, weekday_n, time_of_day = _rule(cadence, weekday, time)
    if other.manager_id == acting_user.pk:
        manager, report = acting_user, other
    else:
        manager, report = other, acting_user
    if Series.objects.filter(manager=manager, report=report, ended_at=None).exists():
        raise InvalidInput.one(
            "person", f"You already have a one-on-one series with {other.name}; change that one."
        )
    series = Series.objects.create(
        manager=manager,
        report=report,
        cadence=cadence,
        weekday=weekday_n,
        time=time_of_day,
        created_by=acting_user,
    )
    audit.record(
        actor=acting_user,
        action="one_on_one.series_set_up",
        subject=series,
        data={"manager": manager.pk, "report": report.pk, "cadence": cadence},
    )
    keep_next_meeting(series)
    return series


@transaction.atomic
def change_series(
    *, acting_user: Person, series: Series, cadence: str, weekday: object, time: object
) -> Series:
    """A new day, time or cadence: meetings ahead that nobody moved follow the new rule;
    what was written in them stays."""
    viewer = _viewer(acting_user)
    if not viewer.can_change_series(series):
        raise NotAllowed("Only the two in a running one-on-one change it.")
    cadence, weekday_n, time_of_day = _rule(cadence, weekday, time)
    series.cadence, series.weekday, series.time = cadence, weekday_n, time_of_day
    series.save(update_fields=["cadence", "weekday", "time"])
    now = timezone.now()
    ahead = list(
        series.meetings.filter(starts_at__gt=now).order_by("planned_at").select_for_update()
    )
    tz = _tz()
    slot = schedule.next_slot_after(
        None, cadence=cadence, weekday=weekday_n, time=time_of_day, tz=tz, now=now
    )
    for meeting in ahead:
        if meeting.starts_at == meeting.planned_at:  # not moved by hand
            meeting.planned_at = meeting.starts_at = slot
            # Park the slot first so two meetings never share one for a moment.
            Meeting.objects.filter(pk=meeting.pk).update(
                planned_at=slot - dt.timedelta(seconds=1 + meeting.pk)
            )
            meeting.save(update_fields=["planned_at", "starts_at"])
        slot = schedule.at(schedule.following(slot.astimezone(tz).date(), cadence), time_of_day, tz)
    audit.record(
        actor=acting_user,
        action="one_on_one.series_changed",
        subject=series,
        data={"cadence": cadence, "weekday": weekday_n, "time": time_of_day.isoformat()},
    )
    keep_next_meeting(series, now)
    return series


@transaction.atomic
def end_series(*, acting_user: Person, series: Series) -> Series:
    """Either side ends the series: meetings held stay; those ahead with nothing written go."""
    viewer = _viewer(acting_user)
    if not viewer.can_change_series(series):
        raise NotAllowed("Only the two in a running one-on-one end it.")
    now = timezone.now()
    series.ended_at = now
    series.ended_by = acting_user
    series.save(update_fields=["ended_at", "ended_by"])
    removed = 0
    for meeting in series.meetings.filter(starts_at__gt=now):
        if (
            not meeting.shared_notes
            and not meeting.agenda.exists()
            and not meeting.action_items.exists()
            and not meeting.private_notes.exists()
        ):
            meeting.delete()
            removed += 1
    audit.record(
        actor=acting_user,
        action="one_on_one.series_ended",
        subject=series,
        data={"meetings_removed": removed},
    )
    return series


@transaction.atomic
def move_meeting(*, acting_user: Person, meeting: Meeting, starts_at: object) -> Meeting:
    """Either side moves one meeting (the series keeps its rule)."""
    viewer = _viewer(acting_user)
    meeting = _writable(viewer, meeting)
    if not viewer.can_move_meeting(meeting):
        raise NotAllowed("A meeting that has started can no longer be moved.")
    now = timezone.now()
    if not isinstance(starts_at, dt.datetime) or timezone.is_naive(starts_at):
        raise InvalidInput.one("starts_at", "Give a date and a time.")
    if starts_at <= now:
        raise InvalidInput.one("starts_at", "Choose a time ahead of now.")
    if starts_at > now + dt.timedelta(days=MOVE_LIMIT_DAYS):
        raise InvalidInput.one("starts_at", f"Move it at most {MOVE_LIMIT_DAYS} days ahead.")
    meeting.starts_at = starts_at
    meeting.state = Meeting.State.SCHEDULED
    meeting.save(update_fields=["starts_at", "state"])
    audit.record(actor=acting_user, action="one_on_one.moved", subject=meeting)
    keep_next_meeting(meeting.series, now)
    return meeting


@transaction.atomic
def skip_meeting(*, acting_user: Person, meeting: Meeting, skip: bool = True) -> Meeting:
    """Either side skips one meeting ahead (or takes the skip back); the series goes on."""
    viewer = _viewer(acting_user)
    meeting = _writable(viewer, meeting)
    if not viewer.can_move_meeting(meeting):
        raise NotAllowed("A meeting that has started can no longer be skipped.")
    meeting.state = Meeting.State.SKIPPED if skip else Meeting.State.SCHEDULED
    meeting.save(update_fields=["state"])
    audit.record(
        actor=acting_user,
        action="one_on_one.skipped" if skip else "one_on_one.unskipped",
        subject=meeting,
    )
    keep_next_meeting(meeting.series)
    return meeting


# -- the agenda ------------------------------------------------------------------------------


def _agenda_item(viewer: OneOnOneViewer, item_id: int) -> tuple[AgendaItem, Meeting]:
    item = AgendaItem.objects.filter(pk=item_id).first()
    if item is None:
        raise NotFound("No such agenda item.")
    meeting = _live_meetings(viewer).filter(pk=item.meeting_id).first()
    if meeting is None:
        raise NotFound("No such agenda item.")
    return item, _writable(viewer, meeting)


@transaction.atomic
def add_agenda_item(*, acting_user: Person, meeting: Meeting, text: str) -> AgendaItem:
    """Either side adds a topic; the other is told."""
    viewer = _viewer(acting_user)
    meeting = _writable(viewer, meeting)
    body = _text("text", text)
    last = meeting.agenda.aggregate(m=Max("position"))["m"]
    item = AgendaItem.objects.create(
        meeting=meeting, text=body, added_by=acting_user, position=(last or 0) + 1
    )
    audit.record(
        actor=acting_user, action="one_on_one.agenda_added", subject=meeting, data={"item": item.pk}
    )
    agenda_item_added.send(sender=AgendaItem, item=item)
    return item


@transaction.atomic
def tick_agenda_item(*, acting_user: Person, item_id: int, done: bool) -> AgendaItem:
    viewer = _viewer(acting_user)
    item, meeting = _agenda_item(viewer, item_id)
    item.done = bool(done)
    item.save(update_fields=["done"])
    audit.record(
        actor=acting_user,
        action="one_on_one.agenda_ticked" if done else "one_on_one.agenda_unticked",
        subject=meeting,
        data={"item": item.pk},
    )
    return item


@transaction.atomic
def move_agenda_item(*, acting_user: Person, item_id: int, direction: str) -> AgendaItem:
    """Move a topic one place up or down."""
    viewer = _viewer(acting_user)
    item, meeting = _agenda_item(viewer, item_id)
    if direction not in ("up", "down"):
        raise InvalidInput.one("direction", 'Move an item "up" or "down".')
    items = list(meeting.agenda.order_by("position", "pk"))
    index = next(i for i, x in enumerate(items) if x.pk == item.pk)
    swap = index - 1 if direction == "up" else index + 1
    if 0 <= swap < len(items):
        items[index], items[swap] = items[swap], items[index]
        for position, x in enumerate(items, start=1):
            if x.position != position:
                x.position = position
                x.save(update_fields=["position"])
        audit.record(
            actor=acting_user,
            action="one_on_one.agenda_reordered",
            subject=meeting,
            data={"item": item.pk, "direction": direction},
        )
    return next(x for x in items if x.pk == item.pk)


@transaction.atomic
def remove_agenda_item(*, acting_user: Person, item_id: int) -> None:
    """Whoever added a topic takes it off again, while it is not ticked."""
    viewer = _viewer(acting_user)
    item, meeting = _agenda_item(viewer, item_id)
    if not viewer.can_remove_agenda_item(item):
        raise NotAllowed("Only whoever added a topic removes it, before it is ticked.")
    audit.record(
        actor=acting_user,
        action="one_on_one.agenda_removed",
        subject=meeting,
        data={"item": item.pk},
    )
    item.delete()


# -- notes --------------------------------------------------------------------------------


@transaction.atomic
def save_shared_notes(*, acting_user: Person, meeting: Meeting, text: str, version: int) -> Meeting:
    """Save the notes both write. ``version`` is the one the writer started from: if the other
    side saved in between, nothing is written and the writer is asked to merge (neither's
    words are lost). Every earlier text is kept."""
    viewer = _viewer(acting_user)
    meeting = _writable(viewer, meeting)
    body = (text or "").strip()
    if len(body) > NOTES_MAX:
        raise InvalidInput.one("text", f"Keep the notes under {NOTES_MAX} characters.")
    if version != meeting.notes_version:
        who = "The other participant" if meeting.notes_edited_by_id != acting_user.pk else "You"
        raise Conflict(
            {
                "text": f"{who} saved the notes after you opened them: nothing was "
                "overwritten. Merge your text with theirs and save again."
            }
        )
    if body == meeting.shared_notes:
        return meeting
    now = timezone.now()
    if meeting.shared_notes or meeting.notes_version:
        SharedNoteVersion.objects.create(
            meeting=meeting,
            number=meeting.notes_version,
            text=meeting.shared_notes,
            written_by_id=meeting.notes_edited_by_id,
            written_at=meeting.notes_edited_at,
            replaced_at=now,
        )
    meeting.shared_notes = body
    meeting.notes_version += 1
    meeting.notes_edited_by = acting_user
    meeting.notes_edited_at = now
    meeting.save(
        update_fields=["shared_notes", "notes_version", "notes_edited_by", "notes_edited_at"]
    )
    audit.record(
        actor=acting_user,
        action="one_on_one.notes_saved",
        subject=meeting,
        data={"version": meeting.notes_version},
    )
    return meeting


@transaction.atomic
def save_private_note(*, acting_user: Person, meeting: Meeting, text: str) -> PrivateNote:
    """One's own note on a meeting: nobody else ever reads it. No audit of its text."""
    viewer = _viewer(acting_user)
    found = _live_meetings(viewer).filter(pk=meeting.pk).first()
    if found is None:
        raise NotFound("No such one-on-one.")
    body = (text or "").strip()
    if len(body) > NOTES_MAX:
        raise InvalidInput.one("text", f"Keep the note under {NOTES_MAX} characters.")
    note, _ = PrivateNote.objects.update_or_create(
        meeting=found, author=acting_user, defaults={"text": body, "updated_at": timezone.now()}
    )
    audit.record(actor=acting_user, action="one_on_one.private_note_saved", subject=found)
    return note


# -- action items -----------------------------------------------------------------------


def _due(value: object) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise InvalidInput.one("due", "Give a date, like 2026-12-18.")
    return value


@transaction.atomic
def add_action_item(
    *, acting_user: Person, meeting: Meeting, text: str, owner_id: object, due: object = None
) -> ActionItem:
    """Something one of the two will do; its owner is told when it is someone else."""
    viewer = _viewer(acting_user)
    meeting = _writable(viewer, meeting)
    body = _text("text", text)
    if owner_id not in (meeting.manager_id, meeting.report_id):
        raise InvalidInput.one("owner", "Give the action to one of the two in this one-on-one.")
    item = ActionItem.objects.create(
        series=meeting.series,
        meeting=meeting,
        text=body,
        owner_id=owner_id,
        due=_due(due),
        added_by=acting_user,
    )
    audit.record(
        actor=acting_user,
        action="one_on_one.action_added",
        subject=meeting,
        data={"item": item.pk, "owner": owner_id},
    )
    if item.owner_id != acting_user.pk:
        action_item_assigned.send(sender=ActionItem, item=item)
    return item


@transaction.atomic
def set_action_item_done(*, acting_user: Person, item_id: int, done: bool) -> ActionItem:
    """Either side marks an action item done (or open again), in any meeting it shows in."""
    viewer = _viewer(acting_user)
    item = ActionItem.objects.filter(pk=item_id).first()
    if item is None:
        raise NotFound("No such action item.")
    meeting = _live_meetings(viewer).filter(pk=item.meeting_id).first()
    if meeting is None:
        raise NotFound("No such action item.")
    _writable(viewer, meeting)
    item.done_at = timezone.now() if done else None
    item.save(update_fields=["done_at"])
    audit.record(
        actor=acting_user,
        action="one_on_one.action_done" if done else "one_on_one.action_reopened",
        subject=meeting,
        data={"item": item.pk},
    )
    return item


@transaction.atomic
def share_notes_into_review(*, acting_user: Person, meeting: Meeting) -> ReviewNoteShared:
    """Either participant copies the meeting's shared notes into the report's review being
    written by the meeting's manager, marked as shared from this one-on-one. Only from then
    on does anyone else (the review's readers: the manager chain and HR) read that text."""
    viewer = _viewer(acting_user)
    found = _live_meetings(viewer).filter(pk=meeting.pk).first()
    if found is None:
        raise NotFound("No such one-on-one.")
    review = review_conversation.review_for_one_on_one(found.report_id, found.manager_id)
    if review is None:
        raise InvalidInput.one(
            "review",
            f"{found.report.name} has no review being written by {found.manager.name} to share "
            "these notes into.",
        )
    note = review_conversation.add_one_on_one_note(
        acting_user=acting_user, review=review, text=found.shared_notes, held_at=found.starts_at
    )
    audit.record(
        actor=acting_user,
        action="one_on_one.notes_shared_into_review",
        subject=found,
        data={"review": review.pk, "note": note.pk},
    )
    return ReviewNoteShared(review_id=review.pk, note_id=note.pk)
