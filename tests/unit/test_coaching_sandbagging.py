"""Sandbagging (coach.rules.sandbagging)."""

from __future__ import annotations

from lineofsight.coach.rules.facts import CoachSettings, OwnerHistory
from lineofsight.coach.rules.findings import Level, Subject
from lineofsight.coach.rules.sandbagging import check_sandbagging
from tests.coaching_examples import evaluate
from tests.coaching_examples.build import kr, obj, population

ON = "on_track"


def test_full_attainment_cycle_after_cycle() -> None:
    pop = population(history=(OwnerHistory("person", 4, (0.6, 1.0, 1.05, 1.1)),
                               OwnerHistory("team", 6, (0.7, 0.72, 0.68))))
    [finding] = check_sandbagging(pop)
    assert (finding.code, finding.subject, finding.subject_id, finding.level) == (
        "sandbagging.attainment", Subject.PERSON, 4, Level.WARNING)
    assert "Ava Lindqvist reached 95 % or more in each of the last 3 closed cycles" in (
        finding.message)
    assert "(100 %, 105 %, 110 %)" in finding.message
    assert "about 70 %" in finding.suggestion


def test_the_streak_must_be_the_latest_and_long_enough() -> None:
    def flagged(grades: tuple[float, ...], **kw: object) -> bool:
        pop = population(history=(OwnerHistory("team", 3, grades),))
        return bool(check_sandbagging(pop, CoachSettings(**kw)))  # type: ignore[arg-type]

    assert flagged((1.0, 1.0))
    assert not flagged((1.0, 1.0, 0.7))
    assert not flagged((1.0,))
    assert not flagged((1.0, 1.0), sandbagging_cycles=3)
    assert flagged((0.92, 0.95), sandbagging_attainment=0.9)


def test_confidence_that_never_leaves_on_track_on_stretch_work() -> None:
    stretch = obj("Win the healthcare vertical", level="individual", person=5,
                  commitment="aspirational", krs=(
                      kr("Healthcare pipeline to $2M", confidences=(ON,) * 4),
                      kr("Five healthcare logos", confidences=(ON,) * 5)))
    [finding] = check_sandbagging(population(stretch))
    assert (finding.code, finding.subject_id, finding.level) == (
        "sandbagging.confidence", 5, Level.INFO)
    assert "Every one of the 9 check-ins on Pia Novak's 2 stretch key results" in (
        finding.message)
    assert "about 70 %" in finding.suggestion
    committed = obj("Keep the lights on", level="individual", person=5,
                    commitment="committed", krs=stretch.key_results)
    assert check_sandbagging(population(committed)) == []


def test_labelled_set_precision_and_recall() -> None:
    score = evaluate("sandbagging")
    assert score.examples >= 30 and score.flagged_examples >= 10 and score.tn >= 10
    assert score.precision >= 0.9, [r.example.name for r in score.mistakes]
    assert score.recall >= 0.9, [r.example.name for r in score.mistakes]
