"""The access policy for notifications (part of ``lineofsight.access.Viewer``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from lineofsight.core.models import ApiToken
from lineofsight.goals.access import GoalViewer

if TYPE_CHECKING:
    from lineofsight.goals.access import OwnedKeyResult
    from lineofsight.integrations.outbound.models import WebhookSubscription
    from lineofsight.people.models import Person, Team


class IntegrationViewer(GoalViewer):
    """Who reads which notifications and manages which chat channels."""

    # -- notifications ---------------------------------------------------------------------

    def can_manage_team_channels(self, team: Team) -> bool:
        """A team's chat webhooks are managed by its lead and by HR (their addresses are
        secrets: nobody else sees them, even masked)."""
        return self.is_active and (self.is_hr or team.lead_id == self.pk)

    def can_nudge(self, person: Person) -> bool:
        """Asking someone for a check-in now: their managers (the whole chain)."""
        return self.is_active and person.is_active and self.pk in person.chain_ids

    def can_read_outbox(self) -> bool:
        """Everyone's notifications (the outbox) are for HR to watch and retry."""
        return self.is_active and self.is_hr

    def notification_filter(self) -> Q:
        """A Q over Notification: HR sees the whole outbox, everyone else what was sent to
        them."""
        if not self.is_active:
            return Q(pk__in=[])
        if self.is_hr:
            return Q()
        return Q(recipient_id=self.pk)

    def inbox_filter(self) -> Q:
        """A Q over InboxItem: only one's own messages (HR's view of the outbox does not
        reach anyone's inbox)."""
        if not self.is_active:
            return Q(pk__in=[])
        return Q(recipient_id=self.pk)

    # -- outbound webhooks -----------------------------------------------------------------

    def can_use_webhooks(self) -> bool:
        """Subscribing a receiver to events: HR, and anyone with a live API token (a
        delivery carries what its owner could read through the API)."""
        if not self.is_active:
            return False
        if self.is_hr:
            return True
        return ApiToken.objects.live().filter(person_id=self.pk).exists()

    def webhook_subscription_filter(self) -> Q:
        """A Q over WebhookSubscription: HR sees every subscription (never its secret after
        it was shown), everyone else their own."""
        if not self.is_active:
            return Q(pk__in=[])
        if self.is_hr:
            return Q()
        return Q(owner_id=self.pk)

    def can_manage_webhook(self, subscription: WebhookSubscription) -> bool:
        """Changing, pausing, rotating, deleting a subscription and replaying its deliveries:
        its owner and HR."""
        return self.is_active and (self.is_hr or subscription.owner_id == self.pk)

    # -- data sources ----------------------------------------------------------------------

    def can_manage_data_source(self, key_result: OwnedKeyResult) -> bool:
        """Connecting a key result to a data source, changing, syncing or removing it: whoever
        may edit the key result (its owner, the objective's editors, HR). Everyone who sees
        the key result sees that it is connected and where its readings came from, never the
        source's settings or secret."""
        return self.is_active and self.can_edit_key_result(key_result)
