"""The Notifications page and the admin for notifications and tracking settings."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.test import Client

from lineofsight.core.models import AuditEvent
from lineofsight.goals.models import Cycle
from lineofsight.integrations.models import Notification, NotificationPreference, TeamWebhook
from lineofsight.people.models import Organisation, Person, Team

pytestmark = pytest.mark.django_db

SLACK = "https://hooks.slack.com/services/T0AAA/B0BBB/abcdefghijklmnopqrstWXYZ"


def signed_in(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


# -- the Notifications page ------------------------------------------------------------------


def test_the_page_explains_what_is_required_and_shows_my_digest_choice(cast):
    html = signed_in(cast.ava).get("/settings/notifications/").content.decode()
    assert "<h1>Notifications</h1>" in html
    assert "cannot be turned off, by you or by anyone else" in html
    assert 'name="digest" value="weekly"' in html and "checked" in html
    assert "Chat channels of the teams you lead" not in html  # Ava leads no team
    sam = signed_in(cast.sam).get("/settings/notifications/").content.decode()
    assert "Chat channels of the teams you lead" in sam
    assert f'id="team-channels-{cast.enterprise.pk}"' in sam
    assert f'id="team-channels-{cast.sales.pk}"' in sam


def test_saving_my_digest_preferences(cast):
    client = signed_in(cast.ava)
    response = client.post(
        "/settings/notifications/",
        {"digest": "off", "digest_channel": "email", "digest_team": ""},
    )
    assert response.status_code == 302
    prefs = NotificationPreference.objects.get(person=cast.ava)
    assert (prefs.digest, prefs.digest_channel, prefs.digest_team) == ("off", "email", None)
    assert AuditEvent.objects.filter(action="notifications.preferences", actor=cast.ava).exists()
    assert "Your notification preferences are saved." in client.get(
        "/settings/notifications/"
    ).content.decode()


def test_bad_preferences_are_shown_on_their_field(cast):
    response = signed_in(cast.ava).post(
        "/settings/notifications/",
        {"digest": "hourly", "digest_channel": "email", "digest_team": str(cast.platform.pk)},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_digest_error"' in html and 'id="id_digest_team_error"' in html
    assert not NotificationPreference.objects.exists()


def test_the_lead_connects_and_disconnects_a_channel_shown_masked(cast):
    client = signed_in(cast.sam)
    url = f"/teams/{cast.enterprise.pk}/webhooks/"
    response = client.post(url, {"kind": "slack", "url": SLACK})
    assert response.status_code == 302
    hook = TeamWebhook.objects.get(team=cast.enterprise)
    assert hook.url == SLACK
    html = client.get("/settings/notifications/").content.decode()
    assert "https://hooks.slack.com/…WXYZ" in html
    assert "abcdefghijklmnop" not in html
    assert "Enterprise Sales&#x27;s Slack channel is connected." in html
    # A bad address is shown under its field and saves nothing.
    bad = client.post(url, {"kind": "teams", "url": SLACK})
    assert bad.status_code == 422
    assert "not a Microsoft Teams webhook address" in bad.content.decode()
    assert TeamWebhook.objects.count() == 1
    # Members cannot manage it; others cannot even find it.
    assert signed_in(cast.ava).post(url, {"kind": "slack", "url": SLACK}).status_code == 403
    remove = f"/teams/{cast.enterprise.pk}/webhooks/{hook.pk}/remove/"
    assert signed_in(cast.ava).post(remove).status_code == 404
    assert client.post(remove).status_code == 302
    assert not TeamWebhook.objects.exists()
    assert AuditEvent.objects.filter(action="team.webhook.remove", actor=cast.sam).exists()


def test_recent_notifications_are_listed_with_failures_explained(cast, settings):
    from ..okrs import build_cascade

    build_cascade(cast)
    settings.EMAIL_BACKEND = "tests.failing_mail.Backend"
    from io import StringIO

    call_command("remind", "--today", "2026-10-20", stdout=StringIO())
    Notification.objects.filter(recipient=cast.ava).update(state="failed")
    html = signed_in(cast.ava).get("/settings/notifications/").content.decode()
    assert "Check-in reminder (Email)" in html
    assert "Failed: ConnectionRefusedError" in html


# -- the admin ---------------------------------------------------------------------------------


def test_hr_watches_the_outbox_and_retries_failed_notifications(cast, settings):
    from io import StringIO

    from ..okrs import build_cascade

    build_cascade(cast)
    settings.EMAIL_BACKEND = "tests.failing_mail.Backend"
    call_command("remind", "--today", "2026-10-20", stdout=StringIO())
    Notification.objects.update(state="failed")
    hana = signed_in(cast.hana)
    listing = hana.get("/admin/integrations/notification/?state__exact=failed")
    assert listing.status_code == 200
    assert "Connection refused" in listing.content.decode()
    ids = list(Notification.objects.values_list("pk", flat=True))
    response = hana.post(
        "/admin/integrations/notification/",
        {"action": "retry_selected", "_selected_action": ids},
        follow=True,
    )
    assert "will be sent again" in response.content.decode()
    assert set(Notification.objects.values_list("state", flat=True)) == {"pending"}
    assert AuditEvent.objects.filter(action="notifications.retry", actor=cast.hana).exists()
    assert signed_in(cast.sam).get("/admin/integrations/notification/").status_code == 302


def test_hr_adds_a_webhook_in_the_admin_and_never_sees_it_again(cast):
    hana = signed_in(cast.hana)
    bad = hana.post(
        "/admin/integrations/teamwebhook/add/",
        {"team": cast.platform.pk, "kind": "slack", "url": "https://example.com/x"},
    )
    assert bad.status_code == 200 and "not a Slack webhook address" in bad.content.decode()
    good = hana.post(
        "/admin/integrations/teamwebhook/add/",
        {"team": cast.platform.pk, "kind": "slack", "url": SLACK},
    )
    assert good.status_code == 302
    listing = hana.get("/admin/integrations/teamwebhook/").content.decode()
    assert "https://hooks.slack.com/…WXYZ" in listing and "abcdefghijk" not in listing
    assert AuditEvent.objects.filter(action="team.webhook.set", actor=cast.hana).exists()


def test_tracking_settings_in_the_admin_are_checked_and_audited(cast):
    hana = signed_in(cast.hana)
    org = Organisation.current()
    data = {
        "name": "Acme",
        "time_zone": "UTC",
        "pace_on_track": "0.6",
        "pace_off_track": "0.7",
        "escalate_after_misses": "2",
        "digest_weekday": "4",
    }
    refused = hana.post(f"/admin/people/organisation/{org.pk}/change/", data)
    assert refused.status_code == 200
    assert "must not exceed" in refused.content.decode()
    assert Organisation.current().pace_off_track == 0.5
    data["pace_off_track"] = "0.4"
    saved = hana.post(f"/admin/people/organisation/{org.pk}/change/", data)
    assert saved.status_code == 302
    org = Organisation.current()
    assert (org.pace_on_track, org.pace_off_track, org.digest_weekday) == (0.6, 0.4, 4)
    assert AuditEvent.objects.filter(action="organisation.update", actor=cast.hana).exists()


def test_cycle_and_team_cadences_in_the_admin(cast):
    hana = signed_in(cast.hana)
    page = hana.get(f"/admin/goals/cycle/{cast.q4.pk}/change/").content.decode()
    assert 'name="check_in_cadence"' in page
    hana.post(f"/admin/goals/cycle/{cast.q4.pk}/change/", {"check_in_cadence": "biweekly"})
    assert Cycle.objects.get(pk=cast.q4.pk).check_in_cadence == "biweekly"
    assert AuditEvent.objects.filter(action="cycle.set_cadence", actor=cast.hana).exists()
    # A closed cycle's cadence is shown, not edited.
    closed = hana.get(f"/admin/goals/cycle/{cast.q3.pk}/change/").content.decode()
    assert 'name="check_in_cadence"' not in closed
    data = {
        "name": "Platform",
        "slug": cast.platform.slug,
        "kind": "team",
        "parent": cast.engineering.pk,
        "lead": cast.eli.pk,
        "check_in_cadence": "monthly",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    assert hana.post(f"/admin/people/team/{cast.platform.pk}/change/", data).status_code == 302
    assert Team.objects.get(pk=cast.platform.pk).check_in_cadence == "monthly"
    assert AuditEvent.objects.filter(action="team.set_cadence", actor=cast.hana).exists()


def test_choosing_where_each_kind_of_message_reaches_me(cast):
    client = signed_in(cast.ava)
    page = client.get("/settings/notifications/").content.decode()
    assert "Where each message reaches you" in page
    assert 'name="ch_mention_inapp"' in page and 'name="ch_reminder_email"' in page
    response = client.post(
        "/settings/notifications/",
        {
            "digest": "weekly",
            "digest_channel": "email",
            "digest_team": "",
            "channels_shown": "True",
            "ch_mention_inapp": "on",
            "ch_alignment_email": "on",
            "email_mode": "daily",
        },
    )
    assert response.status_code == 302
    from lineofsight.integrations import actions, inbox

    prefs = actions.preferences_of(cast.ava)
    assert prefs.email_mode == "daily"
    assert inbox.channels_for(prefs, "mention") == {"inapp"}
    assert inbox.channels_for(prefs, "reply") == set()
    assert inbox.channels_for(prefs, "reminder") == {"email"}


def test_chat_is_offered_only_with_a_team_channel_and_saved_per_kind(cast):
    page = signed_in(cast.pia).get("/settings/notifications/").content.decode()
    assert '<th scope="col">In chat</th>' in page
    assert re.search(r'<input[^>]*name="ch_mention_chat"[^>]*disabled', page)
    assert "In chat is not available yet: none of your teams has a Slack" in page
    TeamWebhook.objects.create(team=cast.enterprise, kind="slack", url=SLACK)
    client = signed_in(cast.pia)
    page = client.get("/settings/notifications/").content.decode()
    assert not re.search(r'<input[^>]*name="ch_mention_chat"[^>]*disabled', page)
    assert "In chat is not available yet" not in page
    assert "the channel is shared, so the text stays in the app" in page
    response = client.post(
        "/settings/notifications/",
        {
            "digest": "weekly",
            "digest_channel": "email",
            "digest_team": "",
            "channels_shown": "on",
            "ch_mention_inapp": "on",
            "ch_mention_chat": "on",
            "ch_reply_inapp": "on",
        },
    )
    assert response.status_code == 302
    prefs = NotificationPreference.objects.get(person=cast.pia)
    assert prefs.channels["mention"] == ["inapp", "chat"]
