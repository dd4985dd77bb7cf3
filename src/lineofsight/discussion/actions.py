"""Writes to discussion: posting, editing and removing a comment, and reacting to one.

Each action takes keyword-only arguments and ``acting_user``, checks the access policy
first, runs in one transaction and writes an audit row. Bad input raises ``InvalidInput``
naming the field; refusal raises ``NotAllowed``; a subject the writer cannot see is
``NotFound``. Either way nothing is written.

A mention names a person by username. Everyone mentioned must be able to see what the
comment is about: mentioning someone who cannot is refused, naming them, so nobody is ever
told about something they may not open.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from lineofsight.core import audit
from lineofsight.core.errors import InvalidInput, NotAllowed, NotFound
from lineofsight.discussion import mentions as mention_rules
from lineofsight.discussion.access import DiscussionViewer
from lineofsight.discussion.audience import people_who_see, sees_objective
from lineofsight.discussion.models import BODY_MAX, Comment, CommentVersion, Reaction
from lineofsight.discussion.signals import comment_edited, comment_posted
from lineofsight.goals.models import CheckIn, KeyResult, Objective
from lineofsight.people.models import Person

if TYPE_CHECKING:
    from lineofsight.discussion.selectors import Subject


def _viewer(acting_user: Person | None) -> DiscussionViewer:
    if acting_user is None or not acting_user.is_authenticated or not acting_user.is_active:
        raise NotAllowed("Sign in first.")
    return DiscussionViewer.of(acting_user)


def _body(text: str) -> str:
    body = (text or "").strip()
    if not body:
        raise InvalidInput.one("body", "Write something first.")
    if len(body) > BODY_MAX:
        raise InvalidInput.one("body", f"Keep a comment under {BODY_MAX} characters.")
    return body


def _mentioned(body: str, objective_id: int) -> list[Person]:
    """The people the text mentions; refuses unknown names and people who cannot see the
    subject, naming them."""
    names = mention_rules.usernames(body)
    if len(names) > mention_rules.MAX_MENTIONS:
        raise InvalidInput.one(
            "body", f"Mention at most {mention_rules.MAX_MENTIONS} people in one comment."
        )
    if not names:
        return []
    match = Q()
    for name in names:
        match |= Q(username__iexact=name)
    found = {p.username.lower(): p for p in Person.objects.filter(match, is_active=True)}
    unknown = [f"@{n}" for n in names if n.lower() not in found]
    if unknown:
        raise InvalidInput.one(
            "body", f"Nobody here has the username {', '.join(unknown)}: check the spelling."
        )
    seeing = {p.pk for p in people_who_see(objective_id, found.values())}
    blind = [p for p in found.values() if p.pk not in seeing]
    if blind:
        who = ", ".join(f"{p.name} (@{p.username})" for p in blind)
        raise InvalidInput.one(
            "body",
            f"{who} cannot see this objective, so cannot be mentioned here. Share it with "
            "them first, or leave the mention out.",
        )
    return list(found.values())


def _participants(comment: Comment, excluded: set[int]) -> list[int]:
    """The others who took part in the thread (earlier authors; the check-in's author) and
    may still see it."""
    earlier = Comment.objects.filter(
        objective_id=comment.objective_id,
        key_result_id=comment.key_result_id,
        check_in_id=comment.check_in_id,
        deleted_at=None,
    ).exclude(pk=comment.pk)
    ids = set(earlier.values_list("author_id", flat=True))
    if comment.check_in is not None:
        ids.add(comment.check_in.author_id)
    ids -= excluded
    people = Person.objects.filter(pk__in=ids, is_active=True)
    return sorted(p.pk for p in people_who_see(comment.objective_id, people))


@transaction.atomic
def post_comment(
    *,
    acting_user: Person,
    body: str,
    objective: Objective | None = None,
    key_result: KeyResult | None = None,
    check_in: CheckIn | None = None,
) -> Comment:
    """Write in the thread of an objective, a key result or a check-in (exactly one), which
    the writer must be able to see."""
    viewer = _viewer(acting_user)
    given = [s for s in (objective, key_result, check_in) if s is not None]
    if len(given) != 1:
        raise InvalidInput.one("subject", "Comment on one objective, key result or check-in.")
    if check_in is not None:
        key_result = check_in.key_result
    if key_result is not None:
        objective = key_result.objective
    assert objective is not None
    if not sees_objective(acting_user, objective.pk):
        raise NotFound("Not found.")
    if not viewer.can_comment():
        raise NotAllowed("You cannot comment here.")
    text = _body(body)
    mentioned = _mentioned(text, objective.pk)
    comment = Comment.objects.create(
        objective=objective, key_result=key_result, check_in=check_in, author=acting_user, body=text
    )
    comment.mentions.set(mentioned)
    audit.record(
        actor=acting_user,
        action="comment.post",
        subject=comment,
        data={
            "objective": objective.pk,
            "key_result": key_result.pk if key_result else None,
            "check_in": check_in.pk if check_in else None,
            "mentions": sorted(p.pk for p in mentioned),
        },
    )
    told = {p.pk for p in mentioned if p.pk != acting_user.pk}
    participants = _participants(comment, told | {acting_user.pk})
    comment_posted.send(
        sender=Comment, comment=comment, mentioned=sorted(told), participants=participants
    )
    return comment


def post_in(*, acting_user: Person, subject: Subject, body: str) -> Comment:
    """``post_comment`` in the thread of a subject the reader already loaded."""
    return post_comment(
        acting_user=acting_user,
        body=body,
        objective=subject.objective if subject.kind == Comment.Subject.OBJECTIVE else None,
        key_result=subject.key_result if subject.kind == Comment.Subject.KEY_RESULT else None,
        check_in=subject.check_in,
    )


@transaction.atomic
def edit_comment(*, acting_user: Person, comment: Comment, body: str) -> Comment:
    """Change one's own comment; the previous text is kept as a version anyone who reads
    the thread can open. People newly mentioned are told."""
    viewer = _viewer(acting_user)
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if not viewer.can_edit_comment(comment):
        raise NotAllowed("Only the author edits a comment.")
    text = _body(body)
    if text == comment.body:
        return comment
    mentioned = _mentioned(text, comment.objective_id)
    before = set(comment.mentions.values_list("pk", flat=True))
    number = comment.versions.count() + 1
    now = timezone.now()
    CommentVersion.objects.create(
        comment=comment,
        number=number,
        body=comment.body,
        written_at=comment.edited_at or comment.created_at,
        replaced_at=now,
    )
    comment.body = text
    comment.edited_at = now
    comment.save(update_fields=["body", "edited_at"])
    comment.mentions.set(mentioned)
    audit.record(
        actor=acting_user,
        action="comment.edit",
        subject=comment,
        data={"version": number, "mentions": sorted(p.pk for p in mentioned)},
    )
    new = sorted(p.pk for p in mentioned if p.pk not in before and p.pk != acting_user.pk)
    if new:
        comment_edited.send(sender=Comment, comment=comment, mentioned=new)
    return comment


@transaction.atomic
def remove_comment(*, acting_user: Person, comment: Comment) -> Comment:
    """Remove one's own comment: it stays in its thread as "comment removed"; its text is
    cleared (the versions before keep the history for the audit trail)."""
    viewer = _viewer(acting_user)
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if not viewer.can_remove_comment(comment):
        raise NotAllowed("Only the author removes a comment.")
    now = timezone.now()
    CommentVersion.objects.create(
        comment=comment,
        number=comment.versions.count() + 1,
        body=comment.body,
        written_at=comment.edited_at or comment.created_at,
        replaced_at=now,
    )
    comment.body = ""
    comment.deleted_at = now
    comment.save(update_fields=["body", "deleted_at"])
    comment.reactions.all().delete()
    audit.record(actor=acting_user, action="comment.remove", subject=comment)
    return comment


@transaction.atomic
def toggle_reaction(*, acting_user: Person, comment: Comment, emoji: str) -> bool:
    """Add the reaction, or take it back if it was there; returns whether it is on now.
    One of each per person."""
    _viewer(acting_user)
    if not sees_objective(acting_user, comment.objective_id):
        raise NotFound("Not found.")
    if emoji not in Reaction.Emoji.values:
        raise InvalidInput.one("emoji", f"Choose one of: {', '.join(Reaction.Emoji.values)}.")
    if comment.deleted_at is not None:
        raise InvalidInput.one("comment", "This comment was removed.")
    found = Reaction.objects.filter(comment=comment, person=acting_user, emoji=emoji)
    if found.exists():
        found.delete()
        on = False
    else:
        Reaction.objects.create(comment=comment, person=acting_user, emoji=emoji)
        on = True
    audit.record(
        actor=acting_user, action="comment.react", subject=comment, data={"emoji": emoji, "on": on}
    )
    return on
