"""Writes about chat: HR connecting and disconnecting the Slack app or the Teams bot, a
person linked to their chat user, and a check-in recorded from a chat message.

Each takes keyword-only arguments, runs in one transaction and writes an audit row; bad
input raises ``InvalidInput`` naming the field and changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from lineofsight.core import audit
from lineofsight.core.errors import InvalidInput, NotFound
from lineofsight.goals.access import GoalViewer
from lineofsight.goals.actions import record_check_in
from lineofsight.goals.models import CheckIn
from lineofsight.goals.selectors import get_key_result_for_user
from lineofsight.integrations.chat.models import ChatAccount, ChatApp, ChatInteraction, ChatKind
from lineofsight.people.models import Person
from lineofsight.people.organisation.selectors import require_hr
from lineofsight.people.sso import secrets

SLACK_TOKEN = re.compile(r"^xoxb-[A-Za-z0-9-]{8,250}$")
SLACK_SIGNING_SECRET = re.compile(r"^[0-9a-f]{16,128}$")
APP_ID = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
SIGNING_SECRET_HELP = (
    "Paste the signing secret from the app's Basic Information page (letters a-f and digits)."  # noqa: S105
)
NO_SUCH_KEY_RESULT = "No such key result of yours takes check-ins."


def _hint(secret: str) -> str:
    return "…" + secret[-4:]


@transaction.atomic
def connect_slack(*, acting_user: Person, bot_token: str, signing_secret: str) -> ChatApp:
    """Connect (or reconnect) the organisation's Slack app. A secret left blank keeps the
    one saved before."""
    require_hr(acting_user)
    current = ChatApp.objects.select_for_update().filter(kind=ChatKind.SLACK).first()
    bot_token, signing_secret = bot_token.strip(), signing_secret.strip()
    errors: dict[str, str] = {}
    if bot_token and not SLACK_TOKEN.match(bot_token):
        errors["bot_token"] = "Paste the app's bot token: it starts with xoxb-."  # noqa: S105 - a message
    elif not bot_token and current is None:
        errors["bot_token"] = "Paste the app's bot token (xoxb-…)."  # noqa: S105 - a message
    if signing_secret and not SLACK_SIGNING_SECRET.match(signing_secret):
        errors["signing_secret"] = SIGNING_SECRET_HELP
    elif not signing_secret and current is None:
        errors["signing_secret"] = "Paste the app's signing secret."  # noqa: S105 - a message
    if errors:
        raise InvalidInput(errors)
    app = current or ChatApp(kind=ChatKind.SLACK)
    if bot_token:
        app.secret = secrets.encrypt(bot_token)
        app.hint = _hint(bot_token)
    if signing_secret:
        app.signing_secret = secrets.encrypt(signing_secret)
    app.created_by = acting_user
    app.created_at = timezone.now()
    app.save()
    audit.record(
        actor=acting_user,
        action="chat.connect",
        subject=app,
        data={
            "kind": "slack",
            "bot_token": "changed" if bot_token else "kept",
            "signing_secret": "changed" if signing_secret else "kept",
        },
    )
    return app


@transaction.atomic
def connect_teams(
    *, acting_user: Person, app_id: str, password: str, tenant_id: str = ""
) -> ChatApp:
    """Connect (or reconnect) the organisation's Microsoft Teams bot. A password left blank
    keeps the one saved before."""
    require_hr(acting_user)
    current = ChatApp.objects.select_for_update().filter(kind=ChatKind.TEAMS).first()
    app_id, password, tenant_id = app_id.strip(), password.strip(), tenant_id.strip()
    errors: dict[str, str] = {}
    if not APP_ID.match(app_id):
        errors["app_id"] = "Paste the bot's Microsoft App ID (a GUID: 8-4-4-4-12 hex digits)."
    if tenant_id and not APP_ID.match(tenant_id):
        errors["tenant_id"] = "The tenant id is a GUID (8-4-4-4-12 hex digits), or leave it blank."
    if not password and current is None:
        errors["password"] = "Paste the bot's client secret (its password)."  # noqa: S105 - a message
    elif len(password) > 500:
        errors["password"] = "Keep it under 500 characters."  # noqa: S105 - a message
    if errors:
        raise InvalidInput(errors)
    app = current or ChatApp(kind=ChatKind.TEAMS)
    changed_bot = current is not None and current.app_id != app_id
    app.app_id = app_id
    app.tenant_id = tenant_id
    if password:
        app.secret = secrets.encrypt(password)
        app.hint = _hint(password)
    app.created_by = acting_user
    app.created_at = timezone.now()
    app.save()
    if changed_bot:  # another bot: its conversations are not this one's
        ChatAccount.objects.filter(kind=ChatKind.TEAMS).update(conversation_id="")
    audit.record(
        actor=acting_user,
        action="chat.connect",
        subject=app,
        data={"kind": "teams", "app_id": app_id, "password": "changed" if password else "kept"},
    )
    return app


@transaction.atomic
def disconnect_chat_app(*, acting_user: Person, kind: str) -> int:
    """Disconnect the Slack app or Teams bot and forget who is who there; direct messages
    still queued for it then fail (kept in the outbox). Returns the people unlinked."""
    require_hr(acting_user)
    if kind not in ChatKind.values:
        raise InvalidInput.one("kind", f"Choose one of: {', '.join(ChatKind.values)}.")
    app = ChatApp.objects.filter(kind=kind).first()
    if app is None:
        raise InvalidInput.one("kind", f"{ChatKind(kind).label} is not connected.")
    unlinked, _ = ChatAccount.objects.filter(kind=kind).delete()
    audit.record(
        actor=acting_user,
        action="chat.disconnect",
        subject=app,
        data={"kind": kind, "unlinked": unlinked},
    )
    app.delete()
    return unlinked


@transaction.atomic
def link_chat_account(
    *, acting_user: Person | None, person: Person, kind: str, user_id: str
) -> ChatAccount:
    """Record that ``user_id`` in chat is ``person`` (the system, when someone first talks
    to the Teams bot and the bot learns their email). A chat user linked to someone else
    is refused."""
    if acting_user is not None:
        require_hr(acting_user)
    if not user_id.strip():
        raise InvalidInput.one("user_id", "Give the chat user's id.")
    taken = ChatAccount.objects.filter(kind=kind, user_id=user_id).exclude(person=person)
    if taken.exists():
        raise InvalidInput.one("user_id", "This chat user is linked to someone else.")
    account, created = ChatAccount.objects.update_or_create(
        person=person, kind=kind, defaults={"user_id": user_id}
    )
    if created:
        audit.record(
            actor=acting_user,
            action="chat.link",
            subject=account,
            data={"kind": kind, "person": person.pk},
        )
    return account


@dataclass(frozen=True)
class ChatCheckIn:
    check_in: CheckIn | None  # None: this interaction was handled before (a replay)
    key_result_title: str


def check_in_from_chat(
    *,
    acting_user: Person,
    kind: str,
    interaction: str,
    key_result_id: str,
    confidence: str,
    value: str = "",
    done: str = "",
    note: str = "",
) -> ChatCheckIn:
    """Record a check-in sent from a chat message by the person the chat user is linked to,
    once per ``interaction`` (the platform's id of the submission: a replay records
    nothing). A key result they may not check in on is answered as a missing one."""
    try:
        kr = get_key_result_for_user(acting_user, key_result_id)
    except NotFound:
        raise InvalidInput.one("key_result", NO_SUCH_KEY_RESULT) from None
    if not GoalViewer.of(acting_user).can_check_in(kr):
        raise InvalidInput.one("key_result", NO_SUCH_KEY_RESULT)
    errors: dict[str, str] = {}
    milestone = kr.kind == "milestone"
    if milestone and done not in ("yes", "no"):
        errors["done"] = "Say whether it is done."
    if not milestone and not value.strip():
        errors["value"] = "Enter the current value."
    if not confidence:
        errors["confidence"] = "Choose a confidence."
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        try:
            with transaction.atomic():
                handled = ChatInteraction.objects.create(
                    kind=kind, key=interaction[:300], person=acting_user
                )
        except IntegrityError:
            return ChatCheckIn(None, kr.title)
        check_in = record_check_in(
            acting_user=acting_user,
            key_result=kr,
            confidence=confidence,
            value=None if milestone else value.strip(),
            done=(done == "yes") if milestone else None,
            note=note,
        )
        ChatInteraction.objects.filter(pk=handled.pk).update(check_in=check_in)
        audit.record(
            actor=acting_user,
            action="chat.check_in",
            subject=check_in,
            data={"kind": kind, "key_result": kr.pk},
        )
    return ChatCheckIn(check_in, kr.title)
