"""How the wording judgements learn: tuning batches found by name, a batch left out while
generalisation is measured, the senses a statement's words come near, the regression solved
in the exemplars' space, and the word lists of making beside the model."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from lineofsight.coach.rules import meaning, measurable, wording
from lineofsight.coach.rules.wording import Verdict
from tests.coach_sets import load
from tests.coaching_examples.build import kr, meaning_off, obj, population

BENCH = Path(__file__).resolve().parents[2] / "bench" / "coach_crossval.py"


def _write(folder: Path, name: str, items: list[dict[str, Any]]) -> None:
    (folder / name).write_text(json.dumps(items), encoding="utf-8")


def _milestone(text: str, label: str) -> dict[str, Any]:
    return {"id": text, "industry": "x", "objective": "o", "key_result": text, "label": label}


@pytest.fixture
def exemplars(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder of exemplars of one's own in place of the shipped ones."""
    (tmp_path / "tuning").mkdir()
    (tmp_path / "milestone.txt").write_text(
        "# label | key result\nbad | Launch the partner portal\ngood | Win the tender\n",
        encoding="utf-8")
    monkeypatch.setattr(wording, "EXEMPLARS", tmp_path)
    return tmp_path


def test_tuning_batches_are_found_by_name_in_order_and_a_missing_one_is_no_matter(
    exemplars: Path,
) -> None:
    tuning = exemplars / "tuning"
    _write(tuning, "milestone.json", [_milestone("Build the app", "bad")])
    _write(tuning, "milestone-2.json", [_milestone("Pass the audit", "good")])
    _write(tuning, "milestone-10.json", [_milestone("Open the depot", "bad")])
    _write(tuning, "milestones-2.json", [])  # another judgement's name
    _write(tuning, "activity-3.json", [])
    assert list(wording.tuning_batches("milestone")) == ["1", "2", "10"]
    texts = [text for text, *_rest in wording.deliverable_rows()]
    assert texts == ["Launch the partner portal", "Win the tender", "Build the app",
                     "Pass the audit", "Open the depot"]
    (tuning / "milestone-10.json").unlink()
    assert list(wording.tuning_batches("milestone")) == ["1", "2"]
    assert len(wording.deliverable_rows()) == 4


def test_a_batch_left_out_is_not_learnt_from_until_the_block_ends(exemplars: Path) -> None:
    tuning = exemplars / "tuning"
    _write(tuning, "milestone.json", [_milestone("Build the app", "bad")])
    _write(tuning, "milestone-2.json", [_milestone("Pass the audit", "good")])
    before = wording.model_id()
    with wording.learning_without({"2"}):
        assert "Pass the audit" not in {t for t, *_ in wording.deliverable_rows()}
        assert "Build the app" in {t for t, *_ in wording.deliverable_rows()}
        assert wording.model_id() != before  # answers cached before are not reused
        assert not wording._models
    assert "Pass the audit" in {t for t, *_ in wording.deliverable_rows()}


def test_a_batch_kept_for_measuring_is_never_learnt_from_but_still_measured(
    exemplars: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tuning = exemplars / "tuning"
    _write(tuning, "milestone.json", [_milestone("Build the app", "bad")])
    _write(tuning, "milestone-2.json", [_milestone("Pass the audit", "good")])
    monkeypatch.setattr(wording, "MEASURED_ONLY", {"milestone": frozenset({"2"})})
    assert list(wording.tuning_batches("milestone")) == ["1", "2"]  # still measured
    texts = {t for t, *_ in wording.deliverable_rows()}
    assert "Build the app" in texts
    assert "Pass the audit" not in texts
    with wording.learning_without({"1"}):
        assert {t for t, *_ in wording.deliverable_rows()} == {
            "Launch the partner portal", "Win the tender"}


def test_restating_learns_from_none_of_the_batches_kept_for_measuring() -> None:
    kept = wording.MEASURED_ONLY["restating"]
    assert kept <= set(wording.tuning_batches("restating"))
    learnt = {child for child, *_rest in wording.restating_rows()}
    for batch in kept:
        assert not learnt & {i["child"] for i in load("tuning", "restating", batch=batch)}
    assert {i["child"] for i in load("tuning", "restating", batch="8")} <= learnt


def _crossval() -> Any:
    spec = importlib.util.spec_from_file_location("coach_crossval", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_leave_one_batch_out_never_learns_from_the_batch_it_scores(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    learnt: list[set[str]] = []
    model = wording._Model

    class Spy(model):  # type: ignore[misc, valid-type]
        def __init__(self, encoder: meaning.Encoder, rows: list[Any], *args: Any) -> None:
            learnt.append({text for text, *_rest in rows})
            super().__init__(encoder, rows, *args)

    monkeypatch.setattr(wording, "_Model", Spy)
    held = load("tuning", "milestone", batch="2")
    score = _crossval().held_out("milestone", "2", errors=False)
    assert score.total == len(held)
    assert learnt and all(not texts & {i["key_result"] for i in held} for texts in learnt)
    assert {i["key_result"] for i in load("tuning", "milestone", batch="1")} <= learnt[0]


def test_only_the_tuning_set_is_split_into_batches() -> None:
    with pytest.raises(ValueError, match="only the tuning set"):
        load("devset", "activity", batch="1")
    assert "devset" not in BENCH.read_text(encoding="utf-8").replace("development set", "")


@pytest.mark.parametrize(
    ("word", "sense"),
    [("machinists", "staff"), ("inspections", "work done"), ("passengers", "people served"),
     ("profitability", "result"), ("licensed", "granted"), ("assemble", "made")],
)
def test_words_never_listed_come_nearest_the_sense_they_belong_to(word: str, sense: str) -> None:
    encoder = meaning.encoder()
    assert encoder is not None
    nearness = wording._senses(encoder, encoder.word_vectors([word]))
    assert list(wording.SENSES)[int(np.argmax(nearness))] == sense
    assert wording._senses(encoder, encoder.word_vectors([])).tolist() == [0.0] * 6


@pytest.mark.parametrize(
    ("title", "unit", "bad"),
    [("Raise the share of nurses who completed the hand-hygiene course from 40% to 95%", "%",
      True),
     ("Get 100% of warehouse pickers through the forklift refresher", "%", True),
     ("Raise the share of patients who rate their stay 9 or 10 from 40% to 60%", "%", False),
     ("Grow cellar-door wine club members from 800 to 1,200", "members", False)],
)
def test_a_share_of_staff_doing_work_is_activity_and_a_share_of_people_served_is_not(
    title: str, unit: str, bad: bool
) -> None:
    verdict = wording.activity(title, "increase", unit)
    assert verdict is not None and verdict.bad is bad


@pytest.mark.parametrize(
    ("title", "bad"),
    [("Get the operating licence granted by the harbour authority", False),
     ("Secure accreditation from the national ombudsman scheme", False),
     ("Win the county council's school catering contract", False),
     ("Write the new visitor handbook", True),
     ("Install solar panels on the depot roof", True)],
)
def test_a_milestone_granted_by_others_is_a_result_and_one_made_is_a_deliverable(
    title: str, bad: bool
) -> None:
    verdict = wording.deliverable(title)
    assert verdict is not None and verdict.bad is bad


def test_learning_in_the_exemplars_space_finds_the_same_weights() -> None:
    rng = np.random.default_rng(7)
    x = rng.normal(size=(40, 120))
    y = (x[:, 0] + 0.5 * rng.normal(size=40) > 0).astype(np.float64)
    counts = np.ones(40)
    wide_weights, wide_bias = wording._learn_wide(np, x, y, counts)
    # The same problem solved feature by feature (a bias penalised as lightly).
    design = np.hstack([x, np.full((40, 1), wording._BIAS_COLUMN)])
    beta = np.zeros(121)
    for _ in range(30):
        p = 1 / (1 + np.exp(-(design @ beta)))
        hessian = (design * (p * (1 - p))[:, None]).T @ design + np.eye(121)
        beta -= np.linalg.solve(hessian, design.T @ (p - y) + beta)
    assert np.allclose(wide_weights, beta[:-1], atol=1e-5)
    assert wide_bias == pytest.approx(beta[-1] * wording._BIAS_COLUMN, abs=1e-4)
    assert wording._learn(np, x, y)[0] == pytest.approx(wide_weights)  # chosen by shape


def _deliverable_codes(title: str) -> list[str]:
    key_result = kr(title, kind="milestone")
    goal = obj("Run a safe, busy site", team="Operations", krs=(key_result,))
    return [f.code for f in measurable.check_measurable(population(goal))]


@pytest.mark.parametrize(
    ("title", "probability", "flagged"),
    [("Migrate the rota to the new scheduling tool", 0.4, True),  # a verb of making, unsure
     ("Migrate the rota to the new scheduling tool", 0.1, False),  # the model says a result
     ("Earn the harbour's safety pennant", 0.4, False),  # no word of making, unsure: quiet
     ("Earn the harbour's safety pennant", 0.6, True)],  # the model is sure
)
def test_the_word_lists_of_making_speak_when_the_model_is_unsure(
    monkeypatch: pytest.MonkeyPatch, title: str, probability: float, flagged: bool
) -> None:
    monkeypatch.setattr(wording, "deliverable",
                        lambda text: Verdict(probability, "Build the app"))
    assert (_deliverable_codes(title) == ["measurable.deliverable"]) is flagged


def test_without_the_model_the_word_lists_of_making_decide_alone() -> None:
    with meaning_off():
        assert _deliverable_codes("Migrate the rota to the new scheduling tool") == [
            "measurable.deliverable"]
        assert _deliverable_codes("Earn the harbour's safety pennant") == []
