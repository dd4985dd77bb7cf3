"""Team context first: before a manager writes an individual review, they open the team's
OKR summary for the cycle's period (``reviews.evidence.team`` records the visit). These are
the review conversation's calls into that part.

The summary to open is that of the person's first team (by name) the manager may read. A
person in no team, or in none whose summary the manager may read, has no team context to see
first, and the manager review is not held up."""

from __future__ import annotations

from django.urls import reverse

from lineofsight.people.models import Team
from lineofsight.reviews.access import ReviewViewer
from lineofsight.reviews.evidence.team import has_seen_team_context
from lineofsight.reviews.models import Review


def url(review: Review, viewer: ReviewViewer) -> str | None:
    """The team-context page this manager opens first (None: there is none to open). One
    query, two when the policy needs the manager's teams."""
    teams = (
        Team.objects.filter(memberships__person_id=review.subject_id)
        .select_related("lead")
        .order_by("name", "pk")
    )
    for team in teams:
        if viewer.can_see_team_context(team):
            return reverse("review-team-context", args=[review.review_cycle_id, team.pk])
    return None


def seen(viewer: ReviewViewer, review: Review) -> bool:
    """Whether this manager opened the person's team context in the review's cycle, or has
    none to open."""
    return has_seen_team_context(viewer.person, review) or url(review, viewer) is None


def first_message(review: Review, viewer: ReviewViewer) -> str:
    where = url(review, viewer)
    return (
        f"Team context first: open the team's OKR summary for {review.review_cycle.name} "
        "before writing this review" + (f" ({where})." if where else ".")
    )
