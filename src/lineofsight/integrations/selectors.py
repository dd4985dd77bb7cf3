"""Reads about notifications, always through the access policy (``integrations.access``).

A notification is visible to its recipient and to HR; a team's chat webhooks to its lead and
HR. Missing and forbidden look the same (``NotFound``), except that someone who may see a
team but not manage its channels is told so (``NotAllowed``) when asking for its list.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from lineofsight.core.errors import NotAllowed, NotFound
from lineofsight.integrations.access import IntegrationViewer
from lineofsight.integrations.models import InboxItem, Notification, TeamWebhook
from lineofsight.people.models import Person, Team


def notifications_for_user(user: Person) -> QuerySet[Notification]:
    mine = IntegrationViewer.of(user).notification_filter()
    return Notification.objects.filter(mine).select_related("recipient")


def get_notification_for_user(user: Person, pk: Any) -> Notification:
    try:
        return notifications_for_user(user).get(pk=int(pk))
    except (ValueError, TypeError, Notification.DoesNotExist):
        raise NotFound("No such notification.") from None


def team_webhooks_for_user(user: Person, team: Team) -> QuerySet[TeamWebhook]:
    """A team's chat webhooks, for its lead and HR; others are refused."""
    if not IntegrationViewer.of(user).can_manage_team_channels(team):
        raise NotAllowed("Only the team's lead and HR manage its chat channels.")
    return TeamWebhook.objects.filter(team=team).select_related("team", "created_by")


def get_team_webhook_for_user(user: Person, team: Team, pk: Any) -> TeamWebhook:
    if not IntegrationViewer.of(user).can_manage_team_channels(team):
        raise NotFound("No such webhook.")
    try:
        return TeamWebhook.objects.select_related("team").get(team=team, pk=int(pk))
    except (ValueError, TypeError, TeamWebhook.DoesNotExist):
        raise NotFound("No such webhook.") from None


def channel_teams_for(person: Person) -> list[Team]:
    """Teams whose chat channel a person may choose for their digest: those they lead or
    belong to that have a channel connected."""
    from django.db.models import Q

    return list(
        Team.objects.filter(Q(lead=person) | Q(memberships__person=person))
        .filter(webhooks__isnull=False)
        .distinct()
        .order_by("name")
    )


# -- the inbox ---------------------------------------------------------------------------------


def inbox_for_user(user: Person) -> QuerySet[InboxItem]:
    """One's own inbox: nobody else reads it, HR included."""
    return InboxItem.objects.filter(IntegrationViewer.of(user).inbox_filter())


def get_inbox_item_for_user(user: Person, pk: Any) -> InboxItem:
    try:
        return inbox_for_user(user).get(pk=int(pk))
    except (ValueError, TypeError, InboxItem.DoesNotExist):
        raise NotFound("No such message.") from None
