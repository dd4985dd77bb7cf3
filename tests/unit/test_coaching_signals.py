"""Leading and lagging (coach.rules.signals)."""

from __future__ import annotations

from lineofsight.coach.rules.findings import Subject
from lineofsight.coach.rules.signals import check_signals
from tests.coaching_examples import evaluate
from tests.coaching_examples.build import kr, obj, population


def test_a_person_whose_key_results_are_all_lagging() -> None:
    mine = obj("Grow my book", level="individual", person=5, krs=(
        kr("Closed-won revenue from $0.8M to $1.2M"), kr("NRR of my book from 104% to 110%")))
    [finding] = check_signals(population(mine))
    assert (finding.code, finding.subject, finding.subject_id) == (
        "lagging_only.person", Subject.PERSON, 5)
    assert "Both key results Pia Novak answers for are tagged lagging" in finding.message
    assert "Closed-won revenue" in finding.message
    assert "leading indicator" in finding.suggestion and "tag it leading" in finding.suggestion


def test_a_team_with_no_leading_indicator_and_one_with() -> None:
    finance = obj("Make finance a strategic partner", team="Finance", krs=(
        kr("Month-end close from 10 days to 5"), kr("DSO from 52 to 40 days")))
    legal = obj("Speed up contracts", team="Legal", krs=(
        kr("Contract review from 14 days to 7"),
        kr("Templates cover 80% of contracts", signal="leading")))
    [finding] = check_signals(population(finance, legal))
    assert (finding.code, finding.subject_id) == ("lagging_only.team", 8)
    assert "None of Finance's 2 key results is a leading indicator" in finding.message


def test_key_results_owned_inside_a_team_objective_count_for_their_owner() -> None:
    team = obj("Make renewals predictable", team="Customer Success", krs=(
        kr("NRR from 105% to 115%", owner_id=9),
        kr("Health checks for the top 50 accounts", owner_id=10, signal="leading")))
    [finding] = check_signals(population(team))
    assert (finding.subject, finding.subject_id) == (Subject.PERSON, 9)


def test_labelled_set_precision_and_recall() -> None:
    score = evaluate("lagging_only")
    assert score.examples >= 30 and score.flagged_examples >= 10 and score.tn >= 10
    assert score.precision >= 0.9, [r.example.name for r in score.mistakes]
    assert score.recall >= 0.9, [r.example.name for r in score.mistakes]
