"""Abandoning an objective or a key result when strategy shifts.

Abandoning is its own action, always with a reason. Nothing is deleted: the definition gets
a new revision in state "abandoned" carrying the reason, so the history shows what was
planned, when it was dropped and why. From then on it takes no check-ins, is not tracked
for pace or forecast, and does not count in any roll-up (its explanation says "abandoned on
<date>: <reason>, not counted"); its past figures can still be recomputed as of any date.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from lineofsight.core import audit, tombstones
from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.goals import rollup
from lineofsight.goals.actions._common import TEXT_MAX, _closed_cycle_guard, _text, _viewer
from lineofsight.goals.actions.key_results import _write_kr_revision
from lineofsight.goals.actions.objectives import _propagate_parents_of, _write_objective_revision
from lineofsight.goals.models import KeyResult, Objective
from lineofsight.goals.signals import objective_changed
from lineofsight.people.models import Person


def _reason(value: str, what: str) -> str:
    errors: dict[str, str] = {}
    reason = _text(errors, "reason", value, required=True, limit=TEXT_MAX)
    if "reason" in errors and not reason:
        errors["reason"] = f"Say why the {what} is abandoned; the reason stays in its history."
    if errors:
        raise InvalidInput(errors)
    return reason


@transaction.atomic
def abandon_objective(
    *, acting_user: Person, objective: Objective, reason: str, amendment_reason: str = ""
) -> Objective:
    """Abandon an objective, with a reason kept in its history. Its key results keep their
    readings and definitions; they stop taking check-ins and counting."""
    viewer = _viewer(acting_user)
    objective = (
        Objective.objects.select_for_update(of=("self",))
        .select_related("cycle", "owner_person", "owner_team__lead")
        .get(pk=objective.pk)
    )
    if not viewer.can_edit_objective(objective):
        raise NotAllowed("You cannot abandon this objective.")
    amendment = _closed_cycle_guard(viewer, objective.cycle, amendment_reason)
    reason = _reason(reason, "objective")
    if objective.state == Objective.State.ABANDONED:
        raise InvalidInput.one("state", "This objective is abandoned already.")
    previous = objective.state
    now = timezone.now()
    objective.state = Objective.State.ABANDONED
    objective.updated_at = now
    objective.save(update_fields=["state", "updated_at"])
    tombstones.record(
        kind=tombstones.OBJECTIVE,
        object_id=objective.pk,
        event=tombstones.ABANDONED,
        objective_id=objective.pk,
    )
    revision = _write_objective_revision(objective, author=acting_user, reason=reason, at=now)
    audit.record(
        actor=acting_user,
        action="objective.abandon",
        subject=objective,
        data={"reason": reason, "previous_state": previous, "revision": revision.number},
        amendment_reason=amendment,
    )
    rollup.propagate_from_objectives([objective.pk], now=now)
    _propagate_parents_of(objective.pk, now)
    objective_changed.send(
        sender=Objective,
        objective=objective,
        by=acting_user,
        reason=reason,
        abandoned=True,
        revision=revision.number,
    )
    return objective


@transaction.atomic
def abandon_key_result(
    *, acting_user: Person, key_result: KeyResult, reason: str, amendment_reason: str = ""
) -> KeyResult:
    """Abandon a key result, with a reason kept in its history. Its readings stay; it stops
    taking check-ins and counting in its objective's progress."""
    viewer = _viewer(acting_user)
    kr = (
        KeyResult.objects.select_for_update(of=("self",))
        .select_related("cycle", "objective__owner_person", "objective__owner_team__lead")
        .get(pk=key_result.pk)
    )
    if not viewer.can_edit_key_result(kr):
        raise NotAllowed("You cannot abandon this key result.")
    amendment = _closed_cycle_guard(viewer, kr.cycle, amendment_reason)
    reason = _reason(reason, "key result")
    if kr.state == KeyResult.State.ABANDONED:
        raise InvalidInput.one("state", "This key result is abandoned already.")
    now = timezone.now()
    kr.state = KeyResult.State.ABANDONED
    kr.save(update_fields=["state", "updated_at"])
    tombstones.record(
        kind=tombstones.KEY_RESULT,
        object_id=kr.pk,
        event=tombstones.ABANDONED,
        objective_id=kr.objective_id,
    )
    revision = _write_kr_revision(kr, author=acting_user, reason=reason, at=now)
    audit.record(
        actor=acting_user,
        action="key_result.abandon",
        subject=kr,
        data={"reason": reason, "revision": revision.number},
        amendment_reason=amendment,
    )
    rollup.propagate_from_objectives([kr.objective_id], now=now)
    return kr
