"""The demo's one-on-ones: Priya meets her reports, so her home shows each one's next
one-on-one and the meeting pages have a history.

* Jordan (the worked example), weekly on Tuesday at 10:00: three meetings held, each with an
  agenda from both, shared notes, action items (one still open, carried to the next meeting)
  and a private note each; the next meeting ahead already has two topics.
* Sofia, every two weeks on Thursday at 14:00: one meeting held, the next ahead.
* Ahmed has none yet: Priya's home offers to set one up.

Jordan shares the notes of the first meeting into his review (when Priya is writing one),
so the review page shows a note "shared from a one-on-one".

Everything is written through the one-on-ones' actions; only the instants are moved back to
when the meetings were held. The messages the agenda sent about past meetings are read.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

from lineofsight.core.errors import InvalidInput
from lineofsight.demo.world import DemoWorld
from lineofsight.integrations.models import InboxItem, Notification
from lineofsight.oneonones import actions as meet
from lineofsight.oneonones.models import ActionItem, AgendaItem, Meeting, PrivateNote, Series
from lineofsight.people.models import Person


@dataclass
class Held:
    """One meeting: topics (who, text), shared notes, actions (owner, text, done), private
    notes (who, text)."""

    topics: list[tuple[str, str]]
    notes: str = ""
    actions: list[tuple[str, str, bool]] = field(default_factory=list)
    private: list[tuple[str, str]] = field(default_factory=list)
    share: bool = False  # the report shares the notes into their review


JORDAN = [
    Held(
        topics=[
            ("priya", "Pipeline review: the three deals closest to signing"),
            ("jordan", "Help from Legal on the Northwind contract"),
        ],
        notes="Northwind: Legal review to be booked this week; Jordan sends the redlines "
        "first.\nAgreed to focus the end of the quarter on two deals rather than five.",
        actions=[
            ("jordan", "Send the Northwind redlines to Victor", True),
            ("priya", "Ask Victor to prioritise the Northwind review", True),
        ],
        share=True,
    ),
    Held(
        topics=[
            ("jordan", "Mentoring Sofia in her first quarter"),
            ("priya", "Confidence on the pipeline key result dropped: what changed?"),
        ],
        notes="Two discovery calls slipped to next month, hence at risk. Jordan will pair "
        "with Sofia on discovery so both pipelines benefit.",
        actions=[("jordan", "Pair with Sofia on two discovery calls", False)],
    ),
    Held(
        topics=[
            ("priya", "Forecast for the rest of the quarter"),
            ("jordan", "Budget for a negotiation course"),
        ],
        notes="Forecast holds if Northwind signs by the 20th. Priya checks the training "
        "budget before next time.",
        actions=[("priya", "Find out the training budget for the negotiation course", False)],
        private=[
            ("priya", "Jordan is ready for a larger territory: raise it when we plan next year."),
            ("jordan", "Ask about the team lead opening once Northwind is signed."),
        ],
    ),
]
JORDAN_NEXT = [
    ("jordan", "Negotiation course: dates and cost"),
    ("priya", "Plan for the last two weeks of the quarter"),
]
SOFIA = [
    Held(
        topics=[
            ("sofia", "Questions on the discount approval process"),
            ("priya", "How the first month went"),
        ],
        notes="Discounts above 15 % go to Priya, above 25 % to Daniel. Sofia shadows Jordan "
        "on discovery calls.",
        actions=[("sofia", "Book two shadowing sessions with Jordan", True)],
    ),
]
SOFIA_NEXT = [("sofia", "First deal review: Contoso")]


def _last_before(
    now: dt.datetime, weekday: int, time: dt.time, tz: zoneinfo.ZoneInfo
) -> dt.datetime:
    """The last such weekday before today, at that time."""
    day = now.astimezone(tz).date() - dt.timedelta(days=1)
    while day.weekday() != weekday:
        day -= dt.timedelta(days=1)
    return dt.datetime.combine(day, time, tzinfo=tz)


def _fill(people: dict[str, Person], meeting: Meeting, held: Held) -> None:
    when = meeting.starts_at
    for who, text in held.topics:
        item = meet.add_agenda_item(acting_user=people[who], meeting=meeting, text=text)
        # Every topic of a meeting held was talked about.
        meet.tick_agenda_item(acting_user=people["priya"], item_id=item.pk, done=True)
    AgendaItem.objects.filter(meeting=meeting).update(created_at=when - dt.timedelta(days=1))
    if held.notes:
        meet.save_shared_notes(
            acting_user=people["priya"], meeting=meeting, text=held.notes, version=0
        )
        Meeting.objects.filter(pk=meeting.pk).update(notes_edited_at=when + dt.timedelta(hours=1))
    for owner, text, done in held.actions:
        action = meet.add_action_item(
            acting_user=people["priya"],
            meeting=meeting,
            text=text,
            owner_id=people[owner].pk,
            due=(when + dt.timedelta(days=6)).date(),
        )
        if done:
            meet.set_action_item_done(acting_user=people[owner], item_id=action.pk, done=True)
            ActionItem.objects.filter(pk=action.pk).update(done_at=when + dt.timedelta(days=3))
        ActionItem.objects.filter(pk=action.pk).update(created_at=when)
    for who, text in held.private:
        meet.save_private_note(acting_user=people[who], meeting=meeting, text=text)
        PrivateNote.objects.filter(meeting=meeting, author=people[who]).update(
            updated_at=when + dt.timedelta(hours=1)
        )


def _series(
    loader: DemoWorld,
    report: str,
    *,
    cadence: str,
    weekday: int,
    time: dt.time,
    history: list[Held],
    next_topics: list[tuple[str, str]],
) -> Series:
    p = loader.people
    step = 7 if cadence == "weekly" else 14
    last = _last_before(loader.plan.now, weekday, time, loader.plan.tz)
    first = last - dt.timedelta(days=step * (len(history) - 1))
    series = meet.set_up_series(
        acting_user=p["priya"], other=p[report], cadence=cadence, weekday=weekday, time=time
    )
    Series.objects.filter(pk=series.pk).update(created_at=first - dt.timedelta(days=3))
    series.meetings.update(planned_at=first, starts_at=first)
    meetings = [series.meetings.get()]
    for _ in history[1:]:
        made = meet.keep_next_meeting(series, now=meetings[-1].starts_at + dt.timedelta(hours=1))
        assert made is not None
        meetings.append(made)
    for meeting, held in zip(meetings, history, strict=True):
        _fill(p, meeting, held)
        if held.share:  # refused when Priya writes no review of theirs: nothing to share into
            with contextlib.suppress(InvalidInput):
                meet.share_notes_into_review(acting_user=p[report], meeting=meeting)
    upcoming = meet.keep_next_meeting(series)
    assert upcoming is not None
    for who, text in next_topics:
        meet.add_agenda_item(acting_user=p[who], meeting=upcoming, text=text)
    return series


def load_one_on_ones(loader: DemoWorld) -> int:
    """Priya's series with Jordan and Sofia; returns how many meetings were held."""
    p = loader.people
    if not all(name in p for name in ("priya", "jordan", "sofia")):
        return 0
    _series(
        loader,
        "jordan",
        cadence="weekly",
        weekday=1,
        time=dt.time(10),
        history=JORDAN,
        next_topics=JORDAN_NEXT,
    )
    _series(
        loader,
        "sofia",
        cadence="fortnightly",
        weekday=3,
        time=dt.time(14),
        history=SOFIA,
        next_topics=SOFIA_NEXT,
    )
    return len(JORDAN) + len(SOFIA)


def read_messages_about_held_meetings(now: dt.datetime) -> int:
    """Mark read the inbox messages about meetings already held (they are history); those
    about the meetings ahead stay unread."""
    held = Meeting.objects.filter(starts_at__lte=now).values_list("pk", flat=True)
    paths = [f"/one-on-ones/{pk}/" for pk in held]
    items = [
        item.pk
        for item in InboxItem.objects.filter(
            kind__in=(Notification.Kind.ONE_ON_ONE, Notification.Kind.ACTION_ITEM), read_at=None
        )
        if any(item.url.startswith(path) for path in paths)
    ]
    return InboxItem.objects.filter(pk__in=items).update(read_at=now)
