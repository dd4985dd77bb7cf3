"""The inbox in the app: which kinds of message land there, each person's choice of channels
per kind, and the unread count the navigation shows on every page.

Every message goes through the outbox's one queueing step
(``actions.queue_notifications``): there it is written to its recipient's inbox (unless they
turned the inbox off for that kind) and queued as an email (unless they turned email off for
that kind, or chose one summary a day). Reminders, escalations and review tasks are required
by email; their inbox copy can be turned off.

A person whose team has a chat channel connected may also choose chat for a kind: a short
message in that channel (a channel is shared, so it names the kind of message and whom it is
for, and links to it; the text stays in the app), delivered through the outbox like a
digest in chat (retries, delivery log), once per message.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lineofsight.integrations.models import InboxItem, Notification, NotificationPreference

K = Notification.Kind
INAPP = "inapp"
EMAIL = "email"
CHAT = "chat"  # the person's team chat channel (see ``chat_channels``)
CHANNEL_LABELS = {INAPP: "In the app", EMAIL: "By email", CHAT: "In chat"}

# The kinds a person chooses channels for, in the order the settings list them, with their
# defaults. A kind whose email is required lists "email" in REQUIRED_EMAIL.
DEFAULT_CHANNELS: dict[str, tuple[str, ...]] = {
    K.MENTION: (INAPP, EMAIL),
    K.REPLY: (INAPP,),
    K.ALIGNMENT: (INAPP, EMAIL),
    K.PARENT: (INAPP, EMAIL),
    K.APPROVAL: (INAPP, EMAIL),
    K.REMINDER: (INAPP, EMAIL),
    K.REVIEW: (INAPP, EMAIL),
    K.ESCALATION: (INAPP, EMAIL),
    K.BLOCKER: (EMAIL,),
    K.TEAM_RETRO: (INAPP,),
    K.ONE_ON_ONE: (INAPP,),
    K.ACTION_ITEM: (INAPP, EMAIL),
}
REQUIRED_EMAIL = frozenset({K.REMINDER, K.REVIEW, K.ESCALATION, K.BLOCKER})
KIND_HELP = {
    K.MENTION: "Someone mentions you in a comment.",
    K.REPLY: "Someone comments in a thread you wrote in, or on your check-in.",
    K.ALIGNMENT: "A contribution proposed to your objective, or the answer to yours.",
    K.PARENT: "An objective yours aligns to is revised or abandoned.",
    K.APPROVAL: "A draft objective proposed to you, the answer to yours, or a draft shared "
    "with you for comment.",
    K.REMINDER: "Your check-ins are due (the email is required).",
    K.REVIEW: "Review tasks: self reviews, feedback, approvals (the email is required).",
    K.ESCALATION: "A report missed check-ins (the email is required).",
    K.BLOCKER: "A blocker stayed unresolved past the organisation's limit (the email is required).",
    K.TEAM_RETRO: "A team of yours published its retrospective of a cycle.",
    K.ONE_ON_ONE: "The other side adds to your one-on-one's agenda, or one is tomorrow.",
    K.ACTION_ITEM: "Someone gives you an action item in a one-on-one.",
}


def channels_for(prefs: NotificationPreference | None, kind: str) -> set[str]:
    """The channels a message of ``kind`` reaches this person on (before the email mode)."""
    chosen = DEFAULT_CHANNELS.get(kind, (EMAIL,))
    if prefs is not None and isinstance(prefs.channels, dict) and kind in prefs.channels:
        chosen = tuple(c for c in prefs.channels[kind] if c in CHANNEL_LABELS)
    out = set(chosen)
    if kind in REQUIRED_EMAIL or kind not in DEFAULT_CHANNELS:
        out.add(EMAIL)
    return out


def wants_email_now(prefs: NotificationPreference | None, kind: str) -> bool:
    """Whether a message of ``kind`` is emailed on its own now (else: not at all, or in the
    daily summary)."""
    if kind in REQUIRED_EMAIL or kind not in DEFAULT_CHANNELS:
        return True
    if EMAIL not in channels_for(prefs, kind):
        return False
    return prefs is None or prefs.email_mode != NotificationPreference.EmailMode.DAILY


def unread_count(person_id: int) -> int:
    """One query on an index."""
    return InboxItem.objects.filter(recipient_id=person_id, read_at=None).count()


def inbox_navigation(request: HttpRequest) -> dict[str, Any]:
    """Template context: ``inbox_unread``, counted only if the page shows it (one query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"inbox_unread": lambda: unread_count(user.pk)}


def chat_message(*, name: str, kind: str, url: str) -> tuple[str, str]:
    """The subject and text of a message's chat copy: what kind of message, for whom, and
    the link to it; nothing of its text (the channel is shared)."""
    label = str(Notification.Kind(kind).label).lower()
    return (
        f"{name}: a new {label} message in Line of Sight",
        f"{name}, you have a new {label} message. Open it: {url}",
    )
