"""What is due, notification preferences, teams' chat webhooks and the notification outbox.

* ``GET /api/check-ins/due``: the caller's key results due for a check-in (or all they check
  in on), with the next due date, missed periods and status from pace.
* ``GET``/``PATCH /api/notification-preferences``: the caller's own digest preferences
  (nobody can change someone else's; reminders and escalations are always on).
* ``/api/teams/{id}/webhooks``: a team's Slack and Microsoft Teams webhooks, for its lead and
  HR; addresses are returned masked.
* ``/api/notifications``: the outbox; HR sees every notification (and may retry failed ones),
  everyone else the notifications sent to them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from lineofsight.access.policy import Viewer
from lineofsight.api.auth import caller
from lineofsight.api.base import Input, Page, PageQuery, References, page, page_of
from lineofsight.api.errors import READ_ERRORS, WRITE_ERRORS, fields_named
from lineofsight.api.goals.rows import percent
from lineofsight.api.types import DateTime, Id, ParamId, Url, optional
from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.goals.tracking import check_ins_due
from lineofsight.goals.tracking.check_ins_due import DueRow
from lineofsight.integrations import actions, selectors
from lineofsight.integrations import inbox as inbox_rules
from lineofsight.integrations.inbox import CHANNEL_LABELS as CHANNELS
from lineofsight.integrations.models import Notification, NotificationPreference, TeamWebhook
from lineofsight.people.selectors import get_team_for_user, teams_visible_to

due = Router(tags=["check-ins"])
preferences = Router(tags=["notifications"])
webhooks = Router(tags=["notifications"])
outbox = Router(tags=["notifications"])

Cadence = Literal["weekly", "biweekly", "monthly"]
DueStateName = Literal["not_started", "upcoming", "due_today", "overdue", "ended"]
PaceStatusName = Literal["on_track", "at_risk", "off_track", "stale", "pending", "not_started"]
DigestName = Literal["weekly", "off"]
DigestChannelName = Literal["email", "chat"]
WebhookKind = Literal["slack", "teams"]
NotificationKind = Literal[
    "reminder",
    "digest",
    "escalation",
    "review",
    "alignment",
    "mention",
    "reply",
    "parent",
    "daily",
    "approval",
    "team_retro",
    "blocker",
    "one_on_one",
    "action_item",
    "webhook",
    "source",
]
ConfigurableKind = Literal[
    "mention",
    "reply",
    "alignment",
    "parent",
    "approval",
    "reminder",
    "review",
    "escalation",
    "blocker",
    "team_retro",
    "one_on_one",
    "action_item",
]
InboxChannel = Literal["inapp", "email", "chat"]
EmailModeName = Literal["each", "daily"]
ChannelName = Literal["email", "slack", "teams", "slack_dm", "teams_dm"]
StateName = Literal["pending", "sent", "failed"]


# -- schemas ---------------------------------------------------------------------------------


class DueOut(Schema):
    state: DueStateName
    label: str
    description: str = Field(description='In words: "Due today", "Overdue since ...".')
    next_due: dt.date | None = Field(description="The day the next check-in is (or was) due.")
    missed: int = Field(description="Cadence periods that ended without a check-in.")
    cadence: Cadence = Field(description="The cycle's cadence, or the owner's team's.")


class PaceOut(Schema):
    status: PaceStatusName
    label: str
    expected: float
    actual: float
    ratio: float | None
    stale: bool
    due_by: dt.date | None
    cadence: Cadence
    explanation: str


class DueKeyResultOut(Schema):
    key_result: int
    title: str
    objective: int
    objective_title: str
    cycle: int
    kind: str
    unit: str
    start_value: float | None
    target_value: float | None
    current_value: float | None
    done: bool
    progress: float
    percent: int
    confidence: str | None
    last_check_in_at: DateTime | None
    due: DueOut
    pace: PaceOut


class DueListOut(Schema):
    today: dt.date = Field(description="Today, in the organisation's time zone.")
    count: int = Field(description="Key results due today or overdue.")
    overdue: int
    items: list[DueKeyResultOut]


class DueQuery(Schema):
    all: bool = Field(
        False,
        description="Also list key results not due yet (everything the check-in screen shows).",
    )


class PreferencesOut(Schema):
    digest: DigestName
    digest_channel: DigestChannelName
    digest_team: int | None
    reminders: Literal["required"] = "required"
    escalations: Literal["required"] = "required"
    chat_teams: list[int] = Field(
        description="Teams you lead or belong to whose chat channel can take your digest."
    )
    channels: dict[ConfigurableKind, list[InboxChannel]] = Field(
        description="Per kind of message, where it reaches you: in the app (your inbox), "
        "by email and/or in chat (a short note with a link in your team's chat channel; only "
        "with a channel in chat_teams). Reminders, review tasks and escalations always come "
        "by email."
    )
    email_mode: EmailModeName = Field(
        description="each: one email per message; daily: one summary a day of what is unread "
        "in your inbox (required emails still come on their own)."
    )


class PreferencesPatch(Input):
    digest: DigestName = optional(description="weekly, or off.")
    digest_channel: DigestChannelName = optional(description="email, or chat (a team channel).")
    digest_team: Id | None = optional(
        description="The team whose channel takes your digest; null for the first team you "
        "lead that has one."
    )
    channels: dict[ConfigurableKind, list[InboxChannel]] = optional(
        description="Per kind, the channels you want (kinds left out keep their setting)."
    )
    email_mode: EmailModeName = optional(description="each, or daily.")


class WebhookOut(Schema):
    id: int
    team: int
    kind: WebhookKind
    url: str = Field(description="The address, masked: it is a secret.")
    created_by: int | None
    created_at: DateTime


class WebhookCreate(Input):
    kind: WebhookKind
    url: Url = Field(description="The incoming webhook's full https:// address.")


class NotificationOut(Schema):
    id: int
    recipient: int
    recipient_name: str
    kind: NotificationKind
    channel: ChannelName
    dedupe_key: str
    subject: str
    body: str
    state: StateName
    attempts: int
    last_error: str
    created_at: DateTime
    last_attempt_at: DateTime | None
    next_attempt_at: DateTime | None
    sent_at: DateTime | None


class NotificationQuery(PageQuery):
    state: StateName | None = None
    kind: NotificationKind | None = None
    recipient: ParamId | None = None


# -- rows ------------------------------------------------------------------------------------


def due_row(row: DueRow, today: dt.date) -> dict[str, Any]:
    kr = row.key_result
    d, p = row.due, row.pace
    return {
        "key_result": kr.pk,
        "title": kr.title,
        "objective": kr.objective_id,
        "objective_title": kr.objective.title,
        "cycle": kr.cycle_id,
        "kind": kr.kind,
        "unit": kr.unit,
        "start_value": kr.start_value,
        "target_value": kr.target_value,
        "current_value": kr.current_value,
        "done": kr.done,
        "progress": kr.progress,
        "percent": percent(kr.progress),
        "confidence": kr.confidence or None,
        "last_check_in_at": kr.last_check_in_at,
        "due": {
            "state": d.state.value,
            "label": d.state.label,
            "description": d.describe(today),
            "next_due": d.next_due,
            "missed": d.missed,
            "cadence": d.cadence.value,
        },
        "pace": {
            "status": p.status.value,
            "label": p.label,
            "expected": p.expected,
            "actual": p.actual,
            "ratio": p.ratio,
            "stale": p.stale,
            "due_by": p.due_by,
            "cadence": d.cadence.value,
            "explanation": p.explanation,
        },
    }


def preferences_row(prefs: NotificationPreference, chat_teams: list[int]) -> dict[str, Any]:
    return {
        "digest": prefs.digest,
        "digest_channel": prefs.digest_channel,
        "digest_team": prefs.digest_team_id,
        "chat_teams": chat_teams,
        "channels": {
            kind: sorted(inbox_rules.channels_for(prefs, kind), key=list(CHANNELS).index)
            for kind in inbox_rules.DEFAULT_CHANNELS
        },
        "email_mode": prefs.email_mode,
    }


def webhook_row(hook: TeamWebhook) -> dict[str, Any]:
    return {
        "id": hook.pk,
        "team": hook.team_id,
        "kind": hook.kind,
        "url": hook.masked_url,
        "created_by": hook.created_by_id,
        "created_at": hook.created_at,
    }


def notification_row(n: Notification) -> dict[str, Any]:
    return {
        "id": n.pk,
        "recipient": n.recipient_id,
        "recipient_name": n.recipient.name,
        "kind": n.kind,
        "channel": n.channel,
        "dedupe_key": n.dedupe_key,
        "subject": n.subject,
        "body": n.body,
        "state": n.state,
        "attempts": n.attempts,
        "last_error": n.last_error,
        "created_at": n.created_at,
        "last_attempt_at": n.last_attempt_at,
        "next_attempt_at": n.next_attempt_at if n.state == Notification.State.PENDING else None,
        "sent_at": n.sent_at,
    }


# -- what is due ---------------------------------------------------------------------------


@due.get("", response={200: DueListOut, **READ_ERRORS})
def list_due_check_ins(request: HttpRequest, filters: Query[DueQuery]) -> Any:
    """Your key results due today or overdue (with ``all=true``, every key result you check
    in on), most urgent first, each with its next due day, missed periods and pace."""
    found = check_ins_due.due_for(caller(request))
    rows = found.rows if filters.all else found.due_rows
    return {
        "today": found.today,
        "count": found.count,
        "overdue": found.overdue,
        "items": [due_row(row, found.today) for row in rows],
    }


# -- preferences -----------------------------------------------------------------------------


def _chat_team_ids(request: HttpRequest) -> list[int]:
    return [team.pk for team in selectors.channel_teams_for(caller(request))]


@preferences.get("", response={200: PreferencesOut, **READ_ERRORS})
def get_notification_preferences(request: HttpRequest) -> Any:
    """Your digest preferences. Check-in reminders and escalations are always on."""
    user = caller(request)
    return preferences_row(actions.preferences_of(user), _chat_team_ids(request))


@preferences.patch("", response={200: PreferencesOut, **WRITE_ERRORS})
def update_notification_preferences(request: HttpRequest, payload: PreferencesPatch) -> Any:
    """Change your digest: weekly or off, by email or in a team's chat channel."""
    user = caller(request)
    given = payload.model_fields_set
    refs = References()
    team: Any = actions.UNCHANGED
    if "digest_team" in given:
        team = refs.get(teams_visible_to(user), payload.digest_team, "digest_team", "team")
    refs.check()
    with fields_named():
        prefs = actions.set_notification_preferences(
            acting_user=user,
            person=user,
            digest=payload.digest if "digest" in given else None,
            digest_channel=payload.digest_channel if "digest_channel" in given else None,
            digest_team=team,
            channels={str(k): list(v) for k, v in (payload.channels or {}).items()}
            if "channels" in given
            else None,
            email_mode=payload.email_mode if "email_mode" in given else None,
        )
    return preferences_row(prefs, _chat_team_ids(request))


# -- team webhooks ---------------------------------------------------------------------------


@webhooks.get("/{id}/webhooks", response={200: list[WebhookOut], **WRITE_ERRORS})
def list_team_webhooks(request: HttpRequest, id: ParamId) -> Any:
    """The team's chat webhooks (lead and HR only), addresses masked."""
    user = caller(request)
    team = get_team_for_user(user, id)
    return [webhook_row(h) for h in selectors.team_webhooks_for_user(user, team)]


@webhooks.post("/{id}/webhooks", response={201: WebhookOut, **WRITE_ERRORS})
def set_team_webhook(request: HttpRequest, id: ParamId, payload: WebhookCreate) -> Any:
    """Connect the team's Slack or Microsoft Teams channel (replacing the one of that kind).
    The address is checked, stored, and from now on only shown masked."""
    user = caller(request)
    team = get_team_for_user(user, id)
    if not Viewer.of(user).can_manage_team_channels(team):
        raise NotAllowed("Only the team's lead and HR manage its chat channels.")
    hook = actions.set_team_webhook(acting_user=user, team=team, kind=payload.kind, url=payload.url)
    return Status(201, webhook_row(hook))


@webhooks.delete("/{id}/webhooks/{webhook_id}", response={204: None, **WRITE_ERRORS})
def remove_team_webhook(request: HttpRequest, id: ParamId, webhook_id: ParamId) -> Any:
    """Disconnect a team's chat channel."""
    user = caller(request)
    team = get_team_for_user(user, id)
    hook = selectors.get_team_webhook_for_user(user, team, webhook_id)
    actions.remove_team_webhook(acting_user=user, webhook=hook)
    return Status(204, None)


# -- the outbox ------------------------------------------------------------------------------


@outbox.get("", response={200: Page[NotificationOut], **READ_ERRORS})
def list_notifications(request: HttpRequest, filters: Query[NotificationQuery]) -> Any:
    """Notifications, newest first: for HR the whole outbox, for everyone else the ones sent
    to them. Filter by ``state`` (pending, sent, failed), ``kind`` and ``recipient``."""
    qs = selectors.notifications_for_user(caller(request))
    if filters.state is not None:
        qs = qs.filter(state=filters.state)
    if filters.kind is not None:
        qs = qs.filter(kind=filters.kind)
    if filters.recipient is not None:
        qs = qs.filter(recipient_id=filters.recipient)
    total, rows = page_of(qs.order_by("-created_at", "-pk"), filters)
    return page(total, filters, [notification_row(n) for n in rows])


@outbox.get("/{id}", response={200: NotificationOut, **READ_ERRORS})
def get_notification(request: HttpRequest, id: ParamId) -> Any:
    """One notification, with its attempts and last error."""
    return notification_row(selectors.get_notification_for_user(caller(request), id))


@outbox.post("/{id}/retry", response={200: NotificationOut, **WRITE_ERRORS})
def retry_notification(request: HttpRequest, id: ParamId) -> Any:
    """Send a failed notification again (HR): it becomes pending with fresh attempts and is
    delivered at the next run of ``lineofsight remind``."""
    user = caller(request)
    notification = selectors.get_notification_for_user(user, id)
    if not Viewer.of(user).can_read_outbox():
        raise NotAllowed("Only HR retries notifications.")
    if notification.state != Notification.State.FAILED:
        raise InvalidInput.one(
            "state", f"Only failed notifications are retried; this one is {notification.state}."
        )
    actions.retry_notifications(acting_user=user, notifications=[notification])
    return notification_row(selectors.get_notification_for_user(user, id))
