"""The cascade's shape (coach.rules.nesting): depth, skipped levels, line of sight,
rationales and thin teams, on their labelled examples and in their wording."""

from __future__ import annotations

import pytest

from lineofsight.coach.rules.facts import CoachSettings
from lineofsight.coach.rules.findings import Level, Subject
from lineofsight.coach.rules.nesting import check_nesting, check_thin_teams
from lineofsight.coach.rules.structure import alignment_graph
from tests.coaching_examples import evaluate
from tests.coaching_examples.build import TEAM, obj, population


@pytest.mark.parametrize("check", ["nesting", "line_of_sight", "rationale", "thin_team"])
def test_labelled_set_precision_and_recall(check: str) -> None:
    score = evaluate(check)
    assert score.precision >= 0.9 and score.recall >= 0.9, [r.example.name for r in
                                                             score.mistakes]


def chain(length: int) -> list:  # type: ignore[type-arg]
    out = [obj("Grow ARR from $12M to $18M", level="company")]
    for n in range(1, length):
        out.append(obj(f"Level {n + 1}", team="Sales", parent_objective_ids=(out[-1].id,)))
    return out


def test_depth_counts_from_the_company_objective_as_level_one() -> None:
    objectives = chain(5)
    graph = alignment_graph(population(*objectives))
    assert [graph.depth[o.id] for o in objectives] == [1, 2, 3, 4, 5]
    assert graph.chain(objectives[-1].id) == [o.id for o in reversed(objectives)]


def test_too_deep_names_the_chain_and_the_limit() -> None:
    objectives = chain(5)
    [finding] = check_nesting(population(*objectives))
    assert (finding.code, finding.subject_id, finding.level) == (
        "nesting.too_deep", objectives[-1].id, Level.WARNING)
    assert "sits 5 levels down from its company objective, more than the 4" in finding.message
    assert "\u201cGrow ARR from $12M to $18M\u201d \u2192 \u201cLevel 2\u201d" in finding.message
    assert check_nesting(population(*objectives), CoachSettings(max_nesting_depth=5)) == []


def test_a_loop_in_the_links_does_not_hang() -> None:
    a = obj("A", team="Sales", parent_objective_ids=(999_001,), id=999_002)
    b = obj("B", team="Sales", parent_objective_ids=(a.id,), id=999_001)
    assert alignment_graph(population(a, b)).depth == {}


def test_thin_team_is_a_nudge_naming_the_range() -> None:
    [finding] = check_thin_teams(population(obj("Close the books in 5 days", team="Finance")))
    assert (finding.subject, finding.subject_id, finding.level) == (
        Subject.TEAM, TEAM["Finance"], Level.INFO)
    assert finding.message == (
        "Finance has 1 team objective in Q3 2026; a team usually carries 3 to 5.")
