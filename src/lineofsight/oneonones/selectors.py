"""Reading one-on-ones: a person's series, one meeting with everything on its page, the
"since last time" summary, and each report's next meeting for the manager's home.

Every read goes through ``OneOnOneViewer.meeting_filter`` (only the two participants), and
what it pulls in from the goals (objectives, check-ins, blockers) through the goals' own
visibility rules, for the person reading. The meeting page reads a fixed number of queries,
whatever the number of agenda items, objectives, check-ins or blockers.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from lineofsight.core.errors import NotFound
from lineofsight.goals.models import Blocker, CheckIn, KeyResult, Objective
from lineofsight.oneonones import schedule
from lineofsight.oneonones.access import OneOnOneViewer
from lineofsight.oneonones.models import (
    ActionItem,
    AgendaItem,
    Meeting,
    PrivateNote,
    Series,
    SharedNoteVersion,
)
from lineofsight.people.models import Person

PAST_LIMIT = 50


def _meetings(user: Person):  # type: ignore[no-untyped-def]
    return Meeting.objects.filter(OneOnOneViewer.of(user).meeting_filter())


@dataclass
class SeriesRow:
    series: Series
    other: Person
    live: bool
    rule: str
    next_meeting: Meeting | None = None
    last_meeting: Meeting | None = None


def my_series(user: Person) -> list[SeriesRow]:
    """The series I am one of the two of, running ones first, each with its next and last
    meeting as I may see them (three queries)."""
    viewer = OneOnOneViewer.of(user)
    series = list(
        Series.objects.filter(viewer.series_filter())
        .select_related("manager", "report")
        .order_by("ended_at", "-created_at")
    )
    now = timezone.now()
    nexts: dict[int, Meeting] = {}
    lasts: dict[int, Meeting] = {}
    for m in _meetings(user).filter(series__in=series).order_by("starts_at"):
        if m.starts_at > now and m.state == Meeting.State.SCHEDULED:
            nexts.setdefault(m.series_id, m)
        elif m.starts_at <= now and m.state == Meeting.State.SCHEDULED:
            lasts[m.series_id] = m
    rows = []
    for s in series:
        live = viewer.series_is_live(s)
        if not live and s.pk not in lasts:
            continue  # nothing of it to show
        rows.append(
            SeriesRow(
                series=s,
                other=s.report if s.manager_id == user.pk else s.manager,
                live=live,
                rule=schedule.describe(s.cadence, s.weekday, s.time),
                next_meeting=nexts.get(s.pk) if live else None,
                last_meeting=lasts.get(s.pk),
            )
        )
    rows.sort(key=lambda r: (not r.live, r.other.name))
    return rows


def get_series_for_user(user: Person, series_id: int) -> Series:
    series = (
        Series.objects.filter(OneOnOneViewer.of(user).series_filter())
        .select_related("manager", "report")
        .filter(pk=series_id)
        .first()
    )
    if series is None:
        raise NotFound("No such one-on-one.")
    return series


def series_meetings(user: Person, series: Series) -> list[Meeting]:
    """The meetings of a series I may see, latest first (the most recent ``PAST_LIMIT``)."""
    return list(_meetings(user).filter(series=series).order_by("-starts_at")[:PAST_LIMIT])


def get_meeting_for_user(user: Person, meeting_id: int) -> Meeting:
    meeting = (
        _meetings(user)
        .select_related("series", "manager", "report", "notes_edited_by")
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None:
        raise NotFound("No such one-on-one.")
    return meeting


def previous_meeting(user: Person, meeting: Meeting) -> Meeting | None:
    """The last meeting of the series held before this one (skipped ones left out)."""
    return (
        _meetings(user)
        .filter(series_id=meeting.series_id, starts_at__lt=meeting.starts_at)
        .exclude(state=Meeting.State.SKIPPED)
        .order_by("-starts_at")
        .first()
    )


# -- since last time --------------------------------------------------------------------------


@dataclass
class ObjectiveChange:
    objective: Objective
    then: int  # percent
    now: int

    @property
    def delta(self) -> int:
        return self.now - self.then


@dataclass
class ConfidenceChange:
    check_in: CheckIn
    before: str
    after: str


@dataclass
class BlockerLine:
    blocker: Blocker
    new: bool  # raised since last time


@dataclass
class SinceLastTime:
    since: dt.datetime
    until: dt.datetime
    first: bool  # no earlier meeting: the cadence's span back
    objectives: list[ObjectiveChange] = field(default_factory=list)
    confidence: list[ConfidenceChange] = field(default_factory=list)
    blockers: list[BlockerLine] = field(default_factory=list)


def _progress_at(
    krs: list[KeyResult], readings: dict[int, list[tuple[dt.datetime, float]]], instant: dt.datetime
) -> float:
    """The weighted progress of these key results from their last check-in by ``instant``."""
    total = weight = 0.0
    for kr in krs:
        value = 0.0
        for recorded_at, progress in readings.get(kr.pk, []):
            if recorded_at > instant:
                break
            value = progress
        total += kr.weight * value
        weight += kr.weight
    return total / weight if weight else 0.0


def since_last_time(
    user: Person, meeting: Meeting, previous: Meeting | None, now: dt.datetime | None = None
) -> SinceLastTime:
    """What changed for the report between the previous meeting and this one (or now, for a
    meeting ahead), as the reader may see it: progress per objective then and now (from the
    key results' check-ins), check-ins whose confidence changed, and blockers still open or
    raised in between. Four queries."""
    now = now or timezone.now()
    until = min(now, meeting.starts_at)
    if previous is not None:
        since, first = previous.starts_at, False
    else:
        days = schedule.FIRST_LOOKBACK.get(meeting.series.cadence, 14)
        since, first = until - dt.timedelta(days=days), True
    out = SinceLastTime(since=since, until=until, first=first)
    report_id = meeting.report_id
    since_day, until_day = since.date(), until.date()
    objectives = list(
        Objective.objects.visible_to(user)
        .filter(
            owner_person_id=report_id,
            is_development=False,
            cycle__start_date__lte=until_day,
            cycle__end_date__gte=since_day,
        )
        .exclude(state=Objective.State.ABANDONED)
        .select_related("cycle")
        .order_by("cycle__start_date", "pk")
    )
    krs = list(
        KeyResult.objects.visible_to(user)
        .filter(
            Q(objective__in=objectives)
            | Q(
                owner_id=report_id,
                cycle__start_date__lte=until_day,
                cycle__end_date__gte=since_day,
            )
        )
        .select_related("objective")
        .order_by("position", "pk")
    )
    readings: dict[int, list[tuple[dt.datetime, float]]] = defaultdict(list)
    previous_confidence: dict[int, str] = {}
    for ci in (
        CheckIn.objects.filter(key_result__in=krs, recorded_at__lte=until)
        .select_related("key_result", "author")
        .order_by("recorded_at", "pk")
    ):
        readings[ci.key_result_id].append((ci.recorded_at, ci.progress))
        before = previous_confidence.get(ci.key_result_id)
        if ci.recorded_at > since and before and before != ci.confidence:
            out.confidence.append(ConfidenceChange(ci, before, ci.confidence))
        previous_confidence[ci.key_result_id] = ci.confidence
    by_objective: dict[int, list[KeyResult]] = defaultdict(list)
    for kr in krs:
        by_objective[kr.objective_id].append(kr)
    for o in objectives:
        own = by_objective.get(o.pk, [])
        then = round(100 * _progress_at(own, readings, since))
        at_until = round(100 * _progress_at(own, readings, until))
        out.objectives.append(ObjectiveChange(o, then, at_until))
    out.confidence.reverse()  # latest first
    blockers = (
        Blocker.objects.visible_to(user)
        .filter(
            Q(key_result__owner_id=report_id) | Q(assignee_id=report_id) | Q(raised_by_id=report_id)
        )
        .filter(raised_at__lte=until)
        .filter(Q(resolved_at__isnull=True) | Q(resolved_at__gt=since))
        .select_related("key_result", "assignee", "raised_by")
        .order_by("-raised_at", "-pk")
    )
    out.blockers = [BlockerLine(b, new=b.raised_at > since) for b in blockers]
    return out


# -- the meeting page --------------------------------------------------------------------------


@dataclass
class MeetingPage:
    meeting: Meeting
    agenda: list[AgendaItem]
    action_items: list[ActionItem]  # this meeting's, then those carried from earlier ones
    private_note: PrivateNote | None
    previous: Meeting | None
    following: Meeting | None
    since: SinceLastTime
    versions: int
    can_write: bool
    can_move: bool


def meeting_page(user: Person, meeting: Meeting) -> MeetingPage:
    """Everything on a meeting's page (a fixed number of queries)."""
    viewer = OneOnOneViewer.of(user)
    previous = previous_meeting(user, meeting)
    following = (
        _meetings(user)
        .filter(series_id=meeting.series_id, starts_at__gt=meeting.starts_at)
        .order_by("starts_at")
        .first()
    )
    agenda = list(meeting.agenda.select_related("added_by").order_by("position", "pk"))
    # This meeting's action items, and the open ones from earlier meetings of the series.
    items = list(
        ActionItem.objects.filter(series_id=meeting.series_id)
        .filter(
            Q(meeting=meeting)
            | Q(meeting__starts_at__lt=meeting.starts_at, done_at__isnull=True)
            | Q(meeting__starts_at__lt=meeting.starts_at, done_at__gt=meeting.starts_at)
        )
        .select_related("owner", "meeting")
        .order_by("created_at", "pk")
    )
    items.sort(key=lambda i: (i.meeting_id != meeting.pk, i.created_at, i.pk))
    note = PrivateNote.objects.filter(meeting=meeting, author_id=user.pk).first()
    if note is not None and not viewer.can_read_private_note(note.author_id):
        note = None
    return MeetingPage(
        meeting=meeting,
        agenda=agenda,
        action_items=items,
        private_note=note,
        previous=previous,
        following=following,
        since=since_last_time(user, meeting, previous),
        versions=SharedNoteVersion.objects.filter(meeting=meeting).count(),
        can_write=viewer.can_write_meeting(meeting),
        can_move=viewer.can_move_meeting(meeting),
    )


def note_versions(user: Person, meeting: Meeting) -> list[SharedNoteVersion]:
    """The shared notes' earlier texts, newest first (``meeting`` loaded through the policy)."""
    return list(
        SharedNoteVersion.objects.filter(meeting=meeting)
        .select_related("written_by")
        .order_by("-number")
    )


# -- the manager's home ------------------------------------------------------------------------


def next_meetings_with(user: Person, report_ids: Iterable[int]) -> dict[int, Meeting | None]:
    """For each report: the next scheduled meeting of my running series with them, or None
    when no series runs (one query)."""
    ids = list(report_ids)
    out: dict[int, Meeting | None] = {}
    if not ids:
        return out
    now = timezone.now()
    rows = (
        _meetings(user)
        .filter(
            manager_id=user.pk,
            report_id__in=ids,
            series__ended_at__isnull=True,
            starts_at__gt=now,
            state=Meeting.State.SCHEDULED,
        )
        .order_by("starts_at")
    )
    for m in rows:
        out.setdefault(m.report_id, m)
    return out


def meetings_between(start: dt.datetime, end: dt.datetime) -> list[Meeting]:
    """Scheduled meetings of running series starting in [start, end), with both people
    (for the reminder run, which tells each participant about their own meetings)."""
    return list(
        Meeting.objects.filter(
            starts_at__gte=start,
            starts_at__lt=end,
            state=Meeting.State.SCHEDULED,
            series__ended_at__isnull=True,
        )
        .select_related("manager", "report")
        .order_by("starts_at", "pk")
    )


def running_series() -> list[Series]:
    return list(
        Series.objects.filter(ended_at__isnull=True).select_related("report").order_by("pk")
    )


def agenda_item_meeting_id(user: Person, item_id: int) -> int:
    """The meeting of an agenda item I may see (else not found)."""
    meeting_id = (
        AgendaItem.objects.filter(pk=item_id, meeting__in=_meetings(user))
        .values_list("meeting_id", flat=True)
        .first()
    )
    if meeting_id is None:
        raise NotFound("No such agenda item.")
    return int(meeting_id)
