"""The access policy for discussion (part of ``lineofsight.access.Viewer``).

A thread has no audience of its own: whoever may see the objective it belongs to (the
objective itself, or the objective of the key result or check-in) reads it and may write in
it; nobody else learns it exists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from lineofsight.goals.access import GoalViewer

if TYPE_CHECKING:
    from lineofsight.discussion.models import Comment


class DiscussionViewer(GoalViewer):
    """Who reads, writes, edits and removes comments."""

    # -- discussion ------------------------------------------------------------------------

    def comment_filter(self) -> Q:
        """A Q over Comment: the comments on objectives I may see."""
        return self.objective_filter("objective__")

    def can_comment(self) -> bool:
        """Anyone active who sees the subject writes in its thread (the subject is checked
        by loading it through the policy)."""
        return self.is_active

    def can_edit_comment(self, comment: Comment) -> bool:
        """Only the author edits a comment, and not once it is removed."""
        return self.is_active and comment.author_id == self.pk and comment.deleted_at is None

    def can_remove_comment(self, comment: Comment) -> bool:
        """The author removes their own comment ("comment removed" stays in the thread)."""
        return self.can_edit_comment(comment)
