"""Reads about OKRs, always through the access policy.

Every function takes the person asking and returns only what they may see; a ``get_*``
raises ``NotFound`` for missing and forbidden alike. The UI and the API both call these,
and each runs a fixed number of queries whatever the size of the organisation.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from lineofsight.core.errors import NotFound
from lineofsight.core.parsing import as_id
from lineofsight.core.planning import planned_for_parameters
from lineofsight.goals import blockers as blocker_selectors
from lineofsight.goals import history, rollup, scoring
from lineofsight.goals.access import GoalViewer
from lineofsight.goals.models import (
    AlignmentLink,
    Blocker,
    CheckIn,
    Cycle,
    Initiative,
    KeyResult,
    Objective,
)
from lineofsight.people.models import Person
from lineofsight.people.selectors import organisation_time_zone

HIDDEN_LABEL = "An objective you cannot see"


# ---------------------------------------------------------------------------------------
# Querysets and single objects


def objectives_for_user(user: Person) -> QuerySet[Objective]:
    return Objective.objects.visible_to(user).select_related("owner_person", "owner_team", "cycle")


def key_results_for_user(user: Person) -> QuerySet[KeyResult]:
    return KeyResult.objects.visible_to(user).select_related("owner", "cycle", "objective")


def check_ins_for_user(user: Person) -> QuerySet[CheckIn]:
    return CheckIn.objects.visible_to(user).select_related("author", "key_result")


def initiatives_for_user(user: Person) -> QuerySet[Initiative]:
    return Initiative.objects.visible_to(user).select_related("owner", "key_result")


def links_for_user(user: Person) -> QuerySet[AlignmentLink]:
    return AlignmentLink.objects.visible_to(user).select_related(
        "child", "parent_objective", "parent_key_result", "created_by", "decided_by"
    )


def cycles_for_user(user: Person) -> QuerySet[Cycle]:
    if not (user.is_authenticated and user.is_active):
        return Cycle.objects.none()
    return Cycle.objects.select_related("parent")


def _get(qs: QuerySet[Any], pk: Any) -> Any:
    found = as_id(pk)
    try:
        if found is None:
            raise qs.model.DoesNotExist
        return qs.get(pk=found)
    except qs.model.DoesNotExist:
        raise NotFound(f"No such {qs.model._meta.verbose_name}.") from None


def get_objective_for_user(user: Person, pk: Any) -> Objective:
    return _get(
        objectives_for_user(user).select_related(
            "owner_person", "owner_team__lead", "cycle__parent"
        ),
        pk,
    )


def get_key_result_for_user(user: Person, pk: Any) -> KeyResult:
    return _get(
        key_results_for_user(user).select_related(
            "objective__owner_person", "objective__owner_team__lead", "objective__cycle"
        ),
        pk,
    )


def get_check_in_for_user(user: Person, pk: Any) -> CheckIn:
    return _get(check_ins_for_user(user), pk)


def get_initiative_for_user(user: Person, pk: Any) -> Initiative:
    return _get(
        initiatives_for_user(user).select_related(
            "key_result__objective__owner_person", "key_result__objective__owner_team__lead"
        ),
        pk,
    )


def get_link_for_user(user: Person, pk: Any) -> AlignmentLink:
    return _get(
        links_for_user(user).select_related(
            "child__owner_person", "child__owner_team__lead", "parent_key_result__objective"
        ),
        pk,
    )


def get_cycle_for_user(user: Person, pk: Any) -> Cycle:
    return _get(cycles_for_user(user), pk)


def current_cycle(today: dt.date | None = None) -> Cycle | None:
    """The quarter (else the year) containing today in the organisation's time zone."""
    if today is None:
        today = timezone.localtime(timezone.now(), _tz()).date()
    containing = Cycle.objects.filter(start_date__lte=today, end_date__gte=today).order_by(
        "-start_date", "end_date"
    )
    found = containing.first()
    if found is not None:
        return found
    return Cycle.objects.exclude(state=Cycle.State.CLOSED).order_by("-start_date").first() or (
        Cycle.objects.order_by("-end_date").first()
    )


def _tz() -> Any:
    import zoneinfo

    return zoneinfo.ZoneInfo(organisation_time_zone())


def cycle_scope(cycle: Cycle) -> list[int]:
    """A quarter's view also shows its year's objectives (set annually, reviewed quarterly)."""
    ids = [cycle.pk]
    if cycle.parent_id:
        ids.append(cycle.parent_id)
    return ids


def tree_scope(cycle: Cycle) -> list[int]:
    """The cycles the alignment tree of ``cycle`` shows: a quarter and its year (labelled as
    the year), or a year and its quarters (each labelled). Never another quarter: Q3's closed
    objectives stay out of Q4's tree."""
    if cycle.kind == Cycle.Kind.ANNUAL:
        return [cycle.pk, *Cycle.objects.filter(parent=cycle).values_list("pk", flat=True)]
    return cycle_scope(cycle)


# ---------------------------------------------------------------------------------------
# Cards: an objective with its figures, for lists and the tree


@dataclass
class ObjectiveCard:
    objective: Objective
    status: scoring.Confidence | None
    child_count: int = 0
    hidden_child_count: int = 0
    link: AlignmentLink | None = None  # how it aligns to the node being expanded
    key_result_count: int = 0
    tracking: Any = None  # pace and forecast roll-up, set by goals.tracking.annotate_cards

    @property
    def percent(self) -> int:
        return scoring.percent(self.objective.progress)


def _key_result_facts(
    objective_ids: list[int],
) -> tuple[dict[int, scoring.Confidence | None], dict[int, int]]:
    """Per objective, in one query: the worst latest confidence among its live key results
    (its status) and how many live key results it has."""
    by_obj: dict[int, list[str]] = defaultdict(list)
    for obj_id, confidence in (
        KeyResult.objects.filter(objective_id__in=objective_ids, state=KeyResult.State.ACTIVE)
        .order_by()
        .values_list("objective_id", "confidence")
    ):
        by_obj[obj_id].append(confidence)
    statuses = {oid: scoring.worst_confidence(by_obj.get(oid, [])) for oid in objective_ids}
    counts = {oid: len(values) for oid, values in by_obj.items()}
    return statuses, counts


def _links_into(
    objective_ids: list[int], scope: list[int] | None = None
) -> QuerySet[AlignmentLink]:
    """Live links to these objectives or to their key results (from children of the cycles
    in ``scope`` only, when given)."""
    links = AlignmentLink.objects.live().filter(target_id__in=objective_ids)
    if scope is not None:
        links = links.filter(child__cycle_id__in=scope)
    return links


def _child_counts(
    objective_ids: list[int], viewer: GoalViewer, scope: list[int] | None = None
) -> tuple[dict[int, int], dict[int, int]]:
    """Per objective: live aligned children visible to the viewer, and hidden ones."""
    visible_filter = viewer.objective_filter("child__")
    rows = (
        _links_into(objective_ids, scope)
        .order_by()
        .values("target_id")
        .annotate(
            total=Count("child_id", distinct=True),
            visible=Count("child_id", filter=visible_filter, distinct=True),
        )
    )
    visible: dict[int, int] = defaultdict(int)
    hidden: dict[int, int] = defaultdict(int)
    for row in rows:
        visible[row["target_id"]] = row["visible"]
        hidden[row["target_id"]] = row["total"] - row["visible"]
    return visible, hidden


def cards(
    viewer_user: Person, objectives: list[Objective], scope: list[int] | None = None
) -> list[ObjectiveCard]:
    """Objectives with their status, key-result count and aligned-children counts (children
    of the cycles in ``scope`` only, when given): three queries however many objectives."""
    viewer = GoalViewer.of(viewer_user)
    ids = [o.pk for o in objectives]
    statuses, kr_counts = _key_result_facts(ids)
    visible, hidden = _child_counts(ids, viewer, scope)
    return [
        ObjectiveCard(
            o,
            statuses.get(o.pk),
            visible.get(o.pk, 0),
            hidden.get(o.pk, 0),
            key_result_count=kr_counts.get(o.pk, 0),
        )
        for o in objectives
    ]


def tree_roots(user: Person, cycle: Cycle) -> list[ObjectiveCard]:
    """Company objectives of the tree's cycles (``tree_scope``), the top of the tree."""
    scope = tree_scope(cycle)
    roots = list(
        objectives_for_user(user)
        .filter(level=Objective.Level.COMPANY, cycle_id__in=scope)
        .exclude(state=Objective.State.ABANDONED)
        .order_by("title", "pk")
    )
    return cards(user, roots, scope)


# Aligned objectives shown at once under one objective (in the tree, on its page); the tree
# loads the rest a page at a time.
PAGE_CHILDREN = 50


@dataclass
class TreeLevel:
    """An objective's card and the cards of what aligns to it (as the viewer may see)."""

    parent: ObjectiveCard
    children: list[ObjectiveCard]


def tree_level(
    user: Person,
    parent: Objective,
    cycle: Cycle | None = None,
    *,
    offset: int = 0,
    limit: int | None = None,
    proposals_first: bool = False,
) -> TreeLevel:
    """Objectives aligned (directly, or via one of its key results) to ``parent``; in the
    tree of ``cycle``, only those of its cycles (``tree_scope``). With ``limit``, that many
    from ``offset`` on (the parent's card counts them all); ``proposals_first`` puts the
    alignments waiting for a decision before the rest."""
    scope = tree_scope(cycle) if cycle is not None else None
    order = ["child__level", "child__title", "pk"]
    if proposals_first:
        order.insert(0, "-state")  # "pending" sorts after "accepted": reversed, it leads
    ordered = (
        _links_into([parent.pk], scope)
        .filter(GoalViewer.of(user).objective_filter("child__"))
        .select_related(
            "child__owner_person",
            "child__owner_team",
            "child__cycle",
            "parent_key_result",
            "created_by",
        )
        .order_by(*order)
    )
    links = list(ordered[offset : offset + limit] if limit is not None else ordered[offset:])
    children = [link.child for link in links]
    out = cards(user, [*children, parent], scope)
    for card, link in zip(out, links, strict=False):
        card.link = link
    return TreeLevel(out[-1], out[:-1])


def tree_children(user: Person, parent: Objective) -> list[ObjectiveCard]:
    return tree_level(user, parent).children


def unaligned_roots(user: Person, cycle: Cycle) -> list[ObjectiveCard]:
    """Team and individual objectives of the tree's cycles that align to nothing."""
    scope = tree_scope(cycle)
    # Which objectives align to nothing is found on indexes alone (a cycle's objectives by
    # id, the children of live links) before any objective's row is read: at 50,000 people
    # the cycle holds 125,000 objectives, nearly all of them aligned.
    unaligned = (
        Objective.objects.filter(cycle_id__in=scope)
        .exclude(level=Objective.Level.COMPANY)
        .exclude(state=Objective.State.ABANDONED)
        .exclude(Exists(AlignmentLink.objects.live().filter(child_id=OuterRef("pk"))))
        .values("pk")
    )
    with planned_for_parameters():
        rows = list(
            objectives_for_user(user)
            .filter(pk__in=unaligned)
            .order_by("level", "title", "pk")[:200]
        )
    return cards(user, rows, scope)


# ---------------------------------------------------------------------------------------
# My OKRs


@dataclass
class MyOkrs:
    cycle: Cycle | None
    mine: list[ObjectiveCard]
    teams: list[ObjectiveCard]
    key_results: list[KeyResult]


def my_okrs(user: Person, cycle: Cycle | None) -> MyOkrs:
    if cycle is None:
        return MyOkrs(None, [], [], [])
    viewer = GoalViewer.of(user)
    scope = cycle_scope(cycle)
    visible = (
        objectives_for_user(user)
        .filter(cycle_id__in=scope)
        .exclude(state=Objective.State.ABANDONED)
    )
    mine = list(visible.filter(owner_person=user).order_by("title"))
    teams = list(
        visible.filter(owner_team_id__in=list(viewer.team_ids | viewer.led_team_ids)).order_by(
            "owner_team__name", "title"
        )
    )
    krs = list(
        key_results_for_user(user)
        .filter(owner=user, cycle_id__in=scope, state=KeyResult.State.ACTIVE)
        .exclude(objective__state__in=[Objective.State.ABANDONED, Objective.State.CLOSED])
        .order_by("objective__title", "position", "pk")
    )
    all_cards = cards(user, mine + teams)
    return MyOkrs(cycle, all_cards[: len(mine)], all_cards[len(mine) :], krs)


# ---------------------------------------------------------------------------------------
# The objective page


@dataclass
class KeyResultRow:
    key_result: KeyResult
    recent: list[CheckIn] = field(default_factory=list)
    initiatives: list[Initiative] = field(default_factory=list)
    can_check_in: bool = False
    blockers: list[Blocker] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return scoring.percent(self.key_result.progress)


@dataclass
class ObjectivePage:
    objective: Objective
    card: ObjectiveCard
    key_results: list[KeyResultRow]
    parents: list[AlignmentLink]
    children: list[ObjectiveCard]
    history: list[CheckIn]
    figure: scoring.Figure
    can_edit: bool
    revisions_count: int


CHECK_IN_HISTORY_LIMIT = 100


def objective_page(user: Person, objective: Objective) -> ObjectivePage:
    viewer = GoalViewer.of(user)
    krs = list(
        objective.key_results.select_related("owner", "cycle")
        .prefetch_related(
            Prefetch("initiatives", queryset=Initiative.objects.select_related("owner"))
        )
        .order_by("position", "pk")
    )
    history = list(
        CheckIn.objects.filter(key_result__objective=objective)
        .select_related("author", "key_result")
        .prefetch_related(Prefetch("raised_blockers", queryset=Blocker.objects.order_by("pk")))
        .order_by("-recorded_at", "-pk")[:CHECK_IN_HISTORY_LIMIT]
    )
    by_kr: dict[int, list[CheckIn]] = defaultdict(list)
    for ci in history:
        by_kr[ci.key_result_id].append(ci)
    rows = [
        KeyResultRow(
            kr,
            by_kr.get(kr.pk, [])[:5],
            list(kr.initiatives.all()),
            viewer.can_check_in(_with_objective(kr, objective)),
        )
        for kr in krs
    ]
    kr_blockers = blocker_selectors.for_key_results(user, krs)
    for row in rows:
        row.blockers = kr_blockers.get(row.key_result.pk, [])
    parents = list(
        links_for_user(user)
        .filter(child=objective, ended_at__isnull=True)
        .select_related(
            "parent_objective__owner_team",
            "parent_objective__owner_person",
            "parent_key_result__objective",
            "created_by",
        )
        .order_by("pk")
    )
    level = tree_level(user, objective, limit=PAGE_CHILDREN, proposals_first=True)
    children, card = level.children, level.parent
    return ObjectivePage(
        objective=objective,
        card=card,
        key_results=rows,
        parents=parents,
        children=children,
        history=history,
        figure=explain_objective(user, objective),
        can_edit=viewer.can_edit_objective(objective),
        revisions_count=objective.revisions.count(),
    )


def _with_objective(kr: KeyResult, objective: Objective) -> KeyResult:
    kr.objective = objective
    return kr


# ---------------------------------------------------------------------------------------
# Explanations ("why 62 %?")


def _mask(user: Person, figure: scoring.Figure) -> scoring.Figure:
    """Replace the titles of objectives the viewer may not see; their numbers still count."""
    ids = [t.ref for t in figure.explanation.terms if t.kind == "objective" and t.ref]
    if not ids:
        return figure
    visible = set(
        Objective.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True)
    )
    if visible.issuperset(ids):
        return figure
    terms = tuple(
        scoring.Term(t.kind, None, HIDDEN_LABEL, t.value, t.weight, t.counted, t.note)
        if t.kind == "objective" and t.ref not in visible
        else t
        for t in figure.explanation.terms
    )
    exp = figure.explanation
    return scoring.Figure(
        figure.value,
        scoring.Explanation(exp.subject, exp.formula, terms, exp.result, exp.as_of, exp.notes),
    )


def explain_objective(
    user: Person, objective: Objective, as_of: dt.datetime | None = None
) -> scoring.Figure:
    """The objective's progress with its explanation, now or as of a past instant."""
    if as_of is None:
        figure = rollup.objective_figure(objective)
    else:
        ids = rollup.subtree_objective_ids(objective.pk, as_of)
        snap = rollup.load_snapshot(as_of, ids)
        if objective.pk not in snap.objectives:
            figure = scoring.Figure(
                0.0,
                scoring.Explanation(
                    objective.title, "the objective did not exist yet", (), 0.0, as_of
                ),
            )
        else:
            figure = snap.compute().objectives[objective.pk]
    return history.annotate_objective_explanation(
        _mask(user, figure),
        objective.pk,
        as_of,
        maybe_abandoned=objective.state == Objective.State.ABANDONED,
    )


def explain_key_result(
    user: Person, kr: KeyResult, as_of: dt.datetime | None = None
) -> scoring.Figure:
    maybe_abandoned = kr.state == KeyResult.State.ABANDONED
    if as_of is None:
        figure = _mask(user, rollup.key_result_figure(kr, kr.last_check_in_at))
        return history.annotate_key_result_explanation(
            figure, kr.pk, maybe_abandoned=maybe_abandoned
        )
    ids = [kr.objective_id]
    if kr.source == KeyResult.Source.ALIGNED:
        ids = rollup.subtree_objective_ids(kr.objective_id, as_of)
    snap = rollup.load_snapshot(as_of, ids)
    result = snap.compute()
    if kr.pk not in result.key_results:
        return scoring.Figure(
            0.0, scoring.Explanation(kr.title, "the key result did not exist yet", (), 0.0, as_of)
        )
    return history.annotate_key_result_explanation(
        _mask(user, result.key_results[kr.pk]), kr.pk, as_of
    )


def alignment_candidates(
    user: Person, child: Objective, query: str = "", limit: int = 20
) -> list[Objective]:
    """Objectives (with their key results) the child may align to: same level or above, in
    its cycle or the enclosing year, visible to the user. Further rules run on save."""
    from lineofsight.goals.alignment import LEVEL_RANK

    levels = [lvl for lvl, rank in LEVEL_RANK.items() if rank >= LEVEL_RANK[child.level]]
    scope = cycle_scope(child.cycle)
    qs = (
        candidate_objectives(user, scope)
        .filter(level__in=levels)
        .exclude(pk=child.pk)
        .exclude(state=Objective.State.ABANDONED)
        .annotate(
            level_rank=Case(
                *[When(level=lvl, then=Value(rank)) for lvl, rank in LEVEL_RANK.items()],
                output_field=IntegerField(),
            )
        )
        .order_by("-level_rank", "title", "pk")
    )
    if query:
        qs = qs.filter(
            Q(title__icontains=query)
            | Q(key_results__title__icontains=query, key_results__cycle_id__in=scope)
        ).distinct()
    return list(qs[:limit])


def candidate_objectives(user: Person, scope: list[int]) -> QuerySet[Objective]:
    """Objectives of the cycles in ``scope`` (a cycle and its year) the user may see, with
    their live key results of those cycles: what an objective of that cycle may align to
    (an annual objective's key results for another quarter are not)."""
    return (
        objectives_for_user(user)
        .filter(cycle_id__in=scope)
        .prefetch_related(
            Prefetch(
                "key_results",
                queryset=KeyResult.objects.filter(state=KeyResult.State.ACTIVE, cycle_id__in=scope)
                .select_related("cycle")
                .order_by("position", "pk"),
            )
        )
    )
