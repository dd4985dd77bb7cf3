"""Writes of the evidence pack: keeping a cycle's figures as of its end, recording that a
manager opened a team's context, and the forward-looking drafts (propose, edit, publish).

Drafts are ordinary draft objectives of the person in the next OKR cycle, written through
the goals actions (so the access policy, validation, revisions and audit of objectives
apply); a ``ForwardDraft`` row ties each to its review and to the next quarter's team
objective it will align to. Like the review they come from, they are private (the person,
their managers, HR) until the person chooses otherwise. Nothing becomes an active objective
until someone presses publish, which activates it and aligns it (with its rationale)
through the goals actions.
"""

from __future__ import annotations

import contextlib
import time
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from lineofsight.core import audit, words
from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.goals import actions as goals
from lineofsight.goals import rollup
from lineofsight.goals.models import Cycle, KeyResult, Objective
from lineofsight.people.models import Person, Team
from lineofsight.reviews.access import ReviewViewer
from lineofsight.reviews.evidence.figures import end_of, scope_of
from lineofsight.reviews.evidence.models import (
    CycleEndFigure,
    CycleEndFigures,
    ForwardDraft,
    TeamContextVisit,
)
from lineofsight.reviews.models import Review, ReviewCycle

# Above this many objectives the snapshot is loaded for the whole organisation and narrowed
# afterwards (a list of ids that long is more than SQLite takes in one statement).
ID_LIST_LIMIT = 20_000
DRAFT_KEY_RESULTS_MAX = 5


def _viewer(acting_user: Person | None) -> ReviewViewer:
    if acting_user is None or not acting_user.is_authenticated or not acting_user.is_active:
        raise NotAllowed("Sign in first.")
    return ReviewViewer.of(acting_user)


# ---------------------------------------------------------------------------------------
# Figures as of a cycle's end


@transaction.atomic
def record_end_figures(*, acting_user: Person | None, cycle: Cycle) -> CycleEndFigures:
    """Compute and keep the progress of every objective (and aligned key result) of the
    cycle and its year as of the cycle's end, from the history. Runs once per cycle (a
    second call returns what is kept); refuses a cycle that has not ended. ``acting_user``
    None is the system (the background task of ``tasks``)."""
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    kept = CycleEndFigures.objects.filter(cycle=cycle).first()
    if kept is not None:
        return kept
    as_of = end_of(cycle)
    if timezone.now() <= as_of:
        raise InvalidInput.one("cycle", f"{cycle.name} has not ended; its figures still move.")
    started = time.perf_counter()
    scope = scope_of(cycle)
    ids = list(
        Objective.objects.filter(cycle_id__in=scope, created_at__lte=as_of)
        .order_by()
        .values_list("pk", flat=True)
    )
    wanted = set(ids)
    snap = rollup.load_snapshot(as_of, ids if len(ids) <= ID_LIST_LIMIT else None)
    snap.objectives = {k: v for k, v in snap.objectives.items() if k in wanted}
    # Only this cycle's key results (and the year's own): a rolling annual objective is
    # scored with this quarter as its latest.
    snap.key_results = {
        k: v
        for k, v in snap.key_results.items()
        if v.cycle_id in scope and v.objective_id in snap.objectives
    }
    snap.links = [
        link
        for link in snap.links
        if link.child_id in snap.objectives
        and (link.parent_objective_id is None or link.parent_objective_id in snap.objectives)
        and (link.parent_key_result_id is None or link.parent_key_result_id in snap.key_results)
    ]
    result = snap.compute(explain=False)
    rows = [
        CycleEndFigure(
            cycle=cycle, objective_id=pk, progress=fig.value, live=snap.objectives[pk].live
        )
        for pk, fig in result.objectives.items()
    ]
    rows += [
        CycleEndFigure(
            cycle=cycle, key_result_id=pk, progress=fig.value, live=snap.key_results[pk].live
        )
        for pk, fig in result.key_results.items()
        if snap.key_results[pk].aligned
    ]
    CycleEndFigure.objects.bulk_create(rows, batch_size=2000)
    kept = CycleEndFigures.objects.create(
        cycle=cycle,
        as_of=as_of,
        objectives=len(result.objectives),
        key_results=len(rows) - len(result.objectives),
        seconds=time.perf_counter() - started,
    )
    audit.record(
        actor=acting_user,
        action="cycle.end_figures",
        subject=cycle,
        data={"as_of": as_of.isoformat(), "objectives": kept.objectives},
    )
    return kept


def keep_end_figures_later(cycle: Cycle) -> None:
    """Once the caller's transaction commits, ask for the cycle's end figures to be kept
    (``keep_end_figures``, below): in a worker when one is configured, else right away. Does
    nothing for a cycle that has not ended or whose figures are kept."""
    if timezone.now() <= end_of(cycle) or CycleEndFigures.objects.filter(cycle=cycle).exists():
        return
    transaction.on_commit(lambda: keep_end_figures.enqueue(cycle.pk), robust=True)


def keep_ended_figures() -> list[CycleEndFigures]:
    """Keep the end figures of every ended OKR cycle that a launched review cycle looks at and
    that has none yet (the scheduled run, ``lineofsight remind``, calls this)."""
    now = timezone.now()
    waiting = (
        Cycle.objects.filter(
            review_cycles__state__in=[ReviewCycle.State.OPEN, ReviewCycle.State.CLOSED],
            end_figures__isnull=True,
        )
        .distinct()
        .order_by("end_date", "pk")
    )
    kept = []
    for cycle in waiting:
        if now <= end_of(cycle):
            continue
        with contextlib.suppress(IntegrityError):  # another run kept them first
            kept.append(record_end_figures(acting_user=None, cycle=cycle))
    return kept


# ---------------------------------------------------------------------------------------
# Team context


@transaction.atomic
def record_team_context_visit(
    *, acting_user: Person, review_cycle: ReviewCycle, team: Team
) -> TeamContextVisit:
    """Note that ``acting_user`` opened the team's OKR summary for the review cycle (the
    first time is kept; later visits move ``last_seen_at``)."""
    viewer = _viewer(acting_user)
    if not (viewer.sees_review_cycle(review_cycle) and viewer.can_see_team_context(team)):
        raise NotAllowed("Only the team's leads, their managers and HR see its context.")
    now = timezone.now()
    visit, created = TeamContextVisit.objects.get_or_create(
        review_cycle=review_cycle,
        team=team,
        visitor=acting_user,
        defaults={"first_seen_at": now, "last_seen_at": now},
    )
    if not created:
        TeamContextVisit.objects.filter(pk=visit.pk).update(last_seen_at=now)
        visit.last_seen_at = now
    else:
        audit.record(
            actor=acting_user,
            action="review.team_context_seen",
            subject=team,
            data={"review_cycle": review_cycle.pk},
        )
    return visit


# ---------------------------------------------------------------------------------------
# Forward drafts


def _drafting(acting_user: Person, review: Review) -> ReviewViewer:
    viewer = _viewer(acting_user)
    if not viewer.can_draft_forward(review):
        raise NotAllowed(
            "Drafts are written by the review's managers and HR, and by the person once the "
            "review is shared, while the review cycle is open."
        )
    return viewer


@transaction.atomic
def propose_forward_drafts(*, acting_user: Person, review: Review) -> list[ForwardDraft]:
    """One draft objective for the person per next-quarter objective of the teams their
    work fed this quarter (or, when it fed none, of the teams they belong to), each aligned
    to nothing yet. Team objectives that already have a draft in this review are skipped.
    Returns the drafts made (maybe none)."""
    from lineofsight.reviews.evidence import forward

    _drafting(acting_user, review)
    nxt = review.review_cycle.next_goal_cycle
    if nxt is None:
        raise InvalidInput.one(
            "next_goal_cycle", "This review cycle names no next OKR cycle to draft into."
        )
    if nxt.is_closed:
        raise InvalidInput.one("next_goal_cycle", f"{nxt.name} is closed.")
    plan = forward.plan_drafts(review)
    taken = set(
        ForwardDraft.objects.filter(review=review, published_at__isnull=True)
        .exclude(objective__state=Objective.State.ABANDONED)
        .values_list("parent_objective_id", flat=True)
    )
    made: list[ForwardDraft] = []
    for proposal in plan:
        if proposal.parent.pk in taken:
            continue
        objective = goals.create_objective(
            acting_user=acting_user,
            title=proposal.title,
            level=Objective.Level.INDIVIDUAL,
            cycle=nxt,
            owner_person=review.subject,
            state=Objective.State.DRAFT,
            rationale=proposal.rationale,
            visibility=proposal.visibility,
        )
        made.append(
            ForwardDraft.objects.create(
                review=review,
                objective=objective,
                parent_objective=proposal.parent,
                source_objective=proposal.source,
                created_by=acting_user,
            )
        )
    audit.record(
        actor=acting_user,
        action="review.drafts_proposed",
        subject=review,
        data={"objectives": [d.objective_id for d in made]},
    )
    return made


def _draft(draft: ForwardDraft) -> ForwardDraft:
    return (
        ForwardDraft.objects.select_for_update(of=("self",))
        .select_related(
            "review__review_cycle", "review__subject", "objective__cycle", "parent_objective"
        )
        .get(pk=draft.pk)
    )


def _open_draft(draft: ForwardDraft) -> None:
    if draft.published_at is not None:
        raise InvalidInput.one("__all__", "This draft is published; edit the objective itself.")
    if draft.objective.state != Objective.State.DRAFT:
        raise InvalidInput.one("__all__", "This draft was discarded.")


@transaction.atomic
def update_forward_draft(
    *,
    acting_user: Person,
    draft: ForwardDraft,
    title: str | None = None,
    rationale: str | None = None,
    new_key_results: list[dict[str, Any]] | None = None,
) -> ForwardDraft:
    """Edit a draft in the conversation: its title and rationale, and key results to add
    (each ``{"title", "start_value", "target_value", "unit"}``, an increase to a target, or
    ``{"title", "kind": "milestone"}``). Bad input names the field (``key_results.0.title``)
    and changes nothing."""
    draft = _draft(draft)
    _drafting(acting_user, draft.review)
    _open_draft(draft)
    new_key_results = new_key_results or []
    existing = KeyResult.objects.filter(objective=draft.objective).count()
    if existing + len(new_key_results) > DRAFT_KEY_RESULTS_MAX:
        raise InvalidInput.one(
            "key_results", f"A draft takes at most {DRAFT_KEY_RESULTS_MAX} key results."
        )
    changes: dict[str, Any] = {}
    if title is not None and title.strip() != draft.objective.title:
        changes["title"] = title
    if rationale is not None and rationale.strip() != draft.objective.rationale:
        changes["rationale"] = rationale
    errors: dict[str, str] = {}
    if changes:
        try:
            goals.update_objective(acting_user=acting_user, objective=draft.objective, **changes)
        except InvalidInput as exc:
            errors.update({k: v[0] for k, v in exc.errors.items()})
    for i, spec in enumerate(new_key_results):
        kind = spec.get("kind") or "increase"
        try:
            goals.create_key_result(
                acting_user=acting_user,
                objective=draft.objective,
                title=spec.get("title", ""),
                kind=kind,
                owner=draft.review.subject,
                start_value=spec.get("start_value") if kind != "milestone" else None,
                target_value=spec.get("target_value") if kind != "milestone" else None,
                unit=spec.get("unit", "") or "",
            )
        except InvalidInput as exc:
            errors.update({f"key_results.{i}.{k}": v[0] for k, v in exc.errors.items()})
    if errors:
        transaction.set_rollback(True)
        raise InvalidInput(errors)
    draft.objective.refresh_from_db()
    audit.record(
        actor=acting_user,
        action="review.draft_updated",
        subject=draft.objective,
        data={"review": draft.review_id, "changed": sorted(changes), "added": len(new_key_results)},
    )
    return draft


@transaction.atomic
def publish_forward_draft(
    *, acting_user: Person, draft: ForwardDraft, visibility: str | None = None
) -> Objective:
    """Make a draft the person's objective: it needs a rationale and at least one key
    result; it becomes active and is aligned (contributing) to next quarter's team
    objective it was drafted for, through the goals actions. It stays private unless the
    person, publishing it themselves, chooses who sees it (``visibility``)."""
    draft = _draft(draft)
    _drafting(acting_user, draft.review)
    _open_draft(draft)
    objective = draft.objective
    errors: dict[str, str] = {}
    if visibility is not None and visibility != objective.visibility:
        if acting_user.pk != objective.owner_person_id:
            errors["visibility"] = (
                f"Only {draft.review.subject.name} chooses who sees their objective; it stays "
                f"{objective.get_visibility_display().lower()}."
            )
        elif visibility not in Objective.Visibility.values:
            errors["visibility"] = f"Choose one of: {', '.join(Objective.Visibility.values)}."
    if not objective.rationale.strip():
        errors["rationale"] = (
            "Say why hitting this makes the team objective more likely; it is kept with the "
            "alignment."
        )
    if not KeyResult.objects.filter(objective=objective, state=KeyResult.State.ACTIVE).exists():
        errors["key_results"] = "Add at least one key result before publishing."
    parent = draft.parent_objective
    if parent is None or parent.state == Objective.State.ABANDONED:
        errors["parent_objective"] = "The team objective this was drafted for is gone."
    if errors:
        raise InvalidInput(errors)
    assert parent is not None
    changes: dict[str, Any] = {"state": Objective.State.ACTIVE}
    if visibility is not None and visibility != objective.visibility:
        changes["visibility"] = visibility
    goals.update_objective(
        acting_user=acting_user,
        objective=objective,
        reason="Published from the review conversation.",
        **changes,
    )
    already = objective.parent_links.filter(
        Q(parent_objective=parent), ended_at__isnull=True
    ).exists()
    if not already:
        goals.align_objective(acting_user=acting_user, child=objective, parent_objective=parent)
    now = timezone.now()
    draft.published_at = now
    draft.published_by = acting_user
    draft.save(update_fields=["published_at", "published_by"])
    audit.record(
        actor=acting_user,
        action="review.draft_published",
        subject=objective,
        data={"review": draft.review_id, "aligned_to": parent.pk},
    )
    objective.refresh_from_db()
    return objective


@transaction.atomic
def discard_forward_draft(*, acting_user: Person, draft: ForwardDraft) -> ForwardDraft:
    """Set a draft aside (the objective is abandoned, with the reason kept in its
    history)."""
    draft = _draft(draft)
    _drafting(acting_user, draft.review)
    _open_draft(draft)
    goals.abandon_objective(
        acting_user=acting_user, objective=draft.objective, reason="Discarded in the review."
    )
    audit.record(
        actor=acting_user,
        action="review.draft_discarded",
        subject=draft.objective,
        data={"review": draft.review_id},
    )
    return draft


# -- the task -----------------------------------------------------------------------------
#
# Keeping a cycle's figures as of its end recomputes every objective of the cycle from the
# history: seconds at ten thousand people. It is asked for when the OKR cycle closes and when
# a review cycle on it launches, and runs in a worker when ``LOS_TASKS_BACKEND`` names one
# (with the default immediate backend it runs as the request that asked for it ends). The
# scheduled ``lineofsight remind`` run catches up on any ended cycle still without them.


@task()
def keep_end_figures(cycle_id: int) -> str:
    """Keep the figures of the OKR cycle as of its end, once (``record_end_figures``)."""
    cycle = Cycle.objects.filter(pk=cycle_id).first()
    if cycle is None:
        return "no such cycle"
    if timezone.now() <= end_of(cycle):
        return f"{cycle.name} has not ended"
    with contextlib.suppress(IntegrityError):  # kept by another run meanwhile
        kept = record_end_figures(acting_user=None, cycle=cycle)
        return (
            f"{cycle.name}: {words.count(kept.objectives, 'objective')}, "
            f"{words.count(kept.key_results, 'key result')}"
        )
    return f"{cycle.name}: kept by another run"
