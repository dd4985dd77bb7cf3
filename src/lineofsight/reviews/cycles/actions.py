"""Review cycles: create (from a template, as a draft), launch (one review per person in the
population, with its self and manager feedback to write) and close. HR only.

Launching runs a fixed number of statements whatever the population's size: the database
writes the reviews and the feedback itself (``launching``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from lineofsight.core import audit
from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.goals.models import Cycle
from lineofsight.people.models import Person, Team
from lineofsight.reviews import formula, signals
from lineofsight.reviews.access import ReviewViewer
from lineofsight.reviews.cycles.launching import write_launch
from lineofsight.reviews.cycles.population import cycle_population
from lineofsight.reviews.cycles.scales import DEADLINE_FIELDS, deadline_errors
from lineofsight.reviews.cycles.template_actions import name_error
from lineofsight.reviews.models import (
    CycleQuestion,
    PolicyMode,
    ReviewCycle,
    ReviewTemplate,
)

BATCH = 1000
# The parts an explicit formula may weigh (the math lives in ``reviews.formula``).
FORMULA_PARTS = formula.PARTS


def _hr(acting_user: Person | None) -> None:
    """``None`` is the system (the demo); anyone else must manage reviews."""
    if acting_user is None:
        return
    if not acting_user.is_authenticated or not ReviewViewer.of(acting_user).can_manage_reviews():
        raise NotAllowed("Only HR admins manage review cycles.")


def review_cycle_errors(
    *,
    name: str,
    kind: str,
    goal_cycle: Cycle | None,
    next_goal_cycle: Cycle | None,
    template: ReviewTemplate | None,
    population: str,
    population_teams: list[Team],
    population_people: list[Person],
    deadlines: Mapping[str, dt.date | None],
    policy_mode: str,
    formula_weights: Any,
    instance: ReviewCycle | None = None,
) -> dict[str, str]:
    """What is wrong with a review cycle, by field (empty when it may be saved)."""
    errors: dict[str, str] = {}
    if problem := name_error(ReviewCycle, name, instance, "review cycle"):
        errors["name"] = problem
    if kind not in ReviewCycle.Kind.values:
        errors["kind"] = f"Choose one of: {', '.join(ReviewCycle.Kind.values)}."
    if goal_cycle is None:
        errors["goal_cycle"] = "Choose the OKR cycle under review."
    if next_goal_cycle is not None and goal_cycle is not None:
        if next_goal_cycle.pk == goal_cycle.pk:
            errors["next_goal_cycle"] = "Choose a later OKR cycle than the one under review."
        elif next_goal_cycle.start_date <= goal_cycle.start_date:
            errors["next_goal_cycle"] = (
                f"{next_goal_cycle.name} starts before {goal_cycle.name}; choose a later cycle."
            )
    if template is None:
        errors["template"] = "Choose a template."
    elif template.archived:
        errors["template"] = f"{template.name} is archived; choose another template."
    if population not in ReviewCycle.Population.values:
        errors["population"] = f"Choose one of: {', '.join(ReviewCycle.Population.values)}."
    elif population == ReviewCycle.Population.TEAMS and not population_teams:
        errors["population_teams"] = "Choose at least one team."
    elif population == ReviewCycle.Population.PEOPLE:
        if not population_people:
            errors["population_people"] = "Choose at least one person."
        elif inactive := [p.name for p in population_people if not p.is_active]:
            errors["population_people"] = f"No longer active: {', '.join(inactive)}."
    if goal_cycle is not None:
        errors.update(deadline_errors(deadlines, goal_cycle.start_date))
    else:
        errors.update({f: "Give a date." for f in DEADLINE_FIELDS if deadlines.get(f) is None})
    if policy_mode not in PolicyMode.values:
        errors["policy_mode"] = f"Choose one of: {', '.join(PolicyMode.values)}."
    elif policy_mode == PolicyMode.FORMULA:
        errors.update(formula.weight_errors(formula_weights))
    return errors


def _clean_weights(policy_mode: str, weights: Any) -> dict[str, float]:
    if policy_mode != PolicyMode.FORMULA:
        return {}
    return {part: w for part, w in formula.clean_weights(weights).items() if w > 0}


@transaction.atomic
def create_review_cycle(
    *,
    acting_user: Person | None,
    name: str,
    goal_cycle: Cycle | None,
    template: ReviewTemplate | None,
    self_review_due: dt.date | None,
    peer_feedback_due: dt.date | None,
    manager_review_due: dt.date | None,
    calibration_due: dt.date | None,
    sharing_due: dt.date | None,
    kind: str = ReviewCycle.Kind.QUARTER,
    next_goal_cycle: Cycle | None = None,
    population: str = ReviewCycle.Population.ORGANISATION,
    population_teams: Iterable[Team] = (),
    population_people: Iterable[Person] = (),
    anonymous_peer_feedback: bool = False,
    anonymous_upward_feedback: bool = True,
    policy_mode: str = PolicyMode.CONTEXT,
    formula_weights: Mapping[str, float] | None = None,
) -> ReviewCycle:
    """A draft review cycle with its own copy of the template's scales and questions."""
    _hr(acting_user)
    name = (name or "").strip()
    teams = list(population_teams)
    people = list(population_people)
    deadlines = {
        "self_review_due": self_review_due,
        "peer_feedback_due": peer_feedback_due,
        "manager_review_due": manager_review_due,
        "calibration_due": calibration_due,
        "sharing_due": sharing_due,
    }
    weights: Any = formula_weights if formula_weights is not None else {}
    errors = review_cycle_errors(
        name=name,
        kind=kind,
        goal_cycle=goal_cycle,
        next_goal_cycle=next_goal_cycle,
        template=template,
        population=population,
        population_teams=teams,
        population_people=people,
        deadlines=deadlines,
        policy_mode=policy_mode,
        formula_weights=weights,
    )
    if errors:
        raise InvalidInput(errors)
    assert template is not None and goal_cycle is not None
    cycle = ReviewCycle.objects.create(
        name=name,
        kind=kind,
        goal_cycle=goal_cycle,
        next_goal_cycle=next_goal_cycle,
        template=template,
        population=population,
        rating_scale=template.rating_scale,
        rate_potential=template.rate_potential,
        potential_scale=template.potential_scale,
        anonymous_peer_feedback=bool(anonymous_peer_feedback),
        anonymous_upward_feedback=bool(anonymous_upward_feedback),
        policy_mode=policy_mode,
        formula_weights=_clean_weights(policy_mode, weights),
        created_by=acting_user,
        **deadlines,
    )
    if population == ReviewCycle.Population.TEAMS:
        cycle.population_teams.set(teams)
    elif population == ReviewCycle.Population.PEOPLE:
        cycle.population_people.set(people)
    copied = [
        f.name for f in CycleQuestion._meta.concrete_fields if f.name not in ("id", "review_cycle")
    ]
    CycleQuestion.objects.bulk_create(
        CycleQuestion(review_cycle=cycle, **{f: getattr(q, f) for f in copied})
        for q in template.questions.all()
    )
    audit.record(
        actor=acting_user,
        action="create_review_cycle",
        subject=cycle,
        data={
            "name": name,
            "goal_cycle": goal_cycle.pk,
            "template": template.pk,
            "population": population,
            "policy_mode": policy_mode,
        },
    )
    return cycle


@transaction.atomic
def launch_review_cycle(*, review_cycle: ReviewCycle, acting_user: Person | None) -> ReviewCycle:
    """Open a draft cycle: a review per active person in its population (reviewer: their
    nearest active manager today), each with a self review for the person and a manager
    review for the reviewer to write, and the person's OKR attainment recorded as evidence
    (``launching``). Refused, changing nothing, when the cycle was launched already."""
    _hr(acting_user)
    cycle = (
        ReviewCycle.objects.select_for_update().select_related("goal_cycle").get(pk=review_cycle.pk)
    )
    if cycle.state != ReviewCycle.State.DRAFT:
        raise InvalidInput.one(
            "state",
            f"{cycle.name} was launched already (it is {cycle.get_state_display().lower()}).",
        )
    if not cycle_population(cycle).exists():
        raise InvalidInput.one("population", "Nobody active is in this population.")
    now = timezone.now()
    launched = write_launch(cycle, now)
    cycle.state = ReviewCycle.State.OPEN
    cycle.launched_at = now
    cycle.save(update_fields=["state", "launched_at"])
    review_cycle.state, review_cycle.launched_at = cycle.state, cycle.launched_at
    # "Your self review is open", to everyone in the cycle, once the launch is committed
    # (queued in the outbox for the next delivery run by the integrations app).
    signals.self_reviews_opened.send(sender=ReviewCycle, review_cycle_id=cycle.pk)
    # The evidence packs read the OKR cycle's figures as of its end, kept once (slow at
    # scale, so after the commit and in a worker when one is configured).
    from lineofsight.reviews.evidence.actions import keep_end_figures_later

    keep_end_figures_later(cycle.goal_cycle)
    audit.record(
        actor=acting_user,
        action="launch_review_cycle",
        subject=cycle,
        data={
            "reviews": launched.reviews,
            "feedback": launched.feedback,
            "without_manager": launched.without_manager,
            "with_attainment": launched.with_attainment,
            "manager_moved": launched.manager_moved,
        },
    )
    return cycle


@transaction.atomic
def close_review_cycle(*, review_cycle: ReviewCycle, acting_user: Person | None) -> ReviewCycle:
    """Close an open cycle: everything in it becomes read-only."""
    _hr(acting_user)
    cycle = ReviewCycle.objects.select_for_update().get(pk=review_cycle.pk)
    if cycle.state != ReviewCycle.State.OPEN:
        raise InvalidInput.one(
            "state",
            f"Only an open cycle can be closed; {cycle.name} is "
            f"{cycle.get_state_display().lower()}.",
        )
    cycle.state = ReviewCycle.State.CLOSED
    cycle.closed_at = timezone.now()
    cycle.save(update_fields=["state", "closed_at"])
    review_cycle.state, review_cycle.closed_at = cycle.state, cycle.closed_at
    audit.record(
        actor=acting_user,
        action="close_review_cycle",
        subject=cycle,
        data={"reviews": cycle.reviews.count()},
    )
    return cycle
