"""Check-ins: recording a reading on a key result, which updates its latest figures and rolls
its progress up the cascade in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from lineofsight.core import audit
from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.goals import rollup, scoring
from lineofsight.goals.actions._common import (
    TEXT_MAX,
    _choice,
    _closed_cycle_guard,
    _number,
    _text,
    _viewer,
)
from lineofsight.goals.actions.blockers import BlockerInput, clean_blockers, create_blockers
from lineofsight.goals.models import CheckIn, KeyResult, Objective
from lineofsight.goals.signals import check_in_recorded
from lineofsight.people.models import Person


@transaction.atomic
def record_check_in(
    *,
    acting_user: Person,
    key_result: KeyResult,
    confidence: str,
    value: Any = None,
    done: bool | None = None,
    blockers: str | Sequence[BlockerInput] = "",
    note: str = "",
    amendment_reason: str = "",
    at: dt.datetime | None = None,
) -> CheckIn:
    """Append a reading to a key result and roll its progress up the cascade, raising the
    blockers given (a plain text is one unassigned blocker)."""
    viewer = _viewer(acting_user)
    # The owner checking in (the common case) needs nothing more than the key result, its
    # objective and cycle; anyone else loads the objective's owners for the policy.
    kr = (
        KeyResult.objects.select_for_update(of=("self",))
        .select_related("objective", "cycle")
        .get(pk=key_result.pk)
    )
    if not viewer.can_check_in(kr):
        raise NotAllowed("Only the key result's owner and the objective's editors check in.")
    amendment = _closed_cycle_guard(viewer, kr.cycle, amendment_reason)
    errors: dict[str, str] = {}
    _choice(errors, "confidence", confidence, KeyResult.Confidence.values)
    raised = clean_blockers(errors, blockers, kr)
    note = _text(errors, "note", note, required=False, limit=TEXT_MAX)
    number = _number(errors, "value", value)
    if kr.source == KeyResult.Source.ALIGNED:
        errors["key_result"] = (
            "This key result rolls up from the objectives aligned to it; check in on those."
        )
    elif kr.state != KeyResult.State.ACTIVE:
        errors["key_result"] = "This key result was abandoned; it takes no more check-ins."
    elif kr.objective.state in (Objective.State.ABANDONED, Objective.State.CLOSED):
        errors["key_result"] = f"The objective is {kr.objective.state}; it takes no more check-ins."
    elif "value" not in errors:
        spec = kr.spec()
        reading = scoring.Reading(number, done if spec.kind == "milestone" else None)
        try:
            scoring.validate_reading(spec, reading)
        except scoring.SpecError as exc:
            errors[exc.field] = exc.message
    if errors:
        raise InvalidInput(errors)
    now = at or timezone.now()
    milestone = kr.kind == scoring.KeyResultKind.MILESTONE
    reading = scoring.Reading(None if milestone else number, bool(done) if milestone else None, now)
    figure = scoring.key_result_progress(kr.spec(), reading, subject=kr.title, as_of=now)
    check_in = CheckIn.objects.create(
        key_result=kr,
        value=reading.value,
        done=reading.done,
        confidence=confidence,
        note=note,
        author=acting_user,
        recorded_at=now,
        progress=figure.value,
        amendment_reason=amendment,
    )
    KeyResult.objects.filter(pk=kr.pk).update(
        current_value=reading.value,
        done=bool(reading.done),
        progress=figure.value,
        confidence=confidence,
        last_check_in_at=now,
        updated_at=timezone.now(),
    )
    audit.record(
        actor=acting_user,
        action="check_in.record",
        subject=check_in,
        data={"key_result": kr.pk, "value": reading.value, "done": reading.done},
        amendment_reason=amendment,
    )
    if raised:
        create_blockers(acting_user=acting_user, check_in=check_in, blockers=raised, at=now)
    rollup.propagate_from_objectives([kr.objective_id], now=now)
    check_in_recorded.send(sender=CheckIn, check_in=check_in, by=acting_user)
    return check_in
