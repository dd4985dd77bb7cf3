"""A person's calendar feed: their check-ins due and review deadlines as an iCalendar file
at a secret address (``/calendar/<token>.ics``) that calendar apps subscribe to.

* The address is made (and made again, which replaces it) or revoked by its person only.
  Only a fingerprint of its token is stored; the address is shown once. A replaced or revoked
  address answers 404 at once.
* The feed holds the person's own items only: a check-in due on every key result they own
  that takes check-ins (its next due day from ``goals.due``; an overdue one on today), their
  self review, the feedback they were asked to write and (for managers) the manager reviews
  they write, each on its review cycle's deadline; for HR, each open review cycle's
  calibration deadline. Every event keeps one UID, so calendar apps move it rather than add
  another when the day changes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections import defaultdict
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lineofsight.core import audit
from lineofsight.core.errors import NotAllowed
from lineofsight.goals.access import GoalViewer
from lineofsight.goals.due import DueState
from lineofsight.goals.tracking.check_ins_due import due_for, organisation_today
from lineofsight.integrations.outbound.models import CalendarFeed
from lineofsight.reviews.models import Feedback, ReviewCycle

if TYPE_CHECKING:
    from lineofsight.people.models import Person

TOKEN_PREFIX = "cal_"  # noqa: S105 - a marker, not a secret
MAX_TOKEN = 100


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def feed_url(raw: str) -> str:
    return f"{settings.SITE_URL}/calendar/{raw}.ics"


# -- writes ---------------------------------------------------------------------------------


@transaction.atomic
def make_feed(*, acting_user: Person, person: Person) -> tuple[CalendarFeed, str]:
    """A new secret address for ``person``'s calendar (replacing any earlier one, which stops
    working at once); returns the row and the token, shown once."""
    if acting_user.pk != person.pk or not person.is_active:
        raise NotAllowed("You can only make your own calendar address.")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    existing = CalendarFeed.objects.select_for_update().filter(person=person).first()
    now = timezone.now()
    if existing is None:
        feed = CalendarFeed.objects.create(
            person=person, digest=_digest(raw), prefix=raw[:10], created_at=now
        )
        action = "calendar_feed.create"
    else:
        existing.digest, existing.prefix = _digest(raw), raw[:10]
        existing.created_at, existing.last_read_at = now, None
        existing.save()
        feed = existing
        action = "calendar_feed.replace"
    audit.record(actor=acting_user, action=action, subject=feed, data={"person": person.pk})
    return feed, raw


@transaction.atomic
def revoke_feed(*, acting_user: Person, person: Person) -> bool:
    """Turn ``person``'s calendar address off; True when there was one."""
    if acting_user.pk != person.pk:
        raise NotAllowed("You can only revoke your own calendar address.")
    feed = CalendarFeed.objects.filter(person=person).first()
    if feed is None:
        return False
    audit.record(
        actor=acting_user, action="calendar_feed.revoke", subject=feed, data={"person": person.pk}
    )
    feed.delete()
    return True


# -- reads ----------------------------------------------------------------------------------


def feed_of(person: Person) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(person=person).first()


def person_for_token(raw: str) -> Person | None:
    """The active person whose live calendar address this is, or None."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > MAX_TOKEN:
        return None
    feed = (
        CalendarFeed.objects.select_related("person")
        .filter(digest=_digest(raw), person__is_active=True)
        .first()
    )
    if feed is None:
        return None
    now = timezone.now()
    if feed.last_read_at is None or (now - feed.last_read_at).total_seconds() > 300:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_read_at=now)
    return feed.person


def _domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "lineofsight"


def _event(
    uid: str, day: dt.date, summary: str, description: str, url: str, stamp: dt.datetime
) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"{uid}@{_domain()}")
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("url", f"{settings.SITE_URL}{url}")
    event.add("transp", "TRANSPARENT")
    return event


def build_calendar(person: Person, *, today: dt.date | None = None) -> bytes:
    """The iCalendar file of ``person``'s own deadlines (a fixed number of queries)."""
    today = today or organisation_today()
    stamp = timezone.now().replace(microsecond=0)
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Line of Sight//Calendar feed//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"Line of Sight: {person.name}")
    cal.add("x-published-ttl", "PT1H")
    for row in due_for(person, today=today).rows:
        due = row.due
        if due.next_due is None or due.state in (DueState.ENDED, DueState.NOT_STARTED):
            continue
        kr = row.key_result
        overdue = due.state is DueState.OVERDUE
        day = today if overdue else due.next_due
        summary = f"{'Overdue check-in' if overdue else 'Check in'}: {kr.title}"
        cal.add_component(
            _event(
                f"check-in-{kr.pk}",
                day,
                summary,
                f"{due.describe(today)}. Objective: {kr.objective.title}.",
                f"/objectives/{kr.objective_id}/",
                stamp,
            )
        )
    for event in _review_events(person, stamp):
        cal.add_component(event)
    return cal.to_ical()


def _review_events(person: Person, stamp: dt.datetime) -> list[icalendar.Event]:
    events: list[icalendar.Event] = []
    open_feedback = (
        Feedback.objects.filter(
            author=person,
            state=Feedback.State.OPEN,
            review__review_cycle__state=ReviewCycle.State.OPEN,
        )
        .select_related("review__review_cycle", "review__subject")
        .order_by("review__review_cycle_id", "pk")
    )
    grouped: dict[tuple[int, str], list[Feedback]] = defaultdict(list)
    for fb in open_feedback:
        grouped[(fb.review.review_cycle_id, fb.kind)].append(fb)
    for (cycle_id, kind), items in grouped.items():
        cycle = items[0].review.review_cycle
        if kind == Feedback.Kind.SELF:
            day, summary = cycle.self_review_due, f"Self review due: {cycle.name}"
            url = f"/reviews/feedback/{items[0].pk}/"
        elif kind == Feedback.Kind.MANAGER:
            day = cycle.manager_review_due
            summary = f"Manager reviews due ({len(items)}): {cycle.name}"
            url = "/reviews/"
        else:
            day = cycle.peer_feedback_due
            summary = f"Feedback due ({len(items)}): {cycle.name}"
            url = "/reviews/"
        names = ", ".join(fb.review.subject.name for fb in items)
        description = "Your self review." if kind == Feedback.Kind.SELF else f"For: {names}."
        events.append(
            _event(f"review-{cycle_id}-{kind}-{person.pk}", day, summary, description, url, stamp)
        )
    if GoalViewer.of(person).is_hr:
        for cycle in ReviewCycle.objects.filter(state=ReviewCycle.State.OPEN).order_by("pk"):
            events.append(
                _event(
                    f"calibration-{cycle.pk}",
                    cycle.calibration_due,
                    f"Calibration deadline: {cycle.name}",
                    f"Ratings are calibrated by {cycle.calibration_due:%d %B %Y}; reviews are "
                    f"shared by {cycle.sharing_due:%d %B %Y}.",
                    "/reviews/calibration/",
                    stamp,
                )
            )
    return events
