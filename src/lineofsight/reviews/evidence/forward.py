"""Part four of the evidence pack: next quarter's team objectives and the person's drafts.

``plan_drafts`` decides what to propose: one draft per next-quarter objective of the teams
the person's work fed this quarter (the teams that own the objectives their objectives were
aligned to), or of the teams they belong to when it fed none. A draft is the person's own
objective and its title and rationale quote the team objectives it comes from, so only
those the person may see are proposed from or quoted. ``forward_part`` reads what the pack
shows, through the access policy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch

from lineofsight.core.errors import NotFound
from lineofsight.goals.models import AlignmentLink, KeyResult, Objective
from lineofsight.people.models import Membership, Person
from lineofsight.reviews.access import ReviewViewer
from lineofsight.reviews.evidence.figures import scope_of
from lineofsight.reviews.evidence.models import ForwardDraft
from lineofsight.reviews.evidence.shapes import DraftRow, Forward, ObjectiveRow
from lineofsight.reviews.evidence.visibility import visible_objective_ids
from lineofsight.reviews.models import Review

TITLE_LIMIT = 300
SEEN_BY: dict[str, str] = {
    Objective.Visibility.PRIVATE: "the person, their managers and HR",
    Objective.Visibility.TEAM: "the person's teams, their managers and HR",
    Objective.Visibility.PUBLIC: "everyone",
}


@dataclass(frozen=True)
class Proposal:
    parent: Objective  # next quarter's team objective
    source: Objective | None  # this quarter's objective of that team the work fed
    title: str
    rationale: str
    # A review is private, and so is what it proposes: the draft is the person's, their
    # managers' and HR's until the person chooses to show it to more people.
    visibility: str = Objective.Visibility.PRIVATE


def _label(o: Objective) -> str:
    owner = o.owner_team.name if o.owner_team else (o.owner_person.name if o.owner_person else "")
    return f"{owner}: {o.title}"


def plan_drafts(review: Review) -> list[Proposal]:
    """What ``propose_forward_drafts`` creates (see the module's docstring)."""
    rc = review.review_cycle
    nxt = rc.next_goal_cycle
    if nxt is None:
        return []
    cycle = rc.goal_cycle
    scope = scope_of(cycle)
    mine = Objective.objects.filter(
        owner_person_id=review.subject_id, cycle_id__in=scope, state__in=("active", "closed")
    )
    sees = ReviewViewer.of(review.subject).objective_filter()
    fed: list[Objective] = []
    for link in (
        AlignmentLink.objects.in_force()
        .filter(child__in=mine)
        .select_related("parent_objective__owner_team", "parent_key_result__objective__owner_team")
        .order_by("pk")
    ):
        target = link.parent_objective or link.parent_key_result.objective  # type: ignore[union-attr]
        if target.owner_team_id and target not in fed:
            fed.append(target)
    team_ids: list[int] = []
    for o in fed:
        if o.owner_team_id not in team_ids:
            team_ids.append(o.owner_team_id)  # type: ignore[arg-type]
    if not team_ids:
        team_ids = list(
            Membership.objects.filter(person_id=review.subject_id)
            .order_by("team__name")
            .values_list("team_id", flat=True)
        )
    quotable = set(
        Objective.objects.filter(sees, pk__in=[o.pk for o in fed]).values_list("pk", flat=True)
    )
    source_of: dict[int | None, Objective] = {}
    for o in fed:
        if o.pk in quotable:
            source_of.setdefault(o.owner_team_id, o)
    out = []
    for parent in (
        Objective.objects.filter(
            sees, cycle=nxt, owner_team_id__in=team_ids, state=Objective.State.ACTIVE
        )
        .select_related("owner_team")
        .order_by("owner_team__name", "title", "pk")
    ):
        team = parent.owner_team.name  # type: ignore[union-attr]
        source = source_of.get(parent.owner_team_id)
        title = f"My part in {team}'s “{parent.title}”"[:TITLE_LIMIT]
        if source is not None:
            rationale = (
                f"Last quarter my key results fed {team}'s “{source.title}”; this carries that "
                f"work into “{parent.title}”."
            )
        else:
            rationale = f"My share of {team}'s “{parent.title}”."
        out.append(Proposal(parent, source, title, rationale))
    return out


def load(review: Review, team_ids: Sequence[int]) -> tuple[list[Objective], list[ForwardDraft]]:
    """Next quarter's active objectives of these teams, and the review's drafts (discarded
    ones left out), before any visibility check. Three queries."""
    nxt = review.review_cycle.next_goal_cycle
    if nxt is None:
        return [], []
    team_objectives = list(
        Objective.objects.filter(
            cycle=nxt, owner_team_id__in=sorted(set(team_ids)), state=Objective.State.ACTIVE
        )
        .select_related("owner_team")
        .order_by("owner_team__name", "title", "pk")
    )
    drafts = list(
        ForwardDraft.objects.filter(review=review)
        .exclude(objective__state=Objective.State.ABANDONED)
        .select_related(
            "objective", "parent_objective__owner_team", "parent_objective__owner_person"
        )
        .prefetch_related(
            Prefetch(
                "objective__key_results",
                queryset=KeyResult.objects.filter(state=KeyResult.State.ACTIVE).order_by(
                    "position", "pk"
                ),
            )
        )
        .order_by("pk")
    )
    return team_objectives, drafts


def part(
    viewer: ReviewViewer,
    review: Review,
    team_objectives: Sequence[Objective],
    drafts: Sequence[ForwardDraft],
    visible: set[int],
) -> Forward:
    """Part four of the pack from what ``load`` read, keeping what the viewer may see."""
    nxt = review.review_cycle.next_goal_cycle
    if nxt is None:
        return Forward(None, [], [], False)
    rows = [
        ObjectiveRow(
            id=o.pk,
            title=o.title,
            level=o.level,
            owner=o.owner_team.name if o.owner_team else "",
            cycle=nxt.name,
            commitment=o.commitment,
            state=o.state,
            progress=None,
            rationale=o.rationale,
        )
        for o in team_objectives
        if o.pk in visible
    ]
    return Forward(
        nxt.name,
        rows,
        _draft_rows(drafts, visible),
        viewer.can_draft_forward(review),
        is_owner=review.subject_id == viewer.pk,
    )


def _draft_rows(drafts: Sequence[ForwardDraft], visible: set[int]) -> list[DraftRow]:
    return [
        DraftRow(
            id=d.pk,
            objective_id=d.objective_id,
            title=d.objective.title,
            rationale=d.objective.rationale,
            state=d.objective.state,
            parent_id=d.parent_objective_id,
            parent=_label(d.parent_objective) if d.parent_objective else "",
            key_results=[kr.title for kr in d.objective.key_results.all()],
            published=d.published_at is not None,
            visibility=SEEN_BY.get(d.objective.visibility, ""),
        )
        for d in drafts
        if d.objective_id in visible
    ]


def drafts_of(user: Person, review: Review) -> list[DraftRow]:
    """The review's drafts the viewer may see (published ones too)."""
    viewer = ReviewViewer.of(user)
    _, drafts = load(review, [])
    visible = visible_objective_ids(viewer, [d.objective_id for d in drafts])
    return _draft_rows(drafts, visible)


def get_draft_for_user(user: Person, pk: Any) -> ForwardDraft:
    """A draft, if the viewer may open its review; ``NotFound`` otherwise."""
    viewer = ReviewViewer.of(user)
    try:
        draft = (
            ForwardDraft.objects.filter(viewer.review_filter("review__"))
            .select_related(
                "review__review_cycle", "review__subject", "objective", "parent_objective"
            )
            .get(pk=int(pk))
        )
    except (ValueError, TypeError, ForwardDraft.DoesNotExist):
        raise NotFound("No such draft.") from None
    return draft
