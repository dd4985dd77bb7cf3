"""Blockers in the demo: the everyday ones the check-ins raised were dealt with within the
week they came up (resolved, with a note); the last few days' are with someone; and three
stories show the rest of the life of a blocker:

* Jordan Blake waits on Legal for the reseller agreement: assigned to Nadia Rahman ten days
  ago, past the organisation's seven days, so the reminder run has told her manager, Victor
  Alvarez (escalated);
* Omar Farouk's load tests collide with staging: Mei Tanaka is on it (being handled);
* Sofia Marin's security questionnaire was stuck with InfoSec: Ahmed Hassan sorted it out
  (resolved, with a note).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from lineofsight.core.errors import InvalidInput
from lineofsight.demo.content import CURRENT
from lineofsight.demo.world import DemoWorld
from lineofsight.goals import actions
from lineofsight.goals.models import Blocker, BlockerEvent, CheckIn
from lineofsight.integrations import actions as outbox
from lineofsight.integrations import planning
from lineofsight.integrations.models import Notification

SETTLED_AFTER = dt.timedelta(days=5)
NOTES = (
    "Sorted out in the team stand-up.",
    "Unblocked after a quick call with the other team.",
    "No longer in the way: we changed the plan.",
    "Done: the missing access was granted.",
)


@dataclass(frozen=True)
class Story:
    raiser: str
    text: str
    assignee: str
    days_ago: int
    state: str = "open"
    note: str = ""


STORIES = (
    Story(
        "jordan",
        "Legal still has the new reseller agreement template; three deals wait on it.",
        "nadia",
        10,
    ),
    Story(
        "omar",
        "Staging is shared with the load tests, so the nightly runs collide and fail.",
        "mei",
        4,
        state="handling",
    ),
    Story(
        "sofia",
        "The Northwind security questionnaire has been stuck with InfoSec for a week.",
        "ahmed",
        9,
        state="resolved",
        note="Ahmed answered the technical sections himself; InfoSec signed off on Tuesday.",
    ),
)


def load_blockers(loader: DemoWorld) -> int:
    """Settle the everyday blockers, tell the stories; the number of stories told."""
    now = loader.plan.now
    _settle(now)
    _assign_recent(loader, now)
    told = sum(_tell(loader, story, now) for story in STORIES)
    _escalate(now.astimezone(loader.plan.tz).date())
    return told


def _settle(now: dt.datetime) -> None:
    """Everything raised before the last few days was resolved a few days after; of the
    last few days', each person's latest stays open (repeats of it were the same blocker)."""
    recent = Blocker.objects.unresolved().filter(raised_at__gte=now - SETTLED_AFTER)
    keep: dict[int, int] = {}
    for pk, raiser in recent.order_by("raised_at", "pk").values_list("pk", "raised_by_id"):
        keep[raiser] = pk
    old = list(Blocker.objects.unresolved().exclude(pk__in=list(keep.values())))
    events = []
    for i, b in enumerate(old):
        b.state = Blocker.State.RESOLVED
        b.resolved_at = min(now, b.raised_at + dt.timedelta(days=2 + i % 3))
        b.resolution_note = NOTES[i % len(NOTES)]
        b.updated_at = b.resolved_at
        events.append(
            BlockerEvent(
                blocker=b,
                kind=BlockerEvent.Kind.STATE,
                actor_id=b.raised_by_id,
                from_state=Blocker.State.OPEN,
                to_state=Blocker.State.RESOLVED,
                note=b.resolution_note,
                at=b.resolved_at,
            )
        )
    Blocker.objects.bulk_update(
        old, ["state", "resolved_at", "resolution_note", "updated_at"], batch_size=500
    )
    BlockerEvent.objects.bulk_create(events, batch_size=500)


def _assign_recent(loader: DemoWorld, now: dt.datetime) -> None:
    """The last few days' blockers went to the raiser's manager, who can clear the way."""
    for b in Blocker.objects.unresolved().select_related("raised_by", "key_result"):
        manager = b.raised_by.manager
        if manager is None:
            continue
        try:
            actions.assign_blocker(acting_user=b.raised_by, blocker=b, assignee_id=manager.pk)
        except InvalidInput:  # a manager who may not see it: left unassigned
            continue


def _tell(loader: DemoWorld, story: Story, now: dt.datetime) -> int:
    raiser = loader.people.get(story.raiser)
    assignee = loader.people.get(story.assignee)
    quarter = loader.plan.quarters.get(CURRENT)
    if raiser is None or assignee is None or quarter is None:
        return 0
    check_in = (
        CheckIn.objects.filter(
            author=raiser,
            key_result__cycle=quarter,
            key_result__owner=raiser,
            key_result__state="active",
            recorded_at__lte=now - dt.timedelta(days=story.days_ago),
        )
        .order_by("-recorded_at")
        .first()
    )
    if check_in is None:
        return 0
    (blocker,) = actions.raise_blockers(
        acting_user=raiser,
        check_in=check_in,
        blockers=[actions.BlockerInput(story.text, assignee.pk)],
    )
    when = now - dt.timedelta(days=story.days_ago)
    Blocker.objects.filter(pk=blocker.pk).update(raised_at=when, open_since=when, updated_at=when)
    BlockerEvent.objects.filter(blocker=blocker).update(at=when)
    if story.state != "open":
        blocker.refresh_from_db()
        actions.set_blocker_state(
            acting_user=assignee, blocker=blocker, state=Blocker.State.HANDLING
        )
        BlockerEvent.objects.filter(blocker=blocker, to_state="handling").update(
            at=when + dt.timedelta(days=1)
        )
    if story.state == "resolved":
        blocker.refresh_from_db()
        actions.set_blocker_state(
            acting_user=assignee, blocker=blocker, state=story.state, note=story.note
        )
        done = now - dt.timedelta(days=max(1, story.days_ago - 5))
        Blocker.objects.filter(pk=blocker.pk).update(resolved_at=done, updated_at=done)
        BlockerEvent.objects.filter(blocker=blocker, to_state="resolved").update(at=done)
    return 1


def _escalate(today: dt.date) -> None:
    """What the reminder run would have sent about blockers by today, sent."""
    plan = planning.plan_run(today, site_url=settings.SITE_URL)
    messages = [m for m in plan.messages if m.kind == Notification.Kind.BLOCKER]
    fresh = outbox.queue_notifications(acting_user=None, messages=messages, run="demo")
    steps = [
        (step[0], m.recipient_id, step[1])
        for m in fresh
        if (step := planning.parse_blocker_key(m.dedupe_key)) is not None
    ]
    actions.record_blocker_escalations(steps)
