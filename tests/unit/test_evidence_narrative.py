"""The evidence pack's story, told from the data (pure: no database)."""

from __future__ import annotations

from lineofsight.reviews.evidence import narrative as n
from lineofsight.reviews.evidence.pdf import latin1

OPPS = n.Measure(
    "25 enterprise opportunities qualified from outbound", start=0, target=25, actual=22
)
LEGAL = n.Measure("10 opportunities past legal review", start=0, target=10, actual=8)
CLOSES = n.Measure("6 new enterprise closes", start=0, target=6, actual=5, unit="closes")
LOGOS = n.Measure(
    "40 new enterprise logos (ACV > $150K)", unit="logos", start=0, target=40, actual=34
)
NRR = n.Measure(
    "Net revenue retention from 105% to 115%", unit="%", start=105, target=115, actual=111
)
SALES = n.Destination(
    "Enterprise Sales", "Generate and close enough enterprise pipeline for 40 new logos"
)


def test_the_worked_example_reads_like_the_article():
    company = n.pick_company_measure([SALES.title], [], [NRR, LOGOS])
    story = n.contribution_story("Jordan", [OPPS, LEGAL, CLOSES], [SALES], company)
    assert story == (
        "Jordan qualified 22 of 25 enterprise opportunities, got 8 of 10 past legal review "
        "and closed 5 of 6. These fed Enterprise Sales's “Generate and close enough enterprise "
        "pipeline for 40 new logos”; the company came in at 34 of 40 new enterprise logos, so "
        "this mattered."
    )


def test_the_numbers_come_from_the_data_not_from_the_wording():
    better = [
        n.Measure(OPPS.title, start=0, target=25, actual=25),
        n.Measure(CLOSES.title, start=0, target=6, actual=7),
    ]
    won = n.Measure(LOGOS.title, unit="logos", start=0, target=40, actual=41)
    story = n.contribution_story("Ava", better, [SALES], won)
    assert "qualified 25 of 25 enterprise opportunities" in story
    assert "closed 7 of 6" in story
    assert "the company reached 41 of 40 new enterprise logos, and this was part of it." in story
    assert "mattered" not in story


def test_a_year_is_told_one_sentence_per_quarter():
    q4 = n.Measure("5 logistics opportunities qualified", start=0, target=5, actual=3)
    dropped = n.Measure("Launch the partner program.", kind=n.MILESTONE, abandoned=True)
    story = n.contribution_story(
        "Jordan",
        [],
        [SALES],
        None,
        periods=[("In Q3 2026", [OPPS, CLOSES]), ("In Q4 2026", [q4, dropped])],
    )
    assert story == (
        "In Q3 2026, Jordan qualified 22 of 25 enterprise opportunities and closed 5 of 6. "
        "In Q4 2026, Jordan qualified 3 of 5 logistics opportunities. "
        "“Launch the partner program” was abandoned during the cycle and is not counted. "
        "These fed Enterprise Sales's “Generate and close enough enterprise pipeline for 40 "
        "new logos”."
    )


def test_titles_ending_in_a_full_stop_get_no_second_one():
    done = n.Measure("Ship the EU region.", kind=n.MILESTONE, done=True)
    story = n.contribution_story("Jordan", [done], [SALES])
    assert story.startswith("Jordan delivered “Ship the EU region”. This fed")
    assert ".”." not in story


def test_a_rate_is_not_told_as_a_count():
    rate = n.Measure("35% win rate on RFPs", unit="%", start=25, target=35, actual=31)
    assert n.phrase(rate) == "moved \u201c35% win rate on RFPs\u201d from 25 to 31 (target 35)"


def test_a_person_without_key_results_is_told_so():
    assert n.contribution_story("Dev", [], [SALES], LOGOS) == (
        "Dev had no key results of their own in this cycle."
    )


def test_milestones_decreases_and_thresholds_are_told_in_their_own_words():
    measures = [
        n.Measure("Healthcare edition generally available", kind="milestone", done=True),
        n.Measure("SOC 2 report signed", kind="milestone", done=False),
        n.Measure("Contract review time in days", kind="decrease", start=14, target=7, actual=9),
        n.Measure("Uptime above 99.9%", kind="stay_above", target=99.9, actual=99.95),
        n.Measure("Churn below 2%", kind="stay_below", target=2, actual=2.4),
    ]
    story = n.contribution_story("Eli", measures)
    assert story.startswith(
        "Eli delivered “Healthcare edition generally available”, did not finish “SOC 2 report "
        "signed”, brought “Contract review time in days” from 14 to 9 (target 7), kept “Uptime "
        "above 99.9%” and did not keep “Churn below 2%” (last reading 2.4)."
    )
    assert story.endswith("so the review should ask where they led.")


def test_abandoned_key_results_are_named_but_not_counted_as_results():
    dropped = n.Measure("8 healthcare discovery calls", start=0, target=8, actual=2, abandoned=True)
    story = n.contribution_story("Ava", [OPPS, dropped], [SALES], None)
    assert "2 of 8" not in story
    assert "“8 healthcare discovery calls” was abandoned during the cycle and is not counted." in (
        story
    )
    assert story.startswith("Ava qualified 22 of 25 enterprise opportunities. ")
    assert story.endswith(
        "This fed Enterprise Sales's “Generate and close enough enterprise "
        "pipeline for 40 new logos”."
    )
    only_dropped = n.contribution_story("Ava", [dropped])
    assert only_dropped == (
        "“8 healthcare discovery calls” was abandoned during the cycle and is not counted."
    )


def test_a_key_result_without_a_reading_says_so():
    assert n.phrase(n.Measure("6 new enterprise closes", target=6, start=0)) == (
        "had no reading on “6 new enterprise closes”"
    )


def test_titles_that_do_not_start_with_their_target_are_told_from_start_to_actual():
    m = n.Measure("Weekly active teams", start=30, target=60, actual=45.5)
    assert n.phrase(m) == "moved “Weekly active teams” from 30 to 45.5 (target 60)"
    mismatched = n.Measure("50 demos booked", start=0, target=40, actual=30)
    assert n.phrase(mismatched) == "moved “50 demos booked” from 0 to 30 (target 40)"


def test_counted_phrases():
    assert n.counted_phrase("3", "4", "new hires") == "hired 3 of 4"
    assert n.counted_phrase("3", "4", "pilots in production") == "got 3 of 4 in production"
    assert n.counted_phrase("3", "4", "customer interviews") == "reached 3 of 4 customer interviews"
    assert n.counted_rest(n.Measure("$1.5M expansion pipeline", target=1_500_000)) == (
        "expansion pipeline"
    )
    assert n.counted_rest(n.Measure("35% win rate on RFPs", target=35)) is None  # a rate


def test_the_company_measure_prefers_an_explicit_link_then_a_named_unit():
    assert n.pick_company_measure([SALES.title], [NRR], [LOGOS]) is NRR
    assert n.pick_company_measure([SALES.title], [], [NRR, LOGOS]) is LOGOS
    assert n.pick_company_measure(["Improve onboarding"], [], [NRR, LOGOS]) is None
    gone = n.Measure(LOGOS.title, unit="logos", target=40, actual=1, abandoned=True)
    assert n.pick_company_measure([SALES.title], [gone], [gone]) is None


def test_several_destinations_are_joined():
    other = n.Destination("Legal", "Halve contract review time")
    story = n.contribution_story("Ava", [OPPS], [SALES, other])
    assert "This fed Enterprise Sales's “Generate" in story
    assert "logos” and Legal's “Halve contract review time”." in story


def test_confidence_trend():
    assert n.confidence_trend([]) == "no confidence calls"
    assert n.confidence_trend(["on_track", "on_track"]) == "on track throughout"
    assert n.confidence_trend(["on_track", "at_risk", "at_risk", "off_track"]) == (
        "on track, then at risk, then off track (worsening)"
    )
    assert n.confidence_trend(["off_track", "on_track"]) == "off track, then on track (improving)"
    assert n.confidence_trend(["at_risk", "on_track", "at_risk"]) == (
        "at risk, then on track, then at risk (back where it began)"
    )


def test_numbers_and_joins():
    assert n.number(1_500_000) == "1,500,000"
    assert n.number(98.5) == "98.5"
    assert n.number(None) == "none"
    assert n.join(["a"]) == "a"
    assert n.join(["a", "b", "c"]) == "a, b and c"


def test_pdf_text_is_drawable_with_the_core_fonts():
    assert latin1("“Zoë” — 5 → 6…") == '"Zoë" - 5 -> 6...'
    assert latin1("Dvořák") == "Dvorák"
    assert latin1("漢") == "?"
