"""Key results: adding one to an objective and changing its definition. A key result measured
by check-ins must be scoreable; changing how it is scored once it has readings needs a reason,
and the old definition is kept as a revision.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from lineofsight.core import audit
from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.goals import rollup, scoring
from lineofsight.goals.actions._common import (
    TITLE_MAX,
    _choice,
    _closed_cycle_guard,
    _number,
    _text,
    _viewer,
)
from lineofsight.goals.models import Cycle, KeyResult, KeyResultRevision, Objective
from lineofsight.people.models import Person

KEY_RESULT_DEFINITION_FIELDS = (
    "title",
    "kind",
    "unit",
    "start_value",
    "target_value",
    "signal",
    "weight",
    "source",
    "state",
    "owner_id",
)
SCORING_FIELDS = {"kind", "start_value", "target_value"}
# Changing what the key result measures, how it is scored or how much it counts, once it has
# check-ins, is a revision mid-cycle: it needs a reason, kept with the previous version.
REVISION_NEEDS_REASON = (*sorted(SCORING_FIELDS), "title", "unit", "weight")


def _write_kr_revision(
    kr: KeyResult, *, author: Person | None, reason: str, at: dt.datetime
) -> KeyResultRevision:
    number = (kr.revisions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    return KeyResultRevision.objects.create(
        key_result=kr,
        number=number,
        author=author,
        reason=reason,
        valid_from=at,
        **{f: getattr(kr, f) for f in KEY_RESULT_DEFINITION_FIELDS},
    )


def _validate_kr(
    errors: dict[str, str],
    *,
    kind: str,
    start_value: Any,
    target_value: Any,
    weight: Any,
    signal: str,
    source: str,
    state: str,
    unit: str,
) -> tuple[float | None, float | None, float | None]:
    _choice(errors, "kind", kind, KeyResult.Kind.values)
    _choice(errors, "signal", signal, KeyResult.Signal.values)
    _choice(errors, "source", source, KeyResult.Source.values)
    _choice(errors, "state", state, KeyResult.State.values)
    if len(unit or "") > 40:
        errors["unit"] = "Keep the unit under 40 characters."
    start = _number(errors, "start_value", start_value)
    target = _number(errors, "target_value", target_value)
    w = _number(errors, "weight", weight, positive=True)
    if "weight" not in errors and w is None:
        errors["weight"] = "Enter a weight greater than zero."
    # A key result measured by check-ins must be scoreable; one that rolls up from aligned
    # objectives keeps its kind, start and target as a description only.
    if (
        source == KeyResult.Source.CHECK_INS
        and kind in KeyResult.Kind.values
        and "start_value" not in errors
        and "target_value" not in errors
    ):
        try:
            scoring.validate_spec(
                scoring.KeyResultSpec(scoring.KeyResultKind(kind), start, target, unit)
            )
        except scoring.SpecError as exc:
            errors[exc.field] = exc.message
    return start, target, w


@transaction.atomic
def create_key_result(
    *,
    acting_user: Person,
    objective: Objective,
    title: str,
    kind: str,
    owner: Person,
    start_value: Any = None,
    target_value: Any = None,
    unit: str = "",
    signal: str = KeyResult.Signal.LAGGING,
    weight: Any = 1.0,
    source: str = KeyResult.Source.CHECK_INS,
    cycle: Cycle | None = None,
    amendment_reason: str = "",
    at: dt.datetime | None = None,
) -> KeyResult:
    viewer = _viewer(acting_user)
    objective = Objective.objects.select_for_update(of=("self",)).get(pk=objective.pk)
    if not viewer.can_edit_objective(objective):
        raise NotAllowed("You cannot add key results to this objective.")
    amendment = _closed_cycle_guard(viewer, objective.cycle, amendment_reason)
    errors: dict[str, str] = {}
    title = _text(errors, "title", title, required=True, limit=TITLE_MAX)
    start, target, w = _validate_kr(
        errors,
        kind=kind,
        start_value=start_value,
        target_value=target_value,
        weight=weight,
        signal=signal,
        source=source,
        state=KeyResult.State.ACTIVE,
        unit=unit,
    )
    cycle = cycle or objective.cycle
    if not (cycle.pk == objective.cycle_id or cycle.parent_id == objective.cycle_id):
        errors["cycle"] = (
            f"A key result of a {objective.cycle.name} objective belongs to that cycle or to "
            "one of its quarters."
        )
    if owner is None or not owner.is_active:
        errors["owner"] = "Choose an active person to own this key result."
    if objective.state in (Objective.State.CLOSED, Objective.State.ABANDONED):
        errors["objective"] = f"The objective is {objective.state}; it takes no new key results."
    if errors:
        raise InvalidInput(errors)
    assert w is not None  # _validate_kr reports a missing weight as an error
    now = at or timezone.now()
    position = objective.key_results.count()
    kr = KeyResult.objects.create(
        objective=objective,
        cycle=cycle,
        title=title,
        kind=kind,
        unit=(unit or "").strip(),
        start_value=start,
        target_value=target,
        signal=signal,
        weight=w,
        owner=owner,
        source=source,
        position=position,
        created_at=now,
    )
    fig = rollup.key_result_figure(kr, now)
    kr.progress = fig.value
    kr.save(update_fields=["progress", "updated_at"])
    _write_kr_revision(kr, author=acting_user, reason="Created", at=now)
    audit.record(
        actor=acting_user,
        action="key_result.create",
        subject=kr,
        data={"title": title, "objective": objective.pk},
        amendment_reason=amendment,
    )
    rollup.propagate_from_objectives([objective.pk], now=now)
    return kr


@transaction.atomic
def update_key_result(
    *,
    acting_user: Person,
    key_result: KeyResult,
    reason: str = "",
    amendment_reason: str = "",
    **changes: Any,
) -> KeyResult:
    """Change a key result's definition, keeping the old one as a revision.

    Changing how it is scored (kind, start or target) once it has check-ins needs a reason.
    ``changes`` may hold: title, kind, unit, start_value, target_value, signal, weight,
    source, state, owner.
    """
    viewer = _viewer(acting_user)
    allowed = {f.removesuffix("_id") for f in KEY_RESULT_DEFINITION_FIELDS}
    unknown = set(changes) - allowed
    if unknown:
        raise InvalidInput({f: "This field cannot be changed here." for f in sorted(unknown)})
    kr = (
        KeyResult.objects.select_for_update(of=("self",))
        .select_related("objective")
        .get(pk=key_result.pk)
    )
    if not viewer.can_edit_key_result(kr):
        raise NotAllowed("You cannot edit this key result.")
    amendment = _closed_cycle_guard(viewer, kr.cycle, amendment_reason)
    errors: dict[str, str] = {}
    merged: dict[str, Any] = {
        "title": kr.title,
        "kind": kr.kind,
        "unit": kr.unit,
        "start_value": kr.start_value,
        "target_value": kr.target_value,
        "signal": kr.signal,
        "weight": kr.weight,
        "source": kr.source,
        "state": kr.state,
    }
    merged.update({k: v for k, v in changes.items() if k != "owner"})
    merged["title"] = _text(errors, "title", merged["title"], required=True, limit=TITLE_MAX)
    start, target, w = _validate_kr(
        errors,
        kind=merged["kind"],
        start_value=merged["start_value"],
        target_value=merged["target_value"],
        weight=merged["weight"],
        signal=merged["signal"],
        source=merged["source"],
        state=merged["state"],
        unit=merged["unit"] or "",
    )
    merged.update(start_value=start, target_value=target, weight=w)
    owner = changes.get("owner", kr.owner)
    if owner is None or not owner.is_active:
        errors["owner"] = "Choose an active person to own this key result."
    has_check_ins = kr.last_check_in_at is not None or kr.check_ins.exists()
    revised = [f for f in REVISION_NEEDS_REASON if merged[f] != getattr(kr, f)]
    if revised and has_check_ins and not reason.strip():
        what = (
            "its target or scoring changes"
            if SCORING_FIELDS.intersection(revised)
            else "its definition changes"
        )
        errors["reason"] = (
            f"This key result has check-ins; say why {what} (the old definition stays in "
            "its history)."
        )
    if (
        merged["state"] == KeyResult.State.ABANDONED
        and kr.state != merged["state"]
        and not reason.strip()
    ):
        errors["reason"] = "Say why the key result is abandoned."
    if (
        merged["source"] == KeyResult.Source.CHECK_INS
        and kr.source == KeyResult.Source.ALIGNED
        and kr.child_links.contributing().exists()
    ):
        errors["source"] = (
            "Objectives contribute to this key result; change those links to 'supports' "
            "before measuring it by check-ins."
        )
    if (
        merged["source"] == KeyResult.Source.ALIGNED
        and kr.source == KeyResult.Source.CHECK_INS
        and has_check_ins
    ):
        errors["source"] = (
            "This key result already has check-ins; it cannot switch to rolling up from "
            "aligned objectives. Add a new key result instead."
        )
    if errors:
        raise InvalidInput(errors)

    before = {f: getattr(kr, f) for f in KEY_RESULT_DEFINITION_FIELDS}
    for field, value in merged.items():
        setattr(kr, field, value)
    kr.owner = owner
    after = {f: getattr(kr, f) for f in KEY_RESULT_DEFINITION_FIELDS}
    diff = {f: [before[f], after[f]] for f in KEY_RESULT_DEFINITION_FIELDS if before[f] != after[f]}
    now = timezone.now()
    kr.progress = rollup.key_result_figure(kr, now).value
    kr.save()
    if diff:
        _write_kr_revision(kr, author=acting_user, reason=reason.strip(), at=now)
    audit.record(
        actor=acting_user,
        action="key_result.update",
        subject=kr,
        data={"changes": diff, "reason": reason.strip()},
        amendment_reason=amendment,
    )
    rollup.propagate_from_objectives([kr.objective_id], now=now)
    return kr
