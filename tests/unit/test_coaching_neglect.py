"""Neglect (coach.rules.neglect): dates in, findings out, as of the cycle's today."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from lineofsight.coach.rules.facts import CoachSettings
from lineofsight.coach.rules.findings import Subject
from lineofsight.coach.rules.neglect import check_neglect
from tests.coaching_examples import evaluate
from tests.coaching_examples.build import QUARTER, at, kr, obj, population


def on(today: date, *objectives: object, closed: bool = False):  # type: ignore[no-untyped-def]
    return population(*objectives, cycle=replace(QUARTER, today=today, closed=closed))  # type: ignore[arg-type]


def test_a_key_result_past_its_cadence_names_the_dates() -> None:
    stale = kr("NRR from 105% to 115%", last_check_in_at=at(date(2026, 7, 10)),
               check_in_count=2, cadence_days=7)
    fresh = kr("Renewals forecast within 5%", last_check_in_at=at(date(2026, 7, 18)),
               check_in_count=2)
    objective = obj("Make renewals predictable", team="Customer Success", krs=(stale, fresh))
    strict = CoachSettings(neglect_missed_check_ins=1)
    [finding] = check_neglect(on(date(2026, 7, 20), objective), strict)
    assert (finding.code, finding.subject, finding.subject_id, finding.objective_id) == (
        "neglect.stale_key_result", Subject.KEY_RESULT, stale.id, objective.id)
    assert "was last checked in on 10 Jul 2026, 10 days ago" in finding.message
    assert "due weekly (7 days), so 1 check-in has been missed" in finding.message


def _weekly(last: date) -> tuple[object, object]:
    late = kr("NRR from 105% to 115%", last_check_in_at=at(last), check_in_count=2)
    fresh = kr("Renewals forecast within 5%", last_check_in_at=at(date(2026, 7, 28)),
               check_in_count=2)
    return late, obj("Make renewals predictable", team="Customer Success", krs=(late, fresh))


def test_one_day_late_is_not_neglect_by_default() -> None:
    _, objective = _weekly(date(2026, 7, 21))  # due 28 Jul, looked at on 29 Jul
    assert check_neglect(on(date(2026, 7, 29), objective)) == []
    assert check_neglect(on(date(2026, 7, 29), objective), CoachSettings()) == []


def test_two_periods_late_is_neglect_by_default() -> None:
    late, objective = _weekly(date(2026, 7, 7))  # due 14 Jul, the next 21 Jul: both missed
    [finding] = check_neglect(on(date(2026, 7, 29), objective))
    assert (finding.code, finding.subject_id) == ("neglect.stale_key_result", late.id)  # type: ignore[attr-defined]
    assert "22 days ago" in finding.message
    assert "so 3 check-ins have been missed" in finding.message


def test_the_number_of_missed_check_ins_is_the_organisations() -> None:
    _, objective = _weekly(date(2026, 7, 7))
    assert check_neglect(on(date(2026, 7, 29), objective),
                         CoachSettings(neglect_missed_check_ins=4)) == []
    _, objective = _weekly(date(2026, 7, 20))  # 9 days: one missed
    assert len(check_neglect(on(date(2026, 7, 29), objective),
                             CoachSettings(neglect_missed_check_ins=1))) == 1


def test_never_updated_by_mid_cycle_is_one_finding_for_the_objective() -> None:
    krs = (kr("Pipeline from $2M to $3M"), kr("Cost per opportunity below $900"))
    objective = obj("Own the healthcare conversation", team="Marketing", krs=krs)
    assert [f.code for f in check_neglect(on(date(2026, 8, 14), objective),
                                          CoachSettings(neglect_missed_check_ins=1))] == [
        "neglect.stale_key_result", "neglect.stale_key_result"]
    [finding] = check_neglect(on(date(2026, 8, 15), objective))
    assert finding.code == "neglect.objective_not_updated"
    assert "Q3 2026 is past its midpoint" in finding.message
    assert "none of the 2 key results of \u201cOwn the healthcare conversation\u201d" in (
        finding.message)


def test_untouched_key_results_at_close() -> None:
    touched = kr("NRR from 105% to 115%", last_check_in_at=at(date(2026, 9, 2)),
                 check_in_count=5)
    untouched = kr("Renewals forecast within 5%")
    objective = obj("Make renewals predictable", team="Customer Success",
                    krs=(touched, untouched))
    assert not [f for f in check_neglect(on(date(2026, 9, 16), objective))
                if f.code == "neglect.untouched_at_close"]
    closing = [f for f in check_neglect(on(date(2026, 9, 24), objective))
               if f.code == "neglect.untouched_at_close"]
    assert [(f.subject, f.subject_id) for f in closing] == [(Subject.CYCLE, QUARTER.id)]
    assert "Q3 2026 closes in 6 days with 1 of 2 key results never checked in on" in (
        closing[0].message)
    [closed] = check_neglect(on(date(2026, 10, 5), objective, closed=True))
    assert closed.message.startswith("Q3 2026 closed with 1 of 2 key results")
    later = check_neglect(on(date(2026, 9, 20), objective), CoachSettings(closing_days=7))
    assert not [f for f in later if f.code == "neglect.untouched_at_close"]


def test_rolled_up_key_results_need_no_check_ins() -> None:
    rolled = kr("NRR rolled up from the regions", source="aligned")
    objective = obj("Make renewals predictable", team="Customer Success", krs=(rolled,))
    assert check_neglect(on(date(2026, 9, 24), objective)) == []


def test_labelled_set_precision_and_recall() -> None:
    score = evaluate("neglect")
    assert score.examples >= 30 and score.flagged_examples >= 10 and score.tn >= 10
    assert score.precision >= 0.9, [r.example.name for r in score.mistakes]
    assert score.recall >= 0.9, [r.example.name for r in score.mistakes]


def test_an_objective_set_up_minutes_ago_is_not_neglected() -> None:
    today = date(2026, 8, 20)  # past the middle of Q3
    krs = (kr("Pipeline from $2M to $3M", created_at=at(today)),
           kr("Cost per opportunity below $900", created_at=at(today)))
    objective = obj("Own the healthcare conversation", team="Marketing", krs=krs,
                    created_at=at(today))
    assert check_neglect(on(today, objective)) == []
    # Key results added with an older objective count from the day they were added too.
    older = replace(objective, created_at=at(date(2026, 7, 1)))
    assert check_neglect(on(today, older)) == []
    # A full cadence period later, with still no check-in, it is "not updated".
    [finding] = check_neglect(on(date(2026, 8, 28), objective))
    assert finding.code == "neglect.objective_not_updated"
    # In the last days of the cycle, a key result added that week is not "untouched" yet.
    late = obj("Close the quarter well", team="Marketing",
               krs=(kr("Ten references", created_at=at(date(2026, 9, 25))),),
               created_at=at(date(2026, 9, 25)))
    assert check_neglect(on(date(2026, 9, 27), late)) == []
    [closed] = check_neglect(on(date(2026, 10, 5), late, closed=True))
    assert closed.code == "neglect.untouched_at_close"
