"""Focus (coach.rules.focus): objective counts per owner, key results per objective."""

from __future__ import annotations

from lineofsight.coach.rules.facts import CoachSettings
from lineofsight.coach.rules.findings import Level, Subject
from lineofsight.coach.rules.focus import check_focus
from tests.coaching_examples import evaluate
from tests.coaching_examples.build import filler_krs, obj, population


def test_a_fourth_objective_asks_which_one_to_drop() -> None:
    titles = ["Close 6 enterprise deals", "Mentor two new AEs", "Own the healthcare pitch",
              "Clean up the pipeline"]
    objectives = [obj(t, level="individual", person=4) for t in titles]
    [finding] = check_focus(population(*objectives))
    assert finding.code == "focus.person_objectives"
    assert finding.level is Level.ERROR
    assert (finding.subject, finding.subject_id) == (Subject.PERSON, 4)
    assert "Ava Lindqvist has 4 objectives" in finding.message
    assert "more than the 3" in finding.message
    assert "A fourth objective means one has to go: which one will Ava Lindqvist drop?" in (
        finding.message
    )
    assert all(t in finding.message for t in titles)
    assert "Clean up the pipeline" in finding.suggestion  # the newest, as a candidate


def test_an_eighth_objective_takes_an() -> None:
    objectives = [obj(f"Objective {i}", level="individual", person=4) for i in range(8)]
    settings = CoachSettings(max_objectives_person=7)
    [finding] = check_focus(population(*objectives), settings)
    assert "An eighth objective means one has to go" in finding.message


def test_more_than_one_over_asks_which_ones() -> None:
    objectives = [obj(f"Objective {i}", level="individual", person=5) for i in range(5)]
    [finding] = check_focus(population(*objectives))
    assert "2 have to go: which ones will Pia Novak drop?" in finding.message


def test_team_limit_names_the_team_and_numbers() -> None:
    objectives = [obj(f"Team objective {i}", team="Legal") for i in range(6)]
    [finding] = check_focus(population(*objectives))
    assert (finding.code, finding.subject, finding.subject_id) == (
        "focus.team_objectives", Subject.TEAM, 7)
    assert "Legal has 6 objectives" in finding.message and "the 5" in finding.message


def test_limits_are_the_organisation_s() -> None:
    objectives = [obj(f"Objective {i}", level="individual", person=4) for i in range(3)]
    assert check_focus(population(*objectives)) == []
    strict = CoachSettings(max_objectives_person=2)
    [finding] = check_focus(population(*objectives), strict)
    assert "more than the 2" in finding.message
    assert "A third objective" in finding.message


def test_key_result_limits_name_the_objective_and_count() -> None:
    few = obj("Make contract review a competitive advantage", team="Legal",
              krs=filler_krs(1))
    many = obj("Grow ARR from $12M to $18M", level="company", krs=filler_krs(6))
    none = obj("Close the books faster", team="Finance", krs=())
    findings = {f.subject_id: f for f in check_focus(population(few, many, none))}
    assert findings[few.id].code == "focus.too_few_key_results"
    assert "has 1 key result; a team objective needs at least 2" in findings[few.id].message
    assert findings[many.id].code == "focus.too_many_key_results"
    assert "has 6 key results; a company objective has at most 5" in findings[many.id].message
    assert "has no key results" in findings[none.id].message
    assert all(f.objective_id == f.subject_id for f in findings.values())


def test_abandoned_key_results_and_objectives_do_not_count() -> None:
    from dataclasses import replace

    krs = (*filler_krs(4), *(replace(k, state="abandoned") for k in filler_krs(3)))
    assert check_focus(population(obj("Win healthcare", team="Sales", krs=krs))) == []
    objectives = [obj(f"Objective {i}", level="individual", person=4,
                      state="abandoned" if i == 0 else "active") for i in range(4)]
    assert check_focus(population(*objectives)) == []


def test_labelled_set_precision_and_recall() -> None:
    score = evaluate("focus")
    assert score.examples >= 30 and score.flagged_examples >= 10 and score.tn >= 10
    assert score.precision >= 0.9, [r.example.name for r in score.mistakes]
    assert score.recall >= 0.9, [r.example.name for r in score.mistakes]
