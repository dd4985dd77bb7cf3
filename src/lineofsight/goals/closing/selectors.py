"""Reads for closing a cycle, always through the access policy.

Grades with their verdicts, retrospectives and carry-over links for the objective page and
the close-out page; a cycle's grade summary and what closing it will freeze; calibrated
confidence for a person or a team. Each function runs a fixed number of queries whatever the
size of the organisation; what the viewer may not see is left out (or, in a calibration,
counted without its title).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import BooleanField, Case, Count, Q, QuerySet, Value, When
from django.db.models.expressions import Combinable

from lineofsight.core.errors import NotFound
from lineofsight.core.parsing import as_id
from lineofsight.goals import grading
from lineofsight.goals.access import GoalViewer
from lineofsight.goals.actions.closing import (
    OPEN_OBJECTIVE_STATES,
    existing_copy,
    in_cycle_scope,
    next_cycle,
)
from lineofsight.goals.models import CheckIn, Cycle, KeyResult, Objective, Retrospective
from lineofsight.people.models import Membership, Person, Team

HIDDEN_KEY_RESULT = "A key result you cannot see"
CARRY_TARGETS_LIMIT = 50


# ---------------------------------------------------------------------------------------
# Grades as the pages show them


@dataclass
class GradeView:
    """A key result's or an objective's grades, with the words the pages use."""

    computed: float | None
    adjusted: float | None
    reason: str
    graded_by: Person | None
    graded_at: dt.datetime | None
    commitment: str
    cycle: Cycle
    not_graded: str = ""

    @property
    def open(self) -> bool:
        """Grading is open: the cycle is closed and there is a computed grade to adjust."""
        return self.cycle.is_closed and self.computed is not None

    @property
    def verdict(self) -> grading.Verdict | None:
        if self.computed is None:
            return None
        return grading.verdict(self.commitment, self.computed)

    @property
    def adjusted_verdict(self) -> grading.Verdict | None:
        if self.adjusted is None:
            return None
        return grading.verdict(self.commitment, self.adjusted, adjusted=True)

    @property
    def pending(self) -> str:
        """Why there is no grade yet, while the cycle runs."""
        if self.cycle.is_closed:
            return self.not_graded or "Not graded."
        return f"Graded when {self.cycle.name} closes."


def grade_view(
    subject: Objective | KeyResult,
    *,
    commitment: str,
    cycle: Cycle,
    not_graded: str,
    people: dict[int, Person],
) -> GradeView:
    return GradeView(
        computed=subject.computed_grade,
        adjusted=subject.adjusted_grade,
        reason=subject.grade_reason,
        graded_by=people.get(subject.graded_by_id) if subject.graded_by_id else None,
        graded_at=subject.graded_at,
        commitment=commitment,
        cycle=cycle,
        not_graded=not_graded,
    )


def _visible(user: Person, prefix: str) -> Combinable:
    """An annotation: whether the viewer may see the row's objective (through ``prefix``)."""
    condition = GoalViewer.of(user).objective_filter(prefix)
    if not condition:  # HR: everything
        return Value(True, output_field=BooleanField())
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


def people_by_id(ids: Iterable[int | None]) -> dict[int, Person]:
    wanted = {pk for pk in ids if pk}
    return Person.objects.in_bulk(wanted) if wanted else {}


def objective_grade(objective: Objective, people: dict[int, Person]) -> GradeView:
    return grade_view(
        objective,
        commitment=objective.commitment,
        cycle=objective.cycle,
        not_graded=grading.why_not_graded(objective.state),
        people=people,
    )


def key_result_grade(kr: KeyResult, objective: Objective, people: dict[int, Person]) -> GradeView:
    return grade_view(
        kr,
        commitment=objective.commitment,
        cycle=kr.cycle,
        not_graded=grading.why_not_graded(kr.state, objective.state),
        people=people,
    )


# ---------------------------------------------------------------------------------------
# Carry-over links


@dataclass
class CarryLinks:
    """Where a key result came from and where it went, as far as the viewer may see."""

    carried_from: KeyResult | None = None
    carried_into: list[KeyResult] = field(default_factory=list)
    hidden_from: bool = False  # it came from a key result the viewer may not see
    hidden_into: int = 0


def carry_links(user: Person, key_results: Sequence[KeyResult]) -> dict[int, CarryLinks]:
    """Per key result: its visible origin and successors. At most two queries, and none when
    nothing was carried (the origin query runs only for carried key results, the successor
    query only for key results of closed cycles)."""
    links = {kr.pk: CarryLinks() for kr in key_results}
    from_ids = {kr.carried_from_id for kr in key_results if kr.carried_from_id}
    if from_ids:
        origins = KeyResult.objects.visible_to(user).select_related("objective", "cycle")
        found = origins.in_bulk(from_ids)
        for kr in key_results:
            if kr.carried_from_id:
                origin = found.get(kr.carried_from_id)
                links[kr.pk].carried_from = origin
                links[kr.pk].hidden_from = origin is None
    closed = [kr.pk for kr in key_results if kr.cycle.is_closed]
    if closed:
        successors = (
            KeyResult.objects.filter(carried_from_id__in=closed)
            .annotate(seen=_visible(user, "objective__"))
            .select_related("objective", "cycle")
            .order_by("pk")
        )
        for kr in successors:
            assert kr.carried_from_id is not None
            if kr.seen:  # type: ignore[attr-defined]
                links[kr.carried_from_id].carried_into.append(kr)
            else:
                links[kr.carried_from_id].hidden_into += 1
    return links


def can_carry(kr: KeyResult, objective: Objective, links: CarryLinks) -> bool:
    """Whether the carry-over control makes sense for this key result (no queries)."""
    return (
        kr.cycle.is_closed
        and kr.source == KeyResult.Source.CHECK_INS
        and kr.state == KeyResult.State.ACTIVE
        and objective.state != Objective.State.ABANDONED
        and kr.progress < 1.0 - 1e-9
        and not links.carried_into
        and not links.hidden_into
    )


# ---------------------------------------------------------------------------------------
# The objective page


@dataclass
class KeyResultClosing:
    key_result: KeyResult
    grade: GradeView
    carry: CarryLinks
    can_close_out: bool
    can_carry: bool


@dataclass
class ObjectiveClosing:
    objective: Objective
    grade: GradeView
    retrospective: Retrospective | None
    can_close_out: bool
    key_results: dict[int, KeyResultClosing]

    @property
    def shown(self) -> bool:
        """Whether the objective page has anything to show about closing."""
        return self.objective.cycle.is_closed or any(
            k.grade.computed is not None or k.carry.carried_from or k.carry.hidden_from
            for k in self.key_results.values()
        )


def objective_closing(
    user: Person, objective: Objective, key_results: Sequence[KeyResult]
) -> ObjectiveClosing:
    """Grades, retrospective and carry-over links of one objective and its key results.

    For an objective of a running cycle whose key results were not carried from anywhere this
    runs no query at all."""
    viewer = GoalViewer.of(user)
    closed = objective.cycle.is_closed
    retrospective = (
        Retrospective.objects.filter(objective=objective).select_related("author").first()
        if closed
        else None
    )
    people = people_by_id([objective.graded_by_id, *(kr.graded_by_id for kr in key_results)])
    links = carry_links(user, key_results)
    can_edit = viewer.can_close_out_objective(objective)
    rows: dict[int, KeyResultClosing] = {}
    for kr in key_results:
        kr.objective = objective
        may = kr.owner_id == viewer.pk or can_edit
        rows[kr.pk] = KeyResultClosing(
            key_result=kr,
            grade=key_result_grade(kr, objective, people),
            carry=links[kr.pk],
            can_close_out=may,
            can_carry=may and can_carry(kr, objective, links[kr.pk]),
        )
    return ObjectiveClosing(
        objective=objective,
        grade=objective_grade(objective, people),
        retrospective=retrospective,
        can_close_out=can_edit,
        key_results=rows,
    )


def for_objective_page(user: Person, objective: Objective, rows: Sequence[Any]) -> ObjectiveClosing:
    """``objective_closing`` for the objective page's key-result rows; each row gets its
    ``closing`` (read by the key-result row's template)."""
    closing = objective_closing(user, objective, [row.key_result for row in rows])
    for row in rows:
        row.closing = closing.key_results.get(row.key_result.pk)
    return closing


def get_retrospective(user: Person, objective_pk: Any) -> tuple[Objective, Retrospective | None]:
    from lineofsight.goals.selectors import get_objective_for_user

    objective = get_objective_for_user(user, objective_pk)
    retro = Retrospective.objects.filter(objective=objective).select_related("author").first()
    return objective, retro


# ---------------------------------------------------------------------------------------
# The close-out page


@dataclass
class CloseOutObjective:
    closing: ObjectiveClosing
    graded_here: bool  # the objective's own cycle is this one (else: its year's, later)

    @property
    def objective(self) -> Objective:
        return self.closing.objective


@dataclass
class CloseOutPage:
    cycle: Cycle
    person: Person
    objectives: list[CloseOutObjective]
    next_cycle: Cycle | None
    carry_targets: list[Objective]
    calibration: grading.Calibration | None

    @property
    def key_result_count(self) -> int:
        return sum(len(o.closing.key_results) for o in self.objectives)


def _mine(person: Person, cycle: Cycle) -> list[int]:
    """Ids of the objectives a person answers for in a cycle: theirs, their teams' (as
    lead), and those holding a key result of the cycle they own. One query, on the owner
    indexes, so the page never scans the cycle's objectives."""
    led = Team.objects.filter(lead=person).values("pk")
    objectives = Objective.objects.filter(cycle=cycle).order_by()
    own = objectives.filter(owner_person=person).values_list("pk", flat=True)
    teams = objectives.filter(owner_team_id__in=led).values_list("pk", flat=True)
    holding = (
        KeyResult.objects.filter(owner=person, cycle=cycle)
        .order_by()
        .values_list("objective_id", flat=True)
    )
    return sorted(set(own.union(teams, holding)))


def close_out_page(user: Person, cycle: Cycle, person: Person) -> CloseOutPage:
    """A person's objectives and key results of a cycle with their grades, retrospectives
    and carry-over, for the close-out page. The viewer must be the person, one of their
    managers or HR (else ``NotFound``); objectives the viewer may not see are left out."""
    viewer = GoalViewer.of(user)
    if not viewer.can_see_calibration_of(person):
        raise NotFound("No such person.")
    from lineofsight.goals.selectors import objectives_for_user

    scope = [c for c in (cycle.pk, cycle.parent_id) if c]
    objectives = list(
        objectives_for_user(user)
        .filter(cycle_id__in=scope, pk__in=_mine(person, cycle))
        .select_related("cycle", "owner_person", "owner_team__lead", "retrospective__author")
        .order_by("title", "pk")
    )
    by_id = {o.pk: o for o in objectives}
    # Filtered on the cycle here rather than in SQL: an objective has a handful of key
    # results, and the objective index is the one to use.
    krs = [
        kr
        for kr in KeyResult.objects.filter(objective_id__in=list(by_id))
        .select_related("owner", "cycle")
        .order_by("objective_id", "position", "pk")
        if kr.cycle_id == cycle.pk
    ]
    people = people_by_id([o.graded_by_id for o in objectives] + [k.graded_by_id for k in krs])
    links = carry_links(user, krs)
    per_objective: dict[int, list[KeyResult]] = defaultdict(list)
    for kr in krs:
        per_objective[kr.objective_id].append(kr)
    out: list[CloseOutObjective] = []
    for objective in objectives:
        can_edit = viewer.can_close_out_objective(objective)
        rows: dict[int, KeyResultClosing] = {}
        for kr in per_objective.get(objective.pk, []):
            kr.objective = objective
            may = kr.owner_id == viewer.pk or can_edit
            rows[kr.pk] = KeyResultClosing(
                key_result=kr,
                grade=key_result_grade(kr, objective, people),
                carry=links[kr.pk],
                can_close_out=may,
                can_carry=may and can_carry(kr, objective, links[kr.pk]),
            )
        retro = (
            getattr(objective, "retrospective", None) if objective.cycle_id == cycle.pk else None
        )
        closing = ObjectiveClosing(
            objective=objective,
            grade=objective_grade(objective, people),
            retrospective=retro,
            can_close_out=can_edit,
            key_results=rows,
        )
        out.append(CloseOutObjective(closing, graded_here=objective.cycle_id == cycle.pk))
    following = next_cycle(cycle) if cycle.is_closed else None
    targets = carry_targets(user, person, following, objectives) if following else []
    calibration = person_calibration(user, person, cycle) if cycle.is_closed else None
    return CloseOutPage(cycle, person, out, following, targets, calibration)


def carry_targets(
    user: Person, person: Person, target: Cycle, objectives: Sequence[Objective]
) -> list[Objective]:
    """Objectives of the next cycle (or its year) a key result may be carried into: those of
    the same owners as the closing objectives, or of the person, that the viewer may edit."""
    from lineofsight.goals.selectors import objectives_for_user

    viewer = GoalViewer.of(user)
    people = {person.pk} | {o.owner_person_id for o in objectives if o.owner_person_id}
    teams = {o.owner_team_id for o in objectives if o.owner_team_id}
    scope = [c for c in (target.pk, target.parent_id) if c]
    candidates = (
        objectives_for_user(user)
        .filter(cycle_id__in=scope, state__in=OPEN_OBJECTIVE_STATES)
        .filter(Q(owner_person_id__in=people) | Q(owner_team_id__in=teams))
        .select_related("cycle", "owner_person", "owner_team__lead")
        .order_by("cycle__start_date", "title", "pk")[:CARRY_TARGETS_LIMIT]
    )
    return [o for o in candidates if viewer.can_edit_objective(o)]


def carry_form_targets(user: Person, kr: KeyResult) -> tuple[Cycle | None, list[Objective], str]:
    """For one key result's carry-over form: the next cycle, the objectives there the viewer
    may put it into, and what "a copy of its objective" means there."""
    following = next_cycle(kr.cycle)
    if following is None:
        return None, [], ""
    objective = kr.objective
    targets = carry_targets(user, kr.owner, following, [objective])
    if in_cycle_scope(objective, following) and objective.state in OPEN_OBJECTIVE_STATES:
        copy = f"Keep it in “{objective.title}” ({following.name})"
    else:
        existing = existing_copy(objective, following)
        if existing is not None:
            copy = f"Into the copy of “{objective.title}” made in {following.name}"
            targets = [t for t in targets if t.pk != existing.pk]
        else:
            copy = f"Into a copy of “{objective.title}” in {following.name}"
    return following, targets, copy


# ---------------------------------------------------------------------------------------
# Cycles: what closing freezes, and the grades afterwards


@dataclass
class ClosingPreview:
    """What closing a cycle will freeze and grade, and the grades if it closed now."""

    objectives: dict[str, int]  # by state
    key_results_graded: int
    key_results_not_graded: int
    never_checked_in: int
    check_ins: int
    projected: grading.GradeSummary

    @property
    def objectives_graded(self) -> int:
        return sum(n for s, n in self.objectives.items() if grading.objective_is_graded(s))

    @property
    def objectives_not_graded(self) -> int:
        return sum(self.objectives.values()) - self.objectives_graded


def closing_preview(cycle: Cycle) -> ClosingPreview:
    """For HR, before closing: five queries whatever the size of the cycle."""
    rows = list(
        Objective.objects.filter(cycle=cycle)
        .order_by()
        .values_list("state", "commitment", "progress")
    )
    by_state: dict[str, int] = defaultdict(int)
    projected = []
    for state, commitment, progress in rows:
        by_state[state] += 1
        grade = grading.closing_grade(progress, graded=grading.objective_is_graded(state))
        projected.append(grading.GradedObjective(commitment, grade))
    graded = not_graded = 0
    for state, objective_state, n in (
        KeyResult.objects.filter(cycle=cycle)
        .order_by()
        .values_list("state", "objective__state")
        .annotate(n=Count("pk"))
    ):
        if grading.key_result_is_graded(state, objective_state):
            graded += n
        else:
            not_graded += n
    never = KeyResult.objects.filter(
        cycle=cycle,
        state=KeyResult.State.ACTIVE,
        source=KeyResult.Source.CHECK_INS,
        last_check_in_at__isnull=True,
    ).count()
    check_ins = CheckIn.objects.filter(key_result__cycle=cycle).count()
    return ClosingPreview(
        dict(by_state), graded, not_graded, never, check_ins, grading.summarise(projected)
    )


def grade_summary(user: Person | None, cycle: Cycle) -> grading.GradeSummary:
    """The cycle's grades over the objectives the viewer may see (``None``: the operator,
    who sees everything). One query."""
    qs = Objective.objects.filter(cycle=cycle)
    if user is not None:
        qs = qs.filter(GoalViewer.of(user).objective_filter())
    # Grades have two decimals, so grouping leaves a few hundred rows however many
    # objectives there are; each group counts as often as it has members (only whether an
    # objective was adjusted matters to the summary, not to what).
    groups = (
        qs.order_by()
        .annotate(
            adjusted=Case(
                When(adjusted_grade__isnull=True, then=Value(False)),
                default=Value(True),
                output_field=BooleanField(),
            )
        )
        .values_list("commitment", "computed_grade", "adjusted")
        .annotate(n=Count("pk"))
    )
    return grading.summarise(
        grading.GradedObjective(commitment, computed, computed if adjusted else None, count=n)
        for commitment, computed, adjusted, n in groups
    )


def closed_cycles() -> list[Cycle]:
    """Closed cycles, latest first: what calibration can be shown for."""
    return list(Cycle.objects.filter(state=Cycle.State.CLOSED).order_by("-end_date", "kind", "pk"))


def calibration_cycle(raw: Any, choices: Sequence[Cycle]) -> Cycle | None:
    """The closed cycle named by ``raw`` (an id), else the latest closed quarter (else the
    latest closed cycle). ``NotFound`` for an id that names no closed cycle."""
    if raw not in (None, ""):
        pk = as_id(raw)
        for cycle in choices:
            if cycle.pk == pk:
                return cycle
        raise NotFound("No such closed cycle.")
    quarters = [c for c in choices if c.kind == Cycle.Kind.QUARTER]
    found = quarters or list(choices)
    return found[0] if found else None


# ---------------------------------------------------------------------------------------
# Calibrated confidence


def _calls(user: Person, key_results: QuerySet[KeyResult], cycle: Cycle) -> grading.Calibration:
    """Score the confidence calls made on these graded key results during the cycle.

    Two queries: the key results (with whether the viewer may see each) and, per key result
    and confidence, how many check-ins made that call before the cycle closed. Readings HR
    recorded as amendments are not calls."""
    graded = key_results.filter(cycle=cycle, computed_grade__isnull=False)
    rows = list(
        graded.annotate(seen=_visible(user, "objective__"))
        .order_by()
        .values_list("pk", "title", "objective__commitment", "computed_grade", "owner_id", "seen")
    )
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    if rows:
        calls = CheckIn.objects.filter(
            key_result_id__in=graded.order_by().values("pk"), amendment_reason=""
        )
        if cycle.closed_at is not None:
            calls = calls.filter(recorded_at__lte=cycle.closed_at)
        for kr_id, confidence, n in (
            calls.order_by().values_list("key_result_id", "confidence").annotate(n=Count("pk"))
        ):
            counts[kr_id][confidence] = n
    return grading.calibrate(
        grading.KeyResultCalls(
            ref=pk,
            title=title if seen else HIDDEN_KEY_RESULT,
            commitment=commitment,
            grade=grade,
            owner_id=owner_id,
            counts=counts.get(pk, {}),
        )
        for pk, title, commitment, grade, owner_id, seen in rows
    )


def person_calibration(user: Person, person: Person, cycle: Cycle) -> grading.Calibration:
    """A person's calibrated confidence in a closed cycle: the key results they own. Only
    for the person, their manager chain and HR (``NotFound`` for anyone else)."""
    if not GoalViewer.of(user).can_see_calibration_of(person):
        raise NotFound("No such person.")
    return _calls(user, KeyResult.objects.filter(owner=person), cycle)


def team_members(team: Team) -> QuerySet[Membership]:
    """Memberships of the team and of every team inside it."""
    return Membership.objects.filter(Q(team=team) | Q(team__path__startswith=team.subtree_prefix))


def team_calibration(user: Person, team: Team, cycle: Cycle) -> grading.Calibration:
    """A team's calibrated confidence in a closed cycle: the key results owned by members of
    the team and of the teams inside it. Only for its lead, the leads above, the lead's
    manager chain and HR (``NotFound`` for anyone else)."""
    if not GoalViewer.of(user).can_see_team_calibration(team):
        raise NotFound("No such team.")
    members = team_members(team).values("person_id")
    return _calls(user, KeyResult.objects.filter(owner_id__in=members), cycle)
