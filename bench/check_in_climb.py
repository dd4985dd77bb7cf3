"""A check-in's climb up the cascade: in bulk (the product's) against one node at a time.

    .venv/bin/python bench/check_in_climb.py                  # SQLite copy of the cascade
    .venv/bin/python bench/check_in_climb.py \\
        --database-url postgres://postgres@127.0.0.1:5432/climb_bench

Calls ``goals.actions.record_check_in`` as the owner on random key results of individual
objectives, each with a reading that moves its progress (so the roll-up climbs person > team
> department > company), alternating call by call between the product's roll-up
(``rollup.propagate``: every node above locked and read at once, scored in memory, written
together) and a reference walk that locks, reads and writes one node at a time, as the
roll-up did before. Alternating in one process puts both under the same load, which on a
busy machine matters more than anything else. Prints the median and 95th percentile of each,
their SQL statements per call, and the difference of the medians.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from typing import Any

import benchdb
from cascade import reading_for, sample_key_results


def reference_walk() -> Callable[..., int]:
    """The roll-up one node at a time: lock and read the node, read its inputs and parents,
    write its figure; three statements per level."""
    from django.db import connection
    from django.utils import timezone

    from lineofsight.goals import rollup, scoring
    from lineofsight.goals.models import KeyResult

    obj, kr_table, link = rollup._OBJ, rollup._KR, rollup._LINK
    select_objective = (
        f"SELECT title, progress_mode, cycle_id, progress, progress_updated_at "  # noqa: S608
        f"FROM {obj} WHERE id = %s"
    )
    select_key_result = (
        f"SELECT title, objective_id, cycle_id, progress, source FROM {kr_table} "  # noqa: S608
        f"WHERE id = %s"
    )
    parent_rows = f"""
        SELECT 'parent', parent_objective_id, NULL, NULL, NULL, parent_key_result_id, NULL,
               NULL
        FROM {link}
        WHERE child_id = %s AND kind = 'contributes' AND state = 'accepted'
          AND ended_at IS NULL"""  # noqa: S608
    inputs_and_parents = rollup._OBJECTIVE_INPUTS + " UNION ALL " + parent_rows

    def rows(sql: str, params: list[int]) -> tuple[list[Any], list[Any], list[tuple[str, int]]]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        krs, children, parents = [], [], []
        for kind, pk, title, weight, progress, cycle_id, start, state in fetched:
            if kind == "parent":
                parents.append(("objective", pk) if pk is not None else ("key_result", cycle_id))
                continue
            live = state == "active" if kind == "key_result" else state in rollup.LIVE_CHILD_STATES
            out = krs if kind == "key_result" else children
            out.append(
                scoring.Contribution(
                    kind, pk, title, progress, weight, cycle_id, rollup._date(start), live, ""
                )
            )
        krs.sort(key=lambda c: c.ref)
        children.sort(key=lambda c: c.ref)
        return krs, children, parents

    def propagate(nodes: Iterable[tuple[str, int]], *, now: Any = None) -> int:
        now = now or timezone.now()
        stamp = connection.ops.adapt_datetimefield_value(now)
        lock = rollup._lock_clause()
        queue, seen, changed = list(nodes), set(), 0
        with connection.cursor() as cursor:
            while queue:
                node = queue.pop(0)
                if node in seen:
                    continue
                seen.add(node)
                kind, pk = node
                if kind == "objective":
                    cursor.execute(select_objective + lock, [pk])
                    row = cursor.fetchone()
                    if row is None:
                        continue
                    title, mode, cycle_id, stored, stamped = row
                    krs, children, parents = rows(inputs_and_parents, [pk, pk, pk])
                    value = scoring.objective_progress(
                        scoring.ProgressMode(mode),
                        krs,
                        children,
                        own_cycle_id=cycle_id,
                        as_of=now,
                        explain=False,
                    ).value
                    if abs(value - stored) <= rollup.TOLERANCE and stamped is not None:
                        continue
                    cursor.execute(
                        f"UPDATE {obj} SET progress = %s, progress_updated_at = %s "  # noqa: S608
                        "WHERE id = %s",
                        [value, stamp, pk],
                    )
                    changed += 1
                    queue.extend(parents)
                else:
                    cursor.execute(select_key_result + lock, [pk])
                    row = cursor.fetchone()
                    if row is None or row[4] != KeyResult.Source.ALIGNED:
                        continue
                    title, objective_id, cycle_id, stored, _ = row
                    value = scoring.aligned_key_result_progress(
                        rollup.aligned_key_result_inputs(pk),
                        own_cycle_id=cycle_id,
                        as_of=now,
                        explain=False,
                    ).value
                    if abs(value - stored) <= rollup.TOLERANCE:
                        continue
                    cursor.execute(
                        f"UPDATE {kr_table} SET progress = %s WHERE id = %s",  # noqa: S608
                        [value, pk],
                    )
                    changed += 1
                    queue.append(("objective", objective_id))
        return changed

    return propagate


def main() -> int:
    parser = benchdb.parser(__doc__ or "", requests=200, warmup=10, seed=1)
    args = parser.parse_args()
    benchdb.start(args, "climb")

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lineofsight.goals import actions, rollup
    from lineofsight.goals.models import KeyResult
    from lineofsight.people.models import Person

    walks = {"in bulk (the product)": rollup.propagate, "one node at a time": reference_walk()}
    rng = random.Random(args.seed)
    calls = 2 * (args.requests + args.warmup)
    ids = sample_key_results(calls, rng)
    wall: dict[str, list[float]] = {name: [] for name in walks}
    cpu: dict[str, list[float]] = {name: [] for name in walks}
    queries: dict[str, list[int]] = {name: [] for name in walks}
    try:
        for n, pk in enumerate(ids):
            name = list(walks)[n % 2]
            rollup.propagate = walks[name]  # type: ignore[assignment]
            kr = KeyResult.objects.get(pk=pk)
            owner = Person.objects.get(pk=kr.owner_id)
            reading = reading_for(kr, rng)
            if n < 2 * args.warmup:
                actions.record_check_in(acting_user=owner, key_result=kr, **reading)
            elif n // 2 % 4 == 0:
                with CaptureQueriesContext(connection) as captured:
                    actions.record_check_in(acting_user=owner, key_result=kr, **reading)
                queries[name].append(len(captured.captured_queries))
            else:
                started, started_cpu = time.perf_counter(), time.process_time()
                actions.record_check_in(acting_user=owner, key_result=kr, **reading)
                wall[name].append((time.perf_counter() - started) * 1000)
                cpu[name].append((time.process_time() - started_cpu) * 1000)
    finally:
        rollup.propagate = walks["in bulk (the product)"]  # type: ignore[assignment]
    differences, checked = rollup.verify()

    print(f"\ncheck-in with its roll-up on {connection.vendor}, alternating call by call")
    print(f"{'roll-up':26} {'p50':>8} {'p95':>8} {'CPU p50':>8} {'statements':>10} {'calls':>6}")
    medians = {}
    for name in walks:
        ordered, cpu_ordered = sorted(wall[name]), sorted(cpu[name])
        low, high = min(queries[name]), max(queries[name])
        count = str(low) if low == high else f"{low}-{high}"
        medians[name] = benchdb.percentile(ordered, 0.5)
        print(
            f"{name:26} {medians[name]:6.2f}ms {benchdb.percentile(ordered, 0.95):6.2f}ms "
            f"{benchdb.percentile(cpu_ordered, 0.5):6.2f}ms {count:>10} {len(ordered):>6}"
        )
    bulk, single = medians.values()
    print(f"difference of the medians: {single - bulk:.2f} ms ({bulk / single:.0%} of the time)")
    print(f"rollup --verify afterwards: {checked:,} figures, {len(differences)} differences\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
