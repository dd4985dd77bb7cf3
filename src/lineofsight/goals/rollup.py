"""Stored roll-ups: keep ``progress`` columns current, and recompute them from history.

Incremental path (every check-in and definition change): recompute the changed key result's
objective from its direct inputs, then walk up the contributing links one level at a time,
stopping where a figure did not change. The work grows with the depth of the cascade, not
with the size of the organisation.

Both paths build their inputs with the same helpers and score them with the same pure
functions in ``goals.scoring``, so the stored figure and a recomputed one can only differ if
the stored data was changed behind the actions' back. ``verify`` reports exactly that.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from lineofsight.goals import scoring
from lineofsight.goals.models import (
    AlignmentLink,
    CheckIn,
    KeyResult,
    KeyResultRevision,
    Objective,
    ObjectiveRevision,
)

LIVE_CHILD_STATES = ("active", "closed")
TOLERANCE = 1e-9


def _why_child_not_live(state: str) -> str:
    return "" if state in LIVE_CHILD_STATES else f"{state}, not counted"


# ---------------------------------------------------------------------------------------
# Direct inputs of one node, from stored figures


def key_result_contributions(objective_id: int) -> list[scoring.Contribution]:
    rows = KeyResult.objects.filter(objective_id=objective_id).values_list(
        "pk", "title", "weight", "progress", "cycle_id", "cycle__start_date", "state"
    )
    return [
        scoring.Contribution(
            "key_result",
            pk,
            title,
            progress,
            weight,
            cycle_id,
            start,
            state == "active",
            "" if state == "active" else "abandoned",
        )
        for pk, title, weight, progress, cycle_id, start, state in sorted(rows)
    ]


def child_contributions(
    *, parent_objective_id: int | None = None, parent_key_result_id: int | None = None
) -> list[scoring.Contribution]:
    links = AlignmentLink.objects.contributing()
    if parent_objective_id is not None:
        links = links.filter(parent_objective_id=parent_objective_id)
    else:
        links = links.filter(parent_key_result_id=parent_key_result_id)
    rows = links.values_list(
        "child_id",
        "child__title",
        "weight",
        "child__progress",
        "child__cycle_id",
        "child__cycle__start_date",
        "child__state",
    )
    return [
        scoring.Contribution(
            "objective",
            child_id,
            title,
            progress,
            weight,
            cycle_id,
            start,
            state in LIVE_CHILD_STATES,
            _why_child_not_live(state),
        )
        for child_id, title, weight, progress, cycle_id, start, state in sorted(rows)
    ]


def objective_figure(objective: Objective, as_of: dt.datetime | None = None) -> scoring.Figure:
    """Score an objective from the stored figures of its direct inputs."""
    mode = scoring.ProgressMode(objective.progress_mode)
    krs = key_result_contributions(objective.pk) if mode != scoring.ProgressMode.CHILDREN else []
    children = (
        child_contributions(parent_objective_id=objective.pk)
        if mode != scoring.ProgressMode.KEY_RESULTS
        else []
    )
    return scoring.objective_progress(
        mode,
        krs,
        children,
        subject=objective.title,
        own_cycle_id=objective.cycle_id,
        as_of=as_of or objective.progress_updated_at,
    )


def key_result_figure(kr: KeyResult, as_of: dt.datetime | None = None) -> scoring.Figure:
    """Score a key result from its latest stored reading, or its contributing children."""
    if kr.source == KeyResult.Source.ALIGNED:
        return scoring.aligned_key_result_progress(
            child_contributions(parent_key_result_id=kr.pk),
            subject=kr.title,
            own_cycle_id=kr.cycle_id,
            as_of=as_of,
        )
    reading = None
    if kr.last_check_in_at is not None:
        reading = scoring.Reading(kr.current_value, kr.done, kr.last_check_in_at)
    return scoring.key_result_progress(kr.spec(), reading, subject=kr.title, as_of=as_of)


# ---------------------------------------------------------------------------------------
# Incremental propagation


def _lock(qs):  # type: ignore[no-untyped-def]
    # Row locks serialise concurrent roll-ups of the same parent on PostgreSQL; SQLite runs
    # writers one at a time already (transactions begin IMMEDIATE).
    return qs.select_for_update() if connection.features.has_select_for_update else qs


def propagate_from_objectives(
    objective_ids: Iterable[int], *, now: dt.datetime | None = None
) -> int:
    return propagate([("objective", oid) for oid in objective_ids], now=now)


def parents_of(objective_id: int) -> list[tuple[str, int]]:
    """The nodes an objective's progress feeds through its live contributing links."""
    return [
        ("objective", parent_obj) if parent_obj is not None else ("key_result", parent_kr)
        for parent_obj, parent_kr in AlignmentLink.objects.contributing()
        .filter(child_id=objective_id)
        .values_list("parent_objective_id", "parent_key_result_id")
    ]


def propagate(nodes: Iterable[tuple[str, int]], *, now: dt.datetime | None = None) -> int:
    """Recompute ``nodes`` ("objective"/"key_result", id) and whatever they feed, upwards.

    Stops climbing where a figure did not change. Returns the number of figures written.
    """
    now = now or timezone.now()
    changed = 0
    queue: list[tuple[str, int]] = list(nodes)
    seen: set[tuple[str, int]] = set()
    while queue:
        kind, pk = queue.pop(0)
        if (kind, pk) in seen:
            continue
        seen.add((kind, pk))
        if kind == "objective":
            objective = (
                _lock(Objective.objects.filter(pk=pk))
                .only("pk", "title", "progress_mode", "cycle_id", "progress", "progress_updated_at")
                .get()
            )
            figure = objective_figure(objective, now)
            if (
                abs(figure.value - objective.progress) <= TOLERANCE
                and objective.progress_updated_at
            ):
                continue
            Objective.objects.filter(pk=pk).update(progress=figure.value, progress_updated_at=now)
            changed += 1
            queue.extend(parents_of(pk))
        else:
            kr = _lock(KeyResult.objects.filter(pk=pk)).get()
            if kr.source != KeyResult.Source.ALIGNED:
                continue
            figure = key_result_figure(kr, now)
            if abs(figure.value - kr.progress) <= TOLERANCE:
                continue
            KeyResult.objects.filter(pk=pk).update(progress=figure.value)
            changed += 1
            queue.append(("objective", kr.objective_id))
    return changed


# ---------------------------------------------------------------------------------------
# Full recompute from the history


@dataclass
class Snapshot:
    """Everything needed to score a set of objectives as of one instant."""

    as_of: dt.datetime
    objectives: dict[int, scoring.ObjectiveNode] = field(default_factory=dict)
    key_results: dict[int, scoring.KeyResultNode] = field(default_factory=dict)
    links: list[scoring.LinkEdge] = field(default_factory=list)

    def compute(self) -> scoring.GraphResult:
        return scoring.compute_graph(
            self.objectives, self.key_results, self.links, as_of=self.as_of
        )


def _latest_revisions(model, fk: str, ids: list[int] | None, as_of: dt.datetime):  # type: ignore[no-untyped-def]
    """The revision of each definition that was in force at ``as_of``."""
    qs = model.objects.filter(valid_from__lte=as_of)
    if ids is not None:
        qs = qs.filter(**{f"{fk}__in": ids})
    newest = model.objects.filter(**{fk: OuterRef(fk)}, valid_from__lte=as_of).order_by(
        "-valid_from", "-number"
    )
    return qs.filter(pk=Subquery(newest.values("pk")[:1]))


def _chunks(ids: list[int], size: int = 20000) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def load_snapshot(
    as_of: dt.datetime | None = None, objective_ids: list[int] | None = None
) -> Snapshot:
    """Load definitions, links and readings as they stood at ``as_of`` (default: now).

    ``objective_ids`` restricts the snapshot (e.g. to one objective's subtree); ``None``
    loads the whole organisation. Current definitions are read from the revision tables, so
    a figure for a past date uses the targets and weights that applied then.
    """
    now = timezone.now()
    as_of = as_of or now
    snap = Snapshot(as_of=as_of)
    historical = as_of < now - dt.timedelta(seconds=1)

    obj_qs = Objective.objects.filter(created_at__lte=as_of)
    if objective_ids is not None:
        obj_qs = obj_qs.filter(pk__in=objective_ids)
    base = {
        pk: (cycle_id, start)
        for pk, cycle_id, start in obj_qs.values_list("pk", "cycle_id", "cycle__start_date")
    }
    if historical:
        rev_rows = _latest_revisions(ObjectiveRevision, "objective", objective_ids, as_of)
        defs = {
            r[0]: r[1:]
            for r in rev_rows.values_list("objective_id", "title", "progress_mode", "state")
        }
    else:
        defs = {r[0]: r[1:] for r in obj_qs.values_list("pk", "title", "progress_mode", "state")}
    for pk, (cycle_id, start) in base.items():
        if pk not in defs:
            continue
        title, mode, state = defs[pk]
        snap.objectives[pk] = scoring.ObjectiveNode(
            pk,
            title,
            scoring.ProgressMode(mode),
            cycle_id,
            start,
            state in LIVE_CHILD_STATES,
            _why_child_not_live(state),
        )

    kr_qs = KeyResult.objects.filter(created_at__lte=as_of, objective_id__in=list(snap.objectives))
    if objective_ids is None:
        kr_qs = KeyResult.objects.filter(created_at__lte=as_of)
    kr_base = {
        r[0]: r[1:]
        for r in kr_qs.values_list("pk", "objective_id", "cycle_id", "cycle__start_date")
    }
    kr_ids = list(kr_base) if objective_ids is not None else None
    if historical:
        kr_defs = {
            r[0]: r[1:]
            for r in _latest_revisions(KeyResultRevision, "key_result", kr_ids, as_of).values_list(
                "key_result_id",
                "title",
                "kind",
                "start_value",
                "target_value",
                "unit",
                "weight",
                "source",
                "state",
            )
        }
    else:
        kr_defs = {
            r[0]: r[1:]
            for r in kr_qs.values_list(
                "pk",
                "title",
                "kind",
                "start_value",
                "target_value",
                "unit",
                "weight",
                "source",
                "state",
            )
        }

    readings: dict[int, scoring.Reading] = {}
    latest = CheckIn.objects.filter(key_result=OuterRef("pk"), recorded_at__lte=as_of).order_by(
        "-recorded_at", "-pk"
    )
    reading_qs = KeyResult.objects.filter(created_at__lte=as_of, source="check_ins")
    id_batches: Iterable[list[int] | None] = (
        _chunks(list(kr_base)) if objective_ids is not None else [None]
    )
    for batch in id_batches:
        qs = reading_qs if batch is None else reading_qs.filter(pk__in=batch)
        rows = qs.annotate(
            r_at=Subquery(latest.values("recorded_at")[:1]),
            r_value=Subquery(latest.values("value")[:1]),
            r_done=Subquery(latest.values("done")[:1]),
        ).values_list("pk", "r_at", "r_value", "r_done")
        for pk, at, value, done in rows:
            if at is not None:
                readings[pk] = scoring.Reading(value, done, at)

    for pk, (objective_id, cycle_id, start) in kr_base.items():
        if pk not in kr_defs or objective_id not in snap.objectives:
            continue
        title, kind, start_value, target_value, unit, weight, source, state = kr_defs[pk]
        snap.key_results[pk] = scoring.KeyResultNode(
            pk,
            objective_id,
            title,
            scoring.KeyResultSpec(scoring.KeyResultKind(kind), start_value, target_value, unit),
            weight,
            cycle_id,
            start,
            aligned=source == "aligned",
            live=state == "active",
            reading=readings.get(pk),
        )

    link_qs = AlignmentLink.objects.filter(kind="contributes", created_at__lte=as_of).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gt=as_of)
    )
    if objective_ids is not None:
        link_qs = link_qs.filter(child_id__in=list(snap.objectives))
    for child_id, weight, parent_obj, parent_kr in link_qs.values_list(
        "child_id", "weight", "parent_objective_id", "parent_key_result_id"
    ):
        if child_id not in snap.objectives:
            continue
        if parent_obj is not None and parent_obj not in snap.objectives:
            continue
        if parent_kr is not None:
            node = snap.key_results.get(parent_kr)
            if node is None or not node.aligned:
                continue
        snap.links.append(scoring.LinkEdge(child_id, weight, parent_obj, parent_kr))
    return snap


def subtree_objective_ids(root_id: int, as_of: dt.datetime | None = None) -> list[int]:
    """The objective and everything contributing to it, directly or not, at ``as_of``."""
    as_of = as_of or timezone.now()
    live_then = Q(created_at__lte=as_of) & (Q(ended_at__isnull=True) | Q(ended_at__gt=as_of))
    found = {root_id}
    frontier = [root_id]
    while frontier:
        rows = (
            AlignmentLink.objects.filter(live_then, kind="contributes")
            .filter(
                Q(parent_objective_id__in=frontier)
                | Q(parent_key_result__objective_id__in=frontier)
            )
            .values_list("child_id", flat=True)
        )
        frontier = [c for c in set(rows) if c not in found]
        found.update(frontier)
    return sorted(found)


@dataclass(frozen=True)
class Difference:
    kind: str
    pk: int
    title: str
    stored: float
    recomputed: float


def verify() -> tuple[list[Difference], int]:
    """Recompute every figure from the history and compare with what is stored.

    Returns the differences and the number of figures checked.
    """
    snap = load_snapshot()
    result = snap.compute()
    diffs: list[Difference] = []
    stored_obj = dict(Objective.objects.values_list("pk", "progress"))
    for pk, fig in result.objectives.items():
        stored = stored_obj.get(pk, 0.0)
        if abs(stored - fig.value) > 1e-6:
            diffs.append(Difference("objective", pk, snap.objectives[pk].title, stored, fig.value))
    stored_kr = {
        pk: (progress, value, done)
        for pk, progress, value, done in KeyResult.objects.values_list(
            "pk", "progress", "current_value", "done"
        )
    }
    for pk, fig in result.key_results.items():
        stored, value, done = stored_kr.get(pk, (0.0, None, False))
        if abs(stored - fig.value) > 1e-6:
            diffs.append(
                Difference("key_result", pk, snap.key_results[pk].title, stored, fig.value)
            )
    return diffs, len(result.objectives) + len(result.key_results)


def rebuild(now: dt.datetime | None = None) -> int:
    """Recompute every stored figure from the history and write the ones that differ.

    Also refreshes each key result's latest reading. Used after bulk loads and to repair.
    Returns the number of rows written.
    """
    now = now or timezone.now()
    snap = load_snapshot()
    result = snap.compute()
    written = 0
    stored_obj = dict(Objective.objects.values_list("pk", "progress"))
    obj_updates = []
    for pk, fig in result.objectives.items():
        if abs(stored_obj.get(pk, -1.0) - fig.value) > TOLERANCE:
            obj_updates.append(Objective(pk=pk, progress=fig.value, progress_updated_at=now))
    Objective.objects.bulk_update(obj_updates, ["progress", "progress_updated_at"], batch_size=2000)
    written += len(obj_updates)

    stored_kr = {
        r[0]: r[1:]
        for r in KeyResult.objects.values_list(
            "pk", "progress", "current_value", "done", "last_check_in_at"
        )
    }
    latest_conf = CheckIn.objects.filter(key_result=OuterRef("pk")).order_by("-recorded_at", "-pk")
    confidences = dict(
        KeyResult.objects.filter(source="check_ins")
        .annotate(c=Subquery(latest_conf.values("confidence")[:1]))
        .values_list("pk", "c")
    )
    kr_updates = []
    for pk, fig in result.key_results.items():
        node = snap.key_results[pk]
        progress, value, done, last_at = stored_kr[pk]
        reading = node.reading
        new_value = reading.value if reading else None
        new_done = bool(reading.done) if reading else False
        new_at = reading.at if reading else None
        if (
            abs(progress - fig.value) > TOLERANCE
            or value != new_value
            or done != new_done
            or last_at != new_at
        ):
            kr_updates.append(
                KeyResult(
                    pk=pk,
                    progress=fig.value,
                    current_value=new_value,
                    done=new_done,
                    last_check_in_at=new_at,
                    confidence=confidences.get(pk) or "",
                )
            )
    KeyResult.objects.bulk_update(
        kr_updates,
        ["progress", "current_value", "done", "last_check_in_at", "confidence"],
        batch_size=2000,
    )
    written += len(kr_updates)
    return written
