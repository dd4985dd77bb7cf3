"""One-on-one notifications through the outbox: the other side added to the agenda, an
action item given to someone, and a meeting tomorrow (from the reminder run).

The messages say who did what and when the meeting is, never what was written: the outbox
is HR's to read, a one-on-one is only its two participants'. Each is queued once (its key
names the item or the meeting), after the action commits.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from lineofsight.integrations import actions as outbox
from lineofsight.integrations.compose import Message
from lineofsight.integrations.models import Notification
from lineofsight.oneonones.models import ActionItem, AgendaItem, Meeting
from lineofsight.oneonones.selectors import meetings_between
from lineofsight.people.selectors import organisation_time_zone


def _when(meeting: Meeting, tz: zoneinfo.ZoneInfo | None = None) -> str:
    tz = tz or zoneinfo.ZoneInfo(organisation_time_zone())
    return timezone.localtime(meeting.starts_at, tz).strftime("%A %-d %B, %H:%M")


def agenda_message(*, name: str, author: str, when: str, url: str) -> Message:
    return Message(
        f"{author} added a topic to your one-on-one of {when}",
        "\n".join(
            [
                f"Hello {name},",
                "",
                f"{author} added a topic to the agenda of your one-on-one of {when}.",
                "",
                f"See the agenda: {url}",
            ]
        ),
    )


def action_message(*, name: str, author: str, when: str, due: str, url: str) -> Message:
    due_line = f" It is due {due}." if due else ""
    return Message(
        f"{author} gave you an action item in your one-on-one",
        "\n".join(
            [
                f"Hello {name},",
                "",
                f"{author} gave you an action item in your one-on-one of {when}.{due_line}",
                "",
                f"See it: {url}",
            ]
        ),
    )


def tomorrow_message(*, name: str, other: str, when: str, url: str) -> Message:
    return Message(
        f"Your one-on-one with {other} is tomorrow",
        "\n".join(
            [
                f"Hello {name},",
                "",
                f"Your one-on-one with {other} is {when}. Add what you want to talk about to "
                "the agenda beforehand.",
                "",
                f"Open it: {url}",
            ]
        ),
    )


def _path(meeting_id: int, anchor: str) -> str:
    return reverse("one-on-one-meeting", args=[meeting_id]) + f"#{anchor}"


def agenda_item_added(sender: Any, item: AgendaItem, **kwargs: Any) -> None:
    item_id = item.pk

    def run() -> None:
        added = (
            AgendaItem.objects.select_related("added_by", "meeting__manager", "meeting__report")
            .filter(pk=item_id)
            .first()
        )
        if added is None:
            return
        meeting = added.meeting
        other = meeting.report if added.added_by_id == meeting.manager_id else meeting.manager
        if not other.is_active:
            return
        path = _path(meeting.pk, "agenda")
        message = agenda_message(
            name=other.name,
            author=added.added_by.name,
            when=_when(meeting),
            url=settings.SITE_URL + path,
        )
        outbox.queue_notifications(
            acting_user=None,
            messages=[
                outbox.email(
                    other, Notification.Kind.ONE_ON_ONE, f"agenda:{added.pk}", message, path
                )
            ],
            run="one-on-ones",
        )

    transaction.on_commit(run, robust=True)


def action_item_assigned(sender: Any, item: ActionItem, **kwargs: Any) -> None:
    item_id = item.pk

    def run() -> None:
        action = (
            ActionItem.objects.select_related("owner", "added_by", "meeting")
            .filter(pk=item_id)
            .first()
        )
        if action is None or not action.owner.is_active:
            return
        path = _path(action.meeting_id, "actions")
        message = action_message(
            name=action.owner.name,
            author=action.added_by.name,
            when=_when(action.meeting),
            due=action.due.strftime("%-d %B") if action.due else "",
            url=settings.SITE_URL + path,
        )
        outbox.queue_notifications(
            acting_user=None,
            messages=[
                outbox.email(
                    action.owner,
                    Notification.Kind.ACTION_ITEM,
                    f"action-item:{action.pk}",
                    message,
                    path,
                )
            ],
            run="one-on-ones",
        )

    transaction.on_commit(run, robust=True)


def tomorrow(
    today: dt.date, *, site_url: str, tz: zoneinfo.ZoneInfo | None = None
) -> list[outbox.Outgoing]:
    """The reminders for meetings held tomorrow (in the organisation's time zone), one to
    each participant, keyed by the meeting and its start so a moved meeting is told again
    (one query)."""
    tz = tz or zoneinfo.ZoneInfo(organisation_time_zone())
    start = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), tzinfo=tz)
    out = []
    for meeting in meetings_between(start, start + dt.timedelta(days=1)):
        if meeting.report.manager_id != meeting.manager_id:
            continue
        path = _path(meeting.pk, "agenda")
        for person, other in ((meeting.manager, meeting.report), (meeting.report, meeting.manager)):
            if not person.is_active:
                continue
            message = tomorrow_message(
                name=person.name, other=other.name, when=_when(meeting, tz), url=site_url + path
            )
            key = f"one-on-one:{meeting.pk}:{meeting.starts_at:%Y%m%d%H%M}"
            out.append(outbox.email(person, Notification.Kind.ONE_ON_ONE, key, message, path))
    return out
