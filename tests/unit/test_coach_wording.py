"""The coach reading wording by meaning (coach.rules.meaning, coach.rules.wording) and the
figures, narrowing and deliverables the wording checks use, with and without the model."""

from __future__ import annotations

import json
import socket
from importlib import import_module
from typing import Any

import pytest

from lineofsight.coach.rules import meaning, wording
from lineofsight.coach.rules.copy_paste import check_copy_paste, narrows, restating
from lineofsight.coach.rules.facts import CoachSettings
from lineofsight.coach.rules.findings import Level
from lineofsight.coach.rules.measurable import check_measurable
from lineofsight.coach.rules.similarity import (
    expand_acronyms,
    figures,
    rescopes,
    same_figures,
)
from tests.coach_sets import FILES, SETS, load
from tests.coaching_examples.build import kr, meaning_off, obj, population

# The organisation's restating limit, as it ships.
LIMIT = CoachSettings().copy_paste_similarity


def one(title: str, **kw: Any) -> list:  # type: ignore[type-arg]
    key_result = kr(title, **kw)
    return check_measurable(population(obj("Run a safe, busy site", team="Operations",
                                           krs=(key_result,))))


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Grow ARR from $30M to $45M", {30.0, 45.0}),
     ("from thirty to forty-five million dollars", {30.0, 45.0}),
     ("Nine in ten students graduate", {90.0}),
     ("one out of five", {20.0}),
     ("Increase fee income by nearly a third", {33.3}),
     ("Double orders", {100.0}),
     ("Reach 200,000 subscribers", {200.0}),
     ("two hundred thousand subscribers", {200.0}),
     ("2,5 stars", {2.5}),
     ("Zero injuries on every one of our sites", {0.0}),
     ("Delight our customers", set())],
)
def test_figures_are_read_however_they_are_written(text: str, expected: set[float]) -> None:
    assert figures(text) == frozenset(expected)


def test_same_figures_within_a_tolerance_and_both_ways() -> None:
    assert same_figures(figures("nearly a third"), figures("30%")) is True
    assert same_figures(figures("from 11% to 6%"), figures("$30M to $45M")) is False
    assert same_figures(figures("10 cities"), figures("2 verticals, 10 customers")) is False
    assert same_figures(figures("Grow ARR"), figures("to $80M")) is None


def test_narrowing_a_parent_to_a_scope_is_told_apart_from_restating_it() -> None:
    assert narrows("Reduce churn among SMB customers in EMEA", "Reduce churn")
    assert narrows("Delight our enterprise customers", "Delight our customers")
    assert not narrows("Be the agency from which clients are never leaving",
                       "Be the agency clients never leave")
    assert not narrows("Grow revenue", "Grow revenue in EMEA")  # wider, not narrower


def test_what_is_not_a_narrower_scope() -> None:
    # Who owns it, in a label: who, not what.
    assert not narrows("Field ops: make our vans the reliable choice for tradespeople",
                       "Make our vans the reliable choice for tradespeople")
    # A parent's own words before a colon are not a label.
    assert narrows("Reduce churn: SMB customers in EMEA", "Reduce churn")
    # The whole, not a part of it.
    assert not narrows("Reduce complaints across all our branches", "Reduce complaints")
    assert not narrows("Cut food waste across the group", "Cut food waste")
    assert narrows("Cut food waste in our airport kitchens", "Cut food waste")
    # A verb in front, a word after the parent's, a direction: not a qualifier.
    assert not narrows("Build twenty new schools", "Deliver twenty new schools")
    assert not narrows("No lost-time injuries, every shift", "No lost-time injuries")
    assert not narrows("Drive 300k museum visits", "300k museum visits")
    assert not narrows("Drive maximum ticket revenue", "Maximise ticket revenue")
    assert narrows("Sell out the summer concerts", "Sell out the concerts")


def test_acronyms_are_spelt_out_from_the_other_statement() -> None:
    assert expand_acronyms("Claims Ops: take CR from 103 to 97",
                           "Improve combined ratio from 103% to 97%") == (
        "Claims Ops: take combined ratio from 103 to 97")
    assert expand_acronyms("Cut MTTR on major outages", "Reduce mean time to repair") == (
        "Cut mean time to repair on major outages")
    assert expand_acronyms("Grow PEP by 15%", "Raise profit per equity partner") == (
        "Grow profit equity partner by 15%")
    # Nothing to spell it from: it stays.
    assert expand_acronyms("Ship the API", "Grow usage") == "Ship the API"


def test_a_child_aimed_at_a_share_of_its_own_is_told_apart_from_a_restatement() -> None:
    parent = "Generate and close enough enterprise pipeline for 40 new logos"
    assert rescopes("Build and close pipeline for the team quota", parent) == (
        "the team quota", "40 new logos")
    assert rescopes("Generate pipeline for 40 new logos", parent) is None  # same scope
    assert rescopes("Hire nurses for the night shift", parent) is None  # other work
    # With the model, a scope of its own keeps the worked example's account executive quiet
    # while the same work for the parent's own scope is a restatement.
    quota = restating("Build and close pipeline for the team quota", parent)
    same = restating("Generate and close pipeline for forty new logos", parent)
    assert quota < LIMIT <= same
    # What the work is for, said in other words by each: still a share of the parent.
    assert rescopes("Build and close enterprise pipeline that supports team quota attainment",
                    "Generate and close enough enterprise pipeline to hit 40 new logos") == (
        "team quota attainment", "40 new logos")
    assert restating("Build and close enterprise pipeline that supports team quota attainment",
                     "Generate and close enough enterprise pipeline to hit 40 new logos") < LIMIT


def test_paraphrases_sharing_few_words_are_caught_by_meaning() -> None:
    pairs = [("Cut combined ratio from 103% to 97%", "Claims Ops: take CR from 103 to 97"),
             ("Reduce mean time to repair from 4 hours to 1", "Cut MTTR from 4 hours to 1")]
    for parent, child in pairs:
        assert restating(child, parent) >= LIMIT, (parent, child)
    with meaning_off():
        assert restating("Hit 5 million MAU", "Reach 5 million monthly active players") < LIMIT


def test_restatements_in_other_words_and_other_figures_are_caught() -> None:
    company = obj("Grow ARR from $30M to $45M", level="company")
    restated = obj("Take annual recurring revenue from thirty to forty-five million dollars",
                   team="Sales", parent_objective_ids=(company.id,))
    translated = obj("Keep the ARR we have by cutting gross churn from 11% to 6%",
                     team="Customer Success", parent_objective_ids=(company.id,))
    found = check_copy_paste(population(restated, translated, parents=(company,)))
    assert [f.subject_id for f in found] == [restated.id]
    assert "restates the objective it aligns to" in found[0].message
    assert restating(restated.title, company.title) > restating(translated.title, company.title)


def test_an_activity_in_words_no_list_holds_is_recognised_by_meaning() -> None:
    [finding] = one("Carry out 40 toolbox briefings with the night crews", target=40)
    assert finding.code == "measurable.activity" and finding.level == Level.WARNING
    assert "reads as work done (like \u201c" in finding.message
    assert "<metric> from X to Y" in finding.suggestion
    assert one("Slips and trips on site from 12 a quarter to 3", kind="decrease", start=12,
               target=3) == []
    with meaning_off():  # the word lists alone do not know toolbox briefings
        assert one("Carry out 40 toolbox briefings with the night crews", target=40) == []


def test_a_deliverable_milestone_is_questioned_and_a_result_is_not() -> None:
    [finding] = one("Refurbish the staff canteen", kind="milestone")
    assert finding.code == "measurable.deliverable" and finding.level == Level.INFO
    assert "is a deliverable" in finding.message
    assert "What outcome does it move?" in finding.suggestion
    assert "acknowledge" in finding.suggestion
    assert one("Win the regional safety award", kind="milestone") == []
    with meaning_off():  # the word lists still know the common verbs of making
        assert [f.code for f in one("Launch the partner portal", kind="milestone")] == [
            "measurable.deliverable"]
        assert one("Win the regional safety award", kind="milestone") == []


def test_verdicts_name_the_closest_exemplar_on_the_side_chosen() -> None:
    verdict = wording.activity("Send 250 thank-you letters to donors", "increase")
    assert verdict is not None and verdict.bad
    labels = {text: bad for text, _kind, _unit, bad, _weight in wording.activity_rows()}
    assert labels[verdict.closest] is True


def test_the_model_is_read_from_the_installed_package_and_never_from_the_network(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the coach tried to open a network connection")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setitem(meaning._state, "tried", False)
    monkeypatch.setitem(meaning._state, "encoder", None)
    encoder = meaning.encoder()
    assert encoder is not None and encoder.dim == 256
    folder = meaning.package_folder()
    assert folder is not None and folder.joinpath(*meaning.WEIGHTS).is_file()
    assert wording.similarity("Grow revenue", "Grow revenue") == pytest.approx(1.0, abs=1e-5)


def test_without_the_model_every_check_falls_back_to_its_word_lists(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(meaning, "package_folder", lambda: None)
    monkeypatch.setitem(meaning._state, "tried", False)
    monkeypatch.setitem(meaning._state, "encoder", None)
    assert meaning.encoder() is None
    assert wording.activity("Hold 10 meetings", "increase") is None
    assert wording.deliverable("Launch the portal") is None
    assert wording.similarity("a", "b") is None
    [finding] = one("Have 10 customer meetings", target=10)
    assert finding.code == "measurable.activity"


@pytest.mark.parametrize("file", sorted(FILES))
def test_the_wording_sets_are_large_balanced_and_apart(file: str) -> None:
    key = "child" if file == "restating" else "key_result"
    texts = {}
    for name in SETS:
        items = load(name, file)
        bad = sum(1 for item in items if item["label"] == "bad")
        assert len(items) >= 100 and abs(2 * bad - len(items)) <= 2, (name, file)
        assert len({item["industry"] for item in items}) >= 12
        texts[name] = {item[key].casefold() for item in items}
    assert not texts["tuning"] & texts["devset"]  # nothing measured was tuned on
    assert json.dumps(load("devset", file))  # plain data


def test_an_organisation_s_old_copy_paste_limit_moves_to_the_restating_score() -> None:
    step = import_module("lineofsight.people.migrations.0007_restating_score")
    assert step._to_score(0.8) == 0.35  # the old default becomes the new one
    assert step._to_score(0.9) == pytest.approx(0.42, abs=0.011)  # stricter stays stricter
    assert step._to_score(0.5) == pytest.approx(0.2)  # clamped to the new range
    for old in (0.6, 0.8, 0.95):
        assert step._to_share(step._to_score(old)) == pytest.approx(old, abs=0.01)


def test_a_bracket_that_qualifies_what_is_counted_does_not_change_the_verdict() -> None:
    plain = wording.activity("40 new enterprise logos", "increase")
    qualified = wording.activity("40 new enterprise logos (ACV > $150K)", "increase")
    assert plain is not None and qualified is not None
    assert qualified.probability == plain.probability and not qualified.bad
    assert wording.activity("Hold 30 quarterly business reviews [QBRs]", "increase").bad


def test_the_product_s_own_activity_examples_weigh_more_than_a_tuning_batch_s() -> None:
    weights = {text: weight for text, _kind, _unit, _bad, weight in wording.activity_rows()}
    assert weights["40 new enterprise logos"] == wording.OWN_ACTIVITY_WEIGHT > 1.0
    tuning = wording._tuning("activity")[0]
    assert weights[wording._measure(tuning["key_result"])] == 1.0
