"""Writes on webhook subscriptions: create, change (address, events, pause, resume), delete,
rotate the secret, send a test ping, replay a delivery. Each checks the access policy, runs
in one transaction and writes an audit row; nothing here calls a receiver (deliveries are
handed to the task backend once the transaction commits)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from lineofsight.core import audit
from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.goals.access import GoalViewer
from lineofsight.integrations.access import IntegrationViewer
from lineofsight.integrations.outbound import dispatch, signing
from lineofsight.integrations.outbound.events import clean_events
from lineofsight.integrations.outbound.models import WebhookDelivery, WebhookSubscription

if TYPE_CHECKING:
    from lineofsight.people.models import Person

MAX_SUBSCRIPTIONS = 25
NAME_MAX = 100
State = WebhookSubscription.State


def _viewer(person: Person) -> IntegrationViewer:
    viewer = GoalViewer.of(person)
    assert isinstance(viewer, IntegrationViewer)
    return viewer


def _manage(acting_user: Person, subscription: WebhookSubscription) -> None:
    if not _viewer(acting_user).can_manage_webhook(subscription):
        raise NotAllowed("Only the subscription's owner and HR change it.")


def _clean(
    errors: dict[str, str], *, name: str | None, url: str | None, events: object | None
) -> dict[str, object]:
    out: dict[str, object] = {}
    if name is not None:
        name = name.strip()
        if not name:
            errors["name"] = "Name the subscription after its receiver (e.g. 'HR data lake')."
        elif len(name) > NAME_MAX:
            errors["name"] = f"Keep the name under {NAME_MAX} characters."
        out["name"] = name
    if url is not None:
        url = url.strip()
        problem = dispatch.address_problem(url)
        if problem:
            errors["url"] = problem
        out["url"] = url
    if events is not None:
        chosen, problem = clean_events(events)
        if problem:
            errors["events"] = problem
        out["events"] = chosen
    return out


@transaction.atomic
def create_subscription(
    *, acting_user: Person, name: str, url: str, events: Sequence[str]
) -> tuple[WebhookSubscription, str]:
    """Subscribe a receiver for ``acting_user``; returns it and its secret (shown once)."""
    if not _viewer(acting_user).can_use_webhooks():
        raise NotAllowed("Webhooks are for HR and for people with an API token.")
    errors: dict[str, str] = {}
    fields = _clean(errors, name=name, url=url, events=list(events))
    if WebhookSubscription.objects.filter(owner=acting_user).count() >= MAX_SUBSCRIPTIONS:
        errors["name"] = f"You have {MAX_SUBSCRIPTIONS} subscriptions already; delete one first."
    if errors:
        raise InvalidInput(errors)
    secret = signing.new_secret()
    now = timezone.now()
    subscription = WebhookSubscription.objects.create(
        owner=acting_user,
        created_by=acting_user,
        secret=secret,
        created_at=now,
        updated_at=now,
        **fields,
    )
    audit.record(
        actor=acting_user,
        action="webhook.create",
        subject=subscription,
        data={"name": subscription.name, "url": subscription.url, "events": subscription.events},
    )
    return subscription, secret


@transaction.atomic
def update_subscription(
    *,
    acting_user: Person,
    subscription: WebhookSubscription,
    name: str | None = None,
    url: str | None = None,
    events: Sequence[str] | None = None,
    state: str | None = None,
) -> WebhookSubscription:
    """Change a subscription; ``state`` "active" turns it on (again, after it was paused or
    turned off for failing, which clears its failure count), "paused" pauses it."""
    _manage(acting_user, subscription)
    subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    errors: dict[str, str] = {}
    fields = _clean(errors, name=name, url=url, events=list(events) if events is not None else None)
    if state is not None and state not in (State.ACTIVE, State.PAUSED):
        errors["state"] = "Choose active or paused."
    if errors:
        raise InvalidInput(errors)
    if state is not None:
        fields["state"] = state
        if state == State.ACTIVE:
            fields["consecutive_failures"] = 0
            fields["disabled_reason"] = ""
    changes = {
        f: [getattr(subscription, f), v] for f, v in fields.items() if getattr(subscription, f) != v
    }
    for f, v in fields.items():
        setattr(subscription, f, v)
    subscription.updated_at = timezone.now()
    subscription.save()
    audit.record(
        actor=acting_user, action="webhook.update", subject=subscription, data={"changes": changes}
    )
    return subscription


@transaction.atomic
def delete_subscription(*, acting_user: Person, subscription: WebhookSubscription) -> None:
    """Delete a subscription and its delivery log."""
    _manage(acting_user, subscription)
    audit.record(
        actor=acting_user,
        action="webhook.delete",
        subject=subscription,
        data={"name": subscription.name, "url": subscription.url, "owner": subscription.owner_id},
    )
    subscription.delete()


@transaction.atomic
def rotate_secret(*, acting_user: Person, subscription: WebhookSubscription) -> str:
    """A new secret, in force at once (deliveries not yet attempted are signed with it);
    returns it, shown once."""
    _manage(acting_user, subscription)
    secret = signing.new_secret()
    now = timezone.now()
    WebhookSubscription.objects.filter(pk=subscription.pk).update(
        secret=secret, secret_rotated_at=now, updated_at=now
    )
    subscription.secret, subscription.secret_rotated_at = secret, now
    audit.record(actor=acting_user, action="webhook.rotate_secret", subject=subscription)
    return secret


@transaction.atomic
def send_ping(*, acting_user: Person, subscription: WebhookSubscription) -> WebhookDelivery:
    """Queue a test delivery (event "ping") to the subscription's receiver."""
    _manage(acting_user, subscription)
    delivery = dispatch.ping(subscription)
    audit.record(
        actor=acting_user,
        action="webhook.ping",
        subject=subscription,
        data={"delivery": str(delivery.pk)},
    )
    transaction.on_commit(lambda: dispatch.hand_over([delivery]), robust=True)
    return delivery


@transaction.atomic
def replay_delivery(*, acting_user: Person, delivery: WebhookDelivery) -> WebhookDelivery:
    """One more attempt at a delivery, with the same id and body (receivers that keep the
    ids they have handled ignore a copy)."""
    _manage(acting_user, delivery.subscription)
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.state == WebhookDelivery.State.PENDING and delivery.replay_by_id is not None:
        raise InvalidInput.one("delivery", "A replay of this delivery is waiting to be sent.")
    now = timezone.now()
    delivery.state = WebhookDelivery.State.PENDING
    delivery.next_attempt_at = now
    delivery.claimed_until = None
    delivery.replay_by = acting_user
    delivery.save(update_fields=["state", "next_attempt_at", "claimed_until", "replay_by"])
    audit.record(
        actor=acting_user,
        action="webhook.replay",
        subject=delivery.subscription,
        data={"delivery": str(delivery.pk), "event": delivery.event},
    )
    transaction.on_commit(lambda: dispatch.hand_over([delivery]), robust=True)
    return delivery
