"""Admin for notifications: HR watches the outbox (and retries what failed), and manages
teams' chat webhooks. People's digest preferences are theirs alone: shown, never edited here.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest

from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.integrations import actions
from lineofsight.integrations.models import Notification, NotificationPreference, TeamWebhook


def _actor(request: HttpRequest) -> Any:
    user = request.user
    return user if getattr(user, "is_hr_admin", False) else None


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox, read-only. Failed notifications stay here with their last error until HR
    retries them (the action below) or they are left as a record."""

    list_display = [
        "created_at",
        "kind",
        "channel",
        "recipient",
        "subject",
        "state",
        "attempts",
        "short_error",
    ]
    list_filter = ["state", "kind", "channel"]
    search_fields = ["subject", "recipient__username", "recipient__display_name", "dedupe_key"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    actions = ["retry_selected"]
    readonly_fields = [
        "recipient",
        "kind",
        "channel",
        "dedupe_key",
        "address",
        "webhook",
        "subject",
        "body",
        "state",
        "attempts",
        "last_error",
        "created_at",
        "last_attempt_at",
        "next_attempt_at",
        "sent_at",
    ]
    exclude = ["claimed_until"]

    @admin.display(description="last error")
    def short_error(self, obj: Notification) -> str:
        return obj.last_error[:80] + ("\u2026" if len(obj.last_error) > 80 else "")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description="Retry the selected failed notifications")
    def retry_selected(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        try:
            count = actions.retry_notifications(
                acting_user=_actor(request), notifications=list(queryset)
            )
        except NotAllowed as exc:
            raise PermissionDenied(str(exc)) from exc
        self.message_user(
            request,
            f"{count} notification{'' if count == 1 else 's'} will be sent again at the next run "
            "of `lineofsight remind` (only failed ones are retried).",
            messages.SUCCESS,
        )


class TeamWebhookForm(forms.ModelForm):
    """The address is written, never shown again: the field starts empty."""

    url = forms.CharField(
        label="Webhook address",
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="The incoming webhook's https:// address from Slack or Microsoft Teams. Once "
        "saved it is shown masked; paste it again to replace it.",
    )

    class Meta:
        model = TeamWebhook
        fields = ["team", "kind", "url"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, url = data.get("kind"), data.get("url")
        if kind and url:
            problem = actions.webhook_url_problem(url, kind)
            if problem:
                self.add_error("url", problem)
        return data


@admin.register(TeamWebhook)
class TeamWebhookAdmin(admin.ModelAdmin):
    form = TeamWebhookForm
    list_display = ["team", "kind", "masked_url", "created_by", "created_at"]
    list_filter = ["kind"]
    search_fields = ["team__name", "team__slug"]
    autocomplete_fields = ["team"]
    list_select_related = ["team", "created_by"]

    @admin.display(description="address")
    def masked_url(self, obj: TeamWebhook) -> str:
        return obj.masked_url

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # Replace an address by adding it again (it replaces the team's one of that kind).
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: TeamWebhook, form: Any, change: bool) -> None:
        try:
            saved = actions.set_team_webhook(
                acting_user=_actor(request), team=obj.team, kind=obj.kind, url=obj.url
            )
        except (InvalidInput, NotAllowed) as exc:
            raise PermissionDenied(str(exc)) from exc
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: TeamWebhook) -> None:
        actions.remove_team_webhook(acting_user=_actor(request), webhook=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[TeamWebhook]) -> None:
        for webhook in queryset:
            actions.remove_team_webhook(acting_user=_actor(request), webhook=webhook)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    """Shown for support questions ("why did I get no digest?"); people change their own on
    their Notifications page."""

    list_display = ["person", "digest", "digest_channel", "digest_team", "updated_at"]
    list_filter = ["digest", "digest_channel"]
    search_fields = ["person__username", "person__display_name"]
    list_select_related = ["person", "digest_team"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
