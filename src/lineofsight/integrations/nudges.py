"""Nudges: a manager asks a report for a check-in now, from "My team" on their home.

The report gets a check-in reminder at once, through the outbox and its delivery (listing
what of theirs is due, if anything). At most one nudge per report per day per manager (the
organisation's day): the outbox row's key names the manager and the day, so a second one
is refused, saying when the next is possible. Every nudge is audited.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from lineofsight.core import audit
from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.goals.due import fmt_day
from lineofsight.goals.tracking.check_ins_due import due_for
from lineofsight.integrations import compose, delivery
from lineofsight.integrations.access import IntegrationViewer
from lineofsight.integrations.actions import Outgoing, queue_notifications
from lineofsight.integrations.models import Notification
from lineofsight.people.models import Person
from lineofsight.people.selectors import organisation_time_zone

NUDGE_KEY = "nudge:"


@dataclass(frozen=True)
class Nudge:
    report: Person
    notification_id: int
    due: int  # key results listed as due


def nudge_key(manager_id: int, day: dt.date) -> str:
    return f"{NUDGE_KEY}{manager_id}:{day.isoformat()}"


def _today(now: dt.datetime) -> dt.date:
    return now.astimezone(zoneinfo.ZoneInfo(organisation_time_zone())).date()


def last_nudge(manager: Person, report: Person, day: dt.date) -> Notification | None:
    return (
        Notification.objects.filter(
            recipient=report, kind=Notification.Kind.REMINDER, dedupe_key=nudge_key(manager.pk, day)
        )
        .order_by("pk")
        .first()
    )


@transaction.atomic
def nudge_report(*, acting_user: Person, report: Person, now: dt.datetime | None = None) -> Nudge:
    """Send ``report`` a check-in reminder now, on behalf of ``acting_user`` (a manager in
    their chain). Refused, naming ``person``, when this manager nudged them today already."""
    viewer = IntegrationViewer.of(acting_user)
    if not viewer.can_nudge(report):
        raise NotAllowed("Only a person's managers ask them for a check-in.")
    now = now or timezone.now()
    day = _today(now)
    earlier = last_nudge(acting_user, report, day)
    if earlier is not None:
        at = timezone.localtime(earlier.created_at, zoneinfo.ZoneInfo(organisation_time_zone()))
        raise InvalidInput.one(
            "person",
            f"You asked {report.name} for a check-in today at {at:%H:%M}; you can ask again "
            f"tomorrow, {fmt_day(day + dt.timedelta(days=1))}.",
        )
    listed = due_for(report, today=day)
    due_rows = [row for row in listed.rows if row.is_due]
    items = [
        compose.DueLine(
            row.key_result.pk,
            row.key_result.title,
            row.key_result.objective.title,
            report.name,
            row.due,
        )
        for row in due_rows
    ]
    message = compose.nudge(
        name=report.name,
        manager_name=acting_user.name,
        items=items,
        check_in_url=settings.SITE_URL + reverse("check-in"),
    )
    key = nudge_key(acting_user.pk, day)
    queue_notifications(
        acting_user=None,
        messages=[
            Outgoing(
                report.pk,
                Notification.Kind.REMINDER,
                Notification.Channel.EMAIL,
                key,
                message.subject,
                message.body,
                address=report.email,
                key_results=tuple(
                    (row.key_result.pk, row.key_result.title, row.key_result.kind == "milestone")
                    for row in due_rows
                ),
            )
        ],
        run=f"nudge by {acting_user.pk}",
    )
    written = Notification.objects.get(
        recipient=report, channel=Notification.Channel.EMAIL, dedupe_key=key
    )
    audit.record(
        actor=acting_user,
        action="nudge.send",
        subject=report,
        data={"notification": written.pk, "due": len(items)},
    )
    transaction.on_commit(lambda: delivery.deliver_now([written.pk]), robust=True)
    return Nudge(report, written.pk, len(items))
