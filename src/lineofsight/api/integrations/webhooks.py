"""/api/webhooks: outbound webhook subscriptions, their deliveries and replays.

HR and anyone with an API token subscribe a receiver to events; each delivery carries only
what the subscription's owner may read through this API. HR sees and manages every
subscription; everyone else their own (others' are 404). The secret is returned once, on
creation and on rotation.
"""

from __future__ import annotations

import uuid
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from lineofsight.api.auth import caller
from lineofsight.api.base import Input, Page, PageQuery, page, page_of
from lineofsight.api.errors import READ_ERRORS, WRITE_ERRORS
from lineofsight.api.types import DateTime, ParamId, ReceiverUrl, WebhookName, optional
from lineofsight.integrations.outbound import actions, selectors
from lineofsight.integrations.outbound.events import EVENT_TYPES
from lineofsight.integrations.outbound.models import WebhookDelivery, WebhookSubscription

router = Router(tags=["webhooks"])

EventName = Literal[
    "check_in.recorded",
    "objective.created",
    "objective.changed",
    "objective.abandoned",
    "objective.closed",
    "alignment.proposed",
    "alignment.accepted",
    "cycle.closed",
    "review.shared",
]
SubscriptionState = Literal["active", "paused", "disabled"]
DeliveryState = Literal["pending", "delivered", "failed", "cancelled"]


class EventOut(Schema):
    name: str
    label: str
    subject: str


class SubscriptionOut(Schema):
    id: int
    name: str
    url: str
    events: list[str]
    state: SubscriptionState
    owner: int
    owner_name: str
    consecutive_failures: int
    disabled_reason: str
    created_at: DateTime
    updated_at: DateTime
    secret_rotated_at: DateTime | None


class SubscriptionCreatedOut(SubscriptionOut):
    secret: str = Field(description="Signs every delivery; shown only now.")


class SecretOut(Schema):
    secret: str = Field(description="The new secret, in force at once; shown only now.")


class SubscriptionCreate(Input):
    name: WebhookName
    url: ReceiverUrl = Field(description="The receiver: an https:// address on a public host.")
    events: list[EventName] = Field(min_length=1)


class SubscriptionPatch(Input):
    name: WebhookName = optional()
    url: ReceiverUrl = optional()
    events: list[EventName] = optional(min_length=1)
    state: Literal["active", "paused"] = optional(
        description="'paused' stops deliveries; 'active' resumes (also after it was turned "
        "off for failing)."
    )


class AttemptOut(Schema):
    number: int
    started_at: DateTime
    duration_ms: int
    status_code: int | None
    ok: bool
    response_excerpt: str
    error: str
    replay: bool


class DeliveryOut(Schema):
    id: uuid.UUID
    subscription: int
    event: str
    state: DeliveryState
    attempts: int
    created_at: DateTime
    next_attempt_at: DateTime | None
    delivered_at: DateTime | None
    last_status: int | None
    last_error: str
    body: str = Field(description="The JSON sent, exactly as signed.")
    log: list[AttemptOut]


def subscription_row(s: WebhookSubscription) -> dict[str, Any]:
    return {
        "id": s.pk,
        "name": s.name,
        "url": s.url,
        "events": list(s.events or []),
        "state": s.state,
        "owner": s.owner_id,
        "owner_name": s.owner.name,
        "consecutive_failures": s.consecutive_failures,
        "disabled_reason": s.disabled_reason,
        "created_at": s.created_at,
        "updated_at": s.updated_at,
        "secret_rotated_at": s.secret_rotated_at,
    }


def delivery_row(d: WebhookDelivery) -> dict[str, Any]:
    return {
        "id": d.pk,
        "subscription": d.subscription_id,
        "event": d.event,
        "state": d.state,
        "attempts": d.attempts,
        "created_at": d.created_at,
        "next_attempt_at": d.next_attempt_at if d.state == WebhookDelivery.State.PENDING else None,
        "delivered_at": d.delivered_at,
        "last_status": d.last_status,
        "last_error": d.last_error,
        "body": d.body,
        "log": [
            {
                "number": a.number,
                "started_at": a.started_at,
                "duration_ms": a.duration_ms,
                "status_code": a.status_code,
                "ok": a.ok,
                "response_excerpt": a.response_excerpt,
                "error": a.error,
                "replay": a.replay_by_id is not None,
            }
            for a in d.log.all()
        ],
    }


@router.get("/events", response={200: list[EventOut], **READ_ERRORS})
def list_webhook_events(request: HttpRequest) -> Any:
    """The events a subscription may choose."""
    return [{"name": e.name, "label": e.label, "subject": e.subject} for e in EVENT_TYPES]


@router.get("", response={200: Page[SubscriptionOut], **READ_ERRORS})
def list_webhooks(request: HttpRequest, filters: Query[PageQuery]) -> Any:
    """The caller's subscriptions (HR: everyone's)."""
    total, rows = page_of(selectors.subscriptions_for_user(caller(request)), filters)
    return page(total, filters, [subscription_row(s) for s in rows])


@router.post("", response={201: SubscriptionCreatedOut, **WRITE_ERRORS})
def create_webhook(request: HttpRequest, payload: SubscriptionCreate) -> Any:
    """Subscribe a receiver to events, as the caller; the answer holds the secret, once."""
    subscription, secret = actions.create_subscription(
        acting_user=caller(request),
        name=payload.name,
        url=payload.url,
        events=list(payload.events),
    )
    return Status(201, {**subscription_row(subscription), "secret": secret})


@router.get("/{id}", response={200: SubscriptionOut, **READ_ERRORS})
def get_webhook(request: HttpRequest, id: ParamId) -> Any:
    return subscription_row(selectors.get_subscription_for_user(caller(request), id))


@router.patch("/{id}", response={200: SubscriptionOut, **WRITE_ERRORS})
def change_webhook(request: HttpRequest, id: ParamId, payload: SubscriptionPatch) -> Any:
    """Change the name, address or events, pause or resume."""
    user = caller(request)
    subscription = selectors.get_subscription_for_user(user, id)
    given = payload.model_dump(exclude_unset=True)
    subscription = actions.update_subscription(
        acting_user=user,
        subscription=subscription,
        name=given.get("name"),
        url=given.get("url"),
        events=given.get("events"),
        state=given.get("state"),
    )
    return subscription_row(subscription)


@router.delete("/{id}", response={204: None, **WRITE_ERRORS})
def delete_webhook(request: HttpRequest, id: ParamId) -> Any:
    """Delete the subscription and its delivery log."""
    user = caller(request)
    actions.delete_subscription(
        acting_user=user, subscription=selectors.get_subscription_for_user(user, id)
    )
    return Status(204, None)


@router.post("/{id}/rotate-secret", response={200: SecretOut, **WRITE_ERRORS})
def rotate_webhook_secret(request: HttpRequest, id: ParamId) -> Any:
    """A new secret, in force at once; the old one stops signing."""
    user = caller(request)
    secret = actions.rotate_secret(
        acting_user=user, subscription=selectors.get_subscription_for_user(user, id)
    )
    return {"secret": secret}


@router.post("/{id}/ping", response={202: DeliveryOut, **WRITE_ERRORS})
def ping_webhook(request: HttpRequest, id: ParamId) -> Any:
    """Queue a test delivery (event "ping"); it is sent in the background."""
    user = caller(request)
    subscription = selectors.get_subscription_for_user(user, id)
    delivery = actions.send_ping(acting_user=user, subscription=subscription)
    return Status(202, delivery_row(selectors.get_delivery_for_user(user, delivery.pk)))


@router.get("/{id}/deliveries", response={200: Page[DeliveryOut], **READ_ERRORS})
def list_webhook_deliveries(request: HttpRequest, id: ParamId, filters: Query[PageQuery]) -> Any:
    """The subscription's deliveries, newest first, each with its attempts."""
    subscription = selectors.get_subscription_for_user(caller(request), id)
    total, rows = page_of(selectors.deliveries_of(subscription), filters)
    return page(total, filters, [delivery_row(d) for d in rows])


@router.post("/deliveries/{delivery_id}/replay", response={202: DeliveryOut, **WRITE_ERRORS})
def replay_webhook_delivery(request: HttpRequest, delivery_id: uuid.UUID) -> Any:
    """Send a delivery once more, with the same id and body (a new attempt)."""
    user = caller(request)
    delivery = selectors.get_delivery_for_user(user, delivery_id)
    actions.replay_delivery(acting_user=user, delivery=delivery)
    return Status(202, delivery_row(selectors.get_delivery_for_user(user, delivery_id)))
