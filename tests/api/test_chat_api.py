"""Direct messages in chat through the API: choosing chat once HR connected a chat app, and
the outbox listing a failed direct message with its error (HR only)."""

from __future__ import annotations

import pytest

from lineofsight.integrations.chat import actions as chat
from lineofsight.integrations.models import Notification

pytestmark = pytest.mark.django_db

TOKEN = "xoxb-1234-5678-abcdefgh"  # noqa: S105 - a test's
SIGNING = "8f742231b10e8888abcd9900aa85a5ff"


def test_chat_may_be_chosen_once_a_chat_app_is_connected(cast, as_person):
    otto = as_person("otto")
    refused = otto.patch("/notification-preferences", {"channels": {"reminder": ["chat"]}})
    assert refused.status_code == 422
    assert "channels.reminder" in refused.content.decode()
    chat.connect_slack(acting_user=cast.hana, bot_token=TOKEN, signing_secret=SIGNING)
    chosen = otto.patch("/notification-preferences", {"channels": {"reminder": ["chat"]}})
    assert chosen.status_code == 200
    assert "chat" in chosen.json()["channels"]["reminder"]


def test_hr_reads_a_failed_direct_message_and_its_error(cast, as_person):
    Notification.objects.create(
        recipient=cast.pia,
        kind="reminder",
        channel="slack_dm",
        dedupe_key="reminder:weekly:2026-11-02",
        subject="Your check-ins are due",
        body="...",
        state="failed",
        attempts=1,
        last_error="Nobody in the Slack workspace has Pia Park's email address.",
    )
    listed = as_person("hana").get("/notifications", state="failed").json()
    [row] = [r for r in listed["items"] if r["channel"] == "slack_dm"]
    assert row["recipient_name"] == "Pia Park"
    assert "Nobody in the Slack workspace" in row["last_error"]
    others = as_person("otto").get("/notifications", state="failed").json()
    assert not [r for r in others["items"] if r["channel"] == "slack_dm"]
