"""Closing a cycle through the actions: computed grades, adjusted grades, retrospectives,
carrying unfinished key results over, regrading; permissions and bad input change nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.core.models import AuditEvent
from lineofsight.goals import actions
from lineofsight.goals.models import KeyResult, Objective, Retrospective

from ..closing import ava_next_objective, close, fresh, next_quarter, record_quarter
from ..okrs import build_cascade

pytestmark = pytest.mark.django_db


def grades():
    return (
        sorted(Objective.objects.values_list("pk", "computed_grade", "adjusted_grade")),
        sorted(KeyResult.objects.values_list("pk", "computed_grade", "adjusted_grade")),
    )


def snapshot():
    return (
        grades(),
        sorted(Objective.objects.values_list("pk", "grade_reason", "graded_by_id", "graded_at")),
        sorted(KeyResult.objects.values_list("pk", "grade_reason", "carried_from_id")),
        Objective.objects.count(),
        KeyResult.objects.count(),
        sorted(Retrospective.objects.values_list("pk", "what_happened", "decision")),
        AuditEvent.objects.count(),
    )


@pytest.fixture
def closed(cast):
    c = build_cascade(cast)
    record_quarter(cast, c)
    close(cast, cast.q4)
    return c


# -- computed grades ---------------------------------------------------------------------


def test_closing_a_cycle_grades_everything_in_it(closed, cast):
    c = closed
    assert fresh(c.ava_opps).computed_grade == 0.88
    assert fresh(c.ava_legal).computed_grade == 0.8
    assert fresh(c.ava_closes).computed_grade == 0.83
    assert fresh(c.ava_obj).computed_grade == 0.84  # the worked example
    assert fresh(c.sales_opps).computed_grade == 0.75
    assert fresh(c.sales).computed_grade == 0.79  # (0.75 + 0.8378) / 2
    # A quarter's key results of the annual company objective are graded with the quarter;
    # the objective itself waits for its year.
    assert fresh(c.logos).computed_grade == 0.85
    assert fresh(c.verticals).computed_grade == 0.0
    assert fresh(c.company).computed_grade is None
    # Nothing is adjusted until an owner says so.
    assert not Objective.objects.exclude(adjusted_grade=None).exists()
    event = AuditEvent.objects.filter(action="cycle.set_state").latest("pk")
    assert event.data["to"] == "closed"
    assert event.data["graded"] == {
        "objectives": 3,
        "key_results": 7,
        "objectives_written": 3,
        "key_results_written": 7,
    }


def test_drafts_and_abandoned_work_is_not_graded(cast):
    c = build_cascade(cast)
    draft = actions.create_objective(
        acting_user=cast.ava,
        title="An idea for later",
        level="individual",
        cycle=cast.q4,
        owner_person=cast.ava,
        state="draft",
    )
    actions.update_key_result(
        acting_user=cast.ava, key_result=c.ava_legal, state="abandoned", reason="Legal moved"
    )
    close(cast, cast.q4)
    assert fresh(draft).computed_grade is None
    assert fresh(c.ava_legal).computed_grade is None
    assert fresh(c.ava_opps).computed_grade == 0.0


def test_only_hr_closes_and_a_refusal_grades_nothing(cast):
    c = build_cascade(cast)
    record_quarter(cast, c)
    before = grades()
    with pytest.raises(NotAllowed):
        actions.set_cycle_state(acting_user=cast.sam, cycle=cast.q4, state="closed")
    assert grades() == before
    assert fresh(cast.q4).state == "active"


def test_closing_is_bounded_in_queries(cast, django_assert_max_num_queries):
    c = build_cascade(cast)
    record_quarter(cast, c)
    # Read the cycle, save it, two reads and two bulk writes, the audit row (+ savepoints).
    with django_assert_max_num_queries(12):
        close(cast, cast.q4)


# -- adjusted grades ---------------------------------------------------------------------


def test_an_owner_adjusts_a_grade_with_a_reason_and_both_are_kept(closed, cast):
    c = closed
    actions.adjust_objective_grade(
        acting_user=cast.ava,
        objective=c.ava_obj,
        adjusted_grade=0.9,
        reason="Brightwater signed on 2 October; the slip was their CFO leaving.",
    )
    obj = fresh(c.ava_obj)
    assert (obj.computed_grade, obj.adjusted_grade) == (0.84, 0.9)
    assert obj.grade_reason.startswith("Brightwater")
    assert obj.graded_by == cast.ava and obj.graded_at is not None
    event = AuditEvent.objects.filter(action="objective.grade").latest("pk")
    assert event.actor == cast.ava and event.subject_id == obj.pk
    assert event.data["from"]["adjusted_grade"] is None
    assert event.data["to"]["adjusted_grade"] == 0.9


def test_an_adjusted_grade_can_be_changed_again_and_the_audit_keeps_the_old_one(closed, cast):
    c = closed
    actions.adjust_key_result_grade(
        acting_user=cast.ava, key_result=c.ava_closes, adjusted_grade=0.857, reason="First"
    )
    assert fresh(c.ava_closes).adjusted_grade == 0.86  # two decimals, like computed grades
    actions.adjust_key_result_grade(
        acting_user=cast.sam, key_result=c.ava_closes, adjusted_grade=1, reason="Signed late"
    )
    kr = fresh(c.ava_closes)
    assert (kr.computed_grade, kr.adjusted_grade, kr.grade_reason) == (0.83, 1.0, "Signed late")
    assert kr.graded_by == cast.sam  # her manager may adjust it too
    last = AuditEvent.objects.filter(action="key_result.grade").latest("pk")
    assert last.data["from"]["adjusted_grade"] == 0.86
    assert last.data["from"]["reason"] == "First"
    assert last.data["from"]["graded_by"] == cast.ava.pk
    # Withdrawn: back to the computed grade alone; the audit still has the adjustment.
    actions.adjust_key_result_grade(
        acting_user=cast.ava, key_result=c.ava_closes, adjusted_grade=None, reason="Overstated"
    )
    kr = fresh(c.ava_closes)
    assert (kr.adjusted_grade, kr.grade_reason, kr.graded_by) == (None, "", None)
    withdrawn = AuditEvent.objects.filter(action="key_result.grade_withdraw").latest("pk")
    assert withdrawn.data["from"]["adjusted_grade"] == 1.0
    assert withdrawn.data["to"]["reason"] == "Overstated"


@pytest.mark.parametrize(
    ("value", "reason", "field"),
    [
        (1.2, "Too generous", "adjusted_grade"),
        (-0.1, "Too harsh", "adjusted_grade"),
        ("a lot", "Words", "adjusted_grade"),
        (float("nan"), "Not a number", "adjusted_grade"),
        (0.9, "", "reason"),
        (0.9, "   ", "reason"),
        (None, "Nothing to withdraw", "adjusted_grade"),
    ],
)
def test_bad_adjustments_name_the_field_and_change_nothing(closed, cast, value, reason, field):
    before = snapshot()
    with pytest.raises(InvalidInput) as exc:
        actions.adjust_objective_grade(
            acting_user=cast.ava, objective=closed.ava_obj, adjusted_grade=value, reason=reason
        )
    assert field in exc.value.errors
    assert snapshot() == before


def test_grades_are_adjusted_only_once_the_cycle_is_closed(cast):
    c = build_cascade(cast)
    before = snapshot()
    with pytest.raises(InvalidInput) as exc:
        actions.adjust_objective_grade(
            acting_user=cast.ava, objective=c.ava_obj, adjusted_grade=0.5, reason="Early"
        )
    assert "Q4 2026 is active" in exc.value.errors["__all__"][0]
    assert snapshot() == before


def test_what_was_not_graded_cannot_be_adjusted(cast):
    c = build_cascade(cast)
    actions.update_key_result(
        acting_user=cast.ava, key_result=c.ava_legal, state="abandoned", reason="Legal moved"
    )
    close(cast, cast.q4)
    with pytest.raises(InvalidInput) as exc:
        actions.adjust_key_result_grade(
            acting_user=cast.ava, key_result=c.ava_legal, adjusted_grade=0.5, reason="x"
        )
    assert exc.value.errors["__all__"] == ["Abandoned, so not graded."]
    # The annual company objective is graded with its year, not with the quarter.
    with pytest.raises(InvalidInput) as exc:
        actions.adjust_objective_grade(
            acting_user=cast.cora, objective=c.company, adjusted_grade=0.5, reason="x"
        )
    assert "FY 2026 is active" in exc.value.errors["__all__"][0]


@pytest.mark.parametrize("who", ["pia", "eli", "dev", "otto"])
def test_only_owners_and_their_editors_adjust(closed, cast, who):
    before = snapshot()
    with pytest.raises(NotAllowed):
        actions.adjust_objective_grade(
            acting_user=getattr(cast, who), objective=closed.ava_obj, adjusted_grade=1, reason="x"
        )
    with pytest.raises(NotAllowed):
        actions.adjust_key_result_grade(
            acting_user=getattr(cast, who), key_result=closed.ava_opps, adjusted_grade=1, reason="x"
        )
    assert snapshot() == before


def test_hr_and_the_team_lead_may_adjust_team_grades(closed, cast):
    actions.adjust_objective_grade(
        acting_user=cast.sam, objective=closed.sales, adjusted_grade=0.8, reason="Lead's call"
    )
    actions.adjust_objective_grade(
        acting_user=cast.hana, objective=closed.sales, adjusted_grade=0.82, reason="Calibrated"
    )
    assert fresh(closed.sales).adjusted_grade == 0.82


# -- retrospectives ----------------------------------------------------------------------


def test_an_owner_writes_a_retrospective_and_may_rewrite_it(closed, cast):
    retro = actions.save_retrospective(
        acting_user=cast.ava,
        objective=closed.ava_obj,
        what_happened="22 of 25 qualified, 8 past legal, 5 closes.",
        in_control="Outbound volume; not the healthcare budget freeze.",
        learned="Start security reviews in week one.",
        decision="change",
    )
    assert retro.objective == closed.ava_obj and retro.author == cast.ava
    again = actions.save_retrospective(
        acting_user=cast.ava,
        objective=closed.ava_obj,
        what_happened="22 of 25 qualified, 8 past legal, 5 closes; Brightwater slipped.",
        decision="keep",
    )
    assert again.pk == retro.pk and Retrospective.objects.count() == 1
    assert (again.decision, again.learned) == ("keep", "")
    last = AuditEvent.objects.filter(action="objective.retrospective").latest("pk")
    assert last.data["previous"]["decision"] == "change"
    assert last.data["previous"]["learned"] == "Start security reviews in week one."


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"what_happened": "", "decision": "keep"}, "what_happened"),
        ({"what_happened": "Fine", "decision": "maybe"}, "decision"),
        ({"what_happened": "Fine", "decision": ""}, "decision"),
        ({"what_happened": "x" * 10_001, "decision": "keep"}, "what_happened"),
        ({"what_happened": "Fine", "decision": "keep", "learned": "y" * 10_001}, "learned"),
    ],
)
def test_bad_retrospectives_name_the_field_and_save_nothing(closed, cast, fields, bad):
    before = snapshot()
    with pytest.raises(InvalidInput) as exc:
        actions.save_retrospective(acting_user=cast.ava, objective=closed.ava_obj, **fields)
    assert bad in exc.value.errors
    assert snapshot() == before


def test_retrospectives_wait_for_the_close_and_belong_to_editors(cast):
    c = build_cascade(cast)
    with pytest.raises(InvalidInput) as exc:
        actions.save_retrospective(
            acting_user=cast.ava, objective=c.ava_obj, what_happened="x", decision="keep"
        )
    assert "__all__" in exc.value.errors
    close(cast, cast.q4)
    with pytest.raises(NotAllowed):
        actions.save_retrospective(
            acting_user=cast.pia, objective=c.ava_obj, what_happened="x", decision="keep"
        )
    assert not Retrospective.objects.exists()


# -- carrying unfinished key results over ------------------------------------------------


def test_unfinished_key_results_go_into_one_copy_of_their_objective(closed, cast):
    c = closed
    nxt = next_quarter(cast)
    legal = actions.carry_over_key_result(acting_user=cast.ava, key_result=c.ava_legal)
    assert legal.cycle == nxt.quarter and legal.carried_from == c.ava_legal
    copy = legal.objective
    assert copy.pk != c.ava_obj.pk and copy.cycle == nxt.quarter
    assert (copy.title, copy.owner_person, copy.level, copy.commitment) == (
        c.ava_obj.title,
        cast.ava,
        "individual",
        c.ava_obj.commitment,
    )
    # It starts from the last value and keeps the kind, unit, target, signal and owner.
    assert (legal.kind, legal.start_value, legal.target_value) == ("increase", 8, 10)
    assert (legal.signal, legal.owner, legal.weight) == ("leading", cast.ava, 1.0)
    assert legal.progress == 0.0
    # The second key result joins the same copy.
    closes = actions.carry_over_key_result(
        acting_user=cast.ava, key_result=c.ava_closes, title="6 closes, Brightwater first"
    )
    assert closes.objective == copy and closes.start_value == 5
    assert closes.title == "6 closes, Brightwater first"
    assert list(fresh(c.ava_legal).carried_into.all()) == [legal]
    event = AuditEvent.objects.filter(action="key_result.carry_over").order_by("pk").first()
    assert event.data["copied_objective"] is True and event.data["from"] == c.ava_legal.pk


def test_carrying_into_an_objective_of_the_next_cycle(closed, cast):
    nxt = next_quarter(cast)
    target = ava_next_objective(cast, nxt)
    kr = actions.carry_over_key_result(
        acting_user=cast.ava, key_result=closed.ava_opps, into_objective=target, target_value=30
    )
    assert kr.objective == target and (kr.start_value, kr.target_value) == (22, 30)
    assert fresh(target).key_results.count() == 1


def test_an_annual_objectives_quarter_key_result_follows_its_year(closed, cast):
    nxt = next_quarter(cast)
    # FY 2026 is over with Q4: the carried key result goes into a copy in FY 2027.
    logos = actions.carry_over_key_result(acting_user=cast.cora, key_result=closed.logos)
    assert logos.cycle == nxt.quarter
    assert logos.objective.cycle == nxt.year and logos.objective.level == "company"
    assert logos.start_value == 34 and logos.target_value == 40


def test_a_rolling_objective_keeps_the_key_result_when_its_year_goes_on(cast):
    year = actions.create_cycle(
        acting_user=cast.hana,
        name="FY 2030",
        kind="annual",
        start_date=dt.date(2030, 1, 1),
        end_date=dt.date(2030, 12, 31),
        state="active",
    )
    quarters = [
        actions.create_cycle(
            acting_user=cast.hana,
            name=name,
            kind="quarter",
            start_date=start,
            end_date=end,
            parent=year,
            state="active",
        )
        for name, start, end in [
            ("Q1 2030", dt.date(2030, 1, 1), dt.date(2030, 3, 31)),
            ("Q2 2030", dt.date(2030, 4, 1), dt.date(2030, 6, 30)),
        ]
    ]
    company = actions.create_objective(
        acting_user=cast.cora,
        title="Grow ARR",
        level="company",
        cycle=year,
        owner_team=cast.acme,
    )
    kr = actions.create_key_result(
        acting_user=cast.cora,
        objective=company,
        title="10 logos",
        kind="increase",
        start_value=0,
        target_value=10,
        owner=cast.sam,
        cycle=quarters[0],
    )
    actions.record_check_in(acting_user=cast.sam, key_result=kr, value=7, confidence="at_risk")
    close(cast, quarters[0])
    # Sam owns the key result but may not add key results to the company's objective.
    with pytest.raises(NotAllowed):
        actions.carry_over_key_result(acting_user=cast.sam, key_result=kr)
    carried = actions.carry_over_key_result(acting_user=cast.cora, key_result=kr)
    assert carried.objective == company and carried.cycle == quarters[1]
    assert carried.start_value == 7


def test_carry_over_refusals_name_the_field_and_save_nothing(closed, cast):
    c = closed
    nxt = next_quarter(cast)
    before = snapshot()
    # A target below the new start for an increasing key result: the copy is not kept.
    with pytest.raises(InvalidInput) as exc:
        actions.carry_over_key_result(acting_user=cast.ava, key_result=c.ava_legal, target_value=5)
    assert "target_value" in exc.value.errors
    with pytest.raises(InvalidInput) as exc:
        actions.carry_over_key_result(acting_user=cast.ava, key_result=c.ava_legal, title=" ")
    assert "title" in exc.value.errors
    # An objective outside the next cycle.
    with pytest.raises(InvalidInput) as exc:
        actions.carry_over_key_result(
            acting_user=cast.ava, key_result=c.ava_legal, into_objective=c.ava_obj
        )
    assert "objective" in exc.value.errors
    # A cycle before the closed one.
    with pytest.raises(InvalidInput) as exc:
        actions.carry_over_key_result(acting_user=cast.ava, key_result=c.ava_legal, cycle=cast.q3)
    assert "cycle" in exc.value.errors
    # An objective she may not edit.
    pia_next = actions.create_objective(
        acting_user=cast.pia,
        title="Pia's quarter",
        level="individual",
        cycle=nxt.quarter,
        owner_person=cast.pia,
    )
    before = snapshot()
    with pytest.raises(NotAllowed):
        actions.carry_over_key_result(
            acting_user=cast.ava, key_result=c.ava_legal, into_objective=pia_next
        )
    # Someone who may not edit the key result.
    with pytest.raises(NotAllowed):
        actions.carry_over_key_result(acting_user=cast.pia, key_result=c.ava_legal)
    assert snapshot() == before


def test_only_unfinished_measured_key_results_are_carried_and_only_once(cast):
    c = build_cascade(cast)
    actions.record_check_in(
        acting_user=cast.ava, key_result=c.ava_opps, value=25, confidence="on_track"
    )
    actions.record_check_in(
        acting_user=cast.ava, key_result=c.ava_legal, value=4, confidence="at_risk"
    )
    # Not before the cycle closes.
    with pytest.raises(InvalidInput) as exc:
        actions.carry_over_key_result(acting_user=cast.ava, key_result=c.ava_legal)
    assert "__all__" in exc.value.errors
    close(cast, cast.q4)
    # No next cycle yet.
    with pytest.raises(InvalidInput) as exc:
        actions.carry_over_key_result(acting_user=cast.ava, key_result=c.ava_legal)
    assert "HR adds the next one first" in exc.value.errors["cycle"][0]
    next_quarter(cast)
    with pytest.raises(InvalidInput) as exc:
        actions.carry_over_key_result(acting_user=cast.ava, key_result=c.ava_opps)
    assert "reached its target" in exc.value.errors["key_result"][0]
    with pytest.raises(InvalidInput) as exc:
        actions.carry_over_key_result(acting_user=cast.eli, key_result=c.verticals)
    assert "rolls up from aligned objectives" in exc.value.errors["key_result"][0]
    actions.carry_over_key_result(acting_user=cast.ava, key_result=c.ava_legal)
    with pytest.raises(InvalidInput) as exc:
        actions.carry_over_key_result(acting_user=cast.ava, key_result=c.ava_legal)
    assert "Already carried into Q1 2027" in exc.value.errors["key_result"][0]


def test_next_cycle_is_the_earliest_open_one_of_the_same_kind(cast):
    assert actions.next_cycle(cast.q3) == cast.q4
    assert actions.next_cycle(cast.q4) is None
    nxt = next_quarter(cast)
    assert actions.next_cycle(cast.q4) == nxt.quarter
    assert actions.next_cycle(cast.fy) == nxt.year


# -- regrading after an HR amendment -----------------------------------------------------


def test_hr_regrades_after_amending_a_closed_cycle(closed, cast):
    c = closed
    actions.adjust_key_result_grade(
        acting_user=cast.ava, key_result=c.ava_closes, adjusted_grade=1, reason="Signed late"
    )
    actions.record_check_in(
        acting_user=cast.hana,
        key_result=c.ava_closes,
        value=6,
        confidence="on_track",
        amendment_reason="The sixth deal was signed on 30 September.",
    )
    assert fresh(c.ava_closes).computed_grade == 0.83  # frozen until regraded
    with pytest.raises(NotAllowed):
        actions.regrade_cycle(acting_user=cast.ava, cycle=cast.q4)
    run = actions.regrade_cycle(acting_user=cast.hana, cycle=cast.q4)
    assert (run.key_results_written, run.objectives_written) == (1, 2)  # the KR, Ava, Sales
    kr = fresh(c.ava_closes)
    assert (kr.computed_grade, kr.adjusted_grade) == (1.0, 1.0)
    assert fresh(c.ava_obj).computed_grade == 0.89
    assert AuditEvent.objects.filter(action="cycle.regrade").latest("pk").data == run.as_dict()
    with pytest.raises(InvalidInput):
        actions.regrade_cycle(acting_user=None, cycle=cast.fy)
