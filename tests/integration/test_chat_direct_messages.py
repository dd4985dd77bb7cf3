"""Direct messages in Slack and Microsoft Teams, and check-ins recorded from them, against
local stand-ins for Slack's Web API and the Bot Framework (``tests/chat_api_server.py``).

Slack: HR connects the app; a person who chose chat gets their reminder as a direct message
(found by email, sent by ``chat.postMessage`` to their user id) with a button per key result
due; the button opens the check-in modal; its submission records one check-in as them.
Teams: someone talking to the bot is linked by their email; reminders then reach them in a
one-to-one conversation with an Adaptive Card whose submit records the check-in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import time
from urllib.parse import urlencode

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import Client, TestCase
from django.utils import timezone

from lineofsight.core.errors import InvalidInput
from lineofsight.goals.models import CheckIn
from lineofsight.integrations import actions as notify
from lineofsight.integrations import delivery
from lineofsight.integrations.actions import Outgoing
from lineofsight.integrations.chat import actions as chat
from lineofsight.integrations.chat import teams as teams_api
from lineofsight.integrations.models import ChatAccount, ChatApp, ChatInteraction, Notification

from ..chat_api_server import BotFramework, SlackApi
from ..okrs import build_cascade

pytestmark = pytest.mark.django_db

TOKEN = "xoxb-1234-5678-abcdefgh"
SIGNING = "8f742231b10e8888abcd9900aa85a5ff"
APP_ID = "11111111-2222-3333-4444-555555555555"
PASSWORD = "bot-password-1"  # noqa: S105 - a test's


@pytest.fixture
def okrs(cast):
    return build_cascade(cast)


@pytest.fixture
def slack(cast, settings):
    users = {cast.ava.email: "U0AVA", cast.hana.email: "U0HANA", cast.sam.email: "U0SAM"}
    with SlackApi(TOKEN, users=users) as api:
        settings.SLACK_API_URL = api.url("/api/")
        chat.connect_slack(acting_user=cast.hana, bot_token=TOKEN, signing_secret=SIGNING)
        yield api


@pytest.fixture
def bot(cast, settings):
    with BotFramework(APP_ID, PASSWORD, {"29:ava": {"email": "AVA@acme.test"}}) as api:
        settings.TEAMS_SERVICE_URL = api.url("/")
        settings.TEAMS_TOKEN_URL = api.url("/token")
        settings.TEAMS_OPENID_METADATA_URL = api.url("/openid")
        teams_api.forget_tokens()
        chat.connect_teams(acting_user=cast.hana, app_id=APP_ID, password=PASSWORD)
        yield api
    teams_api.forget_tokens()


def choose_chat(person, kind="reminder"):
    notify.set_notification_preferences(
        acting_user=person, person=person, channels={kind: ["inapp", "email", "chat"]}
    )


def reminder(person, krs, key="reminder:weekly:2026-11-02"):
    return Outgoing(
        person.pk,
        Notification.Kind.REMINDER,
        Notification.Channel.EMAIL,
        key,
        "Your check-ins are due",
        "Two key results are due for a check-in.",
        address=person.email,
        key_results=tuple((kr.pk, kr.title, kr.kind == "milestone") for kr in krs),
    )


def queue(*messages, now=None):
    with TestCase.captureOnCommitCallbacks(execute=True):
        notify.queue_notifications(acting_user=None, messages=list(messages), run="test")
    delivery.deliver_due(now=now)


# -- Slack: direct messages ------------------------------------------------------------------


def test_a_reminder_reaches_slack_once_found_by_email_with_a_button_per_key_result(
    cast, okrs, slack
):
    choose_chat(cast.ava)
    queue(reminder(cast.ava, [okrs.ava_opps, okrs.ava_legal]))
    queue(reminder(cast.ava, [okrs.ava_opps, okrs.ava_legal]))  # again: nothing twice
    delivery.deliver_due(now=timezone.now() + dt.timedelta(hours=3))
    [(_, path, headers, body)] = slack.calls("users.lookupByEmail")
    assert path == "/api/users.lookupByEmail"
    assert headers["Authorization"] == f"Bearer {TOKEN}"
    assert headers["Content-Type"].startswith("application/x-www-form-urlencoded")
    assert body == {"email": "ava@acme.test"}
    [(_, _, headers, posted)] = slack.calls("chat.postMessage")
    assert headers["Authorization"] == f"Bearer {TOKEN}"
    assert headers["Content-Type"].startswith("application/json")
    assert posted["channel"] == "U0AVA"
    assert "Your check-ins are due" in posted["text"]
    buttons = [b["accessory"] for b in posted["blocks"] if "accessory" in b]
    assert [b["value"] for b in buttons] == [str(okrs.ava_opps.pk), str(okrs.ava_legal.pk)]
    row = Notification.objects.get(recipient=cast.ava, channel="slack_dm")
    assert (row.state, row.attempts, row.kind) == ("sent", 1, "reminder")
    assert ChatAccount.objects.get(person=cast.ava, kind="slack").user_id == "U0AVA"
    # The email, required for reminders, still goes.
    assert Notification.objects.filter(recipient=cast.ava, channel="email").exists()


def test_a_blocker_escalation_reaches_slack_beside_its_required_email(cast, slack):
    choose_chat(cast.sam, kind="blocker")
    escalation = Outgoing(
        cast.sam.pk,
        Notification.Kind.BLOCKER,
        Notification.Channel.EMAIL,
        "blocker:1:1",
        "A blocker of Ava Adams is unresolved",
        "Legal review has waited 6 days.",
        address=cast.sam.email,
    )
    queue(escalation)
    [(_, _, _, posted)] = slack.calls("chat.postMessage")
    assert "A blocker of Ava Adams is unresolved" in posted["text"]
    kinds = set(Notification.objects.filter(recipient=cast.sam).values_list("channel", "state"))
    assert kinds == {("email", "sent"), ("slack_dm", "sent")}


def test_the_second_message_uses_the_kept_slack_user(cast, okrs, slack):
    choose_chat(cast.ava)
    queue(reminder(cast.ava, [okrs.ava_opps], key="reminder:1"))
    queue(reminder(cast.ava, [okrs.ava_opps], key="reminder:2"))
    assert len(slack.calls("users.lookupByEmail")) == 1
    assert len(slack.calls("chat.postMessage")) == 2


def test_a_slack_failure_is_retried_with_backoff_then_sent_once(cast, okrs, slack):
    choose_chat(cast.ava)
    slack.fail_next(None, "ratelimited")  # the lookup works, the post is refused
    queue(reminder(cast.ava, [okrs.ava_opps]))
    row = Notification.objects.get(recipient=cast.ava, channel="slack_dm")
    assert (row.state, row.attempts) == ("pending", 1)
    assert "ratelimited" in row.last_error
    assert row.next_attempt_at > timezone.now() + dt.timedelta(seconds=50)
    delivery.deliver_due()  # too early: nothing
    assert len(slack.calls("chat.postMessage")) == 1
    delivery.deliver_due(now=timezone.now() + dt.timedelta(minutes=2))
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("sent", 2)
    posts = slack.calls("chat.postMessage")
    assert len(posts) == 2  # the refused one and the one that went


def test_someone_not_in_the_workspace_fails_for_good_and_hr_sees_it(cast, okrs, slack):
    choose_chat(cast.pia)
    queue(reminder(cast.pia, []))
    row = Notification.objects.get(recipient=cast.pia, channel="slack_dm")
    assert (row.state, row.attempts) == ("failed", 1)
    assert "Nobody in the Slack workspace has Pia Park's email address" in row.last_error
    assert not slack.calls("chat.postMessage")
    page = hr_client(cast).get("/organisation/chat/")
    assert page.status_code == 200
    assert "Nobody in the Slack workspace has Pia Park" in page.content.decode()


def test_a_disconnected_app_fails_what_was_queued_for_it(cast, okrs, slack):
    choose_chat(cast.ava)
    with TestCase.captureOnCommitCallbacks(execute=True):
        notify.queue_notifications(
            acting_user=None, messages=[reminder(cast.ava, [okrs.ava_opps])], run="test"
        )
    chat.disconnect_chat_app(acting_user=cast.hana, kind="slack")
    delivery.deliver_due()
    row = Notification.objects.get(recipient=cast.ava, channel="slack_dm")
    assert row.state == "failed" and "disconnected" in row.last_error
    assert not slack.calls("chat.postMessage")


def test_without_an_app_or_a_channel_chat_cannot_be_chosen(cast):
    with pytest.raises(InvalidInput):
        choose_chat(cast.otto)


def test_with_the_slack_app_anyone_may_choose_chat(cast, slack):
    choose_chat(cast.otto)  # Otto's teams have no channel: the direct message reaches him
    assert "chat" in notify.preferences_of(cast.otto).channels["reminder"]


# -- Slack: the check-in from the message ----------------------------------------------------


def signed(body: bytes, *, secret=SIGNING, at: int | None = None) -> dict[str, str]:
    stamp = str(int(time.time()) if at is None else at)
    base = b"v0:" + stamp.encode() + b":" + body
    signature = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"HTTP_X_SLACK_REQUEST_TIMESTAMP": stamp, "HTTP_X_SLACK_SIGNATURE": signature}


def interact(payload, **signing):
    body = urlencode({"payload": json.dumps(payload)}).encode()
    headers = signed(body, **signing)
    return (
        Client().post(
            "/chat/slack/interactions/",
            body,
            content_type="application/x-www-form-urlencoded",
            **headers,
        ),
        body,
        headers,
    )


def submission(kr, *, value="12", confidence="on_track", note="From Slack", view="V123"):
    return {
        "type": "view_submission",
        "user": {"id": "U0AVA"},
        "view": {
            "id": view,
            "callback_id": "check_in",
            "private_metadata": str(kr.pk if hasattr(kr, "pk") else kr),
            "state": {
                "values": {
                    "value": {"value": {"type": "plain_text_input", "value": value}},
                    "confidence": {
                        "confidence": {
                            "type": "static_select",
                            "selected_option": {"value": confidence} if confidence else None,
                        }
                    },
                    "note": {"note": {"type": "plain_text_input", "value": note}},
                }
            },
        },
    }


@pytest.fixture
def ava_in_slack(cast, slack):
    ChatAccount.objects.create(person=cast.ava, kind="slack", user_id="U0AVA")


def test_the_button_opens_the_check_in_modal(cast, okrs, slack, ava_in_slack):
    payload = {
        "type": "block_actions",
        "user": {"id": "U0AVA"},
        "trigger_id": "13345224609.738474920.8088930838d88f008e0",
        "actions": [{"action_id": f"check_in:{okrs.ava_opps.pk}", "value": str(okrs.ava_opps.pk)}],
    }
    response, _, _ = interact(payload)
    assert response.status_code == 200
    [(_, _, headers, body)] = slack.calls("views.open")
    assert headers["Authorization"] == f"Bearer {TOKEN}"
    assert body["trigger_id"] == "13345224609.738474920.8088930838d88f008e0"
    view = body["view"]
    assert view["callback_id"] == "check_in"
    assert view["private_metadata"] == str(okrs.ava_opps.pk)
    assert {b.get("block_id") for b in view["blocks"]} >= {"value", "confidence", "note"}


def test_a_signed_submission_records_exactly_one_check_in_and_a_replay_none(
    cast, okrs, slack, ava_in_slack
):
    before = CheckIn.objects.filter(key_result=okrs.ava_opps).count()
    response, body, headers = interact(submission(okrs.ava_opps))
    assert response.status_code == 200
    assert response.json() == {"response_action": "clear"}
    added = CheckIn.objects.filter(key_result=okrs.ava_opps).exclude(pk__in=[]).order_by("pk")
    assert added.count() == before + 1
    latest = added.last()
    assert (latest.value, latest.confidence, latest.note, latest.author) == (
        12,
        "on_track",
        "From Slack",
        cast.ava,
    )
    replay = Client().post(
        "/chat/slack/interactions/",
        body,
        content_type="application/x-www-form-urlencoded",
        **headers,
    )
    assert replay.status_code == 200
    assert CheckIn.objects.filter(key_result=okrs.ava_opps).count() == before + 1
    assert ChatInteraction.objects.filter(kind="slack", key="view:V123").count() == 1


@pytest.mark.parametrize(
    "signing",
    [
        {"secret": "0" * 32},  # forged
        {"at": int(time.time()) - 6 * 60},  # stale
        {"at": int(time.time()) + 6 * 60},  # from the future
    ],
    ids=["forged", "stale", "future"],
)
def test_an_unsigned_forged_or_stale_request_is_refused_changing_nothing(
    cast, okrs, slack, ava_in_slack, signing
):
    before = CheckIn.objects.count()
    response, _, _ = interact(submission(okrs.ava_opps), **signing)
    assert response.status_code == 401
    unsigned = Client().post(
        "/chat/slack/interactions/",
        urlencode({"payload": json.dumps(submission(okrs.ava_opps))}),
        content_type="application/x-www-form-urlencoded",
    )
    assert unsigned.status_code == 401
    assert CheckIn.objects.count() == before
    assert not ChatInteraction.objects.exists()


def test_bad_values_are_answered_per_field(cast, okrs, slack, ava_in_slack):
    before = CheckIn.objects.count()
    response, _, _ = interact(submission(okrs.ava_opps, value="lots", confidence=""))
    answer = response.json()
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {"confidence"}  # the value waits for a confidence
    response, _, _ = interact(submission(okrs.ava_opps, value="lots"))
    answer = response.json()
    assert answer["response_action"] == "errors"
    assert "'lots' is not a number" in answer["errors"]["value"]
    response, _, _ = interact(submission(okrs.ava_opps, value=""))
    assert response.json()["errors"] == {"value": "Enter the current value."}
    assert CheckIn.objects.count() == before
    # Corrected in the same modal: recorded.
    response, _, _ = interact(submission(okrs.ava_opps, value="3"))
    assert response.json() == {"response_action": "clear"}
    assert CheckIn.objects.count() == before + 1


def test_a_key_result_she_may_not_check_in_on_is_answered_as_a_missing_one(
    cast, okrs, slack, ava_in_slack
):
    before = CheckIn.objects.count()
    others, _, _ = interact(submission(okrs.logos, view="V1"))  # Sam's: Ava sees it only
    missing, _, _ = interact(submission(999999, view="V2"))
    assert others.json() == missing.json()
    assert others.json()["response_action"] == "errors"
    assert CheckIn.objects.count() == before


def test_a_slack_user_linked_to_nobody_records_nothing(cast, okrs, slack):
    response, _, _ = interact(submission(okrs.ava_opps))
    assert response.json()["response_action"] == "errors"
    assert "not linked" in response.json()["errors"]["value"]
    assert not ChatInteraction.objects.exists()


# -- Microsoft Teams --------------------------------------------------------------------------


def activity(**extra):
    return {
        "type": "message",
        "id": "act-1",
        "text": "hello",
        "from": {"id": "29:ava", "aadObjectId": "aad-ava"},
        "conversation": {"id": "a:personal-ava", "conversationType": "personal"},
        "recipient": {"id": f"28:{APP_ID}"},
        "serviceUrl": "https://smba.trafficmanager.net/teams/",
        **extra,
    }


def to_bot(bot, body, token=None):
    return Client().post(
        "/chat/teams/messages/",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token or bot.token_for()}",
    )


def test_talking_to_the_bot_links_the_person_by_email_and_answers(cast, bot):
    response = to_bot(bot, activity())
    assert response.status_code == 200
    account = ChatAccount.objects.get(kind="teams")
    assert (account.person, account.user_id, account.conversation_id) == (
        cast.ava,
        "29:ava",
        "a:personal-ava",
    )
    [(method, path, headers, _)] = bot.calls("/members/")
    assert (method, path) == ("GET", "/v3/conversations/a%3Apersonal-ava/members/29%3Aava")
    assert headers["Authorization"] == "Bearer bot-token"
    [(_, path, _, reply)] = bot.calls("/activities")
    assert path == "/v3/conversations/a%3Apersonal-ava/activities/act-1"
    assert "Ava Adams" in reply["text"]


@pytest.mark.parametrize("case", ["audience", "signature", "issuer", "missing"])
def test_a_request_without_a_valid_bot_framework_token_is_refused(cast, okrs, bot, case):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = {
        "audience": bot.token_for(audience="99999999-2222-3333-4444-555555555555"),
        "signature": bot.token_for(key=other),
        "issuer": bot.token_for(issuer="https://evil.example.com"),
        "missing": "",
    }[case]
    value = {"action": "check_in", "key_result": okrs.ava_opps.pk}
    value[f"value:{okrs.ava_opps.pk}"] = "9"
    value[f"confidence:{okrs.ava_opps.pk}"] = "at_risk"
    response = Client().post(
        "/chat/teams/messages/",
        json.dumps(activity(value=value)),
        content_type="application/json",
        **({"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}),
    )
    assert response.status_code == 401
    assert not ChatAccount.objects.exists()
    assert not ChatInteraction.objects.exists()
    assert not bot.calls("/v3/")


def test_a_reminder_reaches_teams_in_a_one_to_one_conversation_with_a_card(cast, okrs, bot):
    ChatAccount.objects.create(person=cast.ava, kind="teams", user_id="29:ava")
    choose_chat(cast.ava)
    queue(reminder(cast.ava, [okrs.ava_opps]))
    queue(reminder(cast.ava, [okrs.ava_opps]))  # again: nothing twice
    [(_, _, _, form)] = bot.calls("/token")
    assert form["client_id"] == APP_ID and form["grant_type"] == "client_credentials"
    [(_, path, headers, created)] = [
        c for c in bot.calls("/v3/conversations") if c[1] == "/v3/conversations"
    ]
    assert headers["Authorization"] == "Bearer bot-token"
    assert created["members"] == [{"id": "29:ava"}] and created["bot"] == {"id": APP_ID}
    [(_, path, _, sent)] = bot.calls("/activities")
    assert path == "/v3/conversations/a%3Aconversation-1/activities"
    card = sent["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    [show] = card["content"]["actions"]
    [submit] = show["card"]["actions"]
    assert submit["type"] == "Action.Submit"
    assert submit["data"] == {"action": "check_in", "key_result": okrs.ava_opps.pk}
    assert Notification.objects.get(recipient=cast.ava, channel="teams_dm").state == "sent"
    assert ChatAccount.objects.get(person=cast.ava).conversation_id == "a:conversation-1"


def test_someone_who_never_talked_to_the_bot_keeps_the_team_channel(cast, bot):
    # Pia has no Teams account and her teams no channel: chat cannot be chosen for her.
    with pytest.raises(InvalidInput):
        choose_chat(cast.pia)


def test_a_card_submit_records_one_check_in_and_answers(cast, okrs, bot):
    ChatAccount.objects.create(person=cast.ava, kind="teams", user_id="29:ava")
    pk = okrs.ava_opps.pk
    before = CheckIn.objects.filter(key_result=okrs.ava_opps).count()
    value = {
        "action": "check_in",
        "key_result": pk,
        f"value:{pk}": "9",
        f"confidence:{pk}": "at_risk",
        f"note:{pk}": "From Teams",
    }
    body = activity(id="act-7", text="", value=value)
    assert to_bot(bot, body).status_code == 200
    assert to_bot(bot, body).status_code == 200  # the same activity again
    checked = CheckIn.objects.filter(key_result=okrs.ava_opps).order_by("pk")
    assert checked.count() == before + 1
    assert (checked.last().value, checked.last().note) == (9, "From Teams")
    first, second = [c[3]["text"] for c in bot.calls("/activities")]
    assert first.startswith("Recorded your check-in")
    assert "recorded already" in second


def test_a_card_submit_with_bad_values_or_someone_elses_key_result_records_nothing(cast, okrs, bot):
    ChatAccount.objects.create(person=cast.ava, kind="teams", user_id="29:ava")
    before = CheckIn.objects.count()
    answers = []
    for n, pk in enumerate([okrs.ava_opps.pk, okrs.logos.pk, 999999]):
        value = {
            "action": "check_in",
            "key_result": pk,
            f"value:{pk}": "many",
            f"confidence:{pk}": "on_track",
        }
        to_bot(bot, activity(id=f"bad-{n}", value=value))
    answers = [c[3]["text"] for c in bot.calls("/activities")]
    assert "'many' is not a number" in answers[0]
    assert answers[1] == answers[2]  # another's key result reads as a missing one
    assert CheckIn.objects.count() == before


def test_an_invoke_is_answered_in_the_response(cast, okrs, bot):
    ChatAccount.objects.create(person=cast.ava, kind="teams", user_id="29:ava")
    pk = okrs.ava_opps.pk
    data = {
        "action": "check_in",
        "key_result": pk,
        f"value:{pk}": "4",
        f"confidence:{pk}": "on_track",
    }
    body = activity(
        type="invoke",
        name="adaptiveCard/action",
        value={"action": {"type": "Action.Execute", "data": data}},
    )
    response = to_bot(bot, body)
    assert response.json()["value"].startswith("Recorded your check-in")
    assert not bot.calls("/activities")


# -- HR's page -------------------------------------------------------------------------------


def hr_client(cast):
    client = Client()
    client.force_login(cast.hana)
    return client


def test_hr_connects_slack_with_errors_per_field_and_nothing_saved(cast):
    client = hr_client(cast)
    response = client.post(
        "/organisation/chat/connect/",
        {"kind": "slack", "bot_token": "xoxp-user-token", "signing_secret": "not hex!"},
    )
    assert response.status_code == 422
    text = response.content.decode()
    assert "starts with xoxb-" in text and "Basic Information" in text
    assert not ChatApp.objects.exists()
    response = client.post(
        "/organisation/chat/connect/",
        {"kind": "slack", "bot_token": TOKEN, "signing_secret": SIGNING},
    )
    assert response.status_code == 302
    app = ChatApp.objects.get(kind="slack")
    assert TOKEN not in app.secret and SIGNING not in app.signing_secret  # encrypted
    page = client.get("/organisation/chat/").content.decode()
    assert TOKEN not in page and SIGNING not in page  # write-only
    assert TOKEN[-4:] in page
    assert "/chat/slack/interactions/" in page and "/chat/teams/messages/" in page


def test_hr_sends_a_test_message_and_disconnects(cast, slack):
    client = hr_client(cast)
    response = client.post("/organisation/chat/test/", {"kind": "slack"}, follow=True)
    assert "Sent you a direct message in Slack" in response.content.decode()
    [(_, _, _, posted)] = slack.calls("chat.postMessage")
    assert posted["channel"] == "U0HANA"
    response = client.post("/organisation/chat/disconnect/", {"kind": "slack"}, follow=True)
    assert "Slack is disconnected" in response.content.decode()
    assert not ChatApp.objects.exists() and not ChatAccount.objects.exists()


def test_hr_tests_the_teams_bot_credentials(cast, bot):
    response = hr_client(cast).post("/organisation/chat/test/", {"kind": "teams"}, follow=True)
    assert "credentials work" in response.content.decode()
    bot.password = "changed-elsewhere"  # noqa: S105 - a test's
    teams_api.forget_tokens()
    response = hr_client(cast).post("/organisation/chat/test/", {"kind": "teams"}, follow=True)
    assert "The test failed" in response.content.decode()


def test_only_hr_sees_the_chat_page(cast):
    client = Client()
    client.force_login(cast.ava)
    assert client.get("/organisation/chat/").status_code == 403
    assert client.post("/organisation/chat/connect/", {"kind": "slack"}).status_code == 403


def test_the_notifications_page_offers_chat_as_direct_messages(cast, slack):
    client = Client()
    client.force_login(cast.otto)
    page = client.get("/settings/notifications/").content.decode()
    assert "In chat: a Slack direct message with the whole message" in page
    response = client.post(
        "/settings/notifications/",
        {
            "digest": "weekly",
            "digest_channel": "email",
            "channels_shown": "True",
            "ch_reminder_inapp": "on",
            "ch_reminder_chat": "on",
        },
    )
    assert response.status_code == 302
    assert "chat" in notify.preferences_of(cast.otto).channels["reminder"]


def test_the_reminder_run_sends_the_key_results_due_with_their_buttons(cast, okrs, slack):
    # The command as cron or the worker runs it, on the Tuesday of a week Ava is overdue.
    from io import StringIO

    from django.core.management import call_command

    choose_chat(cast.ava)
    out = StringIO()
    call_command("remind", "--today", "2026-10-20", stdout=out, stderr=StringIO())
    assert "check-in reminders queued" in out.getvalue()
    [(_, _, _, posted)] = [c for c in slack.calls("chat.postMessage") if c[3]["channel"] == "U0AVA"]
    buttons = {b["accessory"]["value"] for b in posted["blocks"] if "accessory" in b}
    assert buttons == {str(kr.pk) for kr in (okrs.ava_opps, okrs.ava_legal, okrs.ava_closes)}
    row = Notification.objects.get(recipient=cast.ava, channel="slack_dm", kind="reminder")
    assert row.state == "sent" and len(row.data["key_results"]) == 3
