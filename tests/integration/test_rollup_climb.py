"""The incremental roll-up (``rollup.propagate``) against the full recompute.

A check-in climbs the cascade in a fixed number of statements: it locks and reads every node
above the key result at once, scores them level by level in memory and writes the figures
that changed together. Whatever the shape of the cascade (objectives scored from their key
results, their children or both, aligned key results, weights, abandoned nodes), the figures
it stores must be the ones ``rollup --verify`` recomputes from the history.
"""

from __future__ import annotations

import contextlib
import random

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lineofsight.core.errors import InvalidInput
from lineofsight.goals import actions, rollup
from lineofsight.goals.models import KeyResult, Objective

from ..okrs import build_cascade

pytestmark = pytest.mark.django_db

MODES = ("key_results", "children", "both")


def _random_cascade(cast, rng: random.Random) -> list[KeyResult]:
    """Objectives aligned to earlier ones (to the objective or to one of its aligned key
    results) with random modes and weights; returns the key results measured by check-ins."""
    hana = cast.hana
    objectives: list[Objective] = []
    aligned: dict[int, list[KeyResult]] = {}
    measured: list[KeyResult] = []
    for n in range(rng.randint(4, 9)):
        objective = actions.create_objective(
            acting_user=hana,
            title=f"Objective {n}",
            level="team",
            cycle=cast.q4,
            owner_team=rng.choice([cast.sales, cast.enterprise, cast.acme]),
            progress_mode=rng.choice(MODES),
        )
        for k in range(rng.randint(0, 2)):
            measured.append(
                actions.create_key_result(
                    acting_user=hana,
                    objective=objective,
                    title=f"Measured {n}.{k}",
                    kind="increase",
                    start_value=0,
                    target_value=rng.choice([4, 10, 25]),
                    weight=rng.choice([0.5, 1, 2, 3]),
                    owner=hana,
                )
            )
        if rng.random() < 0.5:
            aligned[objective.pk] = [
                actions.create_key_result(
                    acting_user=hana,
                    objective=objective,
                    title=f"Aligned {n}",
                    kind="increase",
                    start_value=0,
                    target_value=1,
                    weight=rng.choice([1, 2]),
                    owner=hana,
                    source="aligned",
                )
            ]
        # Up to two parents among the objectives made before; a second route into the same
        # ancestor would count it twice and is refused, which is fine.
        for parent in rng.sample(objectives, min(len(objectives), rng.randint(1, 2))):
            target = (
                {"parent_key_result": aligned[parent.pk][0]}
                if parent.pk in aligned and rng.random() < 0.5
                else {"parent_objective": parent}
            )
            with contextlib.suppress(InvalidInput):
                actions.align_objective(
                    acting_user=hana,
                    child=objective,
                    weight=rng.choice([0.5, 1, 2]),
                    **target,
                )
        objectives.append(objective)
    if not measured:
        measured.append(
            actions.create_key_result(
                acting_user=hana,
                objective=objectives[-1],
                title="Measured last",
                kind="increase",
                start_value=0,
                target_value=10,
                owner=hana,
            )
        )
    return measured


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_every_climb_stores_what_the_full_recompute_finds(cast, seed):
    rng = random.Random(seed)
    with transaction.atomic():
        measured = _random_cascade(cast, rng)
        for step in range(12):
            kr = rng.choice(measured)
            roll = rng.random()
            if roll < 0.08 and len(measured) > 1:
                actions.abandon_key_result(acting_user=cast.hana, key_result=kr, reason="Dropped")
                measured.remove(kr)
            elif roll < 0.12:
                objective = Objective.objects.get(pk=kr.objective_id)
                if objective.state == "active" and len({m.objective_id for m in measured}) > 1:
                    actions.abandon_objective(
                        acting_user=cast.hana, objective=objective, reason="Stopped"
                    )
                    measured = [m for m in measured if m.objective_id != objective.pk]
            else:
                actions.record_check_in(
                    acting_user=cast.hana,
                    key_result=kr,
                    value=rng.randint(0, 30),
                    confidence="on_track",
                )
            differences, checked = rollup.verify()
            assert differences == [], (seed, step)
            assert checked > 0
        transaction.set_rollback(True)


def test_a_check_in_climbs_four_levels_in_a_fixed_number_of_queries(
    cast, django_assert_num_queries
):
    c = build_cascade(cast)
    milestone = KeyResult.objects.get(objective=c.platform)
    # Milestone -> platform objective -> aligned company key result -> company objective.
    # Read and lock the key result; lock and read the climb; its inputs (the three sent
    # together on PostgreSQL); then the check-in, the key result's latest reading, the audit
    # row, the objectives' figures and the key results' figures (one statement on
    # PostgreSQL); and the savepoint the test's transaction puts around the action, with its
    # release.
    with django_assert_num_queries(6 if connection.vendor == "postgresql" else 10):
        actions.record_check_in(
            acting_user=cast.dev, key_result=milestone, done=True, confidence="on_track"
        )
    assert Objective.objects.get(pk=c.company.pk).progress == pytest.approx(0.5)
    assert rollup.verify()[0] == []


def test_a_deeper_cascade_costs_no_more_queries(cast, django_assert_num_queries):
    """Five more levels of objectives above the check-in: the same statements."""
    c = build_cascade(cast)
    below = c.ava_obj
    chain = []
    for n in range(5):
        above = actions.create_objective(
            acting_user=cast.hana,
            title=f"Level {n}",
            level="team",
            cycle=cast.q4,
            owner_team=cast.sales,
            progress_mode="children",
        )
        chain.append(above)
    for child, parent in zip([below, *chain], chain, strict=False):
        actions.align_objective(acting_user=cast.hana, child=child, parent_objective=parent)
    with django_assert_num_queries(6 if connection.vendor == "postgresql" else 9):
        actions.record_check_in(
            acting_user=cast.ava, key_result=c.ava_opps, value=20, confidence="on_track"
        )
    stored = dict(
        Objective.objects.filter(pk__in=[o.pk for o in chain]).values_list("pk", "progress")
    )
    assert all(value > 0 for value in stored.values())
    assert rollup.verify()[0] == []
