"""The cascade's shape from the database: rationales, whole alignment chains and people's
teams are loaded for every scope, so the nesting and line-of-sight checks read the same on
the organisation's report and on one person's."""

from __future__ import annotations

import pytest

from lineofsight.coach.facts import load_population
from lineofsight.coach.rules import run_checks
from lineofsight.coach.rules.structure import alignment_graph
from lineofsight.coach.scope import CoachScope
from lineofsight.goals import actions

from ..okrs import build_cascade

pytestmark = pytest.mark.django_db


def codes(loaded, objective_id):  # type: ignore[no-untyped-def]
    return {f.code for f in run_checks(loaded.population, loaded.settings)
            if f.subject_id == objective_id and f.subject.value == "objective"}


def test_rationale_depth_and_skipped_levels_from_the_database(cast):
    c = build_cascade(cast)
    whole = load_population(None, CoachScope.organisation(cast.q4))
    facts = whole.objectives
    assert facts[c.sales.pk].rationale == "Logos come from pipeline we generate and close."
    graph = alignment_graph(whole.population)
    assert graph.depth[c.company.pk] == 1 and graph.depth[c.sales.pk] == 2
    assert "rationale.missing" not in codes(whole, c.sales.pk)

    # Ava aligns a second objective straight to the company objective her team serves.
    straight = actions.create_objective(
        acting_user=cast.ava, title="Close six enterprise deals", level="individual",
        cycle=cast.q4, owner_person=cast.ava,
    )
    actions.align_objective(acting_user=cast.ava, child=straight, parent_objective=c.company)
    mine = load_population(cast.ava, CoachScope.of_person(cast.q4, cast.ava))
    # The person's scope follows the chains above her objectives through the links.
    depth = alignment_graph(mine.population).depth
    assert depth.get(straight.pk) == 2
    assert depth.get(c.ava_obj.pk) == graph.depth[c.ava_obj.pk] == 3
    found = codes(mine, straight.pk)
    assert "rationale.missing" in found
    whole = load_population(None, CoachScope.organisation(cast.q4))
    assert codes(whole, straight.pk) == found
