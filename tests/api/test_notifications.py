"""The API for what is due, notification preferences, team webhooks and the outbox."""

from __future__ import annotations

from io import StringIO

import pytest

from lineofsight.goals import actions
from lineofsight.goals.tracking import check_ins_due
from lineofsight.integrations.models import Notification, NotificationPreference, TeamWebhook

pytestmark = pytest.mark.django_db

SLACK = "https://hooks.slack.com/services/T0AAA/B0BBB/abcdefghijklmnopqrstWXYZ"


def test_due_check_ins_are_mine_with_due_state_and_pace(cast, cascade, as_person):
    actions.record_check_in(
        acting_user=cast.ava, key_result=cascade.ava_opps, value=5, confidence="at_risk"
    )
    body = as_person("ava").get("/check-ins/due").json()
    expected = check_ins_due.due_for(cast.ava)
    assert body["today"] == expected.today.isoformat()
    assert body["count"] == expected.count
    assert [i["key_result"] for i in body["items"]] == [r.key_result.pk for r in expected.due_rows]
    everything = as_person("ava").get("/check-ins/due", all="true").json()
    assert {i["key_result"] for i in everything["items"]} == {
        cascade.ava_opps.pk,
        cascade.ava_legal.pk,
        cascade.ava_closes.pk,
    }
    opps = next(i for i in everything["items"] if i["key_result"] == cascade.ava_opps.pk)
    row = next(r for r in expected.rows if r.key_result.pk == cascade.ava_opps.pk)
    assert opps["due"] == {
        "state": row.due.state.value,
        "label": row.due.state.label,
        "description": row.due.describe(expected.today),
        "next_due": row.due.next_due.isoformat() if row.due.next_due else None,
        "missed": row.due.missed,
        "cadence": "weekly",
    }
    assert opps["pace"]["status"] == row.pace.status.value
    assert opps["pace"]["explanation"] == row.pace.explanation
    assert (opps["confidence"], opps["current_value"], opps["percent"]) == ("at_risk", 5.0, 20)
    # Otto owns nothing: an empty list, not an error.
    assert as_person("otto").get("/check-ins/due").json()["items"] == []


def test_check_in_ids_still_work_beside_due(cast, cascade, as_person):
    check_in = actions.record_check_in(
        acting_user=cast.ava, key_result=cascade.ava_opps, value=5, confidence="at_risk"
    )
    assert as_person("ava").get(f"/check-ins/{check_in.pk}").json()["id"] == check_in.pk


def test_preferences_are_mine_to_read_and_change(cast, as_person):
    ava = as_person("ava")
    assert ava.get("/notification-preferences").json() == {
        "digest": "weekly",
        "digest_channel": "email",
        "digest_team": None,
        "reminders": "required",
        "escalations": "required",
        "chat_teams": [],
        "channels": {
            "mention": ["inapp", "email"],
            "reply": ["inapp"],
            "alignment": ["inapp", "email"],
            "parent": ["inapp", "email"],
            "approval": ["inapp", "email"],
            "reminder": ["inapp", "email"],
            "review": ["inapp", "email"],
            "escalation": ["inapp", "email"],
            "blocker": ["email"],
            "team_retro": ["inapp"],
            "one_on_one": ["inapp"],
            "action_item": ["inapp", "email"],
        },
        "email_mode": "each",
    }
    TeamWebhook.objects.create(team=cast.enterprise, kind="slack", url=SLACK)
    changed = ava.patch(
        "/notification-preferences",
        {"digest_channel": "chat", "digest_team": cast.enterprise.pk},
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["digest_channel"] == "chat"
    assert changed.json()["digest_team"] == cast.enterprise.pk
    assert changed.json()["chat_teams"] == [cast.enterprise.pk]
    prefs = NotificationPreference.objects.get(person=cast.ava)
    assert (prefs.digest, prefs.digest_channel, prefs.digest_team) == (
        "weekly",
        "chat",
        cast.enterprise,
    )
    # Leaving a field out keeps it; null goes back to the first team with a channel.
    assert ava.patch("/notification-preferences", {"digest": "off"}).json()["digest_team"] == (
        cast.enterprise.pk
    )
    assert (
        ava.patch("/notification-preferences", {"digest_team": None}).json()["digest_team"] is None
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"digest": "daily"}, "digest"),
        ({"digest_channel": "pigeon"}, "digest_channel"),
        ({"digest_team": 999999}, "digest_team"),
        ({"reminders": "off"}, "reminders"),  # reminders are required: no such field
    ],
)
def test_bad_preferences_name_the_field_and_change_nothing(cast, as_person, body, field):
    response = as_person("ava").patch("/notification-preferences", body)
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert not NotificationPreference.objects.exists()


def test_a_team_i_do_not_belong_to_cannot_take_my_digest(cast, as_person):
    response = as_person("ava").patch(
        "/notification-preferences", {"digest_team": cast.platform.pk}
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"digest_team": ["Choose a team you lead or belong to."]}


def test_team_webhooks_for_the_lead_and_hr_with_the_address_masked(cast, as_person):
    sam = as_person("sam")
    created = sam.post(f"/teams/{cast.enterprise.pk}/webhooks", {"kind": "slack", "url": SLACK})
    assert created.status_code == 201
    hook = created.json()
    assert hook["url"] == "https://hooks.slack.com/…WXYZ"
    assert "abcdefgh" not in created.content.decode()
    assert TeamWebhook.objects.get(pk=hook["id"]).url == SLACK
    listed = as_person("hana").get(f"/teams/{cast.enterprise.pk}/webhooks").json()
    assert [h["url"] for h in listed] == ["https://hooks.slack.com/…WXYZ"]
    # Posting the same kind again replaces it (one channel per service and team).
    again = sam.post(f"/teams/{cast.enterprise.pk}/webhooks", {"kind": "slack", "url": SLACK + "2"})
    assert again.json()["id"] == hook["id"] and again.json()["url"].endswith("XYZ2")
    # Members of the team may see the team, not its webhooks.
    assert as_person("ava").get(f"/teams/{cast.enterprise.pk}/webhooks").status_code == 403
    gone = as_person("ava").delete(f"/teams/{cast.enterprise.pk}/webhooks/{hook['id']}")
    assert gone.status_code == 404
    assert sam.delete(f"/teams/{cast.enterprise.pk}/webhooks/{hook['id']}").status_code == 204
    assert not TeamWebhook.objects.exists()


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"kind": "slack", "url": "https://evil.example.com/hook"}, "url", "not a Slack"),
        ({"kind": "teams", "url": SLACK}, "url", "not a Microsoft Teams"),
        ({"kind": "slack", "url": "http://hooks.slack.com/services/T/B/X"}, "url", "https://"),
        ({"kind": "discord", "url": SLACK}, "kind", "Input should be"),
        ({"kind": "slack"}, "url", "Field required"),
    ],
)
def test_bad_webhooks_are_refused_naming_the_field(cast, as_person, body, field, message):
    response = as_person("sam").post(f"/teams/{cast.enterprise.pk}/webhooks", body)
    assert response.status_code == 422
    assert message in " ".join(response.json()["errors"][field])
    assert not TeamWebhook.objects.exists()


def test_the_outbox_is_hrs_and_each_persons_own(cast, cascade, as_person):
    from django.core.management import call_command

    call_command("remind", "--today", "2026-10-19", stdout=StringIO())
    everything = as_person("hana").get("/notifications", limit=500).json()
    assert everything["count"] == Notification.objects.count() > 3
    mine = as_person("ava").get("/notifications").json()
    assert {n["recipient"] for n in mine["items"]} == {cast.ava.pk}
    one = mine["items"][0]
    assert one["kind"] == "reminder" and one["state"] == "sent" and one["attempts"] == 1
    assert one["next_attempt_at"] is None
    assert as_person("otto").get(f"/notifications/{one['id']}").status_code == 404
    by_kind = as_person("hana").get("/notifications", kind="digest").json()
    assert {n["kind"] for n in by_kind["items"]} == {"digest"}


def test_hr_filters_failed_notifications_and_retries_them(cast, cascade, as_person, settings):
    from django.core.management import call_command

    settings.EMAIL_BACKEND = "tests.failing_mail.Backend"
    call_command("remind", "--today", "2026-10-20", stdout=StringIO())
    Notification.objects.update(state="failed", attempts=5)
    hana = as_person("hana")
    failed = hana.get("/notifications", state="failed").json()
    assert failed["count"] == Notification.objects.count()
    assert "Connection refused" in failed["items"][0]["last_error"]
    assert hana.get("/notifications", state="sent").json()["count"] == 0
    target = failed["items"][0]["id"]
    assert as_person("ava").post(f"/notifications/{target}/retry").status_code in (403, 404)
    retried = hana.post(f"/notifications/{target}/retry")
    assert retried.status_code == 200
    assert (retried.json()["state"], retried.json()["attempts"]) == ("pending", 0)
    again = hana.post(f"/notifications/{target}/retry")
    assert again.status_code == 422
    assert "state" in again.json()["errors"]


def test_the_due_list_and_the_outbox_run_a_fixed_number_of_queries(
    cast, cascade, django_assert_max_num_queries
):
    from django.core.management import call_command
    from django.test import Client

    call_command("remind", "--today", "2026-10-19", stdout=StringIO())
    client = Client()
    client.force_login(cast.hana)
    client.get("/api/me")

    def counts() -> tuple[int, int]:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as due:
            assert client.get("/api/check-ins/due?all=true").status_code == 200
        with CaptureQueriesContext(connection) as outbox:
            assert client.get("/api/notifications").status_code == 200
        return len(due.captured_queries), len(outbox.captured_queries)

    small = counts()
    for i in range(4):
        objective = actions.create_objective(
            acting_user=cast.hana,
            title=f"HR objective {i}",
            level="individual",
            cycle=cast.q4,
            owner_person=cast.hana,
        )
        actions.create_key_result(
            acting_user=cast.hana,
            objective=objective,
            title=f"KR {i}",
            kind="milestone",
            owner=cast.hana,
        )
    call_command("remind", "--today", "2026-10-26", stdout=StringIO())
    assert counts() == small
    assert small[0] <= 5 and small[1] <= 5


def test_channels_per_kind_and_the_daily_summary_are_mine_to_choose(cast, as_person):
    ava = as_person("ava")
    changed = ava.patch(
        "/notification-preferences",
        {"channels": {"mention": ["inapp"], "reply": []}, "email_mode": "daily"},
    )
    assert changed.status_code == 200, changed.content
    body = changed.json()
    assert body["channels"]["mention"] == ["inapp"]
    assert body["channels"]["reply"] == []
    assert body["channels"]["reminder"] == ["inapp", "email"]  # untouched
    assert body["email_mode"] == "daily"
    # Required emails stay on whatever is asked.
    kept = ava.patch("/notification-preferences", {"channels": {"reminder": []}})
    assert kept.json()["channels"]["reminder"] == ["email"]
    refused = ava.patch("/notification-preferences", {"channels": {"gossip": ["inapp"]}})
    assert refused.status_code == 422
    assert any(k.startswith("channels") for k in refused.json()["errors"])
    refused = ava.patch("/notification-preferences", {"email_mode": "hourly"})
    assert refused.status_code == 422 and "email_mode" in refused.json()["errors"]


def test_chat_per_kind_needs_a_team_channel(cast, as_person):
    refused = as_person("otto").patch(
        "/notification-preferences", {"channels": {"mention": ["inapp", "chat"]}}
    )
    assert refused.status_code == 422
    assert (
        "None of your teams has a chat channel" in refused.json()["errors"]["channels.mention"][0]
    )
    TeamWebhook.objects.create(team=cast.enterprise, kind="slack", url=SLACK)
    pia = as_person("pia")
    changed = pia.patch("/notification-preferences", {"channels": {"mention": ["chat"]}})
    assert changed.status_code == 200, changed.json()
    assert changed.json()["channels"]["mention"] == ["chat"]
    assert changed.json()["chat_teams"] == [cast.enterprise.pk]
