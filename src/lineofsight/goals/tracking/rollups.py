"""Roll-ups: each objective's key results summarised (how many in each pace status, their
combined forecast), and a team's: every key result of the objectives the team and its members
own in a cycle, as the viewer may see them. Pages and the API attach them to what they show."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace

from lineofsight.goals import forecast as fc
from lineofsight.goals import pace as pc
from lineofsight.goals import scoring
from lineofsight.goals.models import Cycle, KeyResult, Objective
from lineofsight.goals.selectors import ObjectiveCard, cycle_scope, objectives_for_user
from lineofsight.goals.tracking.context import (
    TrackingContext,
    team_cadence_subquery,
    tracking_context,
)
from lineofsight.goals.tracking.key_results import (
    DETAIL_FIELDS,
    TRACKED_FIELDS,
    KeyResultTracking,
    ObjectiveTracking,
    Tracked,
    load_cycles,
    track_batch,
)
from lineofsight.people.cadence import Cadence
from lineofsight.people.models import Membership, Person, Team

# Objectives a team's roll-up counts: not drafts, not abandoned ones.
_LIVE_OBJECTIVE_STATES = (Objective.State.ACTIVE, Objective.State.CLOSED)


def _contribution(kr: KeyResult, cycles: dict[int, Cycle]) -> scoring.Contribution:
    return scoring.Contribution(
        "key_result",
        kr.pk,
        kr.title,
        kr.progress,
        kr.weight,
        kr.cycle_id,
        cycles[kr.cycle_id].start_date,
        kr.state == KeyResult.State.ACTIVE,
    )


def _objective_rollup(
    objective: Objective,
    krs: Sequence[KeyResult],
    cycles: dict[int, Cycle],
    tracked: dict[int, KeyResultTracking],
    forecast: bool,
) -> ObjectiveTracking:
    success = fc.success_threshold(objective.commitment)
    if objective.state == Objective.State.ABANDONED:
        return ObjectiveTracking(
            objective.pk,
            objective.commitment,
            success,
            pc.summarise([]),
            None,
            note="Abandoned: its key results are not tracked or counted.",
        )
    kept, _dropped = scoring.in_scope(objective.cycle_id, [_contribution(kr, cycles) for kr in krs])
    items = [tracked[c.ref] for c in kept if c.ref in tracked]
    risk = pc.summarise(item.status for item in items)
    likely = sum(1 for item in items if item.likely_to_miss)
    combined: fc.CombinedForecast | None = None
    note = ""
    if forecast:
        mode = scoring.ProgressMode(objective.progress_mode)
        if mode is scoring.ProgressMode.CHILDREN:
            note = (
                "Its progress comes from the objectives aligned to it, so it is projected on "
                "their pages; its own key results are shown but not counted."
            )
            combined = fc.CombinedForecast(
                objective.progress,
                objective.progress,
                objective.progress,
                success,
                fc.MissRisk.UNKNOWN,
                note,
            )
        else:
            weighted = [
                (item.weight, item.forecast) for item in items if item.forecast is not None
            ]
            combined = fc.combine(weighted, success=success)
            if mode is scoring.ProgressMode.BOTH:
                note = (
                    "Projected from its key results; the objectives contributing to it are "
                    "projected on their own pages."
                )
                combined = replace(combined, explanation=f"{combined.explanation} {note}")
    return ObjectiveTracking(
        objective.pk,
        objective.commitment,
        success,
        risk,
        combined,
        tuple(items),
        likely,
        note,
    )


def track_objectives(
    objectives: Iterable[Objective],
    *,
    today: dt.date | None = None,
    forecast: bool | Collection[int] = True,
    context: TrackingContext | None = None,
    detail: bool = False,
) -> Tracked:
    """``objective_tracking``, plus the tracking of each of their key results by id.

    ``forecast`` may also name the objectives (by id) to project; the others get their
    risk only. ``detail`` also returns the key results, with their cycle and owner (the
    fields of ``DETAIL_FIELDS``), and every check-in of the tracked ones in their cycles up
    to today (for pages that draw them): the same number of queries.
    """
    objs = list(objectives)
    if not objs:
        return Tracked({}, {})
    ctx = context or tracking_context(today)
    by_id = {o.pk: o for o in objs}
    if forecast is True:
        projected: set[int] = set(by_id)
    elif forecast is False:
        projected = set()
    else:
        projected = set(forecast)
    rows = KeyResult.objects.filter(objective_id__in=sorted(by_id))
    if detail:
        rows = rows.select_related("cycle", "owner").only(*DETAIL_FIELDS)
    else:
        rows = rows.select_related("cycle").only(*TRACKED_FIELDS)
    krs = list(
        rows.annotate(owner_team_cadence=team_cadence_subquery()).order_by(
            "objective_id", "position", "pk"
        )
    )
    for kr in krs:
        kr.objective = by_id[kr.objective_id]
        ctx.cadences.setdefault(
            kr.owner_id,
            Cadence(kr.owner_team_cadence) if kr.owner_team_cadence else None,  # type: ignore[attr-defined]
        )
    cycles = load_cycles(krs)
    tracked, check_ins = track_batch(krs, ctx, projected, history=detail)
    grouped: dict[int, list[KeyResult]] = defaultdict(list)
    for kr in krs:
        grouped[kr.objective_id].append(kr)
    rollups = {
        o.pk: _objective_rollup(o, grouped.get(o.pk, []), cycles, tracked, o.pk in projected)
        for o in objs
    }
    if not detail:
        return Tracked(rollups, tracked)
    return Tracked(rollups, tracked, {kr.pk: kr for kr in krs}, check_ins or {})


def objective_tracking(
    objectives: Iterable[Objective],
    *,
    today: dt.date | None = None,
    forecast: bool = True,
    context: TrackingContext | None = None,
) -> dict[int, ObjectiveTracking]:
    """Risk summary and combined forecast of each objective, by id.

    The objectives must already have been read through the access policy (their key results
    are visible exactly when they are). ``forecast=False`` skips projections and so reads
    no check-ins: enough for status badges on long lists.
    """
    return track_objectives(
        objectives, today=today, forecast=forecast, context=context
    ).objectives


# ---------------------------------------------------------------------------------------
# Teams


@dataclass(frozen=True)
class TeamRisk:
    """Every tracked key result of the objectives a team and its members own in a cycle."""

    team_id: int
    cycle_id: int
    risk: pc.RiskSummary
    forecast: fc.CombinedForecast | None
    key_results: tuple[KeyResultTracking, ...]  # worst first
    objectives: dict[int, ObjectiveTracking] = field(default_factory=dict)
    likely_to_miss: int = 0
    # With ``detail``: the objectives read (by title), their key results and check-ins.
    objective_rows: tuple[Objective, ...] = ()
    detail: Tracked | None = None

    @property
    def attention(self) -> int:
        return self.risk.attention


def team_risk(
    team: Team,
    cycle: Cycle,
    viewer: Person,
    *,
    include_sub_teams: bool = False,
    today: dt.date | None = None,
    forecast: bool = True,
    context: TrackingContext | None = None,
    detail: bool = False,
) -> TeamRisk:
    """Risk and forecast over the key results of the active objectives that ``team`` (and,
    with ``include_sub_teams``, the teams inside it) and its members own in ``cycle``, as
    ``viewer`` may see them.

    A quarter counts its own key results and the key results set for its year as a whole;
    draft and abandoned objectives are left out. The combined forecast weighs each key
    result by its weight, against the weighted mean of their success thresholds.

    ``detail`` also returns what a page drawing them needs, at no extra query: the
    objectives read, and their key results with their check-ins (``track_objectives``).
    """
    ctx = context or tracking_context(today)
    # The teams and their members are read as plain id lists first: written as subqueries
    # inside the objectives query, PostgreSQL plans it as a scan of every objective.
    team_ids = [team.pk]
    if include_sub_teams:
        team_ids += list(
            Team.objects.filter(path__startswith=team.subtree_prefix).values_list("pk", flat=True)
        )
    member_ids = list(
        Membership.objects.filter(team_id__in=team_ids)
        .order_by()
        .values_list("person_id", flat=True)
        .distinct()
    )
    # Owned by the teams or by the members: one indexed look-up each, joined by UNION ALL.
    # Written as "owner_team IN (...) OR owner_person IN (...)", SQLite reads every
    # objective of the cycle and its year through the cycle index instead (without planner
    # statistics it cannot know that the owners are the narrower choice).
    owned = (
        Objective.objects.filter(owner_team__in=team_ids)
        .order_by()
        .values("pk")
        .union(
            Objective.objects.filter(owner_person__in=member_ids).order_by().values("pk"),
            all=True,
        )
    )
    objectives = list(
        objectives_for_user(viewer)
        .filter(cycle_id__in=cycle_scope(cycle), state__in=_LIVE_OBJECTIVE_STATES)
        .filter(pk__in=owned)
        .order_by("title", "pk")
    )
    tracked = track_objectives(objectives, forecast=forecast, context=ctx, detail=detail)
    by_objective = tracked.objectives
    allowed_cycles = {cycle.pk, cycle.parent_id} if cycle.parent_id else None
    items = [
        item
        for tracking in by_objective.values()
        for item in tracking.key_results
        if allowed_cycles is None or item.cycle_id in allowed_cycles
    ]
    items.sort(key=lambda i: (-i.status.severity, not i.likely_to_miss, i.key_result_id))
    risk = pc.summarise(item.status for item in items)
    combined: fc.CombinedForecast | None = None
    if forecast:
        weighted = [(i.weight, i.forecast) for i in items if i.forecast is not None]
        total = sum(w for w, _ in weighted)
        success = (
            sum(i.weight * i.success for i in items if i.forecast is not None) / total
            if total > 0
            else fc.SUCCESS_ASPIRATIONAL
        )
        combined = fc.combine(weighted, success=success)
    return TeamRisk(
        team.pk,
        cycle.pk,
        risk,
        combined,
        tuple(items),
        by_objective,
        sum(1 for i in items if i.likely_to_miss),
        tuple(objectives) if detail else (),
        tracked if detail else None,
    )


# ---------------------------------------------------------------------------------------
# For pages and the API: attach the figures to what they show


def annotate_cards(
    cards: Sequence[ObjectiveCard],
    *,
    forecast: bool | Collection[int] = False,
    context: TrackingContext | None = None,
    today: dt.date | None = None,
) -> Tracked:
    """Set each card's ``tracking`` to its objective's roll-up (a fixed number of queries
    for the whole list) and return everything computed."""
    ctx = context or tracking_context(today)
    tracked = track_objectives([c.objective for c in cards], forecast=forecast, context=ctx)
    for card in cards:
        card.tracking = tracked.objectives.get(card.objective.pk)
    return tracked
