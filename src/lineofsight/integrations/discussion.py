"""Mentions and replies through the outbox: the people a comment mentions, and the others
who took part in its thread, are told in their inbox (and by email, as they chose). The
discussion action decided who (each may see the thread); the messages are queued once it
has committed, each once (its key names the comment and the reason)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from lineofsight.discussion.models import Comment
from lineofsight.integrations import actions as outbox
from lineofsight.integrations import compose
from lineofsight.integrations.models import Notification
from lineofsight.people.models import Person


def _about(comment: Comment) -> tuple[str, str]:
    """The title of what the thread is about, and the thread's address in the app."""
    if comment.check_in_id is not None:
        kr = comment.key_result
        assert kr is not None
        return f"check-in on {kr.title}", reverse("check-in-discussion", args=[comment.check_in_id])
    if comment.key_result_id is not None:
        kr = comment.key_result
        assert kr is not None
        return kr.title, reverse("key-result-discussion", args=[kr.pk])
    return comment.objective.title, reverse("objective", args=[comment.objective_id]) + "#comments"


def _batch(comment: Comment, mentioned: list[int], participants: list[int]) -> list[Any]:
    comment = Comment.objects.select_related("author", "objective", "key_result").get(pk=comment.pk)
    about, path = _about(comment)
    path += f"#comment-{comment.pk}" if "#" not in path else ""
    url = settings.SITE_URL + path
    people = {p.pk: p for p in Person.objects.filter(pk__in=[*mentioned, *participants])}
    batch = []
    for pid in mentioned:
        person = people.get(pid)
        if person is None or not person.is_active:
            continue
        message = compose.mentioned(
            name=person.name, author=comment.author.name, about=about, text=comment.body, url=url
        )
        batch.append(
            outbox.email(
                person, Notification.Kind.MENTION, f"comment:{comment.pk}:mention", message, path
            )
        )
    for pid in participants:
        person = people.get(pid)
        if person is None or not person.is_active:
            continue
        message = compose.replied(
            name=person.name, author=comment.author.name, about=about, text=comment.body, url=url
        )
        batch.append(
            outbox.email(
                person, Notification.Kind.REPLY, f"comment:{comment.pk}:reply", message, path
            )
        )
    return batch


def _queue(comment: Comment, mentioned: list[int], participants: list[int]) -> None:
    def run() -> None:
        batch = _batch(comment, mentioned, participants)
        if batch:
            outbox.queue_notifications(acting_user=None, messages=batch, run="discussion")

    transaction.on_commit(run, robust=True)


def posted(
    sender: Any, comment: Comment, mentioned: list[int], participants: list[int], **kwargs: Any
) -> None:
    _queue(comment, mentioned, participants)


def edited(sender: Any, comment: Comment, mentioned: list[int], **kwargs: Any) -> None:
    _queue(comment, mentioned, [])
