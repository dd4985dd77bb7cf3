"""Check-ins: recording a reading on a key result, which updates its latest figures and rolls
its progress up the cascade in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from lineofsight.core import audit, rows
from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.core.models import AuditEvent
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
    # Sent together (one round trip on PostgreSQL): lock the key result with its objective
    # and cycle (all the owner checking in needs; anyone else loads the objective's owners
    # for the policy), then lock and read what its objective feeds, for the roll-up below. A
    # key result never changes objective.
    with rows.pipeline():
        locked = rows.read(KeyResult, key_result.pk, related=("objective", "cycle"), lock=True)
        climb = rollup.climb_from([("objective", key_result.objective_id)])
        kr = locked()
    if kr is None:
        raise KeyResult.DoesNotExist("The key result no longer exists.")
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
    # The figures above the key result, scored with its new progress before anything is
    # written, so that the reading, the key result, the audit row and those figures are
    # written together: in one statement on PostgreSQL (each statement is a round trip).
    figures = rollup.plan(
        [("objective", kr.objective_id)],
        now=now,
        changed={("key_result", kr.pk): figure.value},
        climb=climb,
    )
    written = timezone.now()
    fields = {
        "key_result_id": kr.pk,
        "value": reading.value,
        "done": reading.done,
        "confidence": confidence,
        "note": note,
        "author_id": acting_user.pk,
        "recorded_at": now,
        "progress": figure.value,
        "amendment_reason": amendment,
        "updated_at": written,
    }
    latest = {
        "current_value": reading.value,
        "done": bool(reading.done),
        "progress": figure.value,
        "confidence": confidence,
        "last_check_in_at": now,
        "updated_at": written,
    }
    event = audit.fields(
        actor=acting_user,
        action="check_in.record",
        subject_type=CheckIn._meta.label_lower,
        data={"key_result": kr.pk, "value": reading.value, "done": reading.done},
        amendment_reason=amendment,
    )
    check_in = rows.loaded(CheckIn, _write(figures, fields, kr.pk, latest, event), **fields)
    if raised:
        create_blockers(acting_user=acting_user, check_in=check_in, blockers=raised, at=now)
    check_in_recorded.send(sender=CheckIn, check_in=check_in, by=acting_user)
    return check_in


def _write(
    figures: rollup.Figures,
    check_in: dict[str, Any],
    key_result_id: int,
    latest: dict[str, Any],
    event: dict[str, Any],
) -> int:
    """Write a check-in, its key result's latest figures, its audit row and the figures it
    changed above; the check-in's id. On PostgreSQL, one statement (its parts see the same
    snapshot and touch different rows, each locked already); elsewhere, one per part."""
    statements = figures.statements()
    if connection.vendor == "postgresql":
        parts = [(f"f{n}", sql, params) for n, (sql, params) in enumerate(statements)]
        parts.append(("ci", *rows.insert(CheckIn, check_in)))
        parts.append(("kr", *rows.update(KeyResult, key_result_id, latest)))
        parts.append(
            ("ev", *rows.insert(AuditEvent, event, computed={"subject_id": "ci.id"}, source="ci"))
        )
        sql = "WITH " + ", ".join(f"{name} AS ({part})" for name, part, _ in parts)
        params = [p for _name, _part, part_params in parts for p in part_params]
        with connection.cursor() as cursor:
            cursor.execute(sql + " SELECT id FROM ci", params)  # noqa: S608
            return int(cursor.fetchone()[0])
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
        cursor.execute(*rows.insert(CheckIn, check_in))
        pk = int(cursor.fetchone()[0])
        cursor.execute(*rows.update(KeyResult, key_result_id, latest))
        cursor.execute(*rows.insert(AuditEvent, {**event, "subject_id": pk}))
    return pk
