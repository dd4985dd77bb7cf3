"""Comments on objectives, key results and check-ins (``/api/comments``).

A thread is read by whoever may see the objective it belongs to; anyone else gets 404, for
the thread and for each of its comments. Mentions are ``@username`` in the text: mentioning
someone who cannot see the subject is refused (422, naming them).

* ``GET /api/comments?objective=`` (or ``key_result=``, ``check_in=``): a thread, oldest
  first, with each comment's mentions, reactions and number of earlier versions.
* ``POST /api/comments``: write in a thread.
* ``PATCH /api/comments/{id}``: edit one's own comment (the previous text is kept).
* ``GET /api/comments/{id}/versions``: the earlier texts of a comment.
* ``DELETE /api/comments/{id}``: remove one's own comment ("comment removed" stays).
* ``POST /api/comments/{id}/reactions``: toggle a reaction (one of each per person).
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from lineofsight.api.auth import caller
from lineofsight.api.base import Input
from lineofsight.api.errors import READ_ERRORS, WRITE_ERRORS
from lineofsight.api.types import DateTime, Id, ParamId
from lineofsight.core.errors import InvalidInput
from lineofsight.discussion import actions, selectors
from lineofsight.discussion.models import BODY_MAX, Comment
from lineofsight.discussion.selectors import Entry

router = Router(tags=["discussion"])

SubjectName = Literal["objective", "key_result", "check_in"]
EmojiName = Literal["thumbs_up", "party", "eyes", "attention"]


class MentionOut(Schema):
    id: int
    username: str
    name: str


class ReactionOut(Schema):
    emoji: EmojiName
    symbol: str
    count: int
    mine: bool = Field(description="Whether you gave this reaction.")
    people: list[str]


class CommentOut(Schema):
    id: int
    subject: SubjectName
    objective: int
    key_result: int | None
    check_in: int | None
    author: int
    author_name: str
    body: str = Field(description='The text; empty once removed ("comment removed").')
    removed: bool
    mentions: list[MentionOut]
    reactions: list[ReactionOut]
    created_at: DateTime
    edited_at: DateTime | None
    versions: int = Field(description="Earlier versions kept (see /versions).")
    can_edit: bool


class VersionOut(Schema):
    number: int
    body: str
    written_at: DateTime
    replaced_at: DateTime


class ThreadQuery(Schema):
    objective: ParamId | None = None
    key_result: ParamId | None = None
    check_in: ParamId | None = None


class CommentCreate(Input):
    objective: Id | None = Field(None, description="Comment on this objective...")
    key_result: Id | None = Field(None, description="...or on this key result...")
    check_in: Id | None = Field(None, description="...or on this check-in (one of the three).")
    body: str = Field(max_length=BODY_MAX, description="The text, with @username mentions.")


class CommentEdit(Input):
    body: str = Field(max_length=BODY_MAX)


class ReactionToggle(Input):
    emoji: EmojiName


class ReactionState(Schema):
    emoji: EmojiName
    on: bool = Field(description="Whether your reaction is there now.")
    comment: CommentOut


def comment_row(entry: Entry) -> dict[str, Any]:
    c = entry.comment
    return {
        "id": c.pk,
        "subject": c.subject,
        "objective": c.objective_id,
        "key_result": c.key_result_id,
        "check_in": c.check_in_id,
        "author": c.author_id,
        "author_name": c.author.name,
        "body": c.body,
        "removed": c.removed,
        "mentions": [
            {"id": p.pk, "username": p.username, "name": p.name}
            for p in c.mentions.all()
            if not c.removed
        ],
        "reactions": [
            {
                "emoji": r.emoji,
                "symbol": r.symbol,
                "count": r.count,
                "mine": r.mine,
                "people": r.names,
            }
            for r in entry.reactions
            if r.count
        ],
        "created_at": c.created_at,
        "edited_at": c.edited_at,
        "versions": entry.versions,
        "can_edit": entry.can_edit,
    }


def _one_subject(given: dict[str, int | None]) -> tuple[str, int]:
    named = [(k, v) for k, v in given.items() if v is not None]
    if len(named) != 1:
        raise InvalidInput.one("objective", "Give exactly one of objective, key_result, check_in.")
    return named[0]


@router.get("", response={200: list[CommentOut], **READ_ERRORS})
def list_comments(request: HttpRequest, filters: Query[ThreadQuery]) -> Any:
    """A thread, oldest first: give one of ``objective``, ``key_result`` or ``check_in``."""
    user = caller(request)
    kind, pk = _one_subject(filters.model_dump())
    subject = selectors.subject_for_user(user, kind, pk)
    return [comment_row(e) for e in selectors.thread(user, subject)]


@router.post("", response={201: CommentOut, **WRITE_ERRORS})
def create_comment(request: HttpRequest, payload: CommentCreate) -> Any:
    """Write in a thread. Everyone mentioned is told in their inbox; so are the others who
    took part in it."""
    user = caller(request)
    kind, pk = _one_subject(
        {
            "objective": payload.objective,
            "key_result": payload.key_result,
            "check_in": payload.check_in,
        }
    )
    subject = selectors.subject_for_user(user, kind, pk)
    comment = actions.post_in(acting_user=user, subject=subject, body=payload.body)
    return Status(201, comment_row(selectors.entry(user, comment)))


def _comment(request: HttpRequest, id: int) -> Comment:
    return selectors.get_comment_for_user(caller(request), id)


@router.get("/{id}", response={200: CommentOut, **READ_ERRORS})
def get_comment(request: HttpRequest, id: ParamId) -> Any:
    return comment_row(selectors.entry(caller(request), _comment(request, id)))


@router.patch("/{id}", response={200: CommentOut, **WRITE_ERRORS})
def edit_comment(request: HttpRequest, id: ParamId, payload: CommentEdit) -> Any:
    """Edit your comment; the previous text is kept as a version anyone in the thread reads."""
    user = caller(request)
    comment = actions.edit_comment(
        acting_user=user, comment=_comment(request, id), body=payload.body
    )
    return comment_row(selectors.entry(user, comment))


@router.get("/{id}/versions", response={200: list[VersionOut], **READ_ERRORS})
def comment_versions(request: HttpRequest, id: ParamId) -> Any:
    """The comment's earlier texts, oldest first."""
    user = caller(request)
    return [
        {
            "number": v.number,
            "body": v.body,
            "written_at": v.written_at,
            "replaced_at": v.replaced_at,
        }
        for v in selectors.versions_of(user, _comment(request, id))
    ]


@router.delete("/{id}", response={204: None, **WRITE_ERRORS})
def remove_comment(request: HttpRequest, id: ParamId) -> Any:
    """Remove your comment: the thread shows "comment removed" in its place."""
    actions.remove_comment(acting_user=caller(request), comment=_comment(request, id))
    return Status(204, None)


@router.post("/{id}/reactions", response={200: ReactionState, **WRITE_ERRORS})
def react(request: HttpRequest, id: ParamId, payload: ReactionToggle) -> Any:
    """Add a reaction, or take yours back if it was there."""
    user = caller(request)
    comment = _comment(request, id)
    on = actions.toggle_reaction(acting_user=user, comment=comment, emoji=payload.emoji)
    return {
        "emoji": payload.emoji,
        "on": on,
        "comment": comment_row(selectors.entry(user, comment)),
    }
