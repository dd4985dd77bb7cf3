"""Loading the coach's facts (``coach.rules.facts``) from the database.

``load_population(user, scope)`` reads everything the checks need for one cycle and one
scope (the whole organisation, a team with the teams inside it and their members, a person,
or one owner's own objectives) in a fixed number of queries, whatever the size of the
organisation:

* the scope's objectives (not abandoned) in the cycle and its year, as the viewer may see
  them (``goals.access``: ``user=None`` is the operator, who sees everything);
* their key results of the cycle (and, for a year, of the quarter under way), with each key
  result's check-in confidences in order and the cadence that applies to it (the cycle's,
  unless one of the owner's teams sets one: ``goals.due.effective_cadence``);
* the live alignment links of those objectives and the parents they point to (with their
  key results, for the copy-paste check), again only as the viewer may see them;
* which company objectives anything aligns to;
* each owner's mean grade in the closed cycles of the same kind before this one (for the
  sandbagging check), over the objectives the viewer may see;
* the names of the people and teams mentioned, and where each sits in the organisation
  (``Placement``: which department or team a finding belongs to on the health page);
* for HR and the operator, over the whole organisation only: the ratings and OKR attainment
  of the latest review cycle on this cycle's OKRs (check 8 reports their correlation, never a
  rating), unless that review cycle's policy is an explicit formula.

The scopes and the query filters they make are in ``coach.scope``.
"""

from __future__ import annotations

import datetime as dt
import sys
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter
from typing import Any

from django.db import connection
from django.db.models import Avg, Case, CharField, F, QuerySet, Value, When
from django.db.models.functions import Coalesce

from lineofsight.coach.access import CoachViewer
from lineofsight.coach.rules.facts import (
    AlignmentEdge,
    CoachSettings,
    CycleFacts,
    KeyResultFacts,
    ObjectiveFacts,
    OwnerHistory,
    Population,
    RatingPoint,
)
from lineofsight.coach.scope import (
    ORG,
    SUBTREE,
    CoachScope,
    ScopeFilters,
    chunks,
    coach_settings,
    key_result_cycles,
    scope_filters,
)
from lineofsight.goals.due import effective_cadence
from lineofsight.goals.models import AlignmentLink, CheckIn, Cycle, KeyResult, Objective
from lineofsight.goals.selectors import cycle_scope
from lineofsight.goals.tracking.check_ins_due import organisation_today
from lineofsight.people.models import Membership, Person, Team
from lineofsight.people.selectors import organisation_time_zone

_OBJECTIVE_FIELDS = (
    "id",
    "title",
    "description",
    "level",
    "cycle_id",
    "owner_person_id",
    "owner_team_id",
    "state",
    "commitment",
    "progress_mode",
    "is_development",
    "rationale",
    "created_at",
    "updated_at",
)
_KEY_RESULT_FIELDS = (
    "id",
    "objective_id",
    "title",
    "kind",
    "unit",
    "start_value",
    "target_value",
    "signal",
    "owner_id",
    "state",
    "progress",
    "created_at",
    "last_check_in_at",
    "source",
    "cycle__check_in_cadence",
)


@dataclass
class Placement:
    """Where people and teams sit: each team's path and kind, and a team for each person
    (their first membership), to put findings under a department or team."""

    team_paths: dict[int, str] = field(default_factory=dict)
    team_kinds: dict[int, str] = field(default_factory=dict)
    team_names: dict[int, str] = field(default_factory=dict)
    person_team: dict[int, int] = field(default_factory=dict)

    def team_chain(self, team_id: int) -> list[int]:
        """The team and every team above it, innermost first."""
        path = self.team_paths.get(team_id, "/")
        above = [int(p) for p in path.strip("/").split("/") if p]
        return [team_id, *reversed(above)]


@dataclass
class Loaded:
    """A population with what the pages need to show its findings."""

    scope: CoachScope
    population: Population
    settings: CoachSettings
    objective_titles: dict[int, str]
    key_results: dict[int, KeyResultFacts]
    placement: Placement
    # Every objective in the population and among the parents, by id.
    objectives: dict[int, ObjectiveFacts] = field(default_factory=dict)
    # For a team's scope: the members of the team and of the teams inside it.
    member_ids: frozenset[int] = frozenset()

    def objective_of(self, key_result_id: int) -> int | None:
        kr = self.key_results.get(key_result_id)
        return kr.objective_id if kr is not None else None


# ---------------------------------------------------------------------------------------
# Loading


def _key_result_facts(
    row: dict[str, Any], cadence_days: int, confidences: tuple[str, ...] = ()
) -> KeyResultFacts:
    return KeyResultFacts(
        id=row["id"],
        objective_id=row["objective_id"],
        title=row["title"],
        kind=row["kind"],
        unit=row["unit"],
        start_value=row["start_value"],
        target_value=row["target_value"],
        signal=row["signal"],
        owner_id=row["owner_id"],
        state=row["state"],
        progress=row["progress"],
        created_at=row["created_at"],
        last_check_in_at=row["last_check_in_at"],
        check_in_count=len(confidences),
        confidences=confidences,
        cadence_days=cadence_days,
        source=row["source"],
    )


def _objective_facts(
    row: dict[str, Any],
    key_results: Sequence[KeyResultFacts],
    parents: Sequence[tuple[int | None, int | None]] = (),
) -> ObjectiveFacts:
    return ObjectiveFacts(
        id=row["id"],
        title=row["title"],
        level=row["level"],
        cycle_id=row["cycle_id"],
        description=row["description"],
        owner_person_id=row["owner_person_id"],
        owner_team_id=row["owner_team_id"],
        state=row["state"],
        commitment=row["commitment"],
        parent_objective_ids=tuple(o for o, _ in parents if o is not None),
        parent_key_result_ids=tuple(k for _, k in parents if k is not None),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        key_results=tuple(key_results),
        progress_mode=row["progress_mode"],
        is_development=bool(row["is_development"]),
        rationale=row["rationale"],
    )


def _cadence_overrides(person_ids: Iterable[int] | None) -> dict[int, list[str]]:
    """The cadences the teams of these people set (``None``: of everyone)."""
    qs = Membership.objects.exclude(team__check_in_cadence="").order_by()
    out: dict[int, list[str]] = defaultdict(list)
    if person_ids is None:
        rows: Iterable[tuple[int, str]] = qs.values_list("person_id", "team__check_in_cadence")
        for person_id, cadence in rows:
            out[person_id].append(cadence)
        return out
    for chunk in chunks(person_ids):
        for person_id, cadence in qs.filter(person_id__in=chunk).values_list(
            "person_id", "team__check_in_cadence"
        ):
            out[person_id].append(cadence)
    return out


_INSTANTS = frozenset({"created_at", "updated_at", "last_check_in_at"})
_first, _second = itemgetter(0), itemgetter(1)


def _instant(value: Any, tz: zoneinfo.ZoneInfo | None) -> dt.datetime | None:
    """A stored instant in the organisation's time zone ``tz`` (so its ``date()`` is the
    local day; ``None``: UTC). The driver gives aware datetimes on PostgreSQL, and naive UTC
    ones (or their text) on SQLite."""
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value if tz is None else value.astimezone(tz)


def _ids(ids: set[int]) -> list[int]:
    """Ids for an ``__in`` read on a plain cursor, which cannot take an empty list (no row
    has the id 0)."""
    return sorted(ids) or [0]


def _plain(qs: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of a ``values_list`` queryset, read on a plain cursor: reading a hundred
    thousand rows through the ORM spends most of its time converting each value."""
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _rows(qs: QuerySet[Any], fields: Sequence[str], tz: zoneinfo.ZoneInfo) -> list[dict[str, Any]]:
    """``qs.values(*fields)``, read on a plain cursor, instants in the time zone ``tz``."""
    instants = [n for n, name in enumerate(fields) if name in _INSTANTS]
    local = None if tz.key == "UTC" else tz
    out = []
    for raw in _plain(qs.values_list(*fields)):
        row = list(raw)
        for n in instants:
            row[n] = _instant(row[n], local)
        out.append(dict(zip(fields, row, strict=True)))
    return out


# One letter per confidence, for PostgreSQL to spell a key result's sequence in one string.
_LETTERS = {"on_track": "o", "at_risk": "a", "off_track": "x"}
_WORDS = {letter: word for word, letter in _LETTERS.items()}


def _confidences(key_results: QuerySet[KeyResult]) -> dict[int, tuple[str, ...]]:
    """Each key result's check-in confidences, oldest first, in one query (about a million
    check-ins at 10,000 people). PostgreSQL spells each key result's sequence in one string
    (one row per key result instead of one per check-in); elsewhere the check-ins are read
    in order on a plain cursor."""
    check_ins = CheckIn.objects.filter(key_result__in=key_results.values("pk"))
    if connection.vendor == "postgresql":
        from django.contrib.postgres.aggregates import StringAgg

        letter = Case(
            *[When(confidence=word, then=Value(code)) for word, code in _LETTERS.items()],
            default=Value("x"),
            output_field=CharField(),
        )
        spelt = (
            check_ins.order_by()
            .values("key_result_id")
            .annotate(seq=StringAgg(letter, delimiter="", order_by=("recorded_at", "pk")))
            .values_list("key_result_id", "seq")
        )
        return {kr_id: tuple(map(_WORDS.__getitem__, seq)) for kr_id, seq in _plain(spelt)}
    in_order = check_ins.order_by("key_result_id", "recorded_at", "pk").values_list(
        "key_result_id", "confidence"
    )
    # Sorted by key result: grouped in C, one string object per word.
    return {
        kr_id: tuple(map(sys.intern, map(_second, rows)))
        for kr_id, rows in groupby(_plain(in_order), key=_first)
    }


def _history(
    filters: ScopeFilters, cycle: Cycle, objectives: Sequence[ObjectiveFacts]
) -> tuple[OwnerHistory, ...]:
    """Mean grade per owner per earlier closed cycle of the same kind (one query)."""
    qs = Objective.objects.filter(
        filters.both(),
        cycle__state=Cycle.State.CLOSED,
        cycle__kind=cycle.kind,
        cycle__end_date__lt=cycle.start_date,
    ).exclude(state=Objective.State.ABANDONED)
    rows = (
        qs.order_by()
        .values("owner_person_id", "owner_team_id", "cycle_id", "cycle__end_date")
        .annotate(mean=Avg(Coalesce(F("adjusted_grade"), F("computed_grade"))))
    )
    owners = {("person", o.owner_person_id) for o in objectives if o.owner_person_id}
    owners |= {("team", o.owner_team_id) for o in objectives if o.owner_team_id}
    by_owner: dict[tuple[str, int], list[tuple[dt.date, float]]] = defaultdict(list)
    for row in rows:
        if row["mean"] is None:
            continue
        key = (
            ("person", row["owner_person_id"])
            if row["owner_person_id"] is not None
            else ("team", row["owner_team_id"])
        )
        if key in owners:
            by_owner[key].append((row["cycle__end_date"], float(row["mean"])))
    return tuple(
        OwnerHistory(kind, owner_id, tuple(mean for _, mean in sorted(points)))
        for (kind, owner_id), points in sorted(by_owner.items())
    )


def _ratings(cycle: Cycle) -> tuple[tuple[RatingPoint, ...], int | None, str]:
    """The rated reviews of the latest review cycle on ``cycle``'s OKRs, as (person, rating,
    attainment) points, with the review cycle's id and name (two queries). A review cycle
    whose policy is an explicit formula is left out: there, ratings are meant to follow
    attainment."""
    from lineofsight.reviews.models import PolicyMode, Review, ReviewCycle

    review_cycle = (
        ReviewCycle.objects.filter(goal_cycle=cycle)
        .exclude(state=ReviewCycle.State.DRAFT)
        .exclude(policy_mode=PolicyMode.FORMULA)
        .order_by("-self_review_due", "-pk")
        .values_list("pk", "name")
        .first()
    )
    if review_cycle is None:
        return (), None, ""
    rows = (
        Review.objects.filter(
            review_cycle_id=review_cycle[0], rating__isnull=False, attainment__isnull=False
        )
        .order_by("subject_id")
        .values_list("subject_id", "rating", "attainment")
    )
    points = tuple(
        RatingPoint(person, int(rating), float(attainment))
        for person, rating, attainment in rows
        if rating is not None and attainment is not None
    )
    return points, review_cycle[0], review_cycle[1]


def _placement(person_ids: set[int] | None) -> Placement:
    """Every team (a few thousand rows at most) and a team for each person (two queries)."""
    placement = Placement()
    for pk, name, kind, path in Team.objects.order_by().values_list("pk", "name", "kind", "path"):
        placement.team_paths[pk] = path
        placement.team_kinds[pk] = kind
        placement.team_names[pk] = name
    memberships = Membership.objects.order_by("team_id", "pk").values_list("person_id", "team_id")
    if person_ids is None:
        rows: Iterable[tuple[int, int]] = memberships
    else:
        rows = [
            row for chunk in chunks(person_ids) for row in memberships.filter(person_id__in=chunk)
        ]
    for person_id, team_id in rows:
        placement.person_team.setdefault(person_id, team_id)
    return placement


def _people_names(person_ids: set[int] | None) -> dict[int, str]:
    qs = Person.objects.order_by().values_list(
        "pk", "display_name", "first_name", "last_name", "username"
    )
    rows: Iterable[tuple[int, str, str, str, str]]
    if person_ids is None:
        rows = qs
    else:
        rows = [row for chunk in chunks(person_ids) for row in qs.filter(pk__in=chunk)]
    out: dict[int, str] = {}
    for pk, display, first, last, username in rows:
        out[pk] = display or f"{first} {last}".strip() or username
    return out


def load_population(
    user: Person | None,
    scope: CoachScope,
    *,
    today: dt.date | None = None,
    extra_parent_ids: Iterable[int] = (),
    settings: CoachSettings | None = None,
    whole_chains: bool = True,
) -> Loaded:
    """The coach's facts for ``scope`` as ``user`` may see them (``None``: everything).

    ``whole_chains=False`` reads only the alignment links of the scope's own objectives, not
    every chain of the cycle: enough for the checks a draft is given as it is typed, which
    do not follow chains (nesting, line of sight), and far less to read at every keystroke.

    ``extra_parent_ids``: objectives to load as possible parents besides those the scope's
    objectives align to (a draft's chosen parent). Runs about a dozen queries whatever the
    size of the scope.
    """
    cycle = scope.cycle
    tz = zoneinfo.ZoneInfo(organisation_time_zone())
    today = today or organisation_today()
    settings = settings or coach_settings()
    filters = scope_filters(user, scope)
    whole = scope.kind == ORG
    cycles = cycle_scope(cycle)
    kr_cycles = key_result_cycles(cycle, today)

    objective_rows = _rows(
        Objective.objects.filter(filters.both(), cycle_id__in=cycles)
        .exclude(state=Objective.State.ABANDONED)
        .order_by("pk"),
        _OBJECTIVE_FIELDS,
        tz,
    )
    in_scope = {row["id"] for row in objective_rows}
    if whole:
        kr_qs = KeyResult.objects.filter(
            filters.both("objective__"),
            objective__cycle_id__in=cycles,
            cycle_id__in=kr_cycles,
        ).exclude(objective__state=Objective.State.ABANDONED)
    else:
        # A narrow scope's objectives are already known: their key results are read by
        # objective, the cycle compared as an expression so that SQLite does not walk the
        # whole cycle's rows through the cycle's index instead.
        kr_qs = (
            KeyResult.objects.filter(objective_id__in=_ids(in_scope))
            .alias(in_cycle=F("cycle_id") + 0)
            .filter(in_cycle__in=kr_cycles)
        )
    kr_rows = _rows(kr_qs.order_by("objective_id", "position", "pk"), _KEY_RESULT_FIELDS, tz)
    confidences = _confidences(kr_qs)

    # Every live link of the cycle and its year, whatever the scope: the scope's own
    # objectives take their parents from it, and the nesting and line-of-sight checks follow
    # whole chains through it (as ids and levels only: nothing of an objective the viewer
    # may not open is shown).
    link_rows = AlignmentLink.objects.live().filter(child__cycle_id__in=cycles)
    if not whole_chains:
        link_rows = link_rows.filter(child_id__in=_ids(in_scope))
    links = _plain(
        link_rows
        .exclude(child__state=Objective.State.ABANDONED)
        .order_by("child_id", "pk")
        .values_list(
            "child_id",
            "parent_objective_id",
            "parent_key_result_id",
            "target_id",
            "child__level",
            "target__level",
            "child__owner_team_id",
            "child__state",
            "child__visibility",
        )
    )
    parents_of: dict[int, list[tuple[int | None, int | None]]] = defaultdict(list)
    key_result_objective: dict[int, int] = {}
    targets: set[int] = set(extra_parent_ids)
    alignment: list[AlignmentEdge] = []
    for child_id, parent_obj, parent_kr, target, level, target_level, team, state, seen in links:
        alignment.append(
            AlignmentEdge(
                child_id,
                level,
                target,
                target_level,
                team,
                state == Objective.State.ACTIVE and seen == Objective.Visibility.PUBLIC,
            )
        )
        if child_id not in in_scope:
            continue
        parents_of[child_id].append((parent_obj, parent_kr))
        targets.add(target)
        if parent_kr is not None:
            key_result_objective[parent_kr] = target

    # Parents outside the scope, as the viewer may see them, with their key results.
    outside = targets - in_scope
    parent_rows: list[dict[str, Any]] = []
    parent_kr_rows: list[dict[str, Any]] = []
    for chunk in chunks(outside):
        parent_rows.extend(
            _rows(
                Objective.objects.filter(filters.visible(), pk__in=chunk)
                .exclude(state=Objective.State.ABANDONED)
                .order_by("pk"),
                _OBJECTIVE_FIELDS,
                tz,
            )
        )
        parent_kr_rows.extend(
            _rows(
                KeyResult.objects.filter(objective_id__in=chunk)
                .alias(in_cycle=F("cycle_id") + 0)  # by objective, as above
                .filter(in_cycle__in=kr_cycles)
                .order_by("objective_id", "position", "pk"),
                _KEY_RESULT_FIELDS,
                tz,
            )
        )
    visible_parents = {row["id"] for row in parent_rows}
    parent_kr_rows = [row for row in parent_kr_rows if row["objective_id"] in visible_parents]

    owner_ids = {row["owner_id"] for row in kr_rows}
    overrides = _cadence_overrides(None if whole else owner_ids)

    cadences: dict[tuple[str, int], int] = {}  # (cycle's cadence, owner): days

    def kr_facts(row: dict[str, Any]) -> KeyResultFacts:
        key = (row["cycle__check_in_cadence"], row["owner_id"])
        days = cadences.get(key)
        if days is None:
            days = cadences[key] = effective_cadence(key[0], overrides.get(key[1], ())).days
        return _key_result_facts(row, days, confidences.get(row["id"], ()))

    krs_by_objective: dict[int, list[KeyResultFacts]] = defaultdict(list)
    key_results: dict[int, KeyResultFacts] = {}
    for row in kr_rows:
        facts = kr_facts(row)
        krs_by_objective[row["objective_id"]].append(facts)
        key_results[facts.id] = facts
    objectives = tuple(
        _objective_facts(row, krs_by_objective.get(row["id"], ()), parents_of.get(row["id"], ()))
        for row in objective_rows
    )
    parent_krs: dict[int, list[KeyResultFacts]] = defaultdict(list)
    for row in parent_kr_rows:
        facts = _key_result_facts(row, 7)
        parent_krs[row["objective_id"]].append(facts)
        key_results.setdefault(facts.id, facts)
    by_id = {o.id: o for o in objectives}
    for row in parent_rows:
        by_id[row["id"]] = _objective_facts(row, parent_krs.get(row["id"], ()))
    parents = {pk: by_id[pk] for pk in targets if pk in by_id}
    for objective in parents.values():
        for kr in objective.key_results:
            key_result_objective.setdefault(kr.id, objective.id)

    company_ids = [o.id for o in objectives if o.level == Objective.Level.COMPANY]
    with_children: set[int] = set()
    for chunk in chunks(company_ids):
        with_children.update(
            AlignmentLink.objects.live()
            .filter(target_id__in=chunk)
            .order_by()
            .values_list("target_id", flat=True)
            .distinct()
        )

    # Ratings are private: their correlation with attainment (check 8) is for HR and the
    # operator, over the whole organisation.
    ratings: tuple[RatingPoint, ...] = ()
    review_cycle_id, review_cycle_name = None, ""
    if whole and (user is None or CoachViewer.of(user).is_hr):
        ratings, review_cycle_id, review_cycle_name = _ratings(cycle)

    people: set[int] = {o.owner_person_id for o in by_id.values() if o.owner_person_id}
    people |= {kr.owner_id for kr in key_results.values() if kr.owner_id}
    placement = _placement(None if whole else people)
    population = Population(
        cycle=CycleFacts(
            id=cycle.pk,
            name=cycle.name,
            start_date=cycle.start_date,
            end_date=cycle.end_date,
            today=today,
            closed=cycle.is_closed,
        ),
        objectives=objectives,
        parents=parents,
        key_result_objective=key_result_objective,
        company_objective_ids_with_children=frozenset(with_children),
        people_names=_people_names(None if whole else people),
        team_names=dict(placement.team_names),
        history=_history(filters, cycle, objectives),
        ratings=ratings,
        review_cycle_id=review_cycle_id,
        review_cycle_name=review_cycle_name,
        alignment=tuple(alignment),
        person_teams=dict(placement.person_team),
    )
    return Loaded(
        scope=scope,
        population=population,
        settings=settings,
        objective_titles={pk: o.title for pk, o in by_id.items()},
        key_results=key_results,
        placement=placement,
        objectives=by_id,
        member_ids=frozenset(filters.owner_person_ids or ())
        if scope.kind == SUBTREE
        else frozenset(),
    )
