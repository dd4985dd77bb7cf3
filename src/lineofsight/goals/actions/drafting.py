"""Writing OKRs together: an objective and its key results created in one go, drafts shared
for comment, proposed for approval and approved or sent back (``approval``), and an objective
copied to a later cycle with its key results.

A draft is read by its author and its editors until it is shared (``GoalViewer
.objective_filter``); drafts never count in roll-ups, dashboards or attainment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from lineofsight.core import audit
from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.goals import scoring
from lineofsight.goals.actions._common import TEXT_MAX, TITLE_MAX, _text, _viewer
from lineofsight.goals.actions.approval import approval_on, approver_of
from lineofsight.goals.actions.closing import _copy_cycle, _copy_objective, _target_cycle
from lineofsight.goals.actions.key_results import _validate_kr, create_key_result
from lineofsight.goals.actions.objectives import create_objective, update_objective
from lineofsight.goals.models import (
    ApprovalEvent,
    ApprovalState,
    Cycle,
    DraftReader,
    DraftSharing,
    KeyResult,
    Objective,
)
from lineofsight.goals.signals import objective_approval
from lineofsight.people.models import Person

KEY_RESULTS_MAX = 10
# How a key result's fields are named in the errors of the one form ("Key result 2: target").
KR_FIELD_LABELS = {
    "title": "title",
    "kind": "kind",
    "unit": "unit",
    "start_value": "start",
    "target_value": "target",
    "signal": "signal",
    "weight": "weight",
    "owner": "owner",
    "cycle": "cycle",
    "source": "measured by",
    "state": "state",
    "objective": "objective",
}


@dataclass(frozen=True)
class KeyResultInput:
    """One key result of the one form (or of the API's nested list)."""

    title: str
    kind: str = scoring.KeyResultKind.INCREASE.value
    start_value: Any = None
    target_value: Any = None
    unit: str = ""
    owner: Person | None = None  # default: the objective's owner (a team's: the author)
    signal: str = KeyResult.Signal.LAGGING
    weight: Any = 1.0


def key_result_error(index: int, name: str, message: str) -> tuple[str, str]:
    """The error key and message for a key result's field: ``key_results.1.target_value``,
    "Key result 2: target: ..." (numbered from 1, as the form shows them)."""
    label = KR_FIELD_LABELS.get(name, name.replace("_", " "))
    text = message[:1].lower() + message[1:] if message else message
    return f"key_results.{index}.{name}", f"Key result {index + 1}: {label}: {text}"


def _key_result_errors(rows: Sequence[KeyResultInput]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if len(rows) > KEY_RESULTS_MAX:
        errors["key_results"] = f"Keep it to {KEY_RESULTS_MAX} key results at most."
    for index, row in enumerate(rows):
        found: dict[str, str] = {}
        _text(found, "title", row.title, required=True, limit=TITLE_MAX)
        _validate_kr(
            found,
            kind=row.kind,
            start_value=row.start_value,
            target_value=row.target_value,
            weight=row.weight,
            signal=row.signal,
            source=KeyResult.Source.CHECK_INS,
            state=KeyResult.State.ACTIVE,
            unit=row.unit,
        )
        if row.owner is not None and not row.owner.is_active:
            found["owner"] = f"{row.owner.name} is no longer active."
        for name, message in found.items():
            key, text = key_result_error(index, name, message)
            errors[key] = text
    return errors


@transaction.atomic
def create_objective_with_key_results(
    *,
    acting_user: Person,
    key_results: Sequence[KeyResultInput],
    **objective: Any,
) -> Objective:
    """The one form: an objective (``create_objective``'s arguments) and its key results
    (none, or more added later; a draft is proposed with at least one), checked together and
    saved all or nothing. Errors name the row and the field
    (``key_results.1.target_value``: "Key result 2: target: ...")."""
    _viewer(acting_user)
    errors = _key_result_errors(key_results)
    created: Objective | None = None
    try:
        created = create_objective(acting_user=acting_user, **objective)
    except InvalidInput as exc:
        errors = {**{k: v[0] for k, v in exc.errors.items()}, **errors}
    if errors:
        raise InvalidInput(errors)
    assert created is not None
    default_owner = created.owner_person or acting_user
    for index, row in enumerate(key_results):
        try:
            create_key_result(
                acting_user=acting_user,
                objective=created,
                title=row.title,
                kind=row.kind,
                owner=row.owner or default_owner,
                start_value=row.start_value,
                target_value=row.target_value,
                unit=row.unit,
                signal=row.signal,
                weight=row.weight,
                amendment_reason=objective.get("amendment_reason", ""),
            )
        except InvalidInput as exc:
            raise InvalidInput(
                dict(key_result_error(index, k, v[0]) for k, v in exc.errors.items())
            ) from None
    audit.record(
        actor=acting_user,
        action="objective.create_with_key_results",
        subject=created,
        data={"title": created.title, "key_results": len(key_results), "state": created.state},
    )
    return created


# ---------------------------------------------------------------------------------------
# Drafts: sharing for comment, proposing, approving, asking for changes, activating


def _fresh(objective: Objective) -> Objective:
    return (
        Objective.objects.select_for_update(of=("self",))
        .select_related("owner_person__manager", "owner_team__lead__manager", "cycle")
        .get(pk=objective.pk)
    )


def _editable_draft(acting_user: Person, objective: Objective, what: str) -> Objective:
    viewer = _viewer(acting_user)
    objective = _fresh(objective)
    if not viewer.can_edit_objective(objective):
        raise NotAllowed(f"Only the objective's owner and editors {what}.")
    if objective.cycle.is_closed:
        raise NotAllowed(f"{objective.cycle.name} is closed.")
    if objective.state != Objective.State.DRAFT:
        raise InvalidInput.one(
            "state", f"This objective is {objective.get_state_display().lower()}, not a draft."
        )
    return objective


def _event(
    objective: Objective,
    kind: str,
    actor: Person,
    *,
    note: str = "",
    approver: Person | None = None,
    at: dt.datetime | None = None,
) -> ApprovalEvent:
    event = ApprovalEvent.objects.create(
        objective=objective,
        kind=kind,
        actor=actor,
        approver=approver,
        note=note,
        at=at or timezone.now(),
    )
    objective_approval.send(sender=Objective, objective=objective, event=event)
    return event


@transaction.atomic
def share_draft(
    *,
    acting_user: Person,
    objective: Objective,
    sharing: str,
    people: Sequence[Person] = (),
) -> Objective:
    """Who reads a draft besides its author and editors: nobody, chosen ``people`` or its
    usual audience (its visibility's). Readers may comment in its thread, not edit it."""
    objective = _editable_draft(acting_user, objective, "share a draft")
    errors: dict[str, str] = {}
    if sharing not in DraftSharing.values:
        errors["sharing"] = f"Choose one of: {', '.join(DraftSharing.values)}."
    chosen = {p.pk: p for p in people}
    if sharing == DraftSharing.PEOPLE:
        if not chosen:
            errors["people"] = "Choose the people to share it with."
        inactive = [p.name for p in chosen.values() if not p.is_active]
        if inactive:
            errors["people"] = f"{', '.join(inactive)} no longer active."
    if errors:
        raise InvalidInput(errors)
    keep = set(chosen) if sharing == DraftSharing.PEOPLE else set()
    before = set(
        DraftReader.objects.filter(objective=objective).values_list("person_id", flat=True)
    )
    DraftReader.objects.filter(objective=objective).exclude(person_id__in=keep).delete()
    now = timezone.now()
    DraftReader.objects.bulk_create(
        [
            DraftReader(objective=objective, person_id=pk, added_by=acting_user, added_at=now)
            for pk in sorted(keep - before)
        ]
    )
    objective.draft_sharing = sharing
    objective.updated_at = now
    objective.save(update_fields=["draft_sharing", "updated_at"])
    names = ", ".join(sorted(p.name for p in chosen.values())) if keep else ""
    note = {
        DraftSharing.NOBODY: "No longer shared.",
        DraftSharing.AUDIENCE: "Shared with its usual audience.",
        DraftSharing.PEOPLE: f"Shared with {names}.",
    }[DraftSharing(sharing)]
    event = _event(objective, ApprovalEvent.Kind.SHARED, acting_user, note=note, at=now)
    audit.record(
        actor=acting_user,
        action="objective.share_draft",
        subject=objective,
        data={"sharing": sharing, "people": sorted(keep), "event": event.pk},
    )
    return objective


@transaction.atomic
def propose_objective(*, acting_user: Person, objective: Objective, note: str = "") -> Objective:
    """Send a draft to its approver (``approval.approver_of``), who is told in their inbox."""
    objective = _editable_draft(acting_user, objective, "propose a draft")
    errors: dict[str, str] = {}
    note = _text(errors, "note", note, required=False, limit=TEXT_MAX)
    if errors:
        raise InvalidInput(errors)
    if not approval_on():
        raise InvalidInput.one(
            "state", "Objectives need no approval here: activate it when it is ready."
        )
    approver = approver_of(objective, acting_user)
    if approver is None:
        raise InvalidInput.one("state", "Nobody approves this objective: activate it yourself.")
    if approver.pk == acting_user.pk:
        raise InvalidInput.one("state", "You are its approver: activate it yourself.")
    if objective.approval_state == ApprovalState.PROPOSED:
        raise InvalidInput.one(
            "state", f"It is already awaiting {objective.approver or approver}'s approval."
        )
    if not objective.key_results.filter(state=KeyResult.State.ACTIVE).exists():
        raise InvalidInput.one(
            "key_results", "Add at least one key result before proposing the objective."
        )
    objective.approval_state = ApprovalState.PROPOSED
    objective.approver = approver
    objective.approval_note = ""
    objective.updated_at = timezone.now()
    objective.save(update_fields=["approval_state", "approver", "approval_note", "updated_at"])
    event = _event(
        objective, ApprovalEvent.Kind.PROPOSED, acting_user, note=note, approver=approver
    )
    audit.record(
        actor=acting_user,
        action="objective.propose",
        subject=objective,
        data={"approver": approver.pk, "event": event.pk},
    )
    return objective


def _proposed_to_me(acting_user: Person, objective: Objective) -> Objective:
    viewer = _viewer(acting_user)
    objective = _fresh(objective)
    if not viewer.can_decide_approval(objective):
        raise NotAllowed("Only its approver and HR decide on this objective.")
    if (
        objective.state != Objective.State.DRAFT
        or objective.approval_state != ApprovalState.PROPOSED
    ):
        raise InvalidInput.one("state", "This objective is not awaiting approval.")
    return objective


@transaction.atomic
def approve_objective(*, acting_user: Person, objective: Objective, note: str = "") -> Objective:
    """The approver approves a proposed draft: it becomes active and starts to count."""
    objective = _proposed_to_me(acting_user, objective)
    errors: dict[str, str] = {}
    note = _text(errors, "note", note, required=False, limit=TEXT_MAX)
    if errors:
        raise InvalidInput(errors)
    objective = update_objective(
        acting_user=acting_user,
        objective=objective,
        state=Objective.State.ACTIVE,
        reason=note or "Approved",
    )
    objective.approval_state = ApprovalState.APPROVED
    objective.save(update_fields=["approval_state", "updated_at"])
    event = _event(
        objective, ApprovalEvent.Kind.APPROVED, acting_user, note=note, approver=acting_user
    )
    audit.record(
        actor=acting_user, action="objective.approve", subject=objective, data={"event": event.pk}
    )
    return objective


@transaction.atomic
def request_changes(*, acting_user: Person, objective: Objective, comment: str) -> Objective:
    """The approver sends a proposed draft back with what should change (required); the
    author is told and the reason shows on the objective until it is proposed again."""
    objective = _proposed_to_me(acting_user, objective)
    errors: dict[str, str] = {}
    comment = _text(errors, "comment", comment, required=True, limit=TEXT_MAX)
    if "comment" in errors and not comment:
        errors["comment"] = "Say what should change: the author reads it."
    if errors:
        raise InvalidInput(errors)
    objective.approval_state = ApprovalState.CHANGES
    objective.approval_note = comment
    objective.updated_at = timezone.now()
    objective.save(update_fields=["approval_state", "approval_note", "updated_at"])
    event = _event(
        objective, ApprovalEvent.Kind.CHANGES, acting_user, note=comment, approver=acting_user
    )
    audit.record(
        actor=acting_user,
        action="objective.request_changes",
        subject=objective,
        data={"comment": comment, "event": event.pk},
    )
    return objective


@transaction.atomic
def activate_draft(*, acting_user: Person, objective: Objective) -> Objective:
    """The owner (or an editor) makes a draft active, when the organisation does not ask for
    approval or they are its approver (or HR); ``update_objective`` applies that rule."""
    objective = _editable_draft(acting_user, objective, "activate a draft")
    objective = update_objective(
        acting_user=acting_user,
        objective=objective,
        state=Objective.State.ACTIVE,
        reason="Activated",
    )
    _event(objective, ApprovalEvent.Kind.ACTIVATED, acting_user)
    return objective


# ---------------------------------------------------------------------------------------
# Copy to next cycle


@dataclass(frozen=True)
class CopiedKeyResult:
    key_result: KeyResult
    start: float | None  # its current value where that still leaves room, else its start
    target: float | None


@dataclass(frozen=True)
class CopyPlan:
    """What copying an objective will create: shown for confirmation, then applied by
    ``copy_objective_to_cycle``."""

    source: Objective
    cycle: Cycle  # the chosen cycle
    copy_cycle: Cycle  # where the copy goes (the year around a quarter, for an annual one)
    key_results: list[CopiedKeyResult] = field(default_factory=list)


def _copied_start(kr: KeyResult) -> float | None:
    if kr.kind == scoring.KeyResultKind.MILESTONE or kr.current_value is None:
        return kr.start_value
    try:
        scoring.validate_spec(
            scoring.KeyResultSpec(
                scoring.KeyResultKind(kr.kind), kr.current_value, kr.target_value, kr.unit
            )
        )
    except scoring.SpecError:
        return kr.start_value  # reached or passed: the copy starts where this one did
    return kr.current_value


def existing_copy_in(objective: Objective, cycle: Cycle) -> Objective | None:
    """A live copy of ``objective`` already made in ``cycle``."""
    return (
        Objective.objects.filter(copied_from=objective, cycle=cycle)
        .exclude(state=Objective.State.ABANDONED)
        .order_by("pk")
        .first()
    )


def plan_copy(*, acting_user: Person, objective: Objective, cycle: Cycle | None) -> CopyPlan:
    """Check a copy and say what it will create (nothing is written)."""
    viewer = _viewer(acting_user)
    source = Objective.objects.select_related(
        "cycle__parent", "owner_person", "owner_team__lead"
    ).get(pk=objective.pk)
    if not viewer.can_edit_objective(source):
        raise NotAllowed("Only the objective's owner and editors copy it.")
    errors: dict[str, str] = {}
    if source.state == Objective.State.ABANDONED:
        errors["objective"] = "This objective was abandoned; it is not copied."
    target = _target_cycle(errors, source.cycle, cycle)
    if errors:
        raise InvalidInput(errors)
    assert target is not None
    copy_cycle = _copy_cycle(source, target)
    already = existing_copy_in(source, copy_cycle)
    if already is not None:
        raise InvalidInput.one(
            "cycle", f"Already copied into {copy_cycle.name}: {already.title} ({already.state})."
        )
    rows = [
        CopiedKeyResult(kr, _copied_start(kr), kr.target_value)
        for kr in source.key_results.filter(state=KeyResult.State.ACTIVE).order_by("position", "pk")
    ]
    return CopyPlan(source, target, copy_cycle, rows)


@transaction.atomic
def copy_objective_to_cycle(
    *, acting_user: Person, objective: Objective, cycle: Cycle | None
) -> Objective:
    """Copy an objective and its active key results into a later cycle, as a draft linked
    back to it (``copied_from``); each key result starts from its current value where that
    leaves room. A second copy into the same cycle is refused."""
    Objective.objects.select_for_update(of=("self",)).filter(pk=objective.pk).first()
    plan = plan_copy(acting_user=acting_user, objective=objective, cycle=cycle)
    now = timezone.now()
    copy = _copy_objective(
        acting_user, plan.source, plan.copy_cycle, now, state=Objective.State.DRAFT
    )
    Objective.objects.filter(pk=copy.pk).update(
        copied_from=plan.source, updated_at=timezone.now()
    )
    copy.copied_from = plan.source
    for row in plan.key_results:
        kr = row.key_result
        create_key_result(
            acting_user=acting_user,
            objective=copy,
            title=kr.title,
            kind=kr.kind,
            owner=kr.owner if kr.owner.is_active else (copy.owner_person or acting_user),
            start_value=row.start,
            target_value=row.target,
            unit=kr.unit,
            signal=kr.signal,
            weight=kr.weight,
            cycle=plan.cycle if plan.cycle.pk != plan.copy_cycle.pk else None,
            at=now,
        )
    audit.record(
        actor=acting_user,
        action="objective.copy_to_cycle",
        subject=copy,
        data={
            "from": plan.source.pk,
            "cycle": plan.copy_cycle.pk,
            "key_results": len(plan.key_results),
        },
    )
    return copy
