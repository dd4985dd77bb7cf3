"""Closing a cycle: computed grades, adjusted grades, retrospectives and carrying unfinished
key results into the next cycle.

* When HR closes a cycle (``set_cycle_state`` to closed) every key result and objective of
  that cycle gets its computed grade, in the same transaction: the final stored progress to
  two decimals (``goals.grading``), written in bulk (two reads and two writes however large
  the cycle).
* After that, close-out stays open to whoever may edit an objective or key result (its
  owner, their managers, the owning team's leads, HR), although the cycle is closed: this is
  the expected amendment, not an HR-only one.

  - An adjusted grade (0.0-1.0, two decimals) needs a reason; the computed grade is kept
    beside it. It may be changed again, or withdrawn: each change writes an audit row that
    keeps the previous grade, reason, author and time.
  - A retrospective per objective (what happened, what was in the owner's control, what was
    learned, keep / change / drop) may be rewritten; the audit row keeps the previous text.
  - An unfinished key result (progress under 100 %) can be carried into the next cycle,
    once: into an objective there that the actor may edit, or into a copy of its objective
    (made once per objective and cycle, reused for the objective's other key results). The
    new key result links back (``carried_from``), starts from the last value and keeps the
    kind, unit, target, signal, weight and owner unless told otherwise.

Every action checks the access policy, refuses bad input naming the field and writes
nothing then, and records an audit row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from lineofsight.core import audit
from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.goals import grading, scoring
from lineofsight.goals.actions._common import TEXT_MAX, TITLE_MAX, _number, _text, _viewer
from lineofsight.goals.actions.approval import approval_problem
from lineofsight.goals.actions.key_results import create_key_result
from lineofsight.goals.actions.objectives import create_objective
from lineofsight.goals.models import Cycle, KeyResult, Objective, Retrospective
from lineofsight.people.models import Person

OPEN_OBJECTIVE_STATES = (Objective.State.ACTIVE, Objective.State.DRAFT)


# ---------------------------------------------------------------------------------------
# Computed grades


@dataclass(frozen=True)
class GradingRun:
    """What storing a cycle's grades did: rows examined and rows written, per kind."""

    objectives: int
    key_results: int
    objectives_written: int
    key_results_written: int

    def as_dict(self) -> dict[str, int]:
        return {
            "objectives": self.objectives,
            "key_results": self.key_results,
            "objectives_written": self.objectives_written,
            "key_results_written": self.key_results_written,
        }


def _write_grades(model: type[Model], rows: Sequence[tuple[float | None, int]]) -> None:
    """Set ``computed_grade`` on many rows, (grade, id) pairs: one statement on PostgreSQL
    (the pairs travel as two arrays), one batched statement on SQLite."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    written = connection.ops.adapt_datetimefield_value(timezone.now())
    ordered = sorted(rows, key=lambda row: row[1])  # in key order: fewer page visits
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} AS t SET computed_grade = v.g, updated_at = %s "  # noqa: S608
                "FROM unnest(%s::bigint[], %s::double precision[]) AS v(id, g) "
                "WHERE t.id = v.id",
                [written, [pk for _, pk in ordered], [value for value, _ in ordered]],
            )
        else:
            cursor.executemany(
                f"UPDATE {table} SET computed_grade = %s, updated_at = %s "  # noqa: S608
                "WHERE id = %s",
                [(value, written, pk) for value, pk in ordered],
            )


def _changed(
    rows: Iterable[tuple[int, float | None, float | None]],
) -> list[tuple[float | None, int]]:
    """(id, wanted, stored) -> the (grade, id) pairs that differ."""
    return [(wanted, pk) for pk, wanted, stored in rows if wanted != stored]


def store_cycle_grades(cycle: Cycle) -> GradingRun:
    """Compute and store the grade of every objective and key result of ``cycle`` from their
    stored progress, inside the caller's transaction. Writes only the rows that change."""
    objectives = [
        (pk, grading.closing_grade(progress, graded=grading.objective_is_graded(state)), stored)
        for pk, progress, state, stored in Objective.objects.filter(cycle=cycle)
        .order_by()
        .values_list("pk", "progress", "state", "computed_grade")
    ]
    key_results = [
        (
            pk,
            grading.closing_grade(
                progress, graded=grading.key_result_is_graded(state, objective_state)
            ),
            stored,
        )
        for pk, progress, state, objective_state, stored in KeyResult.objects.filter(cycle=cycle)
        .order_by()
        .values_list("pk", "progress", "state", "objective__state", "computed_grade")
    ]
    objective_rows = _changed(objectives)
    key_result_rows = _changed(key_results)
    _write_grades(Objective, objective_rows)
    _write_grades(KeyResult, key_result_rows)
    return GradingRun(len(objectives), len(key_results), len(objective_rows), len(key_result_rows))


@transaction.atomic
def regrade_cycle(*, acting_user: Person | None, cycle: Cycle) -> GradingRun:
    """Recompute a closed cycle's grades from its current figures (after HR amended some).

    Adjusted grades are left as they are. Only HR admins (or the operator) regrade.
    """
    if acting_user is not None and not _viewer(acting_user).can_close_cycles():
        raise NotAllowed("Only HR admins regrade a cycle.")
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if not cycle.is_closed:
        raise InvalidInput.one(
            "state", f"{cycle.name} is {cycle.state}; grades are computed when it closes."
        )
    run = store_cycle_grades(cycle)
    audit.record(actor=acting_user, action="cycle.regrade", subject=cycle, data=run.as_dict())
    return run


# ---------------------------------------------------------------------------------------
# Adjusted grades


def _closed_for_close_out(errors: dict[str, str], cycle: Cycle, what: str) -> None:
    if not cycle.is_closed:
        errors["__all__"] = (
            f"{cycle.name} is {cycle.get_state_display().lower()}; {what} once HR closes it."
        )


def _adjusted_value(errors: dict[str, str], value: Any) -> float | None:
    number = _number(errors, "adjusted_grade", value)
    if number is None or "adjusted_grade" in errors:
        return None
    if not 0.0 <= number <= 1.0:
        errors["adjusted_grade"] = "A grade is from 0.0 to 1.0."
        return None
    return scoring.grade(number)


def _adjust(
    *,
    acting_user: Person,
    instance: Objective | KeyResult,
    cycle: Cycle,
    graded: bool,
    not_graded: str,
    adjusted_grade: Any,
    reason: str,
) -> None:
    """Validate and store an adjusted grade (None withdraws it); write the audit row."""
    errors: dict[str, str] = {}
    _closed_for_close_out(errors, cycle, "grades are adjusted")
    value = _adjusted_value(errors, adjusted_grade)
    reason = _text(errors, "reason", reason, required=True, limit=TEXT_MAX)
    if "__all__" not in errors and (not graded or instance.computed_grade is None):
        errors["__all__"] = not_graded
    if (
        (adjusted_grade is None or adjusted_grade == "")
        and "adjusted_grade" not in errors
        and instance.adjusted_grade is None
    ):
        errors["adjusted_grade"] = "Enter a grade from 0.0 to 1.0."
    if errors:
        raise InvalidInput(errors)
    before = {
        "adjusted_grade": instance.adjusted_grade,
        "reason": instance.grade_reason,
        "graded_by": instance.graded_by_id,
        "graded_at": instance.graded_at.isoformat() if instance.graded_at else None,
    }
    now = timezone.now()
    instance.adjusted_grade = value
    instance.grade_reason = reason if value is not None else ""
    instance.graded_by = acting_user if value is not None else None
    instance.graded_at = now if value is not None else None
    instance.save(
        update_fields=["adjusted_grade", "grade_reason", "graded_by", "graded_at", "updated_at"]
    )
    kind = "objective" if isinstance(instance, Objective) else "key_result"
    audit.record(
        actor=acting_user,
        action=f"{kind}.grade" if value is not None else f"{kind}.grade_withdraw",
        subject=instance,
        data={
            "computed_grade": instance.computed_grade,
            "from": before,
            "to": {"adjusted_grade": value, "reason": reason},
        },
    )


@transaction.atomic
def adjust_objective_grade(
    *, acting_user: Person, objective: Objective, adjusted_grade: Any, reason: str
) -> Objective:
    """Set (or change, or with ``adjusted_grade=None`` withdraw) an objective's adjusted
    grade, with a reason. Both grades are kept."""
    viewer = _viewer(acting_user)
    obj = (
        Objective.objects.select_for_update(of=("self",))
        .select_related("cycle", "owner_person", "owner_team__lead")
        .get(pk=objective.pk)
    )
    if not viewer.can_close_out_objective(obj):
        raise NotAllowed("Only the objective's owner and those who may edit it grade it.")
    _adjust(
        acting_user=acting_user,
        instance=obj,
        cycle=obj.cycle,
        graded=grading.objective_is_graded(obj.state),
        not_graded=grading.why_not_graded(obj.state),
        adjusted_grade=adjusted_grade,
        reason=reason,
    )
    return obj


@transaction.atomic
def adjust_key_result_grade(
    *, acting_user: Person, key_result: KeyResult, adjusted_grade: Any, reason: str
) -> KeyResult:
    """Set (or change, or with ``adjusted_grade=None`` withdraw) a key result's adjusted
    grade, with a reason. Both grades are kept."""
    viewer = _viewer(acting_user)
    kr = (
        KeyResult.objects.select_for_update(of=("self",))
        .select_related(
            "cycle", "objective__owner_person", "objective__owner_team__lead", "objective__cycle"
        )
        .get(pk=key_result.pk)
    )
    if not viewer.can_close_out_key_result(kr):
        raise NotAllowed("Only the key result's owner and those who may edit it grade it.")
    _adjust(
        acting_user=acting_user,
        instance=kr,
        cycle=kr.cycle,
        graded=grading.key_result_is_graded(kr.state, kr.objective.state),
        not_graded=grading.why_not_graded(kr.state, kr.objective.state),
        adjusted_grade=adjusted_grade,
        reason=reason,
    )
    return kr


# ---------------------------------------------------------------------------------------
# Retrospectives


@transaction.atomic
def save_retrospective(
    *,
    acting_user: Person,
    objective: Objective,
    what_happened: str,
    decision: str,
    in_control: str = "",
    learned: str = "",
) -> Retrospective:
    """Write (or rewrite) an objective's retrospective once its cycle is closed."""
    viewer = _viewer(acting_user)
    obj = (
        Objective.objects.select_for_update(of=("self",))
        .select_related("cycle", "owner_person", "owner_team__lead")
        .get(pk=objective.pk)
    )
    if not viewer.can_close_out_objective(obj):
        raise NotAllowed("Only the objective's owner and those who may edit it write this.")
    errors: dict[str, str] = {}
    _closed_for_close_out(errors, obj.cycle, "retrospectives are written")
    what_happened = _text(errors, "what_happened", what_happened, required=True, limit=TEXT_MAX)
    in_control = _text(errors, "in_control", in_control, required=False, limit=TEXT_MAX)
    learned = _text(errors, "learned", learned, required=False, limit=TEXT_MAX)
    if decision not in Retrospective.Decision.values:
        errors["decision"] = "Choose keep, change or drop."
    if errors:
        raise InvalidInput(errors)
    now = timezone.now()
    retro = Retrospective.objects.select_for_update().filter(objective=obj).first()
    before: dict[str, Any] | None = None
    if retro is None:
        retro = Retrospective(objective=obj, created_at=now)
    else:
        before = {
            "what_happened": retro.what_happened,
            "in_control": retro.in_control,
            "learned": retro.learned,
            "decision": retro.decision,
            "author": retro.author_id,
            "updated_at": retro.updated_at.isoformat(),
        }
    retro.what_happened = what_happened
    retro.in_control = in_control
    retro.learned = learned
    retro.decision = decision
    retro.author = acting_user
    retro.updated_at = now
    retro.save()
    audit.record(
        actor=acting_user,
        action="objective.retrospective",
        subject=obj,
        data={"retrospective": retro.pk, "decision": decision, "previous": before},
    )
    return retro


# ---------------------------------------------------------------------------------------
# Carrying unfinished key results over


def next_cycle(cycle: Cycle) -> Cycle | None:
    """The earliest cycle of the same kind that starts after ``cycle`` ends and is not
    closed: where its unfinished key results go."""
    return (
        Cycle.objects.filter(kind=cycle.kind, start_date__gt=cycle.end_date)
        .exclude(state=Cycle.State.CLOSED)
        .select_related("parent")
        .order_by("start_date", "pk")
        .first()
    )


def in_cycle_scope(objective: Objective, cycle: Cycle) -> bool:
    """Whether a key result of ``cycle`` may belong to the objective (its cycle, or the year
    around a quarter)."""
    return objective.cycle_id in (cycle.pk, cycle.parent_id)


def existing_copy(objective: Objective, cycle: Cycle) -> Objective | None:
    """The objective in ``cycle`` (or its year) that already took key results carried from
    ``objective``: the copy made for an earlier carry-over."""
    scope = [c for c in (cycle.pk, cycle.parent_id) if c]
    found = (
        KeyResult.objects.filter(carried_from__objective=objective, objective__cycle_id__in=scope)
        .exclude(objective__state=Objective.State.ABANDONED)
        .select_related("objective")
        .order_by("pk")
        .first()
    )
    return found.objective if found is not None else None


def _target_cycle(errors: dict[str, str], source: Cycle, cycle: Cycle | None) -> Cycle | None:
    if cycle is None:
        found = next_cycle(source)
        if found is None:
            errors["cycle"] = (
                f"No open cycle follows {source.name} yet; HR adds the next one first."
            )
        return found
    if cycle.is_closed:
        errors["cycle"] = f"{cycle.name} is closed."
    elif cycle.start_date <= source.end_date:
        errors["cycle"] = f"Choose a cycle that starts after {source.name} ends."
    elif cycle.kind != source.kind:
        kind = source.get_kind_display().lower()
        errors["cycle"] = f"Choose another {kind}: key results move to the same kind of cycle."
    return cycle


def _copy_cycle(source: Objective, target: Cycle) -> Cycle:
    """Where a copy of ``source`` goes in the target cycle: the cycle itself, or its year for a
    rolling annual objective."""
    if source.cycle.kind == Cycle.Kind.ANNUAL and target.kind == Cycle.Kind.QUARTER:
        if target.parent is None or target.parent.is_closed:
            raise InvalidInput.one(
                "cycle", f"{target.name} has no open year to hold a copy of this objective."
            )
        return target.parent
    return target


def _copy_objective(
    acting_user: Person,
    source: Objective,
    cycle: Cycle,
    at: dt.datetime,
    state: str | None = None,
) -> Objective:
    """A copy of ``source`` in ``cycle`` (see ``_copy_cycle``): active, unless ``state`` says
    otherwise or the organisation wants it approved first (then a draft)."""
    mode = source.progress_mode
    if mode == scoring.ProgressMode.CHILDREN:
        mode = scoring.ProgressMode.KEY_RESULTS  # the copy starts with key results only
    if state is None:
        waiting = approval_problem(
            _viewer(acting_user),
            level=source.level,
            owner_person=source.owner_person,
            owner_team=source.owner_team,
            author=acting_user,
        )
        state = Objective.State.DRAFT if waiting else Objective.State.ACTIVE
    return create_objective(
        state=state,
        acting_user=acting_user,
        title=source.title,
        description=source.description,
        level=source.level,
        cycle=cycle,
        owner_person=source.owner_person,
        owner_team=source.owner_team,
        visibility=source.visibility,
        commitment=source.commitment,
        rationale=source.rationale,
        progress_mode=mode,
        is_development=source.is_development,
        at=at,
    )


@dataclass(frozen=True)
class CarryPlan:
    """What carrying a key result over will create, and where: shown for confirmation, then
    applied by ``carry_over_key_result``."""

    key_result: KeyResult
    cycle: Cycle  # the cycle the new key result belongs to
    into: Objective | None  # an existing objective; None when a copy is made
    copy_cycle: Cycle | None  # where the copy of the key result's objective goes
    title: str
    start: float | None  # the value it starts from: the last reading, else the start
    target: float | None  # as given, else the key result's own
    owner: Person

    @property
    def objective_title(self) -> str:
        return self.into.title if self.into is not None else self.key_result.objective.title

    @property
    def reading(self) -> str:
        """Where the new key result starts, in words ("8 clauses (from 8 to 10 clauses)")."""
        if self.key_result.kind == scoring.KeyResultKind.MILESTONE:
            return "a milestone, not done"
        return scoring.reading_text(self.spec, None)

    @property
    def spec(self) -> scoring.KeyResultSpec:
        kr = self.key_result
        return scoring.KeyResultSpec(
            scoring.KeyResultKind(kr.kind), self.start, self.target, kr.unit
        )


def plan_carry_over(
    *,
    acting_user: Person,
    key_result: KeyResult,
    into_objective: Objective | None = None,
    cycle: Cycle | None = None,
    title: str | None = None,
    target_value: Any = None,
    owner: Person | None = None,
) -> CarryPlan:
    """Check a carry-over and say what it will create (nothing is written). Raises
    ``InvalidInput`` naming the field, or ``NotAllowed``, as the action would."""
    viewer = _viewer(acting_user)
    kr = KeyResult.objects.select_related(
        "cycle",
        "owner",
        "objective__cycle__parent",
        "objective__owner_person",
        "objective__owner_team__lead",
    ).get(pk=key_result.pk)
    if not viewer.can_close_out_key_result(kr):
        raise NotAllowed("Only the key result's owner and those who may edit it carry it over.")
    errors: dict[str, str] = {}
    _closed_for_close_out(errors, kr.cycle, "key results are carried over")
    source_objective = kr.objective
    if kr.source == KeyResult.Source.ALIGNED:
        errors["key_result"] = (
            "This key result rolls up from aligned objectives; align next cycle's objectives "
            "to a new key result instead."
        )
    elif kr.state != KeyResult.State.ACTIVE:
        errors["key_result"] = "This key result was abandoned; it is not carried over."
    elif source_objective.state == Objective.State.ABANDONED:
        errors["key_result"] = "Its objective was abandoned; it is not carried over."
    elif kr.progress >= 1.0 - 1e-9:
        errors["key_result"] = "This key result reached its target; there is nothing to carry."
    else:
        already = (
            KeyResult.objects.filter(carried_from=kr).select_related("objective", "cycle").first()
        )
        if already is not None:
            errors["key_result"] = (
                f"Already carried into {already.cycle.name}: {already.objective.title}."
            )
    if title is not None:
        _text(errors, "title", title, required=True, limit=TITLE_MAX)
    if errors:
        raise InvalidInput(errors)
    target = _target_cycle(errors, kr.cycle, cycle)
    if into_objective is not None and target is not None:
        into_objective = (
            Objective.objects.select_related("cycle", "owner_person", "owner_team__lead")
            .filter(pk=into_objective.pk)
            .first()
        )
        if into_objective is None or not in_cycle_scope(into_objective, target):
            errors["objective"] = f"Choose an objective of {target.name} (or of its year)."
        elif into_objective.state not in OPEN_OBJECTIVE_STATES:
            errors["objective"] = f"That objective is {into_objective.state}."
        elif not viewer.can_edit_objective(into_objective):
            raise NotAllowed("You cannot add key results to that objective.")
    if errors:
        raise InvalidInput(errors)
    assert target is not None
    copy_cycle = None
    if into_objective is None:
        if (
            in_cycle_scope(source_objective, target)
            and source_objective.state in OPEN_OBJECTIVE_STATES
            and not source_objective.cycle.is_closed
        ):
            into_objective = source_objective  # a rolling annual objective whose year goes on
        else:
            into_objective = existing_copy(source_objective, target)
        if into_objective is None:
            copy_cycle = _copy_cycle(source_objective, target)
    start = None
    goal = kr.target_value
    if kr.kind != scoring.KeyResultKind.MILESTONE:
        start = kr.current_value if kr.current_value is not None else kr.start_value
        if target_value is not None:
            goal = _number(errors, "target_value", target_value)
        try:
            spec = scoring.KeyResultSpec(scoring.KeyResultKind(kr.kind), start, goal, kr.unit)
            if not errors:
                scoring.validate_spec(spec)
        except scoring.SpecError as exc:
            errors[exc.field] = exc.message
        if errors:
            raise InvalidInput(errors)
    return CarryPlan(
        key_result=kr,
        cycle=target,
        into=into_objective,
        copy_cycle=copy_cycle,
        title=title if title is not None else kr.title,
        start=start,
        target=goal,
        owner=owner or kr.owner,
    )


@transaction.atomic
def carry_over_key_result(
    *,
    acting_user: Person,
    key_result: KeyResult,
    into_objective: Objective | None = None,
    cycle: Cycle | None = None,
    title: str | None = None,
    target_value: Any = None,
    owner: Person | None = None,
) -> KeyResult:
    """Carry an unfinished key result of a closed cycle into the next cycle.

    ``into_objective``: an objective of the target cycle (or its year) the actor may edit;
    without it, the key result goes into a copy of its objective there (made once, then
    reused; for a rolling annual objective whose year goes on, the objective itself).
    ``cycle`` defaults to the next cycle. ``title``, ``target_value`` and ``owner`` default
    to the key result's own. Returns the new key result, linked by ``carried_from``. What it
    will create can be shown first with ``plan_carry_over``.
    """
    KeyResult.objects.select_for_update(of=("self",)).filter(pk=key_result.pk).first()
    plan = plan_carry_over(
        acting_user=acting_user,
        key_result=key_result,
        into_objective=into_objective,
        cycle=cycle,
        title=title,
        target_value=target_value,
        owner=owner,
    )
    kr = plan.key_result
    now = timezone.now()
    into = plan.into
    if into is None:
        assert plan.copy_cycle is not None
        into = _copy_objective(acting_user, kr.objective, plan.copy_cycle, now)
    carried = create_key_result(
        acting_user=acting_user,
        objective=into,
        title=plan.title,
        kind=kr.kind,
        owner=plan.owner,
        start_value=plan.start,
        target_value=plan.target,
        unit=kr.unit,
        signal=kr.signal,
        weight=kr.weight,
        source=KeyResult.Source.CHECK_INS,
        cycle=plan.cycle,
        at=now,
    )
    KeyResult.objects.filter(pk=carried.pk).update(carried_from=kr, updated_at=timezone.now())
    carried.carried_from = kr
    audit.record(
        actor=acting_user,
        action="key_result.carry_over",
        subject=carried,
        data={
            "from": kr.pk,
            "from_cycle": kr.cycle_id,
            "cycle": plan.cycle.pk,
            "objective": into.pk,
            "copied_objective": plan.into is None,
            "start_value": plan.start,
        },
    )
    return carried
