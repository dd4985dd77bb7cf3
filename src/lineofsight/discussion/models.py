"""Comments on objectives, key results and check-ins, their earlier versions and reactions.

Every comment belongs to one objective (``objective``, always set): the thread of the
objective itself, of one of its key results (``key_result`` set) or of one check-in
(``check_in`` set, whose note opens the thread). The objective's audience is the thread's
audience, so one rule decides who reads any comment. Nothing is ever deleted: an edit keeps
the previous text as a version, and a removed comment stays in its thread as "comment
removed" (its text is cleared; its versions stay for the audit trail only).

Writes go through ``discussion.actions``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

BODY_MAX = 5000


class Comment(models.Model):
    class Subject(models.TextChoices):
        OBJECTIVE = "objective", "Objective"
        KEY_RESULT = "key_result", "Key result"
        CHECK_IN = "check_in", "Check-in"

    objective = models.ForeignKey(
        "goals.Objective", on_delete=models.CASCADE, related_name="comments"
    )
    key_result = models.ForeignKey(
        "goals.KeyResult", null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    check_in = models.ForeignKey(
        "goals.CheckIn", null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments"
    )
    body = models.TextField(blank=True)
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="mentioned_in"
    )
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["objective", "key_result", "check_in", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(check_in__isnull=True) | Q(key_result__isnull=False),
                name="comment_check_in_has_key_result",
            ),
        ]

    def __str__(self) -> str:
        return f"Comment {self.pk} on objective {self.objective_id}"

    @property
    def subject(self) -> str:
        if self.check_in_id is not None:
            return self.Subject.CHECK_IN
        if self.key_result_id is not None:
            return self.Subject.KEY_RESULT
        return self.Subject.OBJECTIVE

    @property
    def removed(self) -> bool:
        return self.deleted_at is not None


class CommentVersion(models.Model):
    """The text a comment had before an edit, kept so anyone who reads the thread can see
    what changed."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    body = models.TextField()
    written_at = models.DateTimeField(help_text="When this text was written.")
    replaced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["comment", "number"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "number"], name="comment_version_once"),
        ]

    def __str__(self) -> str:
        return f"Version {self.number} of comment {self.comment_id}"


class Reaction(models.Model):
    class Emoji(models.TextChoices):
        THUMBS_UP = "thumbs_up", "\N{THUMBS UP SIGN}"
        PARTY = "party", "\N{PARTY POPPER}"
        EYES = "eyes", "\N{EYES}"
        ATTENTION = "attention", "\N{HEAVY EXCLAMATION MARK SYMBOL}"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reactions")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reactions"
    )
    emoji = models.CharField(max_length=12, choices=Emoji.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["comment", "emoji", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "person", "emoji"], name="reaction_one_each"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.emoji} by {self.person_id} on comment {self.comment_id}"


EMOJI_WORDS = {
    Reaction.Emoji.THUMBS_UP: "thumbs up",
    Reaction.Emoji.PARTY: "celebrate",
    Reaction.Emoji.EYES: "looking",
    Reaction.Emoji.ATTENTION: "needs attention",
}
EMOJI_ICONS = {
    Reaction.Emoji.THUMBS_UP: "thumbs-up",
    Reaction.Emoji.PARTY: "party",
    Reaction.Emoji.EYES: "eyes",
    Reaction.Emoji.ATTENTION: "alert",
}
