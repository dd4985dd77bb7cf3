"""The demo's account executive: the evidence pack tells the worked example from the data."""

from __future__ import annotations

from lineofsight.people.models import Person
from lineofsight.reviews.evidence.selectors import evidence_pack
from lineofsight.reviews.models import Review


def test_jordans_pack_tells_the_worked_example(demo, db):
    jordan = Review.objects.select_related(
        "subject", "review_cycle__goal_cycle__parent", "review_cycle__next_goal_cycle"
    ).get(subject__username="jordan")
    priya = Person.objects.get(username="priya")
    pack = evidence_pack(priya, jordan)
    assert pack.ended
    assert pack.contribution.story == (
        "Jordan qualified 22 of 25 enterprise opportunities, got 8 of 10 past legal review and "
        "closed 5 of 6. These fed Sales's “Generate and close enough enterprise pipeline to "
        "hit 40 new logos”; the company came in at 34 of 40 new enterprise logos, so this "
        "mattered."
    )
    (objective,) = pack.objectives
    assert [(kr.actual, kr.target) for kr in objective.key_results] == [(22, 25), (8, 10), (5, 6)]
    assert objective.retrospective is not None
    assert [i.title for i in pack.contribution.initiatives] == [
        "Outbound sequence for the top 50 healthcare accounts"
    ]
    # Colleagues thanked him during the quarter: inside the pack, which stops at its end.
    assert len(pack.contribution.kudos) == 3
    assert all(k.at <= pack.as_of for k in pack.contribution.kudos)


def test_the_demo_priya_owns_key_results_on_the_sales_objective(demo, db):
    """Priya owns key results on her team's objective, not on one of her own."""
    priya = Review.objects.select_related(
        "subject", "review_cycle__goal_cycle__parent", "review_cycle__next_goal_cycle"
    ).get(subject__username="priya")
    pack = evidence_pack(Person.objects.get(username="fatima"), priya)
    assert "had no key results" not in pack.contribution.story
    assert pack.contribution.story.startswith("Priya reached ")
    assert pack.other_objectives
