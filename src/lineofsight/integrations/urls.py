"""Notification settings: my digest preferences and my teams' chat channels; webhooks, the
calendar feed and key results' data sources."""

from django.urls import path

from lineofsight.integrations import inbox_views, views
from lineofsight.integrations.chat import views as chat
from lineofsight.integrations.outbound import views as outbound
from lineofsight.integrations.sources import views as sources

urlpatterns = [
    path("inbox/", inbox_views.inbox, name="inbox"),
    path("inbox/read-all/", inbox_views.inbox_read_all, name="inbox-read-all"),
    path("inbox/<int:item_id>/open/", inbox_views.inbox_open, name="inbox-open"),
    path("inbox/<int:item_id>/read/", inbox_views.inbox_read, name="inbox-read"),
    path("settings/notifications/", views.notification_settings, name="notification-settings"),
    path("people/<int:person_id>/nudge/", views.person_nudge, name="person-nudge"),
    path("teams/<int:team_id>/webhooks/", views.team_webhook_add, name="team-webhook-add"),
    path(
        "teams/<int:team_id>/webhooks/<int:webhook_id>/remove/",
        views.team_webhook_remove,
        name="team-webhook-remove",
    ),
    # Direct messages in Slack and Microsoft Teams: HR's page, and the platforms' endpoints.
    path("organisation/chat/", chat.chat_settings, name="chat-settings"),
    path("organisation/chat/connect/", chat.chat_connect, name="chat-connect"),
    path("organisation/chat/test/", chat.chat_test, name="chat-test"),
    path("organisation/chat/disconnect/", chat.chat_disconnect, name="chat-disconnect"),
    path("chat/slack/interactions/", chat.slack_interactions, name="chat-slack-interactions"),
    path("chat/teams/messages/", chat.teams_messages, name="chat-teams-messages"),
    # Outbound webhooks and the calendar feed.
    path("settings/webhooks/", outbound.webhook_list, name="webhooks"),
    path("settings/webhooks/<int:subscription_id>/", outbound.webhook_detail, name="webhook"),
    path(
        "settings/webhooks/<int:subscription_id>/state/",
        outbound.webhook_state,
        name="webhook-state",
    ),
    path(
        "settings/webhooks/<int:subscription_id>/rotate/",
        outbound.webhook_rotate,
        name="webhook-rotate",
    ),
    path(
        "settings/webhooks/<int:subscription_id>/ping/", outbound.webhook_ping, name="webhook-ping"
    ),
    path(
        "settings/webhooks/<int:subscription_id>/delete/",
        outbound.webhook_delete,
        name="webhook-delete",
    ),
    path(
        "settings/webhooks/deliveries/<uuid:delivery_id>/replay/",
        outbound.delivery_replay,
        name="webhook-delivery-replay",
    ),
    path("settings/calendar/", outbound.calendar_settings, name="calendar-settings"),
    path("settings/calendar/revoke/", outbound.calendar_revoke, name="calendar-revoke"),
    path("calendar/<str:token>.ics", outbound.calendar_ics, name="calendar-feed"),
    # Key results' data sources.
    path("settings/data-sources/", sources.data_source_list, name="data-sources"),
    path(
        "key-results/<int:key_result_id>/source/",
        sources.key_result_source,
        name="key-result-source",
    ),
    path(
        "key-results/<int:key_result_id>/source/sync/",
        sources.key_result_source_sync,
        name="key-result-source-sync",
    ),
    path(
        "key-results/<int:key_result_id>/source/remove/",
        sources.key_result_source_remove,
        name="key-result-source-remove",
    ),
    path(
        "objectives/<int:objective_id>/sources/",
        sources.objective_sources,
        name="objective-sources",
    ),
]
