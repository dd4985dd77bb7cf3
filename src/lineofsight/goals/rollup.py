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
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
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
#
# These few statements run on every check-in, once per level of the cascade, so they are
# written once as plain SQL over the models' tables (compiling an ORM query costs more than
# running it). The pure scoring functions do everything else.

_KR = KeyResult._meta.db_table
_OBJ = Objective._meta.db_table
_LINK = AlignmentLink._meta.db_table
_CYCLE = Objective._meta.get_field("cycle").related_model._meta.db_table  # type: ignore[union-attr]

# Only table names (from the models) are interpolated; every value is a query parameter.
_KEY_RESULT_INPUTS = f"""
    SELECT 'key_result', kr.id, kr.title, kr.weight, kr.progress, kr.cycle_id, c.start_date,
           kr.state
    FROM {_KR} kr JOIN {_CYCLE} c ON c.id = kr.cycle_id
    WHERE kr.objective_id = %s"""  # noqa: S608
_CHILD_INPUTS = f"""
    SELECT 'objective', o.id, o.title, l.weight, o.progress, o.cycle_id, c.start_date, o.state
    FROM {_LINK} l JOIN {_OBJ} o ON o.id = l.child_id JOIN {_CYCLE} c ON c.id = o.cycle_id
    WHERE l.{{parent}} = %s AND l.kind = 'contributes' AND l.state = 'accepted'
      AND l.ended_at IS NULL"""  # noqa: S608
_OBJECTIVE_INPUTS = (
    _KEY_RESULT_INPUTS + " UNION ALL " + _CHILD_INPUTS.format(parent="parent_objective_id")
)
_ALIGNED_KR_INPUTS = _CHILD_INPUTS.format(parent="parent_key_result_id")
_PARENTS = f"""
    SELECT parent_objective_id, parent_key_result_id FROM {_LINK}
    WHERE child_id = %s AND kind = 'contributes' AND state = 'accepted'
      AND ended_at IS NULL"""  # noqa: S608
# ``updated_at`` is the moment of the write (``now`` may be a reading's earlier instant), so
# that incremental reads (``updated_since``) see every change of a stored figure.
_UPDATE_OBJECTIVE = (
    f"UPDATE {_OBJ} SET progress = %s, progress_updated_at = %s, updated_at = %s "  # noqa: S608
    "WHERE id = %s"
)


def _date(value: object) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value  # type: ignore[return-value]
    return dt.date.fromisoformat(str(value)[:10])


def _contributions(
    sql: str, params: list[int], parents: list[tuple[str, int]] | None = None
) -> tuple[list[scoring.Contribution], list[scoring.Contribution]]:
    """Run an inputs query; return (key results, child objectives), each sorted by id.

    Rows of kind 'parent' (from the query that also reads them) go into ``parents``.
    """
    krs: list[scoring.Contribution] = []
    children: list[scoring.Contribution] = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for kind, pk, title, weight, progress, cycle_id, start, state in rows:
        if kind == "parent":
            if parents is not None:
                parents.append(("objective", pk) if pk is not None else ("key_result", cycle_id))
            continue
        if kind == "key_result":
            live, why = state == "active", ("" if state == "active" else "abandoned")
            out = krs
        else:
            live, why = state in LIVE_CHILD_STATES, _why_child_not_live(state)
            out = children
        out.append(
            scoring.Contribution(
                kind, pk, title, progress, weight, cycle_id, _date(start), live, why
            )
        )
    krs.sort(key=lambda c: c.ref)
    children.sort(key=lambda c: c.ref)
    return krs, children


def objective_inputs(
    objective_id: int,
) -> tuple[list[scoring.Contribution], list[scoring.Contribution]]:
    """An objective's key results and contributing child objectives, with stored figures."""
    krs, children = _contributions(_OBJECTIVE_INPUTS, [objective_id, objective_id])
    return krs, children


def aligned_key_result_inputs(key_result_id: int) -> list[scoring.Contribution]:
    return _contributions(_ALIGNED_KR_INPUTS, [key_result_id])[1]


def _score_objective(
    *,
    title: str,
    mode: str,
    cycle_id: int,
    inputs: tuple[list[scoring.Contribution], list[scoring.Contribution]],
    as_of: dt.datetime | None,
    explain: bool = True,
) -> scoring.Figure:
    krs, children = inputs
    return scoring.objective_progress(
        scoring.ProgressMode(mode),
        krs,
        children,
        subject=title,
        own_cycle_id=cycle_id,
        as_of=as_of,
        explain=explain,
    )


def objective_figure(objective: Objective, as_of: dt.datetime | None = None) -> scoring.Figure:
    """Score an objective from the stored figures of its direct inputs."""
    return _score_objective(
        title=objective.title,
        mode=objective.progress_mode,
        cycle_id=objective.cycle_id,
        inputs=objective_inputs(objective.pk),
        as_of=as_of or objective.progress_updated_at,
    )


def key_result_figure(kr: KeyResult, as_of: dt.datetime | None = None) -> scoring.Figure:
    """Score a key result from its latest stored reading, or its contributing children."""
    if kr.source == KeyResult.Source.ALIGNED:
        return scoring.aligned_key_result_progress(
            aligned_key_result_inputs(kr.pk),
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


def _lock_clause() -> str:
    # Row locks serialise concurrent roll-ups of the same parent on PostgreSQL; SQLite runs
    # writers one at a time already (its transactions begin IMMEDIATE).
    return " FOR UPDATE" if connection.features.has_select_for_update else ""


def propagate_from_objectives(
    objective_ids: Iterable[int], *, now: dt.datetime | None = None
) -> int:
    return propagate([("objective", oid) for oid in objective_ids], now=now)


def parents_of(objective_id: int) -> list[tuple[str, int]]:
    """The nodes an objective's progress feeds through its live contributing links."""
    with connection.cursor() as cursor:
        cursor.execute(_PARENTS, [objective_id])
        rows = cursor.fetchall()
    return [
        ("objective", parent_obj) if parent_obj is not None else ("key_result", parent_kr)
        for parent_obj, parent_kr in rows
    ]


def propagate(nodes: Iterable[tuple[str, int]], *, now: dt.datetime | None = None) -> int:
    """Recompute ``nodes`` ("objective"/"key_result", id) and whatever they feed, upwards,
    and write the figures that changed. Returns the number of figures written."""
    figures = plan(nodes, now=now)
    figures.write()
    return len(figures)


@dataclass
class Figures:
    """The figures a climb changed, to be written in one statement per table: by the
    climb's caller (``statements``, e.g. in one statement with its own write on
    PostgreSQL) or here (``write``)."""

    objectives: dict[int, float]
    key_results: dict[int, float]
    now: dt.datetime

    def __len__(self) -> int:
        return len(self.objectives) + len(self.key_results)

    def statements(self) -> list[tuple[str, list[Any]]]:
        """One ``UPDATE`` per table with changed figures (``updated_at``: the moment of the
        write, for incremental reads)."""
        written = connection.ops.adapt_datetimefield_value(timezone.now())
        out: list[tuple[str, list[Any]]] = []
        if self.objectives:
            cases = " ".join(["WHEN %s THEN %s"] * len(self.objectives))
            where, ids = _in(self.objectives)
            params: list[Any] = [v for pair in self.objectives.items() for v in pair]
            params.append(connection.ops.adapt_datetimefield_value(self.now))
            params.append(written)
            params.extend(ids)
            out.append(
                (
                    f"UPDATE {_OBJ} SET progress = CASE id {cases} END, "  # noqa: S608
                    f"progress_updated_at = %s, updated_at = %s WHERE id IN {where}",
                    params,
                )
            )
        if self.key_results:
            cases = " ".join(["WHEN %s THEN %s"] * len(self.key_results))
            where, ids = _in(self.key_results)
            out.append(
                (
                    f"UPDATE {_KR} SET progress = CASE id {cases} END, "  # noqa: S608
                    f"updated_at = %s WHERE id IN {where}",
                    [*(v for pair in self.key_results.items() for v in pair), written, *ids],
                )
            )
        return out

    def write(self) -> None:
        with connection.cursor() as cursor:
            for sql, params in self.statements():
                cursor.execute(sql, params)


def plan(
    nodes: Iterable[tuple[str, int]],
    *,
    now: dt.datetime | None = None,
    changed: Mapping[tuple[str, int], float] | None = None,
    climb: Climb | None = None,
) -> Figures:
    """Recompute ``nodes`` ("objective"/"key_result", id) and whatever they feed, upwards,
    reading the inputs in ``changed`` (a key result's progress about to be written by the
    caller, in the same transaction) at their new value; the figures that change, unwritten.
    ``climb``: the locks and reads for ``nodes``, sent already (``climb_from``).

    Stops climbing where a figure did not change. Runs inside the caller's transaction, in
    the same few statements whatever the depth of the cascade (each one a round trip to the
    database server): lock and read every node the given ones feed (one recursive query),
    read all their inputs and parents (one query), and score them level by level in memory;
    the figures that changed are then written in one statement per table. The order in
    which nodes are scored, and where the climb stops, are those of a walk that reads and
    writes one node at a time.
    """
    now = now or timezone.now()
    climb = climb or Climb()
    climb.receive()
    climb.progress.update(changed or {})
    queue: list[tuple[str, int]] = list(nodes)
    climb.load(queue)
    seen: set[tuple[str, int]] = set()
    objectives: dict[int, float] = {}
    key_results: dict[int, float] = {}
    while queue:
        node = queue.pop(0)
        if node in seen:
            continue
        seen.add(node)
        kind, pk = node
        if node not in climb.loaded:
            # Reached through a link committed while this transaction waited for its locks:
            # lock and read what it leads to now.
            climb.load([node])
        if kind == "objective":
            header = climb.objectives.get(pk)
            if header is None:
                continue
            title, mode, cycle_id, stored, stamped = header
            figure = _score_objective(
                title=title,
                mode=mode,
                cycle_id=cycle_id,
                inputs=climb.objective_inputs(pk),
                as_of=now,
                explain=False,
            )
            if abs(figure.value - stored) <= TOLERANCE and stamped is not None:
                continue
            objectives[pk] = climb.progress[node] = figure.value
            queue.extend(climb.parents.get(pk, ()))
        else:
            kr = climb.key_results.get(pk)
            if kr is None or kr[4] != KeyResult.Source.ALIGNED:
                continue
            title, objective_id, cycle_id, stored, _ = kr
            figure = scoring.aligned_key_result_progress(
                climb.aligned_inputs(pk),
                subject=title,
                own_cycle_id=cycle_id,
                as_of=now,
                explain=False,
            )
            if abs(figure.value - stored) <= TOLERANCE:
                continue
            key_results[pk] = climb.progress[node] = figure.value
            queue.append(("objective", objective_id))
    return Figures(objectives, key_results, now)


def climb_from(nodes: Iterable[tuple[str, int]]) -> Climb:
    """Send the statements that lock and read what ``nodes`` feed, for ``plan`` to read the
    answers: sent inside ``core.rows.pipeline`` with other statements, in the same round
    trip as those."""
    climb = Climb()
    climb.send(nodes)
    return climb


def _in(ids: Iterable[int]) -> tuple[str, list[int]]:
    """``(%s, %s, ...)`` and its parameters; ``(NULL)``, which matches nothing, when empty."""
    params = list(ids)
    return ("(" + ", ".join(["%s"] * len(params)) + ")" if params else "(NULL)"), params


_LIVE_LINK = "l.kind = 'contributes' AND l.state = 'accepted' AND l.ended_at IS NULL"

# Every objective the given objectives and aligned key results feed, directly or through
# other objectives and aligned key results (``via``: the aligned key result on the way).
_UP = f"""
    WITH RECURSIVE up(id, via) AS (
        SELECT id, NULL FROM {_OBJ} WHERE id IN {{objectives}}
        UNION
        SELECT objective_id, id FROM {_KR} WHERE id IN {{key_results}} AND source = 'aligned'
        UNION
        SELECT COALESCE(l.parent_objective_id, k.objective_id), k.id
        FROM up JOIN {_LINK} l ON l.child_id = up.id
        LEFT JOIN {_KR} k ON k.id = l.parent_key_result_id AND k.source = 'aligned'
        WHERE {_LIVE_LINK} AND (l.parent_objective_id IS NOT NULL OR k.id IS NOT NULL)
    )"""  # noqa: S608

# Those nodes, locked.
_LOCK_CLIMB = f"""{_UP},
    o AS (
        SELECT id, title, progress_mode, cycle_id, progress, progress_updated_at
        FROM {_OBJ} WHERE id IN (SELECT id FROM up) ORDER BY id{{lock}}
    ),
    k AS (
        SELECT id, title, objective_id, cycle_id, progress, source FROM {_KR}
        WHERE id IN (SELECT via FROM up) ORDER BY id{{lock}}
    )
    SELECT 'objective', id, title, progress_mode, cycle_id, progress, progress_updated_at,
           NULL, NULL
    FROM o
    UNION ALL
    SELECT 'key_result', id, title, NULL, cycle_id, progress, NULL, objective_id, source
    FROM k"""  # noqa: S608

# Their direct inputs and their parents, read by the next statement, once the locks are held
# (a statement reads what was committed when it began). It finds the nodes again rather than
# being given them, so that both statements can be sent at once; whatever it finds that the
# locking statement did not (a link committed in between) is left for a later load. On
# PostgreSQL the nodes found are handed on as an array, which the planner reads through the
# indexes (as a set of rows, it guesses hundreds and reads whole tables).
_CLIMB_INPUTS = f"""{_UP}
    SELECT 'key_result', kr.objective_id, kr.id, kr.title, kr.weight, kr.progress, kr.cycle_id,
           c.start_date, kr.state
    FROM {_KR} kr JOIN {_CYCLE} c ON c.id = kr.cycle_id
    WHERE kr.objective_id {{in_up}}
    UNION ALL
    SELECT 'objective', l.parent_objective_id, o.id, o.title, l.weight, o.progress, o.cycle_id,
           c.start_date, o.state
    FROM {_LINK} l JOIN {_OBJ} o ON o.id = l.child_id JOIN {_CYCLE} c ON c.id = o.cycle_id
    WHERE l.parent_objective_id {{in_up}} AND {_LIVE_LINK}
    UNION ALL
    SELECT 'aligned', l.parent_key_result_id, o.id, o.title, l.weight, o.progress, o.cycle_id,
           c.start_date, o.state
    FROM {_LINK} l JOIN {_OBJ} o ON o.id = l.child_id JOIN {_CYCLE} c ON c.id = o.cycle_id
    WHERE l.parent_key_result_id {{in_via}} AND {_LIVE_LINK}
    UNION ALL
    SELECT 'parent', l.child_id, l.parent_objective_id, NULL, NULL, NULL,
           l.parent_key_result_id, NULL, NULL
    FROM {_LINK} l
    WHERE l.child_id {{in_up}} AND {_LIVE_LINK}"""  # noqa: S608


def _among_up(column: str) -> str:
    """A condition that a value is one of ``up``'s ``column`` (``id`` or ``via``)."""
    if connection.vendor == "postgresql":
        return f"= ANY(ARRAY(SELECT {column} FROM up WHERE {column} IS NOT NULL))"  # noqa: S608
    return f"IN (SELECT {column} FROM up WHERE {column} IS NOT NULL)"  # noqa: S608


_InputRow = tuple[str, int, str, float, float, int, object, str]


class Climb:
    """The nodes a roll-up climbs through, locked and read in bulk, with the figures the
    climb has changed so far (which the inputs of the nodes above then show)."""

    def __init__(self) -> None:
        self.loaded: set[tuple[str, int]] = set()
        self.objectives: dict[int, tuple[str, str, int, float, object]] = {}
        self.key_results: dict[int, tuple[str, int, int, float, str]] = {}
        self.parents: dict[int, list[tuple[str, int]]] = {}
        self.inputs: dict[tuple[str, int], list[_InputRow]] = {}
        self.progress: dict[tuple[str, int], float] = {}
        self._sent: tuple[list[tuple[str, int]], Any, Any] | None = None

    def load(self, nodes: Iterable[tuple[str, int]]) -> None:
        """Lock and read ``nodes`` and everything they feed, and then all their inputs."""
        self.send(nodes)
        self.receive()

    def send(self, nodes: Iterable[tuple[str, int]]) -> None:
        """Send the two statements of a load: within ``core.rows.pipeline``, together with
        whatever else is sent there, in one round trip."""
        wanted = [n for n in nodes if n not in self.loaded]
        if not wanted:
            return
        objectives = _in(sorted({pk for kind, pk in wanted if kind == "objective"}))
        key_results = _in(sorted({pk for kind, pk in wanted if kind == "key_result"}))
        params = objectives[1] + key_results[1]
        lock = _lock_clause()
        locking, reading = connection.cursor(), connection.cursor()
        locking.execute(
            _LOCK_CLIMB.format(objectives=objectives[0], key_results=key_results[0], lock=lock),
            params,
        )
        inputs = _CLIMB_INPUTS.format(
            objectives=objectives[0],
            key_results=key_results[0],
            in_up=_among_up("id"),
            in_via=_among_up("via"),
        )
        reading.execute(inputs, params)
        self._sent = (wanted, locking, reading)

    def receive(self) -> None:
        """Read what ``send`` asked for."""
        if self._sent is None:
            return
        wanted, locking, reading = self._sent
        self._sent = None
        new_objectives: set[int] = set()
        new_key_results: set[int] = set()
        new_aligned: set[int] = set()
        with locking:
            for (
                kind,
                pk,
                title,
                mode,
                cycle_id,
                progress,
                stamped,
                objective_id,
                source,
            ) in locking.fetchall():
                if (kind, pk) in self.loaded:
                    continue
                if kind == "objective":
                    self.objectives[pk] = (title, mode, cycle_id, progress, stamped)
                    new_objectives.add(pk)
                else:
                    self.key_results[pk] = (title, objective_id, cycle_id, progress, source)
                    new_key_results.add(pk)
                    if source == KeyResult.Source.ALIGNED:
                        new_aligned.add(pk)
        with reading:
            rows = reading.fetchall()
        self.loaded.update(wanted)
        self.loaded.update(("objective", pk) for pk in new_objectives)
        self.loaded.update(("key_result", pk) for pk in new_key_results)
        for kind, owner, pk, title, weight, progress, cycle_id, start, state in rows:
            if owner not in (new_aligned if kind == "aligned" else new_objectives):
                continue  # not locked by this load: a later one reads it
            if kind == "parent":
                parent = ("objective", pk) if pk is not None else ("key_result", cycle_id)
                self.parents.setdefault(owner, []).append(parent)
                continue
            key = ("key_result" if kind == "aligned" else "objective", owner)
            self.inputs.setdefault(key, []).append(
                (kind, pk, title, weight, progress, cycle_id, start, state)
            )

    def _contributions(self, rows: list[_InputRow]) -> list[scoring.Contribution]:
        out = []
        for kind, pk, title, weight, progress, cycle_id, start, state in rows:
            if kind == "key_result":
                live, why = state == "active", ("" if state == "active" else "abandoned")
                node = ("key_result", pk)
            else:
                kind = "objective"
                live, why = state in LIVE_CHILD_STATES, _why_child_not_live(state)
                node = ("objective", pk)
            out.append(
                scoring.Contribution(
                    kind,
                    pk,
                    title,
                    self.progress.get(node, progress),
                    weight,
                    cycle_id,
                    _date(start),
                    live,
                    why,
                )
            )
        out.sort(key=lambda c: c.ref)
        return out

    def objective_inputs(
        self, pk: int
    ) -> tuple[list[scoring.Contribution], list[scoring.Contribution]]:
        rows = self.inputs.get(("objective", pk), [])
        krs = self._contributions([r for r in rows if r[0] == "key_result"])
        children = self._contributions([r for r in rows if r[0] != "key_result"])
        return krs, children

    def aligned_inputs(self, pk: int) -> list[scoring.Contribution]:
        return self._contributions(self.inputs.get(("key_result", pk), []))


# ---------------------------------------------------------------------------------------
# Full recompute from the history


@dataclass
class Snapshot:
    """Everything needed to score a set of objectives as of one instant."""

    as_of: dt.datetime
    objectives: dict[int, scoring.ObjectiveNode] = field(default_factory=dict)
    key_results: dict[int, scoring.KeyResultNode] = field(default_factory=dict)
    links: list[scoring.LinkEdge] = field(default_factory=list)

    def compute(self, *, explain: bool = True) -> scoring.GraphResult:
        return scoring.compute_graph(
            self.objectives, self.key_results, self.links, as_of=self.as_of, explain=explain
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

    link_qs = AlignmentLink.objects.counted_at(as_of)
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
    found = {root_id}
    frontier = [root_id]
    while frontier:
        rows = (
            AlignmentLink.objects.counted_at(as_of)
            .filter(target_id__in=frontier)
            .order_by()
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


@contextmanager
def _one_snapshot() -> Iterator[None]:
    """Run the enclosed reads against one snapshot of the database, without blocking writers.

    Verifying reads the history, scores it, then reads the stored figures; a check-in
    committed in between would otherwise look like a difference.
    """
    if connection.in_atomic_block:
        yield  # the caller's transaction decides
        return
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield
        return
    # SQLite in WAL mode: a deferred transaction reads one snapshot and takes no write lock.
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            cursor.execute("COMMIT")


_OKR_TABLES = (AlignmentLink, CheckIn, KeyResult, KeyResultRevision, Objective, ObjectiveRevision)


def _hold_okr_writes() -> None:
    """Make writers to the OKR tables wait until the current transaction ends.

    Rebuilding reads the whole history, then writes figures: a check-in committed in between
    would be overwritten by a figure computed without it. SQLite runs one writer at a time
    from the start of its transaction already; on PostgreSQL the tables are locked in a mode
    that lets readers (pages) carry on, makes writers wait, and serialises two rebuilds.
    """
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in _OKR_TABLES)
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")  # noqa: S608


def verify() -> tuple[list[Difference], int]:
    """Recompute every figure from the history and compare with what is stored, all from
    one consistent snapshot. Returns the differences and the number of figures checked."""
    with _one_snapshot():
        snap = load_snapshot()
        result = snap.compute(explain=False)
        stored_obj = dict(Objective.objects.order_by().values_list("pk", "progress"))
        stored_kr = dict(KeyResult.objects.order_by().values_list("pk", "progress"))
    diffs: list[Difference] = []
    for pk, fig in result.objectives.items():
        stored = stored_obj.get(pk, 0.0)
        if abs(stored - fig.value) > 1e-6:
            diffs.append(Difference("objective", pk, snap.objectives[pk].title, stored, fig.value))
    for pk, fig in result.key_results.items():
        stored = stored_kr.get(pk, 0.0)
        if abs(stored - fig.value) > 1e-6:
            diffs.append(
                Difference("key_result", pk, snap.key_results[pk].title, stored, fig.value)
            )
    return diffs, len(result.objectives) + len(result.key_results)


_REBUILD_OBJECTIVE = _UPDATE_OBJECTIVE
_REBUILD_KEY_RESULT = (
    f"UPDATE {_KR} SET progress = %s, current_value = %s, done = %s, "  # noqa: S608
    f"last_check_in_at = %s, confidence = %s, updated_at = %s WHERE id = %s"
)


@transaction.atomic
def rebuild(now: dt.datetime | None = None) -> int:
    """Recompute every stored figure from the history and write the ones that differ.

    Also refreshes each key result's latest reading. Used after bulk loads and to repair;
    writers wait while it runs, so no check-in is lost. Returns the number of rows written.
    """
    _hold_okr_writes()
    now = now or timezone.now()
    snap = load_snapshot()
    result = snap.compute(explain=False)
    adapt = connection.ops.adapt_datetimefield_value
    stamp = adapt(now)
    written = adapt(timezone.now())
    stored_obj = dict(Objective.objects.order_by().values_list("pk", "progress"))
    obj_rows = [
        (fig.value, stamp, written, pk)
        for pk, fig in result.objectives.items()
        if abs(stored_obj.get(pk, -1.0) - fig.value) > TOLERANCE
    ]
    stored_kr = {
        r[0]: r[1:]
        for r in KeyResult.objects.order_by().values_list(
            "pk", "progress", "current_value", "done", "last_check_in_at", "confidence"
        )
    }
    latest = CheckIn.objects.filter(key_result=OuterRef("pk")).order_by("-recorded_at", "-pk")
    confidences = dict(
        KeyResult.objects.filter(source="check_ins")
        .order_by()
        .annotate(c=Subquery(latest.values("confidence")[:1]))
        .values_list("pk", "c")
    )
    kr_rows = []
    for pk, fig in result.key_results.items():
        reading = snap.key_results[pk].reading
        new = (
            fig.value,
            reading.value if reading else None,
            bool(reading.done) if reading else False,
            reading.at if reading else None,
            confidences.get(pk) or "",
        )
        progress, value, done, last_at, confidence = stored_kr[pk]
        if abs(progress - new[0]) > TOLERANCE or (value, done, last_at, confidence) != new[1:]:
            kr_rows.append((new[0], new[1], new[2], adapt(new[3]), new[4], written, pk))
    with connection.cursor() as cursor:
        if obj_rows:
            cursor.executemany(_REBUILD_OBJECTIVE, obj_rows)
        if kr_rows:
            cursor.executemany(_REBUILD_KEY_RESULT, kr_rows)
    return len(obj_rows) + len(kr_rows)
