"""Notification settings: my digest preferences and my teams' chat channels."""

from django.urls import path

from lineofsight.integrations import inbox_views, views

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
]
