"""One outbox notification sent as a direct message in Slack or Microsoft Teams.

``integrations.delivery`` calls ``send_direct`` for a notification on the ``slack_dm`` or
``teams_dm`` channel; the outbox does the rest (one claim per attempt, so a message is never
sent twice; retries with back-off; failures kept on the row for HR). A failure raises
``ChatError``, ``permanent`` when waiting cannot help (the app was disconnected, the person
is not in the workspace).

Slack: the person's Slack user is found by their email (``users.lookupByEmail``) the first
time and kept; the message goes by ``chat.postMessage`` to that user id. Microsoft Teams: the
person is known once they talked to the bot; the first message creates the one-to-one
conversation (kept), then each message is an activity in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from lineofsight.integrations.chat import slack, teams
from lineofsight.integrations.chat.http import ChatError
from lineofsight.integrations.chat.models import ChatAccount, ChatApp, ChatKind
from lineofsight.people.models import Person
from lineofsight.people.sso import secrets

DM_CHANNELS = {"slack_dm": ChatKind.SLACK, "teams_dm": ChatKind.TEAMS}


def timeout() -> float:
    return float(settings.WEBHOOK_TIMEOUT_SECONDS)


def app_secret(app: ChatApp) -> str:
    secret = secrets.decrypt(app.secret)
    if not secret:
        raise ChatError(
            f"The {app.get_kind_display()} secret cannot be read (the secret key changed): "
            "connect the app again.",
            permanent=True,
        )
    return secret


def connected(kind: str) -> ChatApp:
    app = ChatApp.objects.filter(kind=kind).first()
    if app is None:
        label = ChatKind(kind).label
        raise ChatError(f"The {label} app was disconnected.", permanent=True)
    return app


def key_results_of(data: Any) -> list[tuple[int, str, bool]]:
    """The key results a notification's data lists (``[[id, title, milestone], ...]``)."""
    rows = data.get("key_results") if isinstance(data, dict) else None
    out = []
    for row in rows or []:
        if isinstance(row, list | tuple) and len(row) == 3:
            out.append((int(row[0]), str(row[1]), bool(row[2])))
    return out


def slack_user_id(app: ChatApp, person: Person) -> str:
    """The person's Slack user id: kept from before, or looked up by their email."""
    found = ChatAccount.objects.filter(person=person, kind=ChatKind.SLACK).first()
    if found is not None:
        return found.user_id
    if not person.email:
        raise ChatError(f"{person.name} has no email address to find in Slack.", permanent=True)
    try:
        user_id = slack.lookup_user_id(
            settings.SLACK_API_URL, app_secret(app), person.email, timeout=timeout()
        )
    except ChatError as exc:
        if "users_not_found" in str(exc):
            raise ChatError(
                f"Nobody in the Slack workspace has {person.name}'s email address.",
                permanent=True,
            ) from None
        raise
    try:
        with transaction.atomic():
            ChatAccount.objects.create(person=person, kind=ChatKind.SLACK, user_id=user_id)
    except IntegrityError:
        # Another delivery linked them meanwhile, or the Slack user is someone else's.
        kept = ChatAccount.objects.filter(person=person, kind=ChatKind.SLACK).first()
        if kept is None:
            raise ChatError(
                f"{person.name}'s Slack user is linked to someone else.", permanent=True
            ) from None
        return kept.user_id
    return user_id


def send_slack(app: ChatApp, person: Person, subject: str, body: str, data: Any) -> None:
    user_id = slack_user_id(app, person)
    rows = [(pk, title) for pk, title, _ in key_results_of(data)]
    slack.api(
        settings.SLACK_API_URL,
        "chat.postMessage",
        app_secret(app),
        timeout=timeout(),
        json=slack.message_payload(user_id, subject, body, rows),
    )


def teams_token(app: ChatApp) -> str:
    return teams.access_token(
        settings.TEAMS_TOKEN_URL, app.app_id, app_secret(app), timeout=timeout()
    )


def teams_conversation(app: ChatApp, account: ChatAccount, token: str) -> str:
    if account.conversation_id:
        return account.conversation_id
    conversation = teams.create_conversation(
        settings.TEAMS_SERVICE_URL,
        token,
        bot_id=app.app_id,
        user_id=account.user_id,
        tenant_id=app.tenant_id,
        timeout=timeout(),
    )
    ChatAccount.objects.filter(pk=account.pk).update(conversation_id=conversation)
    account.conversation_id = conversation
    return conversation


def send_teams(app: ChatApp, person: Person, subject: str, body: str, data: Any) -> None:
    account = ChatAccount.objects.filter(person=person, kind=ChatKind.TEAMS).first()
    if account is None:
        raise ChatError(
            f"{person.name} has not talked to the Microsoft Teams bot yet, so it cannot "
            "write to them.",
            permanent=True,
        )
    token = teams_token(app)
    conversation = teams_conversation(app, account, token)
    card = teams.reminder_card(subject, body, key_results_of(data))
    teams.send_activity(
        settings.TEAMS_SERVICE_URL,
        token,
        conversation,
        teams.message(subject, card),
        timeout=timeout(),
    )


def send_direct(channel: str, recipient_id: int, subject: str, body: str, data: Any = None) -> None:
    """Send one direct message; raise ``ChatError`` on any failure."""
    kind = DM_CHANNELS[channel]
    app = connected(kind)
    person = Person.objects.filter(pk=recipient_id, is_active=True).first()
    if person is None:
        raise ChatError("The recipient is no longer active.", permanent=True)
    if kind == ChatKind.SLACK:
        send_slack(app, person, subject, body, data)
    else:
        send_teams(app, person, subject, body, data)


def dm_rows(rows: Sequence[tuple[int, str, bool]]) -> list[list[Any]]:
    """Key results as a notification's data keeps them."""
    return [[pk, title, milestone] for pk, title, milestone in rows]
