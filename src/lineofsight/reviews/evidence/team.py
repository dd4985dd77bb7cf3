"""Team context first: a team's OKR summary for a review cycle's period, and the gate that
tells whether a manager has opened it before an individual review.

For B's review pages: ``has_seen_team_context(user, review)`` and
``team_context_url(review)``. The summary (``team_context``) is read as of the OKR cycle's
end, like the evidence pack: the team's objectives with their progress and grades, their key
results planned against actual, what was at risk at the end (the owner's last confidence
call, or the pace at the end), check-in discipline over the period, and the members'
objectives in one line each.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.urls import reverse

from lineofsight.core.errors import NotFound
from lineofsight.goals import pace
from lineofsight.goals.models import KeyResult, Objective
from lineofsight.insights import discipline as disc
from lineofsight.people.cadence import Cadence
from lineofsight.people.models import Membership, Person, Team
from lineofsight.reviews.access import ReviewViewer
from lineofsight.reviews.evidence import figures
from lineofsight.reviews.evidence.models import TeamContextVisit
from lineofsight.reviews.evidence.selectors import _key_result_rows, _objective_row, _Revisions
from lineofsight.reviews.evidence.shapes import KeyResultRow, ObjectiveRow, percent
from lineofsight.reviews.evidence.visibility import visible_objective_ids
from lineofsight.reviews.models import Review, ReviewCycle


@dataclass
class AtRisk:
    objective: str
    key_result: str
    owner: str
    confidence: str
    pace: str
    percent: int | None


@dataclass
class MemberLine:
    name: str
    objectives: int
    mean_progress: float | None
    mean_grade: float | None

    @property
    def percent(self) -> int | None:
        return percent(self.mean_progress)


@dataclass
class TeamContext:
    team_id: int
    team: str
    review_cycle_id: int
    review_cycle: str
    goal_cycle: str
    as_of: dt.datetime
    ended: bool
    pending: bool
    objectives: list[ObjectiveRow]
    at_risk: list[AtRisk]
    discipline_due: int
    discipline_kept: int
    members: list[MemberLine] = field(default_factory=list)

    @property
    def discipline_percent(self) -> int | None:
        if not self.discipline_due:
            return None
        return percent(self.discipline_kept / self.discipline_due)


def get_team_context_for_user(
    user: Person, review_cycle_pk: Any, team_pk: Any
) -> tuple[ReviewCycle, Team]:
    """The review cycle and team, if the viewer may read the team's context for it."""
    viewer = ReviewViewer.of(user)
    try:
        rc = (
            ReviewCycle.objects.filter(viewer.review_cycle_filter())
            .select_related("goal_cycle__parent", "next_goal_cycle")
            .get(pk=int(review_cycle_pk))
        )
        team = Team.objects.select_related("lead").get(pk=int(team_pk))
    except (ValueError, TypeError, ReviewCycle.DoesNotExist, Team.DoesNotExist):
        raise NotFound("No such team context.") from None
    if not viewer.can_see_team_context(team):
        raise NotFound("No such team context.")
    return rc, team


def team_context(user: Person, rc: ReviewCycle, team: Team) -> TeamContext:
    """The team's OKR summary for the review cycle's period (see the module's docstring)."""
    viewer = ReviewViewer.of(user)
    cycle = rc.goal_cycle
    as_of, ended, pending = figures.evidence_instant(cycle)
    scope = figures.scope_of(cycle)  # a year's team context holds its quarters too
    members = list(
        Person.objects.filter(memberships__team=team, is_active=True).order_by(
            "display_name", "username"
        )
    )
    candidates = list(
        Objective.objects.filter(
            Q(owner_team=team, cycle_id__in=scope)
            | Q(owner_person_id__in=[m.pk for m in members], cycle_id__in=scope),
            created_at__lte=as_of,
        )
        .select_related("owner_team", "owner_person", "cycle")
        .order_by("owner_team_id", "title", "pk")
    )
    visible = visible_objective_ids(viewer, [o.pk for o in candidates])
    objs = [o for o in candidates if o.pk in visible]
    revisions = _Revisions([o.pk for o in objs], as_of)
    objs = [o for o in objs if revisions.state(o) != "draft"]
    krs = [
        kr
        for kr in KeyResult.objects.filter(objective_id__in=[o.pk for o in objs])
        .select_related("owner")
        .order_by("objective_id", "position", "pk")
        if kr.cycle_id in scope
    ]
    aligned = [kr.pk for kr in krs if kr.source == KeyResult.Source.ALIGNED]
    obj_figures, kr_figures = figures.objective_figures(
        cycle, ended and not pending, [o.pk for o in objs], aligned
    )
    kr_at = figures.key_results_at(krs, as_of, aligned=kr_figures)
    names = {kr.owner_id: kr.owner.name for kr in krs}
    krs_of: dict[int, list[KeyResult]] = defaultdict(list)
    for kr in krs:
        krs_of[kr.objective_id].append(kr)
    cadence = Cadence(team.check_in_cadence or cycle.check_in_cadence)
    end_day = cycle.end_date
    through = figures.local_day(as_of) if not ended else end_day
    if not ended:
        through -= dt.timedelta(days=1)
    due = kept = 0
    at_risk: list[AtRisk] = []
    team_rows: list[ObjectiveRow] = []
    per_member: dict[int, list[tuple[float | None, float | None]]] = defaultdict(list)
    for o in objs:
        stored = obj_figures.get(o.pk)
        kr_rows: list[KeyResultRow] = _key_result_rows(krs_of.get(o.pk, []), kr_at, names)
        live_krs = [
            (kr, kr_at[kr.pk])
            for kr in krs_of.get(o.pk, [])
            if kr.pk in kr_at
            and kr_at[kr.pk].abandoned is None
            and kr_at[kr.pk].source == KeyResult.Source.CHECK_INS
        ]
        state = revisions.state(o)
        for kr, item in live_krs:
            if state not in ("active", "closed"):
                continue
            days = [figures.local_day(r.at) for r in item.readings]
            d = disc.discipline(
                cycle_start=(
                    cycle.parent.start_date  # type: ignore[union-attr]
                    if kr.cycle_id == cycle.parent_id
                    else cycle.start_date
                ),
                cycle_end=end_day,
                cadence_days=cadence.days,
                check_in_days=days,
                through=through,
                added=figures.local_day(kr.created_at),
                window=(cycle.start_date, end_day),
            )
            due += d.due
            kept += d.kept
            status = pace.key_result_pace(
                kind=item.kind,
                progress=item.progress,
                cycle_start=cycle.start_date,
                cycle_end=end_day,
                today=through,
                last_check_in=days[-1] if days else None,
                cadence=cadence,
                done=bool(item.done),
                began=figures.local_day(kr.created_at),
            ).status
            if item.confidence in ("at_risk", "off_track") or status.needs_attention:
                at_risk.append(
                    AtRisk(
                        revisions.title(o),
                        item.title,
                        names.get(kr.owner_id, ""),
                        item.confidence,
                        status.label,
                        percent(item.progress),
                    )
                )
        if o.owner_team_id == team.pk:
            for kr_row in kr_rows:
                kr_row.check_ins = []
            team_rows.append(
                _objective_row(
                    o,
                    revisions,
                    state=state,
                    progress=stored.progress if stored else None,
                    key_results=kr_rows,
                )
            )
        elif o.owner_person_id and state in ("active", "closed") and not o.is_development:
            grade = o.adjusted_grade if o.adjusted_grade is not None else o.computed_grade
            per_member[o.owner_person_id].append((stored.progress if stored else None, grade))
    lines = []
    for m in members:
        values = per_member.get(m.pk, [])
        progress = [p for p, _ in values if p is not None]
        grades = [g for _, g in values if g is not None]
        lines.append(
            MemberLine(
                m.name,
                len(values),
                sum(progress) / len(progress) if progress else None,
                round(sum(grades) / len(grades), 2) if grades else None,
            )
        )
    return TeamContext(
        team_id=team.pk,
        team=team.name,
        review_cycle_id=rc.pk,
        review_cycle=rc.name,
        goal_cycle=cycle.name,
        as_of=as_of,
        ended=ended,
        pending=pending,
        objectives=team_rows,
        at_risk=at_risk,
        discipline_due=due,
        discipline_kept=kept,
        members=lines,
    )


# ---------------------------------------------------------------------------------------
# The gate for individual reviews


def _subject_team_ids(review: Review) -> list[int]:
    rows = Membership.objects.filter(person_id=review.subject_id).values_list(
        "team_id", "team__path"
    )
    ids: list[int] = []
    for team_id, path in rows:
        ids.append(team_id)
        ids.extend(int(p) for p in path.strip("/").split("/") if p)
    return sorted(set(ids))


def has_seen_team_context(user: Person, review: Review) -> bool:
    """Whether ``user`` has opened, in this review's cycle, the context of a team the
    person belongs to (or of a team above it). True when the person is in no team: there is
    no team context to see first. Two queries."""
    teams = _subject_team_ids(review)
    if not teams:
        return True
    return TeamContextVisit.objects.filter(
        review_cycle_id=review.review_cycle_id, visitor=user, team_id__in=teams
    ).exists()


def team_context_url(review: Review) -> str | None:
    """The team-context page to open before the review: the person's first team (by
    name); None when they are in no team."""
    team_id = (
        Membership.objects.filter(person_id=review.subject_id)
        .order_by("team__name", "team_id")
        .values_list("team_id", flat=True)
        .first()
    )
    if team_id is None:
        return None
    return reverse("review-team-context", args=[review.review_cycle_id, team_id])
