"""Copy-paste cascading (coach.rules.copy_paste)."""

from __future__ import annotations

from lineofsight.coach.rules import run_checks
from lineofsight.coach.rules.copy_paste import check_copy_paste, restating
from lineofsight.coach.rules.facts import CoachSettings
from lineofsight.coach.rules.findings import Level, Subject
from tests.coaching_examples import evaluate
from tests.coaching_examples.build import filler_krs, kr, meaning_off, obj, population

ARR = "Grow ARR from $12M to $18M"


def test_article_000_marketing_repeating_the_company_objective() -> None:
    company = obj("Grow annual recurring revenue by 40%", level="company")
    marketing = obj("Grow annual recurring revenue by 40%", team="Marketing",
                    parent_objective_ids=(company.id,))
    [finding] = check_copy_paste(population(marketing, parents=(company,)))
    assert (finding.code, finding.subject, finding.subject_id) == (
        "copy_paste.objective", Subject.OBJECTIVE, marketing.id)
    assert finding.level is Level.WARNING
    assert "(restating score 1.00)" in finding.message and "Marketing" in finding.message
    assert finding.suggestion.startswith(
        "Translate it: what can Marketing move that makes \u201cGrow annual recurring revenue "
        "by 40%\u201d more likely?"
    )


def test_a_translation_is_left_alone() -> None:
    company = obj(ARR, level="company")
    sales = obj("Generate and close enough enterprise pipeline to hit 40 new logos",
                team="Sales", parent_objective_ids=(company.id,))
    assert check_copy_paste(population(sales, parents=(company,))) == []


def test_a_parent_repeated_under_its_owners_label_is_flagged() -> None:
    company = obj("Make our vans the reliable choice for tradespeople", level="company")
    fleet = obj("Fleet: make our vans the reliable choice for tradespeople", team="Operations",
                parent_objective_ids=(company.id,))
    [finding] = check_copy_paste(population(fleet, parents=(company,)))
    assert (finding.code, finding.subject_id) == ("copy_paste.objective", fleet.id)
    wasted = obj("Cut food waste", level="company")
    whole = obj("Cut food waste across all our kitchens", team="Operations",
                parent_objective_ids=(wasted.id,))
    [finding] = check_copy_paste(population(whole, parents=(wasted,)))
    assert finding.subject_id == whole.id
    part = obj("Cut food waste in our airport kitchens", team="Operations",
               parent_objective_ids=(wasted.id,))
    assert check_copy_paste(population(part, parents=(wasted,))) == []


def test_the_same_metric_and_target_on_a_key_result() -> None:
    nrr = kr("NRR from 105% to 115%", start=105, target=115, unit="%")
    company = obj(ARR, level="company", krs=(nrr, *filler_krs(2)))
    copied = kr("Net revenue retention from 105% to 115%", start=105, target=115, unit="%")
    share = kr("NRR of the top 50 accounts from 108% to 120%", start=108, target=120,
               unit="%")
    team = obj("Make renewals predictable", team="Customer Success", krs=(copied, share),
               parent_objective_ids=(company.id,))
    [finding] = check_copy_paste(population(team, parents=(company,)))
    assert (finding.code, finding.subject_id, finding.objective_id) == (
        "copy_paste.key_result", copied.id, team.id)
    assert "the same measure and the same target (115 %)" in finding.message
    assert "NRR from 105% to 115%" in finding.message
    assert "Customer Success" in finding.suggestion


def test_a_child_aligned_through_a_parent_key_result() -> None:
    verticals = kr("Launch two new verticals with more than 10 paying customers each",
                   target=2)
    company = obj(ARR, level="company", krs=(verticals, *filler_krs(2)))
    team = obj("Launch two new verticals with 10+ paying customers", team="Marketing",
               parent_key_result_ids=(verticals.id,))
    [finding] = check_copy_paste(population(team, parents=(company,)))
    assert "a key result of \u201cGrow ARR from $12M to $18M\u201d" in finding.message


def test_the_threshold_is_the_organisation_s() -> None:
    company = obj("Delight our customers", level="company")
    team = obj("Delight our enterprise customers", team="Customer Success",
               parent_objective_ids=(company.id,))
    pop = population(team, parents=(company,))
    # Narrowing to a segment is a translation: far below the default limit of 0.35.
    score = restating(team.title, company.title, ("customer", "success"))
    assert 0.0 < score < 0.2
    assert check_copy_paste(pop) == []
    # An organisation that sets its limit at or below the score hears about it.
    assert check_copy_paste(pop, CoachSettings(copy_paste_similarity=score + 0.01)) == []
    assert len(check_copy_paste(pop, CoachSettings(copy_paste_similarity=score - 0.01))) == 1


def test_a_semantic_similarity_can_be_plugged_in_and_only_adds() -> None:
    calls: list[tuple[str, str]] = []

    def paraphrase(a: str, b: str) -> float:
        calls.append((a, b))
        return 0.95 if "largest market" in a.casefold() and "brazil" in b.casefold() else 0.0

    company = obj("Expand into Brazil", level="company")
    team = obj("Take us to South America's largest market", team="Sales",
               parent_objective_ids=(company.id,))
    pop = population(team, parents=(company,))
    with meaning_off():  # the installation's function alone, without the built-in model
        assert check_copy_paste(pop) == []
        [finding] = check_copy_paste(pop, similarity=paraphrase)
    assert finding.subject_id == team.id and calls
    assert [f.code for f in run_checks(pop, checks=["copy_paste"], similarity=paraphrase)] == [
        "copy_paste.objective"]
    # The lexical baseline still counts when the extra function says no.
    same = obj("Expand into Brazil", team="Sales", parent_objective_ids=(company.id,))
    assert check_copy_paste(population(same, parents=(company,)),
                            similarity=lambda a, b: 0.0)


def test_labelled_set_precision_and_recall() -> None:
    score = evaluate("copy_paste")
    assert score.examples >= 30 and score.flagged_examples >= 10 and score.tn >= 10
    assert score.precision >= 0.9, [r.example.name for r in score.mistakes]
    assert score.recall >= 0.9, [r.example.name for r in score.mistakes]
