"""Orphans (coach.rules.orphans)."""

from __future__ import annotations

from lineofsight.coach.rules.findings import Level, Subject
from lineofsight.coach.rules.orphans import check_orphans
from tests.coaching_examples import evaluate
from tests.coaching_examples.build import filler_krs, kr, obj, population

ARR = "Grow ARR from $12M to $18M"


def test_an_individual_objective_aligned_to_nothing() -> None:
    lone = obj("Become the go-to expert on healthcare procurement", level="individual",
               person=5)
    [finding] = check_orphans(population(lone))
    assert (finding.code, finding.subject, finding.subject_id, finding.level) == (
        "orphan.unaligned", Subject.OBJECTIVE, lone.id, Level.WARNING)
    assert "Become the go-to expert" in finding.message and "Pia Novak" in finding.message
    assert "team or company objective" in finding.suggestion


def test_aligned_only_to_a_parent_no_longer_in_force() -> None:
    dropped = obj("Expand into Brazil", level="company", state="abandoned")
    child = obj("Hire a country manager for Brazil", team="People Ops",
                parent_objective_ids=(dropped.id,))
    [finding] = check_orphans(population(child, parents=(dropped,)))
    assert "no longer in force" in finding.message and "Expand into Brazil" in finding.message
    assert "company objective" in finding.suggestion


def test_aligned_directly_or_through_a_key_result_is_fine() -> None:
    logos = kr("40 new enterprise logos", target=40)
    company = obj(ARR, level="company", krs=(logos, *filler_krs(2)))
    direct = obj("Win healthcare", team="Sales", parent_objective_ids=(company.id,))
    via_kr = obj("Shorten the deal cycle", team="Sales", parent_key_result_ids=(logos.id,))
    assert check_orphans(population(direct, via_kr, parents=(company,))) == []


def test_a_company_objective_nothing_contributes_to() -> None:
    served = obj(ARR, level="company")
    unserved = obj("Become the most trusted payments platform", level="company")
    child = obj("Win healthcare", team="Sales", parent_objective_ids=(served.id,))
    [finding] = check_orphans(population(served, unserved, child))
    assert (finding.code, finding.subject_id) == ("orphan.no_contributors", unserved.id)
    assert "Become the most trusted payments platform" in finding.message
    # The loader may know of children outside the scope.
    assert check_orphans(population(
        unserved, company_objective_ids_with_children=frozenset({unserved.id}))) == []


def test_labelled_set_precision_and_recall() -> None:
    score = evaluate("orphan")
    assert score.examples >= 30 and score.flagged_examples >= 10 and score.tn >= 10
    assert score.precision >= 0.9, [r.example.name for r in score.mistakes]
    assert score.recall >= 0.9, [r.example.name for r in score.mistakes]
