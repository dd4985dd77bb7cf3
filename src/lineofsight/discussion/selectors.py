"""What discussion pages and endpoints read: a thread (its comments, with authors,
mentions, reactions and whether they were edited), a comment's earlier versions and the
people one may mention. Every read goes through the access policy; a thread costs the same
few queries however long it is."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from lineofsight.core.errors import NotFound
from lineofsight.discussion import mentions as mention_rules
from lineofsight.discussion.access import DiscussionViewer
from lineofsight.discussion.audience import people_who_see
from lineofsight.discussion.models import (
    EMOJI_ICONS,
    EMOJI_WORDS,
    Comment,
    CommentVersion,
    Reaction,
)
from lineofsight.goals.models import CheckIn, KeyResult, Objective
from lineofsight.goals.selectors import (
    get_check_in_for_user,
    get_key_result_for_user,
    get_objective_for_user,
)
from lineofsight.people.models import Person


def comments_for_user(user: Person) -> QuerySet[Comment]:
    return Comment.objects.filter(DiscussionViewer.of(user).comment_filter())


def get_comment_for_user(user: Person, pk: Any) -> Comment:
    try:
        return comments_for_user(user).select_related("objective", "check_in").get(pk=int(pk))
    except (Comment.DoesNotExist, TypeError, ValueError):
        raise NotFound("Not found.") from None


@dataclass
class Subject:
    """What a thread is about."""

    kind: str
    objective: Objective
    key_result: KeyResult | None = None
    check_in: CheckIn | None = None

    @property
    def pk(self) -> int:
        thing = self.check_in or self.key_result or self.objective
        return int(thing.pk)

    @property
    def noun(self) -> str:
        return str(Comment.Subject(self.kind).label).lower()

    @property
    def title(self) -> str:
        if self.check_in is not None:
            assert self.key_result is not None
            return f"Check-in on {self.key_result.title}"
        return (self.key_result or self.objective).title

    def filter(self) -> dict[str, Any]:
        return {
            "objective_id": self.objective.pk,
            "key_result_id": self.key_result.pk if self.key_result else None,
            "check_in_id": self.check_in.pk if self.check_in else None,
        }


def subject_for_user(user: Person, kind: str, pk: Any) -> Subject:
    """The thing a thread is about, if the user may see it (else ``NotFound``)."""
    if kind == Comment.Subject.OBJECTIVE:
        return Subject(kind, get_objective_for_user(user, pk))
    if kind == Comment.Subject.KEY_RESULT:
        kr = get_key_result_for_user(user, pk)
        return Subject(kind, kr.objective, kr)
    if kind == Comment.Subject.CHECK_IN:
        check_in = get_check_in_for_user(user, pk)
        kr = get_key_result_for_user(user, check_in.key_result_id)
        return Subject(kind, kr.objective, kr, check_in)
    raise NotFound("Not found.")


def subject_of(comment: Comment) -> Subject:
    """The subject of a comment already loaded through the policy."""
    if comment.check_in_id is not None:
        check_in = CheckIn.objects.select_related("key_result__objective", "author").get(
            pk=comment.check_in_id
        )
        kr = check_in.key_result
        return Subject(Comment.Subject.CHECK_IN, kr.objective, kr, check_in)
    if comment.key_result_id is not None:
        kr = KeyResult.objects.select_related("objective").get(pk=comment.key_result_id)
        return Subject(Comment.Subject.KEY_RESULT, kr.objective, kr)
    return Subject(Comment.Subject.OBJECTIVE, comment.objective)


@dataclass
class ReactionCount:
    emoji: str
    symbol: str
    words: str
    icon: str
    count: int
    mine: bool
    names: list[str] = field(default_factory=list)


@dataclass
class Entry:
    comment: Comment
    segments: list[tuple[str, Person | None]]
    reactions: list[ReactionCount]
    versions: int
    can_edit: bool


def _entries(user: Person, comments: Sequence[Comment]) -> list[Entry]:
    names: set[str] = set()
    for c in comments:
        names.update(n.lower() for n in mention_rules.usernames(c.body))
    people: dict[str, Person] = {}
    mentioned_ids = {p.pk for c in comments for p in c.mentions.all()}
    for p in Person.objects.filter(pk__in=mentioned_ids):
        people[p.username.lower()] = p
    viewer = DiscussionViewer.of(user)
    out = []
    for c in comments:
        segs = [
            (s.text, people.get(s.username) if s.username else None)
            for s in mention_rules.segments(c.body)
        ]
        counts: Counter[str] = Counter()
        mine: set[str] = set()
        who: dict[str, list[str]] = defaultdict(list)
        for r in c.reactions.all():
            counts[r.emoji] += 1
            who[r.emoji].append(r.person.name)
            if r.person_id == user.pk:
                mine.add(r.emoji)
        reactions = [
            ReactionCount(
                e.value,
                e.label,
                EMOJI_WORDS[e],
                EMOJI_ICONS[e],
                counts[e.value],
                e.value in mine,
                who[e.value],
            )
            for e in Reaction.Emoji
        ]
        versions = getattr(c, "version_count", 0)
        if c.deleted_at is not None:
            versions = 0  # a removed comment's text is not shown again
        out.append(Entry(c, segs, reactions, versions, viewer.can_edit_comment(c)))
    return out


def thread(user: Person, subject: Subject) -> list[Entry]:
    """The subject's comments, oldest first (a few queries, whatever their number)."""
    comments = list(
        Comment.objects.filter(**subject.filter())
        .select_related("author")
        .annotate(version_count=Count("versions", distinct=True))
        .prefetch_related(
            Prefetch("reactions", queryset=Reaction.objects.select_related("person")),
            "mentions",
        )
        .order_by("created_at", "pk")
    )
    return _entries(user, comments)


def entry(user: Person, comment: Comment) -> Entry:
    loaded = (
        Comment.objects.filter(pk=comment.pk)
        .select_related("author")
        .annotate(version_count=Count("versions", distinct=True))
        .prefetch_related(
            Prefetch("reactions", queryset=Reaction.objects.select_related("person")),
            "mentions",
        )
        .get()
    )
    return _entries(user, [loaded])[0]


def versions_of(user: Person, comment: Comment) -> list[CommentVersion]:
    """A comment's earlier texts, oldest first (none for a removed comment)."""
    if comment.deleted_at is not None:
        return []
    return list(comment.versions.order_by("number"))


def mention_candidates(user: Person, subject: Subject, query: str, limit: int = 8) -> list[Person]:
    """People whose name or username starts with ``query`` and who may see the subject."""
    q = query.strip().lstrip("@")
    if not q:
        return []
    found = Person.objects.filter(is_active=True).filter(
        username__istartswith=q
    ) | Person.objects.filter(is_active=True, display_name__icontains=q)
    return people_who_see(subject.objective.pk, found.order_by("username")[: limit * 3])[:limit]
