"""Reading webhook subscriptions and their deliveries, through the access policy."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, QuerySet

from lineofsight.core.errors import NotFound
from lineofsight.goals.access import GoalViewer
from lineofsight.integrations.access import IntegrationViewer
from lineofsight.integrations.outbound.models import (
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)

if TYPE_CHECKING:
    from lineofsight.people.models import Person

DELIVERY_PAGE = 50


def _viewer(user: Person) -> IntegrationViewer:
    viewer = GoalViewer.of(user)
    assert isinstance(viewer, IntegrationViewer)
    return viewer


def subscriptions_for_user(user: Person) -> QuerySet[WebhookSubscription]:
    """HR sees every subscription, everyone else their own."""
    if not (user.is_authenticated and user.is_active):
        return WebhookSubscription.objects.none()
    return (
        WebhookSubscription.objects.filter(_viewer(user).webhook_subscription_filter())
        .select_related("owner")
        .order_by("name", "pk")
    )


def get_subscription_for_user(user: Person, pk: Any) -> WebhookSubscription:
    found = subscriptions_for_user(user).filter(pk=pk).first()
    if found is None:
        raise NotFound("No such webhook subscription.")
    return found


def deliveries_of(subscription: WebhookSubscription) -> QuerySet[WebhookDelivery]:
    """Newest first, each with its attempts (two queries for a page)."""
    return (
        WebhookDelivery.objects.filter(subscription=subscription)
        .order_by("-created_at", "-pk")
        .prefetch_related(
            Prefetch(
                "log",
                queryset=WebhookAttempt.objects.select_related("replay_by").order_by("number"),
            )
        )
    )


def get_delivery_for_user(user: Person, pk: Any) -> WebhookDelivery:
    try:
        key = uuid.UUID(str(pk))
    except ValueError:
        raise NotFound("No such delivery.") from None
    found = (
        WebhookDelivery.objects.select_related("subscription__owner")
        .filter(pk=key, subscription__in=subscriptions_for_user(user))
        .first()
    )
    if found is None:
        raise NotFound("No such delivery.")
    return found
