"""The coach on the database: loading the facts through the access policy, in a bounded number
of queries; acknowledging findings; the health counts; the organisation's limits."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lineofsight.coach import actions as coach_actions
from lineofsight.coach.facts import load_population
from lineofsight.coach.health import health
from lineofsight.coach.models import FindingAcknowledgement
from lineofsight.coach.scope import CoachScope, coach_settings
from lineofsight.coach.selectors import (
    coach_report,
    current_finding,
    objective_coaching,
    team_coaching,
)
from lineofsight.core.errors import InvalidInput, NotAllowed, NotFound
from lineofsight.core.models import AuditEvent
from lineofsight.goals import actions
from lineofsight.goals.models import Objective
from lineofsight.people import actions as people_actions
from lineofsight.people.models import Organisation, Person
from lineofsight.people.selectors import forget_organisation_cache

from ..okrs import build_cascade

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 20)  # past the middle of Q4 2026


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)


def codes(report, label: str | None = None) -> set[str]:
    return {r.finding.code for r in report.rows if label is None or r.subject_label == label}


def four_objectives_for_ava(cast, cascade) -> list[Objective]:
    made = []
    for title in ("Coach two new sellers", "Tidy the CRM", "Learn the healthcare market"):
        objective = actions.create_objective(
            acting_user=cast.ava,
            title=title,
            level="individual",
            cycle=cast.q4,
            owner_person=cast.ava,
        )
        actions.align_objective(
            acting_user=cast.ava, child=objective, parent_objective=cascade.sales
        )
        made.append(objective)
    return made


# -- loading ------------------------------------------------------------------------------


def test_the_facts_hold_objectives_parents_cadences_and_confidences(cast):
    c = build_cascade(cast)
    people_actions.set_team_cadence(acting_user=None, team=cast.enterprise, cadence="biweekly")
    for value, confidence in ((5, "on_track"), (9, "at_risk")):
        actions.record_check_in(
            acting_user=cast.ava, key_result=c.ava_opps, value=value, confidence=confidence
        )
    loaded = load_population(None, CoachScope.organisation(cast.q4), today=TODAY)
    objectives = {o.id: o for o in loaded.population.objectives}
    assert set(objectives) == {c.company.pk, c.sales.pk, c.ava_obj.pk, c.platform.pk}
    ava = objectives[c.ava_obj.pk]
    assert ava.parent_objective_ids == (c.sales.pk,)
    assert objectives[c.platform.pk].parent_key_result_ids == (c.verticals.pk,)
    assert loaded.population.key_result_objective[c.verticals.pk] == c.company.pk
    opps = next(kr for kr in ava.key_results if kr.id == c.ava_opps.pk)
    assert opps.confidences == ("on_track", "at_risk") and opps.check_in_count == 2
    assert opps.cadence_days == 14  # Enterprise Sales checks in every two weeks
    platform_kr = objectives[c.platform.pk].key_results[0]
    assert platform_kr.cadence_days == 7  # the quarter's weekly cadence
    assert c.company.pk in loaded.population.company_objective_ids_with_children
    assert loaded.population.people_names[cast.ava.pk] == "Ava Adams"
    assert loaded.population.team_names[cast.sales.pk] == "Sales"
    assert loaded.population.cycle.today == TODAY


def test_a_viewer_is_only_told_about_objectives_they_may_see(cast):
    c = build_cascade(cast)
    hidden = actions.create_objective(
        acting_user=cast.ava,
        title="Move to the healthcare territory",
        level="individual",
        cycle=cast.q4,
        owner_person=cast.ava,
        visibility="private",
    )
    for who, sees in (
        ("otto", False),
        ("pia", False),
        ("ava", True),
        ("sam", True),
        ("hana", True),
    ):
        report = coach_report(getattr(cast, who), CoachScope.organisation(cast.q4), today=TODAY)
        ids = {o.id for o in report.loaded.population.objectives}
        assert (hidden.pk in ids) is sees, who
        labels = {r.subject_label for r in report.rows}
        assert ("Move to the healthcare territory" in labels) is sees, who
        assert c.ava_obj.pk in ids


def test_parents_the_viewer_may_not_see_stay_out_of_the_facts(cast):
    c = build_cascade(cast)
    secret = actions.create_objective(
        acting_user=cast.sam,
        title="Acquire a logistics reseller",
        level="team",
        cycle=cast.q4,
        owner_team=cast.sales,
        visibility="private",
    )
    actions.align_objective(
        acting_user=cast.sam, child=c.ava_obj, parent_objective=secret, kind="supports"
    )
    loaded = load_population(cast.pia, CoachScope.organisation(cast.q4), today=TODAY)
    assert secret.pk not in loaded.population.parents
    assert secret.pk not in loaded.objective_titles
    ava = next(o for o in loaded.population.objectives if o.id == c.ava_obj.pk)
    assert secret.pk in ava.parent_objective_ids  # aligned, as the tree shows too


def test_loading_runs_the_same_queries_however_much_there_is(cast):
    c = build_cascade(cast)

    def count(scope) -> int:
        pia = Person.objects.get(pk=cast.pia.pk)  # her teams not read yet: the worst case
        forget_organisation_cache()
        with CaptureQueriesContext(connection) as ctx:
            coach_report(pia, scope, today=TODAY)
        return len(ctx.captured_queries)

    scopes = [
        CoachScope.organisation(cast.q4),
        CoachScope.of_team(cast.q4, cast.sales),
        CoachScope.of_person(cast.q4, cast.ava),
    ]
    before = [count(s) for s in scopes]
    for n in range(6):
        o = actions.create_objective(
            acting_user=cast.sam,
            title=f"Sales push {n}",
            level="team",
            cycle=cast.q4,
            owner_team=cast.enterprise,
        )
        actions.align_objective(acting_user=cast.sam, child=o, parent_objective=c.sales)
        for m in range(3):
            kr = actions.create_key_result(
                acting_user=cast.sam,
                objective=o,
                title=f"{m} thing {n}",
                kind="increase",
                start_value=0,
                target_value=10,
                owner=cast.ava if m else cast.pia,
            )
            actions.record_check_in(
                acting_user=cast.sam, key_result=kr, value=m, confidence="on_track"
            )
    after = [count(s) for s in scopes]
    assert after == before
    assert max(after) <= 18


def test_a_person_scope_has_their_objectives_and_key_results_they_own(cast):
    c = build_cascade(cast)
    report = coach_report(None, CoachScope.of_person(cast.q4, cast.dev), today=TODAY)
    # Dev owns no objective, but the Platform key result: its findings are his.
    assert {o.id for o in report.loaded.population.objectives} == {c.platform.pk}
    assert "lagging_only.person" in codes(report, "Dev Diaz")
    assert "lagging_only.team" not in codes(report)  # Platform's, not Dev's


def test_owner_history_comes_from_earlier_closed_cycles(cast):
    build_cascade(cast)
    for grade in (1.0, 1.0):
        Objective.objects.create(
            title=f"Last quarter {grade}",
            level="individual",
            owner_person=cast.ava,
            cycle=cast.q3,
            state="closed",
            computed_grade=grade,
        )
    Objective.objects.create(
        title="Private last quarter",
        level="individual",
        owner_person=cast.ava,
        cycle=cast.q3,
        state="closed",
        computed_grade=0.2,
        visibility="private",
    )
    seen_by_hr = load_population(cast.hana, CoachScope.organisation(cast.q4), today=TODAY)
    seen_by_otto = load_population(cast.otto, CoachScope.organisation(cast.q4), today=TODAY)
    hr = {(h.owner_kind, h.owner_id): h.attainments for h in seen_by_hr.population.history}
    otto = {(h.owner_kind, h.owner_id): h.attainments for h in seen_by_otto.population.history}
    assert hr[("person", cast.ava.pk)] == (pytest.approx(0.7333, abs=1e-3),)
    assert otto[("person", cast.ava.pk)] == (1.0,)  # the private grade is not his to see


# -- findings and acknowledgements -------------------------------------------------------


def test_a_fourth_objective_is_a_focus_error_the_manager_can_acknowledge(cast):
    c = build_cascade(cast)
    four_objectives_for_ava(cast, c)
    report = coach_report(cast.sam, CoachScope.of_person(cast.q4, cast.ava), today=TODAY)
    row = next(r for r in report.rows if r.finding.code == "focus.person_objectives")
    assert "fourth" in row.finding.message and row.subject_label == "Ava Adams"
    assert row in report.open_errors

    with pytest.raises(NotAllowed):  # the agreement to an exception is her manager's
        coach_actions.acknowledge_finding(
            acting_user=cast.ava,
            cycle=cast.q4,
            code="focus.person_objectives",
            subject="person",
            subject_id=cast.ava.pk,
            reason="I can do it",
        )
    with pytest.raises(NotAllowed):
        coach_actions.acknowledge_finding(
            acting_user=cast.pia,
            cycle=cast.q4,
            code="focus.person_objectives",
            subject="person",
            subject_id=cast.ava.pk,
            reason="She can do it",
        )
    ack = coach_actions.acknowledge_finding(
        acting_user=cast.sam,
        cycle=cast.q4,
        code="focus.person_objectives",
        subject="person",
        subject_id=cast.ava.pk,
        reason="Covering for Pia's leave this quarter",
    )
    assert (ack.acknowledged_by, ack.subject_id, ack.reopened_at) == (cast.sam, cast.ava.pk, None)
    event = AuditEvent.objects.get(action="coach.acknowledge")
    assert event.actor == cast.sam and event.data["reason"].startswith("Covering")

    report = coach_report(cast.sam, CoachScope.of_person(cast.q4, cast.ava), today=TODAY)
    row = next(r for r in report.rows if r.finding.code == "focus.person_objectives")
    assert row.acknowledgement == ack and row not in report.open_rows
    assert not report.open_errors or all(r.acknowledgement is None for r in report.open_errors)


def test_acknowledgements_are_kept_when_reopened_and_given_again(cast):
    c = build_cascade(cast)
    key = {
        "cycle": cast.q4,
        "code": "focus.too_few_key_results",
        "subject": "objective",
        "subject_id": c.sales.pk,
    }
    first = coach_actions.acknowledge_finding(acting_user=cast.sam, reason="One big bet", **key)
    with pytest.raises(InvalidInput) as twice:
        coach_actions.acknowledge_finding(acting_user=cast.hana, reason="Again", **key)
    assert "Already acknowledged by Sam Sato" in str(twice.value.errors["code"])
    coach_actions.reopen_finding(
        acting_user=cast.hana, acknowledgement=first, reason="Add a second key result"
    )
    first.refresh_from_db()
    assert first.reopened_by == cast.hana and first.reopen_reason == "Add a second key result"
    with pytest.raises(InvalidInput):
        coach_actions.reopen_finding(acting_user=cast.hana, acknowledgement=first)
    row = current_finding(cast.sam, cast.q4, "focus.too_few_key_results", "objective", c.sales)
    assert row is not None and row.acknowledgement is None  # it nags again
    second = coach_actions.acknowledge_finding(acting_user=cast.sam, reason="Still one bet", **key)
    assert FindingAcknowledgement.objects.count() == 2
    assert list(FindingAcknowledgement.objects.live()) == [second]
    assert AuditEvent.objects.filter(action__startswith="coach.").count() == 3


def test_bad_acknowledgements_are_refused_and_change_nothing(cast):
    c = build_cascade(cast)
    good = {
        "cycle": cast.q4,
        "code": "focus.too_few_key_results",
        "subject": "objective",
        "subject_id": c.sales.pk,
        "reason": "One big bet",
    }
    cases = [
        ({"reason": "  "}, "reason"),
        ({"reason": "x" * 10_001}, "reason"),
        ({"code": "focus.person_objectives"}, "code"),  # not reported about this objective
        ({"code": ""}, "code"),
        ({"subject": "planet"}, "subject"),
    ]
    for change, field in cases:
        with pytest.raises(InvalidInput) as refused:
            coach_actions.acknowledge_finding(acting_user=cast.sam, **{**good, **change})
        assert field in refused.value.errors, change
    with pytest.raises(NotFound):
        coach_actions.acknowledge_finding(acting_user=cast.sam, **{**good, "subject_id": 99999})
    private = actions.create_objective(
        acting_user=cast.ava,
        title="Private plan",
        level="individual",
        cycle=cast.q4,
        owner_person=cast.ava,
        visibility="private",
    )
    with pytest.raises(NotFound):  # Otto may not see it: it does not exist for him
        coach_actions.acknowledge_finding(
            acting_user=cast.otto, **{**good, "code": "orphan.unaligned", "subject_id": private.pk}
        )
    with pytest.raises(NotAllowed):  # Otto may see the Sales objective but not change it
        coach_actions.acknowledge_finding(acting_user=cast.otto, **good)
    assert not FindingAcknowledgement.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="coach.").exists()


def test_team_and_cycle_findings_are_for_leads_and_hr(cast):
    c = build_cascade(cast)
    lagging = {
        "cycle": cast.q4,
        "code": "lagging_only.team",
        "subject": "team",
        "subject_id": cast.platform.pk,
        "reason": "A build quarter: the edition is the point",
    }
    with pytest.raises(NotAllowed):
        coach_actions.acknowledge_finding(acting_user=cast.dev, **lagging)
    assert coach_actions.acknowledge_finding(acting_user=cast.eli, **lagging).subject_id == (
        cast.platform.pk
    )
    actions.record_check_in(
        acting_user=cast.sam, key_result=c.logos, value=3, confidence="on_track"
    )
    late = dt.date(2026, 12, 28)  # the quarter closes in three days
    row = next(
        r
        for r in coach_report(None, CoachScope.organisation(cast.q4), today=late).rows
        if r.finding.code == "neglect.untouched_at_close"
    )
    assert row.finding.subject_id == cast.q4.pk
    with pytest.raises(NotAllowed):
        coach_actions.acknowledge_finding(
            acting_user=cast.cora,
            cycle=cast.q4,
            code=row.finding.code,
            subject="cycle",
            subject_id=cast.q4.pk,
            reason="Known",
        )


# -- quality and health ------------------------------------------------------------------


def test_objective_quality_leaves_acknowledged_findings_out(cast):
    c = build_cascade(cast)
    before = objective_coaching(cast.sam, c.sales)
    assert before.quality.score < 100 and before.can_acknowledge
    assert any("1 key result" in r.text for r in before.quality.reasons)
    coach_actions.acknowledge_finding(
        acting_user=cast.sam,
        cycle=cast.q4,
        code="focus.too_few_key_results",
        subject="objective",
        subject_id=c.sales.pk,
        reason="One big bet",
    )
    after = objective_coaching(cast.sam, c.sales)
    assert after.quality.score == before.quality.score + 25
    assert [r.finding.code for r in after.acknowledged_rows] == ["focus.too_few_key_results"]
    assert not objective_coaching(cast.otto, c.sales).can_acknowledge


def test_team_quality_is_the_mean_of_its_objectives_less_its_own_findings(cast):
    c = build_cascade(cast)
    coaching = team_coaching(cast.eli, cast.platform, cast.q4)
    platform = objective_coaching(cast.eli, c.platform).quality.score
    points = {"error": 25, "warning": 10, "info": 3}
    team_penalty = sum(points[r.finding.level.value] for r in coaching.rows)
    assert coaching.objectives == 1
    assert coaching.quality.score == max(0, platform - team_penalty)
    assert {r.finding.code for r in coaching.rows} == {
        "lagging_only.team",
        "thin_team.few_objectives",
    }


def test_health_counts_orphans_copies_focus_and_neglect_per_department(cast):
    c = build_cascade(cast)
    four_objectives_for_ava(cast, c)
    copy = actions.create_objective(
        acting_user=cast.sam,
        title="Grow ARR from $12M to $18M",
        level="team",
        cycle=cast.q4,
        owner_team=cast.enterprise,
    )
    actions.align_objective(acting_user=cast.sam, child=copy, parent_objective=c.company)
    actions.create_objective(
        acting_user=cast.dev,
        title="Learn Rust",
        level="individual",
        cycle=cast.q4,
        owner_person=cast.dev,
    )
    actions.record_check_in(
        acting_user=cast.ava,
        key_result=c.ava_opps,
        value=3,
        confidence="on_track",
        at=at(dt.date(2026, 10, 20)),
    )
    data = health(cast.hana, cast.q4, today=TODAY)
    rows = {row.name: row for row in data.rows}
    sales, engineering = rows["Sales"], rows["Engineering"]
    assert (sales.objectives, sales.copy_paste, sales.orphans) == (6, 1, 0)
    assert sales.aligned == 6 and sales.focus >= 1  # Ava's fourth objective, too few KRs
    # Ava's key result last checked in a month ago, her two never checked in on since the
    # quarter began, and the Sales objective's one key result, never checked in on past the
    # middle of the quarter.
    assert sales.neglected == 4
    assert (engineering.objectives, engineering.aligned, engineering.orphans) == (2, 1, 1)
    assert data.total.objectives == 8 and data.total.aligned == 7
    assert data.total.aligned_share == pytest.approx(7 / 8)
    assert data.top and data.top[0].finding.level.value == "error"
    assert all(row.quality is not None for row in data.rows)

    coach_actions.acknowledge_finding(
        acting_user=cast.eli,
        cycle=cast.q4,
        code="orphan.unaligned",
        subject="objective",
        subject_id=Objective.objects.get(title="Learn Rust").pk,
        reason="Personal growth goal",
    )
    again = {row.name: row for row in health(cast.hana, cast.q4, today=TODAY).rows}
    assert (again["Engineering"].orphans, again["Engineering"].acknowledged) == (0, 1)
    assert again["Engineering"].aligned == 1  # still unaligned: a fact, not a finding


def test_a_department_shows_its_teams(cast):
    build_cascade(cast)
    data = health(cast.sam, cast.q4, department=cast.sales, today=TODAY)
    assert [row.name for row in data.rows] == ["Sales (its own)", "Enterprise Sales"]
    assert data.total.name == "Sales"
    assert data.rows[0].objectives == 1 and data.rows[1].objectives == 1


# -- the organisation's limits -----------------------------------------------------------


def test_the_limits_are_organisation_settings(cast):
    c = build_cascade(cast)
    four_objectives_for_ava(cast, c)
    assert coach_settings().max_objectives_person == 3
    people_actions.update_coach_settings(acting_user=cast.hana, max_objectives_person=4)
    assert coach_settings().max_objectives_person == 4
    report = coach_report(None, CoachScope.of_person(cast.q4, cast.ava), today=TODAY)
    assert "focus.person_objectives" not in codes(report)
    event = AuditEvent.objects.get(action="organisation.update_coaching")
    assert event.data == {"from": {"max_objectives_person": 3}, "to": {"max_objectives_person": 4}}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"min_key_results": 5}, "min_key_results"),  # more than the most (4)
        ({"max_key_results_company": 2}, "max_key_results_company"),  # under the least (3)
        ({"max_objectives_person": 0}, "max_objectives_person"),
        ({"copy_paste_similarity": 1.5}, "copy_paste_similarity"),
        ({"copy_paste_similarity": float("nan")}, "copy_paste_similarity"),
        ({"sandbagging_cycles": 1}, "sandbagging_cycles"),
    ],
)
def test_bad_limits_are_refused_naming_the_field(cast, changes, field):
    before = list(Organisation.objects.values())
    with pytest.raises(InvalidInput) as refused:
        people_actions.update_coach_settings(acting_user=cast.hana, **changes)
    assert field in refused.value.errors
    assert list(Organisation.objects.values()) == before


def test_only_hr_changes_the_limits(cast):
    with pytest.raises(NotAllowed):
        people_actions.update_coach_settings(acting_user=cast.sam, max_objectives_team=8)
    assert Organisation.current().max_objectives_team == 5


def test_instants_are_read_in_the_organisation_time_zone(cast):
    c = build_cascade(cast)
    people_actions.update_organisation(acting_user=None, time_zone="America/New_York")
    # 03:30 UTC on 2 November is still 1 November in New York.
    actions.record_check_in(
        acting_user=cast.ava,
        key_result=c.ava_opps,
        value=1,
        confidence="on_track",
        at=dt.datetime(2026, 11, 2, 3, 30, tzinfo=dt.UTC),
    )
    loaded = load_population(None, CoachScope.of_person(cast.q4, cast.ava), today=TODAY)
    seen = loaded.key_results[c.ava_opps.pk].last_check_in_at
    assert seen is not None and seen.date() == dt.date(2026, 11, 1)


# -- ratings that track attainment (check 8) --------------------------------------------


def _review_cycle(cast, name: str, policy_mode: str = "context"):
    from lineofsight.reviews.models import Review, ReviewCycle

    day = dt.date(2026, 12, 1)
    cycle = ReviewCycle.objects.create(
        name=name,
        goal_cycle=cast.q4,
        state="open",
        policy_mode=policy_mode,
        self_review_due=day,
        peer_feedback_due=day,
        manager_review_due=day,
        calibration_due=day,
        sharing_due=day,
    )
    for n, person in enumerate(cast.everyone().values()):
        Review.objects.create(
            review_cycle=cycle,
            subject=person,
            rating=1 + n % 5,
            attainment=(1 + n % 5) / 5,
            state="submitted",
        )
    return cycle


def test_ratings_that_track_attainment_are_for_hr_only(cast):
    build_cascade(cast)
    review_cycle = _review_cycle(cast, "Q4 2026 reviews")
    hr = coach_report(cast.hana, CoachScope.organisation(cast.q4), today=TODAY)
    row = next(r for r in hr.rows if r.finding.check == "attainment_rating")
    assert (row.finding.subject.value, row.finding.subject_id) == ("review_cycle", review_cycle.pk)
    assert row.subject_label == "Q4 2026 reviews"
    assert len(hr.loaded.population.ratings) == 8
    for who in ("sam", "cora", "ava"):  # managers and executives see no ratings here
        report = coach_report(getattr(cast, who), CoachScope.organisation(cast.q4), today=TODAY)
        assert report.loaded.population.ratings == ()
        assert not any(r.finding.check == "attainment_rating" for r in report.rows)
    team = coach_report(cast.hana, CoachScope.of_team(cast.q4, cast.sales), today=TODAY)
    assert team.loaded.population.ratings == ()
    with pytest.raises(NotAllowed):
        coach_actions.acknowledge_finding(
            acting_user=cast.cora,
            cycle=cast.q4,
            code=row.finding.code,
            subject="review_cycle",
            subject_id=review_cycle.pk,
            reason="Known",
        )
    ack = coach_actions.acknowledge_finding(
        acting_user=cast.hana,
        cycle=cast.q4,
        code=row.finding.code,
        subject="review_cycle",
        subject_id=review_cycle.pk,
        reason="Calibration next week will look at it",
    )
    assert ack.subject_kind == "review_cycle"


def test_a_formula_cycle_is_not_flagged(cast):
    build_cascade(cast)
    _review_cycle(cast, "Q4 2026 formula reviews", policy_mode="formula")
    report = coach_report(None, CoachScope.organisation(cast.q4), today=TODAY)
    assert report.loaded.population.ratings == ()
    assert not any(r.finding.check == "attainment_rating" for r in report.rows)
