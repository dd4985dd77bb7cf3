"""Writes to OKRs: cycles, objectives, key results, initiatives, alignment, check-ins.

Every action takes keyword-only arguments and ``acting_user``, checks the access policy and
its input before touching anything, runs in one transaction, writes an audit row and keeps
the stored roll-ups current. Bad input raises ``InvalidInput`` naming the field; a refused
change raises ``NotAllowed``. Either way nothing has been written.

In a closed cycle only HR may change anything, and must say why (``amendment_reason``); the
reason is kept on the audit row (and on the check-in, for readings).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from lineofsight.core import audit
from lineofsight.core.access import Viewer
from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.goals import rollup, scoring
from lineofsight.goals.alignment import check_link
from lineofsight.goals.models import (
    AlignmentLink,
    CheckIn,
    Cycle,
    Initiative,
    KeyResult,
    KeyResultRevision,
    Objective,
    ObjectiveRevision,
)
from lineofsight.people.models import Person, Team

TITLE_MAX = 300
TEXT_MAX = 10_000


# ---------------------------------------------------------------------------------------
# Shared checks


def _viewer(acting_user: Person) -> Viewer:
    if acting_user is None or not acting_user.is_authenticated or not acting_user.is_active:
        raise NotAllowed("Sign in first.")
    return Viewer.of(acting_user)


def _closed_cycle_guard(viewer: Viewer, cycle: Cycle, amendment_reason: str) -> str:
    """Refuse writes in a closed cycle unless HR gives a reason; return that reason."""
    if not cycle.is_closed:
        return ""
    if not viewer.is_hr:
        raise NotAllowed(f"{cycle.name} is closed; only HR can amend it.")
    if not amendment_reason.strip():
        raise InvalidInput.one(
            "amendment_reason", f"{cycle.name} is closed; say why you are amending it."
        )
    return amendment_reason.strip()


def _text(errors: dict[str, str], field: str, value: str, *, required: bool, limit: int) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[field] = "This field is required."
    elif len(value) > limit:
        errors[field] = f"Keep it under {limit} characters (it has {len(value)})."
    return value


def _number(
    errors: dict[str, str], field: str, value: Any, *, positive: bool = False
) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        errors[field] = "Enter a number."
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        errors[field] = f"{value!r} is not a number."
        return None
    if not math.isfinite(number):
        errors[field] = "Enter a finite number."
        return None
    if positive and number <= 0:
        errors[field] = "Must be greater than zero."
        return None
    if abs(number) > 1e15:
        errors[field] = "That number is too large."
        return None
    return number


def _choice(errors: dict[str, str], field: str, value: str, choices: list[str]) -> str:
    if value not in choices:
        errors[field] = f"Choose one of: {', '.join(choices)}."
    return value


# ---------------------------------------------------------------------------------------
# Cycles


@transaction.atomic
def create_cycle(
    *,
    acting_user: Person | None,
    name: str,
    kind: str,
    start_date: dt.date,
    end_date: dt.date,
    parent: Cycle | None = None,
    state: str = Cycle.State.PLANNING,
) -> Cycle:
    if acting_user is not None and not _viewer(acting_user).is_hr:
        raise NotAllowed("Only HR admins manage cycles.")
    errors: dict[str, str] = {}
    name = _text(errors, "name", name, required=True, limit=100)
    _choice(errors, "kind", kind, Cycle.Kind.values)
    _choice(errors, "state", state, Cycle.State.values)
    if name and Cycle.objects.filter(name__iexact=name).exists():
        errors["name"] = f"A cycle called {name!r} exists already."
    if end_date < start_date:
        errors["end_date"] = "The cycle must end on or after the day it starts."
    if kind == Cycle.Kind.ANNUAL and parent is not None:
        errors["parent"] = "An annual cycle does not sit inside another cycle."
    if kind == Cycle.Kind.QUARTER:
        if parent is None:
            errors["parent"] = "Choose the year this quarter belongs to."
        elif parent.kind != Cycle.Kind.ANNUAL:
            errors["parent"] = "A quarter sits inside an annual cycle."
        elif start_date < parent.start_date or end_date > parent.end_date:
            errors["start_date"] = (
                f"A quarter of {parent.name} must lie between {parent.start_date} and "
                f"{parent.end_date}."
            )
        elif Cycle.objects.filter(
            parent=parent, start_date__lte=end_date, end_date__gte=start_date
        ).exists():
            errors["start_date"] = f"This quarter overlaps another quarter of {parent.name}."
    if errors:
        raise InvalidInput(errors)
    cycle = Cycle.objects.create(
        name=name, kind=kind, start_date=start_date, end_date=end_date, parent=parent, state=state
    )
    audit.record(actor=acting_user, action="cycle.create", subject=cycle, data={"name": name})
    return cycle


_CYCLE_ORDER = [Cycle.State.PLANNING, Cycle.State.ACTIVE, Cycle.State.CLOSED]


@transaction.atomic
def set_cycle_state(*, acting_user: Person | None, cycle: Cycle, state: str) -> Cycle:
    """Move a cycle forward: planning > active > closed. Closing freezes its OKRs."""
    if acting_user is not None and not _viewer(acting_user).is_hr:
        raise NotAllowed("Only HR admins open and close cycles.")
    errors: dict[str, str] = {}
    _choice(errors, "state", state, Cycle.State.values)
    if errors:
        raise InvalidInput(errors)
    if _CYCLE_ORDER.index(Cycle.State(state)) <= _CYCLE_ORDER.index(Cycle.State(cycle.state)):
        raise InvalidInput.one("state", f"{cycle.name} is {cycle.state}; cycles only move forward.")
    old = cycle.state
    cycle.state = state
    if state == Cycle.State.CLOSED:
        cycle.closed_at = timezone.now()
        cycle.closed_by = acting_user
    cycle.save()
    audit.record(
        actor=acting_user, action="cycle.set_state", subject=cycle, data={"from": old, "to": state}
    )
    return cycle


# ---------------------------------------------------------------------------------------
# Objectives

OBJECTIVE_DEFINITION_FIELDS = (
    "title",
    "description",
    "state",
    "commitment",
    "visibility",
    "progress_mode",
    "rationale",
)


def _write_objective_revision(
    objective: Objective, *, author: Person | None, reason: str, at: dt.datetime
) -> ObjectiveRevision:
    number = (
        objective.revisions.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    return ObjectiveRevision.objects.create(
        objective=objective,
        number=number,
        author=author,
        reason=reason,
        valid_from=at,
        **{f: getattr(objective, f) for f in OBJECTIVE_DEFINITION_FIELDS},
    )


def _may_own(
    viewer: Viewer, *, level: str, owner_person: Person | None, owner_team: Team | None
) -> bool:
    """Whether the viewer may create or edit objectives for this owner and level."""
    if viewer.is_hr:
        return True
    if level == Objective.Level.COMPANY and not viewer.person.is_executive:
        return False
    probe = Objective(level=level, owner_person=owner_person, owner_team=owner_team)
    return viewer.can_edit_objective(probe)


def _validate_objective_fields(
    errors: dict[str, str],
    *,
    level: str,
    owner_person: Person | None,
    owner_team: Team | None,
    visibility: str,
    state: str,
    commitment: str,
    progress_mode: str,
) -> None:
    _choice(errors, "level", level, Objective.Level.values)
    _choice(errors, "visibility", visibility, Objective.Visibility.values)
    _choice(errors, "state", state, Objective.State.values)
    _choice(errors, "commitment", commitment, Objective.Commitment.values)
    _choice(errors, "progress_mode", progress_mode, Objective.ProgressMode.values)
    if (owner_person is None) == (owner_team is None):
        errors["owner"] = "Choose one owner: a person or a team."
    elif level == Objective.Level.INDIVIDUAL and owner_person is None:
        errors["owner"] = "An individual objective is owned by a person."
    elif owner_person is not None and not owner_person.is_active:
        errors["owner"] = f"{owner_person.name} is no longer active."


@transaction.atomic
def create_objective(
    *,
    acting_user: Person,
    title: str,
    level: str,
    cycle: Cycle,
    owner_person: Person | None = None,
    owner_team: Team | None = None,
    description: str = "",
    visibility: str = Objective.Visibility.PUBLIC,
    state: str = Objective.State.ACTIVE,
    commitment: str = Objective.Commitment.ASPIRATIONAL,
    rationale: str = "",
    progress_mode: str = scoring.ProgressMode.KEY_RESULTS,
    amendment_reason: str = "",
    at: dt.datetime | None = None,
) -> Objective:
    viewer = _viewer(acting_user)
    errors: dict[str, str] = {}
    title = _text(errors, "title", title, required=True, limit=TITLE_MAX)
    description = _text(errors, "description", description, required=False, limit=TEXT_MAX)
    rationale = _text(errors, "rationale", rationale, required=False, limit=TEXT_MAX)
    _validate_objective_fields(
        errors,
        level=level,
        owner_person=owner_person,
        owner_team=owner_team,
        visibility=visibility,
        state=state,
        commitment=commitment,
        progress_mode=progress_mode,
    )
    if state in (Objective.State.CLOSED, Objective.State.ABANDONED):
        errors["state"] = "A new objective starts as a draft or active."
    if errors:
        raise InvalidInput(errors)
    if not _may_own(viewer, level=level, owner_person=owner_person, owner_team=owner_team):
        raise NotAllowed("You cannot set objectives for that owner at that level.")
    reason = _closed_cycle_guard(viewer, cycle, amendment_reason)
    now = at or timezone.now()
    objective = Objective.objects.create(
        title=title,
        description=description,
        level=level,
        cycle=cycle,
        owner_person=owner_person,
        owner_team=owner_team,
        visibility=visibility,
        state=state,
        commitment=commitment,
        rationale=rationale,
        progress_mode=progress_mode,
        created_by=acting_user,
        created_at=now,
        updated_at=now,
        progress_updated_at=now,
    )
    _write_objective_revision(objective, author=acting_user, reason="Created", at=now)
    audit.record(
        actor=acting_user,
        action="objective.create",
        subject=objective,
        data={"title": title, "cycle": cycle.pk},
        amendment_reason=reason,
    )
    return objective


@transaction.atomic
def update_objective(
    *,
    acting_user: Person,
    objective: Objective,
    reason: str = "",
    amendment_reason: str = "",
    owner_person: Person | None = None,
    owner_team: Team | None = None,
    **changes: Any,
) -> Objective:
    """Change an objective's definition, keeping the previous one as a revision.

    ``changes`` may hold any of: title, description, state, commitment, visibility,
    progress_mode, rationale. Passing an owner replaces the current owner.
    """
    viewer = _viewer(acting_user)
    unknown = set(changes) - set(OBJECTIVE_DEFINITION_FIELDS)
    if unknown:
        raise InvalidInput({f: "This field cannot be changed here." for f in sorted(unknown)})
    objective = Objective.objects.select_for_update(of=("self",)).get(pk=objective.pk)
    if not viewer.can_edit_objective(objective):
        raise NotAllowed("You cannot edit this objective.")
    amendment = _closed_cycle_guard(viewer, objective.cycle, amendment_reason)
    errors: dict[str, str] = {}
    if "title" in changes:
        changes["title"] = _text(errors, "title", changes["title"], required=True, limit=TITLE_MAX)
    for field in ("description", "rationale"):
        if field in changes:
            changes[field] = _text(errors, field, changes[field], required=False, limit=TEXT_MAX)
    new_person = owner_person if (owner_person or owner_team) else objective.owner_person
    new_team = owner_team if (owner_person or owner_team) else objective.owner_team
    _validate_objective_fields(
        errors,
        level=objective.level,
        owner_person=new_person,
        owner_team=new_team,
        visibility=changes.get("visibility", objective.visibility),
        state=changes.get("state", objective.state),
        commitment=changes.get("commitment", objective.commitment),
        progress_mode=changes.get("progress_mode", objective.progress_mode),
    )
    if changes.get("state") == Objective.State.ABANDONED and not reason.strip():
        errors["reason"] = "Say why the objective is abandoned; the reason stays in its history."
    if errors:
        raise InvalidInput(errors)
    if (owner_person or owner_team) and not _may_own(
        viewer, level=objective.level, owner_person=new_person, owner_team=new_team
    ):
        raise NotAllowed("You cannot hand this objective to that owner.")

    before = {f: getattr(objective, f) for f in OBJECTIVE_DEFINITION_FIELDS}
    for field, value in changes.items():
        setattr(objective, field, value)
    objective.owner_person = new_person
    objective.owner_team = new_team
    after = {f: getattr(objective, f) for f in OBJECTIVE_DEFINITION_FIELDS}
    diff = {f: [before[f], after[f]] for f in OBJECTIVE_DEFINITION_FIELDS if before[f] != after[f]}
    now = timezone.now()
    objective.updated_at = now
    objective.save()
    if diff or owner_person or owner_team:
        _write_objective_revision(objective, author=acting_user, reason=reason.strip(), at=now)
    audit.record(
        actor=acting_user,
        action="objective.update",
        subject=objective,
        data={"changes": diff, "reason": reason.strip()},
        amendment_reason=amendment,
    )
    if {"progress_mode", "state"} & set(diff):
        rollup.propagate_from_objectives([objective.pk], now=now)
        # A state change also changes whether this objective counts in its parents.
        _propagate_parents_of(objective.pk, now)
    return objective


def _propagate_parents_of(objective_id: int, now: dt.datetime) -> None:
    rollup.propagate(rollup.parents_of(objective_id), now=now)


# ---------------------------------------------------------------------------------------
# Key results

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
    kr.save(update_fields=["progress"])
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
    scoring_changed = any(merged[f] != getattr(kr, f) for f in SCORING_FIELDS)
    if scoring_changed and has_check_ins and not reason.strip():
        errors["reason"] = (
            "This key result has check-ins; say why its target or scoring changes "
            "(the old definition stays in its history)."
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


# ---------------------------------------------------------------------------------------
# Check-ins


@transaction.atomic
def record_check_in(
    *,
    acting_user: Person,
    key_result: KeyResult,
    confidence: str,
    value: Any = None,
    done: bool | None = None,
    blockers: str = "",
    note: str = "",
    amendment_reason: str = "",
    at: dt.datetime | None = None,
) -> CheckIn:
    """Append a reading to a key result and roll its progress up the cascade."""
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
    blockers = _text(errors, "blockers", blockers, required=False, limit=TEXT_MAX)
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
        blockers=blockers,
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
    )
    audit.record(
        actor=acting_user,
        action="check_in.record",
        subject=check_in,
        data={"key_result": kr.pk, "value": reading.value, "done": reading.done},
        amendment_reason=amendment,
    )
    rollup.propagate_from_objectives([kr.objective_id], now=now)
    return check_in


# ---------------------------------------------------------------------------------------
# Initiatives

_url = URLValidator(schemes=["http", "https"])


def _validate_initiative(
    errors: dict[str, str], *, title: str, state: str, link: str
) -> tuple[str, str]:
    title = _text(errors, "title", title, required=True, limit=TITLE_MAX)
    _choice(errors, "state", state, Initiative.State.values)
    link = (link or "").strip()
    if link:
        try:
            _url(link)
        except ValidationError:
            errors["link"] = "Enter a full web address starting with http:// or https://."
    return title, link


@transaction.atomic
def create_initiative(
    *,
    acting_user: Person,
    key_result: KeyResult,
    title: str,
    owner: Person,
    state: str = Initiative.State.PLANNED,
    link: str = "",
    amendment_reason: str = "",
) -> Initiative:
    viewer = _viewer(acting_user)
    kr = KeyResult.objects.select_related("objective", "cycle").get(pk=key_result.pk)
    if not viewer.can_check_in(kr):
        raise NotAllowed("You cannot add initiatives to this key result.")
    amendment = _closed_cycle_guard(viewer, kr.cycle, amendment_reason)
    errors: dict[str, str] = {}
    title, link = _validate_initiative(errors, title=title, state=state, link=link)
    if owner is None or not owner.is_active:
        errors["owner"] = "Choose an active person to own this initiative."
    if errors:
        raise InvalidInput(errors)
    initiative = Initiative.objects.create(
        key_result=kr, title=title, owner=owner, state=state, link=link
    )
    audit.record(
        actor=acting_user,
        action="initiative.create",
        subject=initiative,
        data={"title": title, "key_result": kr.pk},
        amendment_reason=amendment,
    )
    return initiative


@transaction.atomic
def update_initiative(
    *,
    acting_user: Person,
    initiative: Initiative,
    title: str | None = None,
    owner: Person | None = None,
    state: str | None = None,
    link: str | None = None,
    amendment_reason: str = "",
) -> Initiative:
    viewer = _viewer(acting_user)
    initiative = Initiative.objects.select_related(
        "key_result__objective", "key_result__cycle"
    ).get(pk=initiative.pk)
    if not viewer.can_edit_initiative(initiative):
        raise NotAllowed("You cannot edit this initiative.")
    amendment = _closed_cycle_guard(viewer, initiative.key_result.cycle, amendment_reason)
    errors: dict[str, str] = {}
    new_title, new_link = _validate_initiative(
        errors,
        title=initiative.title if title is None else title,
        state=initiative.state if state is None else state,
        link=initiative.link if link is None else link,
    )
    if owner is not None and not owner.is_active:
        errors["owner"] = "Choose an active person to own this initiative."
    if errors:
        raise InvalidInput(errors)
    before = {
        "title": initiative.title,
        "state": initiative.state,
        "link": initiative.link,
        "owner": initiative.owner_id,
    }
    initiative.title = new_title
    initiative.link = new_link
    if state is not None:
        initiative.state = state
    if owner is not None:
        initiative.owner = owner
    initiative.updated_at = timezone.now()
    initiative.save()
    after = {
        "title": initiative.title,
        "state": initiative.state,
        "link": initiative.link,
        "owner": initiative.owner_id,
    }
    audit.record(
        actor=acting_user,
        action="initiative.update",
        subject=initiative,
        data={k: [before[k], after[k]] for k in before if before[k] != after[k]},
        amendment_reason=amendment,
    )
    return initiative


# ---------------------------------------------------------------------------------------
# Alignment


def _parent_visible(
    viewer: Viewer, parent_objective: Objective | None, parent_key_result: KeyResult | None
) -> bool:
    target = parent_objective.pk if parent_objective else parent_key_result.objective_id  # type: ignore[union-attr]
    return Objective.objects.filter(viewer.objective_filter()).filter(pk=target).exists()


def _create_link(
    *,
    acting_user: Person,
    child: Objective,
    parent_objective: Objective | None,
    parent_key_result: KeyResult | None,
    kind: str,
    weight: float,
    now: dt.datetime,
    amendment: str,
) -> AlignmentLink:
    link = AlignmentLink.objects.create(
        child=child,
        parent_objective=parent_objective,
        parent_key_result=parent_key_result,
        target_id=(
            parent_objective.pk if parent_objective else parent_key_result.objective_id  # type: ignore[union-attr]
        ),
        kind=kind,
        weight=weight,
        created_at=now,
        created_by=acting_user,
    )
    audit.record(
        actor=acting_user,
        action="alignment.create",
        subject=link,
        data={
            "child": child.pk,
            "parent_objective": parent_objective and parent_objective.pk,
            "parent_key_result": parent_key_result and parent_key_result.pk,
            "kind": kind,
            "weight": weight,
        },
        amendment_reason=amendment,
    )
    return link


def _end_link(
    *, acting_user: Person, link: AlignmentLink, reason: str, now: dt.datetime, amendment: str
) -> None:
    link.ended_at = now
    link.ended_by = acting_user
    link.end_reason = reason.strip()[:TEXT_MAX]
    link.save(update_fields=["ended_at", "ended_by", "end_reason"])
    audit.record(
        actor=acting_user,
        action="alignment.end",
        subject=link,
        data={"reason": link.end_reason},
        amendment_reason=amendment,
    )


def _refresh_parent(link: AlignmentLink, now: dt.datetime) -> None:
    """Recompute the parent a contributing link feeds (after it started or ended)."""
    if link.parent_key_result_id:
        rollup.propagate([("key_result", link.parent_key_result_id)], now=now)
    elif link.parent_objective_id:
        rollup.propagate([("objective", link.parent_objective_id)], now=now)


@transaction.atomic
def align_objective(
    *,
    acting_user: Person,
    child: Objective,
    parent_objective: Objective | None = None,
    parent_key_result: KeyResult | None = None,
    kind: str = scoring.LinkKind.CONTRIBUTES,
    weight: Any = 1.0,
    amendment_reason: str = "",
    at: dt.datetime | None = None,
) -> AlignmentLink:
    """Align ``child`` to a parent objective or key result at its level or above."""
    viewer = _viewer(acting_user)
    child = (
        Objective.objects.select_for_update(of=("self",)).select_related("cycle").get(pk=child.pk)
    )
    if not viewer.can_edit_objective(child):
        raise NotAllowed("You cannot change this objective's alignment.")
    amendment = _closed_cycle_guard(viewer, child.cycle, amendment_reason)
    errors: dict[str, str] = {}
    _choice(errors, "kind", kind, AlignmentLink.Kind.values)
    w = _number(errors, "weight", weight, positive=True)
    if "weight" not in errors and w is None:
        errors["weight"] = "Enter a weight greater than zero."
    if parent_objective is None and parent_key_result is None:
        errors["parent"] = "Choose the objective or key result this aligns to."
    elif not _parent_visible(viewer, parent_objective, parent_key_result):
        field = "parent_objective" if parent_objective else "parent_key_result"
        errors[field] = "No such objective or key result."
    if errors:
        raise InvalidInput(errors)
    errors = check_link(
        child=child,
        parent_objective=parent_objective,
        parent_key_result=parent_key_result,
        kind=kind,
    )
    if errors:
        raise InvalidInput(errors)
    assert w is not None
    now = at or timezone.now()
    link = _create_link(
        acting_user=acting_user,
        child=child,
        parent_objective=parent_objective,
        parent_key_result=parent_key_result,
        kind=kind,
        weight=w,
        now=now,
        amendment=amendment,
    )
    if kind == scoring.LinkKind.CONTRIBUTES:
        _refresh_parent(link, now)
    return link


def _can_change_link(viewer: Viewer, link: AlignmentLink) -> bool:
    if viewer.can_edit_objective(link.child):
        return True
    parent = link.parent_objective or link.parent_key_result.objective  # type: ignore[union-attr]
    return viewer.can_edit_objective(parent)


@transaction.atomic
def end_alignment(
    *, acting_user: Person, link: AlignmentLink, reason: str = "", amendment_reason: str = ""
) -> AlignmentLink:
    """Remove a link. It is ended, not deleted, so past roll-ups stay reproducible."""
    viewer = _viewer(acting_user)
    link = (
        AlignmentLink.objects.select_for_update(of=("self",))
        .select_related("child__cycle")
        .get(pk=link.pk)
    )
    if not _can_change_link(viewer, link):
        raise NotAllowed("You cannot change this alignment.")
    if link.ended_at is not None:
        raise InvalidInput.one("link", "This alignment was already removed.")
    amendment = _closed_cycle_guard(viewer, link.child.cycle, amendment_reason)
    now = timezone.now()
    _end_link(acting_user=acting_user, link=link, reason=reason, now=now, amendment=amendment)
    if link.kind == scoring.LinkKind.CONTRIBUTES:
        _refresh_parent(link, now)
    return link


@transaction.atomic
def change_alignment(
    *,
    acting_user: Person,
    link: AlignmentLink,
    kind: str | None = None,
    weight: Any = None,
    reason: str = "",
    amendment_reason: str = "",
) -> AlignmentLink:
    """Change a link's kind or weight: the old link ends and a new one starts at once."""
    viewer = _viewer(acting_user)
    link = (
        AlignmentLink.objects.select_for_update(of=("self",))
        .select_related("child__cycle", "parent_objective", "parent_key_result__objective")
        .get(pk=link.pk)
    )
    if not _can_change_link(viewer, link):
        raise NotAllowed("You cannot change this alignment.")
    if link.ended_at is not None:
        raise InvalidInput.one("link", "This alignment was removed; create a new one.")
    amendment = _closed_cycle_guard(viewer, link.child.cycle, amendment_reason)
    new_kind = kind or link.kind
    errors: dict[str, str] = {}
    _choice(errors, "kind", new_kind, AlignmentLink.Kind.values)
    new_weight = (
        link.weight if weight in (None, "") else _number(errors, "weight", weight, positive=True)
    )
    if errors:
        raise InvalidInput(errors)
    assert new_weight is not None
    if new_kind == link.kind and new_weight == link.weight:
        return link
    errors = check_link(
        child=link.child,
        parent_objective=link.parent_objective,
        parent_key_result=link.parent_key_result,
        kind=new_kind,
        ignore_link_id=link.pk,
    )
    if errors:
        raise InvalidInput(errors)
    now = timezone.now()
    _end_link(
        acting_user=acting_user,
        link=link,
        reason=reason or "Changed kind or weight",
        now=now,
        amendment=amendment,
    )
    new_link = _create_link(
        acting_user=acting_user,
        child=link.child,
        parent_objective=link.parent_objective,
        parent_key_result=link.parent_key_result,
        kind=new_kind,
        weight=new_weight,
        now=now,
        amendment=amendment,
    )
    _refresh_parent(new_link, now)
    return new_link
