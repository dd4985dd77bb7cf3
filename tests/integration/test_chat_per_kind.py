"""Messages in chat, per kind: a person whose team has a chat channel chooses chat for a kind
of message; each message of that kind then reaches the channel once, through the outbox
(retries, delivery log), saying only what kind of message came, for whom, and where it is.
Tested against the local chat server."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import TestCase
from django.utils import timezone

from lineofsight.core.errors import InvalidInput
from lineofsight.goals import actions as goals
from lineofsight.integrations import actions as notify
from lineofsight.integrations import compose, delivery
from lineofsight.integrations.models import InboxItem, Notification

from ..chat_server import ChatServer
from ..team_retros import closed_q3

pytestmark = pytest.mark.django_db

SECRET_WORDS = "the renewal with Brightwater slipped"


@pytest.fixture
def chat(cast, settings):
    settings.WEBHOOK_EXTRA_HOSTS = ["127.0.0.1"]
    settings.WEBHOOK_ALLOW_HTTP = True
    with ChatServer() as server:
        notify.set_team_webhook(
            acting_user=cast.sam, team=cast.enterprise, kind="slack", url=server.url()
        )
        yield server


def mention_for(person, key="mention:chat:1"):
    message = compose.Message(f"Sam Sato mentioned you: {SECRET_WORDS}", f"{SECRET_WORDS}.")
    return notify.email(person, Notification.Kind.MENTION, key, message, "/objectives/1/")


def queue(*messages):
    with TestCase.captureOnCommitCallbacks(execute=True):
        notify.queue_notifications(acting_user=None, messages=list(messages), run="test")
    delivery.deliver_due()  # as the next reminder run does


def test_a_chosen_kind_reaches_the_channel_once_with_the_link_only(cast, chat):
    notify.set_notification_preferences(
        acting_user=cast.pia, person=cast.pia, channels={"mention": ["inapp", "chat"]}
    )
    queue(mention_for(cast.pia), mention_for(cast.ava))
    queue(mention_for(cast.pia))  # the same message again: nothing twice
    [(path, posted)] = chat.received
    assert path == "/services/T0/B0/secret"
    text = posted["text"]
    assert "Pia Park" in text and "mention" in text
    assert "/objectives/1/" in text
    assert SECRET_WORDS not in str(posted)  # the channel is shared: the text stays in the app
    sent = Notification.objects.get(recipient=cast.pia, channel="slack")
    assert (sent.kind, sent.state, sent.dedupe_key) == ("mention", "sent", "mention:chat:1")
    assert InboxItem.objects.filter(recipient=cast.pia).count() == 1
    # No email: Pia did not choose it; Ava (no chat chosen) gets her email as before.
    assert not Notification.objects.filter(recipient=cast.pia, channel="email").exists()
    assert Notification.objects.filter(recipient=cast.ava, channel="email").exists()
    assert not Notification.objects.filter(recipient=cast.ava, channel="slack").exists()


def test_a_failing_channel_is_retried_like_a_reminder(cast, chat):
    notify.set_notification_preferences(
        acting_user=cast.pia, person=cast.pia, channels={"mention": ["chat"]}
    )
    chat.fail_next(500)
    queue(mention_for(cast.pia))
    row = Notification.objects.get(recipient=cast.pia, channel="slack")
    assert (row.state, row.attempts) == ("pending", 1)
    assert row.last_error.startswith("The channel answered 500")
    delivery.deliver_due(now=timezone.now() + dt.timedelta(minutes=2))
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("sent", 2)
    assert len(chat.received) == 1


def test_chat_needs_a_channel(cast, chat):
    with pytest.raises(InvalidInput) as refused:
        notify.set_notification_preferences(
            acting_user=cast.otto, person=cast.otto, channels={"mention": ["chat"]}
        )
    assert "None of your teams has a chat channel" in refused.value.errors["channels.mention"][0]


def test_a_published_team_retrospective_reaches_chat(cast, chat):
    closed_q3(cast)
    notify.set_notification_preferences(
        acting_user=cast.pia, person=cast.pia, channels={"team_retro": ["inapp", "chat"]}
    )
    goals.save_team_retrospective(
        acting_user=cast.ava, team=cast.enterprise, cycle=cast.q3, what_moved=SECRET_WORDS
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        goals.publish_team_retrospective(acting_user=cast.sam, team=cast.enterprise, cycle=cast.q3)
    delivery.deliver_due()
    [(_, posted)] = chat.received
    assert "Pia Park" in posted["text"] and "team retrospective" in posted["text"]
    assert f"/teams/{cast.enterprise.pk}/retrospectives/{cast.q3.pk}/" in posted["text"]
    assert SECRET_WORDS not in str(posted)
