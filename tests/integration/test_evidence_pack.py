"""The evidence pack on the database: the worked example, figures as of the cycle's end,
strategy shifts, team context first, the forward-looking drafts and bounded queries."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.goals import actions as goals
from lineofsight.goals.models import AlignmentLink, KeyResult, KeyResultRevision, Objective
from lineofsight.people import actions as people_actions
from lineofsight.reviews.evidence import actions, team
from lineofsight.reviews.evidence.models import CycleEndFigure, CycleEndFigures, ForwardDraft
from lineofsight.reviews.evidence.selectors import evidence_pack
from lineofsight.reviews.models import Feedback, Kudos

from ..reviews import build_annual_review_cycle, build_review_cycle
from ..worked_example import after_the_year, at, build_example, build_year

pytestmark = pytest.mark.django_db

STORY = (
    "Ava qualified 22 of 25 enterprise opportunities, got 8 of 10 past legal review and "
    "closed 5 of 6. These fed Enterprise Sales's “Generate and close enough enterprise "
    "pipeline for 40 new logos”; the company came in at 34 of 40 new enterprise logos, so "
    "this mattered."
)


@pytest.fixture
def world(cast):
    example = build_example(cast)
    setup = build_review_cycle(cast)
    return cast, example, setup


def test_the_pack_tells_the_worked_example(world):
    cast, ex, setup = world
    pack = evidence_pack(cast.sam, setup["ava"])
    assert pack.ended and pack.as_of.date() == dt.date(2026, 9, 30)
    assert pack.contribution.story == STORY
    (mine,) = pack.objectives
    assert mine.title == "Build and close enterprise pipeline for the team quota"
    assert [(k.actual, k.target, k.computed_grade) for k in mine.key_results] == [
        (22, 25, 0.88),
        (8, 10, 0.8),
        (5, 6, 0.83),
    ]
    assert [len(k.check_ins) for k in mine.key_results] == [3, 3, 3]
    assert mine.key_results[2].trend == "on track, then off track (worsening)"
    assert mine.retrospective is not None and "security reviews" in mine.retrospective.in_control
    assert mine.fed == [
        "Enterprise Sales: Generate and close enough enterprise pipeline for 40 new logos"
    ]
    (company,) = pack.context.company
    logos = next(k for k in company.key_results if k.title.startswith("40 new"))
    assert (logos.actual, logos.target) == (34, 40)
    assert [b.team for b in pack.context.teams] == ["Enterprise Sales"]
    assert [i.title for i in pack.contribution.initiatives] == [
        "Outbound sequence for the top 50 healthcare accounts"
    ]
    assert pack.forward.next_cycle == "Q4 2026"
    assert [o.title for o in pack.forward.team_objectives] == [ex.next_team.title]


def test_a_check_in_after_the_end_does_not_change_the_pack(world):
    cast, ex, setup = world
    before = evidence_pack(cast.hana, setup["ava"]).as_dict()
    goals.record_check_in(
        acting_user=cast.hana,
        key_result=ex.closes,
        value=6,
        confidence="on_track",
        amendment_reason="The sixth deal signed on 2 October.",
    )
    goals.record_check_in(
        acting_user=cast.hana,
        key_result=ex.logos,
        value=38,
        confidence="on_track",
        amendment_reason="Late signatures.",
    )
    assert KeyResult.objects.get(pk=ex.closes.pk).current_value == 6  # the stored roll-up moved
    after = evidence_pack(cast.hana, setup["ava"]).as_dict()
    assert after == before
    assert "closed 5 of 6" in after["contribution"]["story"]
    assert "34 of 40" in after["contribution"]["story"]


def test_figures_kept_after_a_late_check_in_still_leave_it_out(cast):
    ex = build_example(cast)
    goals.record_check_in(
        acting_user=cast.hana,
        key_result=ex.closes,
        value=6,
        confidence="on_track",
        amendment_reason="Signed on 2 October.",
    )
    assert not CycleEndFigures.objects.filter(cycle=cast.q3).exists()
    setup = build_review_cycle(cast)  # keeps the figures, after the late check-in
    pack = evidence_pack(cast.sam, setup["ava"])
    assert not pack.pending
    (mine,) = pack.objectives
    assert mine.key_results[2].actual == 5
    # (22/25 + 8/10 + 5/6) / 3, not the 6/6 recorded after the end.
    assert mine.progress == pytest.approx((0.88 + 0.8 + 5 / 6) / 3)


def test_until_the_figures_are_kept_the_pack_says_so_and_the_scheduled_run_keeps_them(world):
    cast, ex, setup = world
    CycleEndFigures.objects.filter(cycle=cast.q3).delete()  # the task has not run yet
    CycleEndFigure.objects.filter(cycle=cast.q3).delete()
    waiting = evidence_pack(cast.sam, setup["ava"])
    assert waiting.ended and waiting.pending
    (mine,) = waiting.objectives
    assert mine.key_results[2].actual == 5  # key results are still read as of the end
    out = io.StringIO()
    call_command("remind", stdout=out)
    assert "Kept the figures of Q3 2026 as of its end" in out.getvalue()
    assert CycleEndFigures.objects.filter(cycle=cast.q3).exists()
    assert not evidence_pack(cast.sam, setup["ava"]).pending
    again = io.StringIO()
    call_command("remind", stdout=again)
    assert "Kept the figures" not in again.getvalue()


def test_launching_and_closing_ask_for_the_end_figures_after_commit(
    cast, django_capture_on_commit_callbacks
):
    build_example(cast, close=False)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        goals.set_cycle_state(acting_user=cast.hana, cycle=cast.q3, state="closed")
    assert callbacks and CycleEndFigures.objects.filter(cycle=cast.q3).exists()
    CycleEndFigures.objects.filter(cycle=cast.q3).delete()
    CycleEndFigure.objects.filter(cycle=cast.q3).delete()
    with django_capture_on_commit_callbacks(execute=True):
        build_review_cycle(cast, launch=False)
    assert not CycleEndFigures.objects.filter(cycle=cast.q3).exists()  # a draft asks nothing
    setup = build_review_cycle(cast, name="Q3 2026 second round", launch=False)
    with django_capture_on_commit_callbacks(execute=True):
        from lineofsight.reviews.cycles.actions import launch_review_cycle

        launch_review_cycle(review_cycle=setup.cycle, acting_user=cast.hana)
    assert CycleEndFigures.objects.filter(cycle=cast.q3).exists()


def test_end_figures_are_kept_once_and_not_before_the_end(world):
    cast, ex, setup = world
    kept = actions.record_end_figures(acting_user=cast.hana, cycle=cast.q3)
    rows = CycleEndFigure.objects.filter(cycle=cast.q3).count()
    assert rows == kept.objectives + kept.key_results > 0
    again = actions.record_end_figures(acting_user=cast.hana, cycle=cast.q3)
    assert again.pk == kept.pk and CycleEndFigure.objects.filter(cycle=cast.q3).count() == rows
    with pytest.raises(InvalidInput) as refused:
        actions.record_end_figures(acting_user=cast.hana, cycle=cast.q4)
    assert "cycle" in refused.value.errors
    assert not CycleEndFigures.objects.filter(cycle=cast.q4).exists()


def test_strategy_shifts_and_abandoned_key_results_are_shown(cast):
    ex = build_example(cast, close=False)
    goals.update_key_result(
        acting_user=cast.sam,
        key_result=ex.team_opps,
        target_value=180,
        reason="Two AEs left in August; the target follows the team's size.",
    )
    goals.abandon_key_result(
        acting_user=cast.cora, key_result=ex.nrr, reason="Retention moves to Customer Success."
    )
    # The actions write the revisions now; they happened during the quarter.
    KeyResultRevision.objects.filter(key_result=ex.team_opps, number=2).update(valid_from=at(8, 15))
    KeyResultRevision.objects.filter(key_result=ex.nrr, number=2).update(valid_from=at(9, 1))
    goals.set_cycle_state(acting_user=cast.hana, cycle=cast.q3, state="closed")
    setup = build_review_cycle(cast)
    pack = evidence_pack(cast.sam, setup["ava"])
    changes = [(s.title, s.change, s.reason) for s in pack.context.shifts]
    assert (
        "200 qualified enterprise opportunities",
        "target",
        "Two AEs left in August; the target follows the team's size.",
    ) in changes
    assert ("Net revenue retention from 105% to 115%", "abandoned") in [c[:2] for c in changes]
    team_kr = pack.context.teams[0].objectives[0].key_results[0]
    assert team_kr.target == 180 and "revision 2" in team_kr.revision
    nrr = next(k for k in pack.context.company[0].key_results if k.title.startswith("Net"))
    assert nrr.abandoned.startswith("abandoned on 2026-09-01: Retention moves")


def test_abandoned_after_the_end_still_counts_as_it_stood(world):
    cast, ex, setup = world
    goals.abandon_key_result(
        acting_user=cast.hana,
        key_result=ex.legal,
        reason="Legal review moved to the deal desk.",
        amendment_reason="Reorganised after the quarter.",
    )
    pack = evidence_pack(cast.sam, setup["ava"])
    legal = pack.objectives[0].key_results[1]
    assert legal.abandoned == "" and legal.actual == 8
    assert "got 8 of 10 past legal review" in pack.contribution.story


def test_peer_feedback_and_kudos_respect_what_the_viewer_may_see(world):
    cast, ex, setup = world
    review = setup["ava"]
    Feedback.objects.create(
        review=review, kind="peer", author=cast.pia, state="submitted", submitted_at=at(10, 12)
    )
    Feedback.objects.create(
        review=review,
        kind="peer",
        author=cast.dev,
        state="submitted",
        anonymous=True,
        submitted_at=at(10, 12),
    )
    Kudos.objects.create(
        author=cast.pia,
        recipient=cast.ava,
        key_result=ex.opps,
        message="The healthcare sequence opened doors for all of us.",
        created_at=at(9, 2),
    )
    pack = evidence_pack(cast.sam, review)
    fb = pack.contribution.feedback
    # One anonymous answer, below the minimum: counted nowhere (it would tell that Dev answered).
    assert (fb.requested, fb.submitted, fb.named_authors) == (2, 1, ["Pia Park"])
    assert fb.anonymous_submitted == 0 and not fb.anonymous_shown
    assert "from 3 answers up" in fb.note
    assert [(k.author, k.key_result) for k in pack.contribution.kudos] == [
        ("Pia Park", "25 enterprise opportunities qualified from outbound")
    ]


def test_the_pack_leaves_out_objectives_the_viewer_may_not_see(world):
    cast, ex, setup = world
    private = goals.create_objective(
        acting_user=cast.hana,
        title="Private plan",
        level="team",
        cycle=cast.q3,
        owner_team=cast.platform,
        visibility="private",
        amendment_reason="Backfill.",
        at=at(7, 1),
    )
    goals.align_objective(
        acting_user=cast.hana,
        child=private,
        parent_objective=ex.company,
        amendment_reason="Backfill.",
    )
    review = setup["ava"]
    titles_hr = [
        o.title for b in evidence_pack(cast.hana, review).context.teams for o in b.objectives
    ]
    titles_sam = [
        o.title for b in evidence_pack(cast.sam, review).context.teams for o in b.objectives
    ]
    assert "Private plan" not in titles_hr + titles_sam  # not Ava's team, not fed by her


# ---------------------------------------------------------------------------------------
# Every key result the person owns, wherever it sits


def test_key_results_owned_on_a_team_objective_tell_the_story(cast):
    ex = build_example(cast, close=False)
    inbound = goals.create_key_result(
        acting_user=cast.sam,
        objective=ex.team,
        title="12 enterprise opportunities qualified from inbound",
        kind="increase",
        start_value=0,
        target_value=12,
        unit="opportunities",
        owner=cast.pia,
        cycle=cast.q3,
        at=at(7, 1),
    )
    goals.record_check_in(
        acting_user=cast.pia, key_result=inbound, value=9, confidence="on_track", at=at(9, 20)
    )
    goals.set_cycle_state(acting_user=cast.hana, cycle=cast.q3, state="closed")
    setup = build_review_cycle(cast)
    pack = evidence_pack(cast.sam, setup["pia"])
    assert pack.contribution.story == (
        "Pia qualified 9 of 12 enterprise opportunities. This fed Enterprise Sales's "
        "“Generate and close enough enterprise pipeline for 40 new logos”; the "
        "company came in at 34 of 40 new enterprise logos, so this mattered."
    )
    assert pack.objectives == []
    (team_row,) = pack.other_objectives
    assert team_row.title == ex.team.title
    assert [(k.title, k.actual, len(k.check_ins)) for k in team_row.key_results] == [
        (inbound.title, 9, 1)
    ]


def test_a_key_result_on_the_company_objective_counts_too(world):
    cast, ex, setup = world
    pack = evidence_pack(cast.hana, setup["sam"])
    story = pack.contribution.story
    assert story.startswith(
        "Sam reached 34 of 40 new enterprise logos and reached 150 of 200 qualified "
        "enterprise opportunities. These fed Acme's “Grow ARR from $12M to $18M” and "
        "Enterprise Sales's"
    ), story
    assert "had no key results" not in story
    assert "the company came in at 34" not in story  # his own figure, not told twice
    assert [(o.title, [k.title for k in o.key_results]) for o in pack.other_objectives] == [
        (ex.company.title, [ex.logos.title]),
        (ex.team.title, [ex.team_opps.title]),
    ]


# ---------------------------------------------------------------------------------------
# Bounded by the cycle's dates


def test_everything_in_the_pack_falls_inside_the_cycle(cast):
    ex = build_example(cast, close=False)
    year = goals.create_objective(
        acting_user=cast.ava,
        title="Become the team's healthcare specialist",
        level="individual",
        cycle=cast.fy,
        owner_person=cast.ava,
        at=at(1, 10),
    )
    deals = goals.create_key_result(
        acting_user=cast.ava,
        objective=year,
        title="4 healthcare deals closed",
        kind="increase",
        start_value=0,
        target_value=4,
        owner=cast.ava,
        cycle=cast.fy,
        at=at(1, 10),
    )
    for month, value in ((5, 1), (8, 3)):
        goals.record_check_in(
            acting_user=cast.ava,
            key_result=deals,
            value=value,
            confidence="on_track",
            at=at(month, 10),
        )
    goals.set_cycle_state(acting_user=cast.hana, cycle=cast.q3, state="closed")
    setup = build_review_cycle(cast)
    for day, message in ((at(9, 2), "Thanks for the September intro."), (at(10, 12), "Q4 thanks.")):
        Kudos.objects.create(
            author=cast.pia, recipient=cast.ava, key_result=ex.opps, message=message, created_at=day
        )
    # The year's grades, given when the year closes, describe the year, not the quarter.
    Objective.objects.filter(pk__in=[ex.company.pk, year.pk]).update(
        computed_grade=0.7, adjusted_grade=0.75, grade_reason="A strong second half."
    )
    KeyResult.objects.filter(pk=deals.pk).update(computed_grade=0.75)
    pack = evidence_pack(cast.sam, setup["ava"])
    assert [k.message for k in pack.contribution.kudos] == ["Thanks for the September intro."]
    mine = {o.title: o for o in pack.objectives}
    (kr,) = mine[year.title].key_results
    assert kr.actual == 3 and [c.value for c in kr.check_ins] == [3]  # May's was before Q3
    assert kr.trend == "on track throughout"
    assert (kr.computed_grade, mine[year.title].computed_grade) == (None, None)
    assert (mine[year.title].adjusted_grade, mine[year.title].grade_reason) == (None, "")
    (company,) = pack.context.company
    assert company.computed_grade is None and company.adjusted_grade is None
    logos = next(k for k in company.key_results if k.title == ex.logos.title)
    assert logos.computed_grade == 0.85 and logos.cycle == "Q3 2026"  # the quarter's own


# ---------------------------------------------------------------------------------------
# An annual review: the year, quarter by quarter


def test_an_annual_review_shows_the_year_quarter_by_quarter(cast):
    ex = build_example(cast)
    year = build_year(cast, ex)
    with after_the_year():
        setup = build_annual_review_cycle(cast)
        pack = evidence_pack(cast.sam, setup["ava"])
        summary = team.team_context(cast.sam, setup.cycle, cast.enterprise)
    assert {o.title for o in summary.objectives} >= {ex.team.title, ex.next_team.title}
    assert pack.ended and not pack.pending and pack.as_of.date() == dt.date(2026, 12, 31)
    assert [(p.name, p.kind) for p in pack.periods] == [
        ("FY 2026", "annual"),
        ("Q3 2026", "quarter"),
        ("Q4 2026", "quarter"),
    ]
    assert [(g.label, [o.title for o in g.objectives]) for g in pack.objective_groups] == [
        ("Q3 2026", [ex.ava.title]),
        ("Q4 2026", [year.logistics.title]),
    ]
    q3 = pack.objective_groups[0].objectives[0]
    assert [k.computed_grade for k in q3.key_results] == [0.88, 0.8, 0.83]
    assert pack.contribution.story == (
        "In Q3 2026, Ava qualified 22 of 25 enterprise opportunities, got 8 of 10 past legal "
        "review and closed 5 of 6. In Q4 2026, Ava qualified 3 of 5 logistics opportunities. "
        "These fed Enterprise Sales's “Generate and close enough enterprise pipeline for 40 "
        "new logos” and Enterprise Sales's “Close the late-stage pipeline for 42 new "
        "logos”; the company came in at 34 of 40 new enterprise logos, so this mattered."
    )
    team_titles = [o.title for b in pack.context.teams for o in b.objectives]
    assert team_titles == [ex.team.title, ex.next_team.title]
    (company,) = pack.context.company
    assert company.cycle == "FY 2026"
    assert {k.cycle for k in company.key_results} == {"Q3 2026"}


# ---------------------------------------------------------------------------------------
# Team context first


def test_team_context_summarises_the_team_and_records_the_visit(world):
    cast, ex, setup = world
    review = setup["ava"]
    rc = review.review_cycle
    assert not team.has_seen_team_context(cast.sam, review)
    assert team.team_context_url(review) == f"/reviews/cycles/{rc.pk}/teams/{cast.enterprise.pk}/"
    actions.record_team_context_visit(acting_user=cast.sam, review_cycle=rc, team=cast.enterprise)
    assert team.has_seen_team_context(cast.sam, review)
    assert not team.has_seen_team_context(cast.cora, review)
    summary = team.team_context(cast.sam, rc, cast.enterprise)
    assert [o.title for o in summary.objectives] == [ex.team.title]
    assert summary.objectives[0].key_results[0].actual == 150
    risky = {r.key_result for r in summary.at_risk}
    assert {"200 qualified enterprise opportunities", "6 new enterprise closes"} <= risky
    assert summary.discipline_due > summary.discipline_kept > 0
    ava = next(m for m in summary.members if m.name == "Ava Adams")
    assert ava.objectives == 1 and ava.mean_grade == pytest.approx(0.84, abs=0.01)
    with pytest.raises(NotAllowed):
        actions.record_team_context_visit(
            acting_user=cast.otto, review_cycle=rc, team=cast.enterprise
        )


def test_a_visit_to_a_team_above_counts_and_no_team_means_nothing_to_see(cast):
    build_example(cast)
    people_actions.create_person(
        acting_user=None, username="nina", display_name="Nina New", manager=cast.sam
    )
    setup = build_review_cycle(cast)
    rc = setup.cycle
    actions.record_team_context_visit(acting_user=cast.cora, review_cycle=rc, team=cast.sales)
    assert team.has_seen_team_context(cast.cora, setup["ava"])
    assert not team.has_seen_team_context(cast.cora, setup["dev"])
    assert team.has_seen_team_context(cast.sam, setup["nina"])  # in no team: nothing to see
    assert team.team_context_url(setup["nina"]) is None


# ---------------------------------------------------------------------------------------
# Forward-looking drafts


def test_drafts_are_proposed_edited_and_published_through_the_goals_actions(world):
    cast, ex, setup = world
    review = setup["ava"]
    (draft,) = actions.propose_forward_drafts(acting_user=cast.sam, review=review)
    objective = draft.objective
    assert (objective.state, objective.owner_person, objective.cycle) == (
        "draft",
        cast.ava,
        cast.q4,
    )
    assert draft.parent_objective == ex.next_team and draft.source_objective == ex.team
    assert actions.propose_forward_drafts(acting_user=cast.sam, review=review) == []

    with pytest.raises(InvalidInput) as bad:
        actions.update_forward_draft(
            acting_user=cast.sam,
            draft=draft,
            title="Close four late-stage deals",
            new_key_results=[{"title": "4 closes", "start_value": 0, "target_value": None}],
        )
    assert "key_results.0.target_value" in bad.value.errors
    objective.refresh_from_db()
    assert objective.title.startswith("My part in") and not objective.key_results.exists()

    with pytest.raises(InvalidInput) as empty:
        actions.publish_forward_draft(acting_user=cast.sam, draft=draft)
    assert "key_results" in empty.value.errors

    actions.update_forward_draft(
        acting_user=cast.sam,
        draft=draft,
        title="Close four late-stage deals",
        rationale="Four closes are my share of the 42 logos.",
        new_key_results=[{"title": "4 new enterprise closes", "start_value": 0, "target_value": 4}],
    )
    published = actions.publish_forward_draft(acting_user=cast.sam, draft=draft)
    assert published.state == "active" and published.title == "Close four late-stage deals"
    link = AlignmentLink.objects.get(child=published, ended_at__isnull=True)
    assert link.parent_objective == ex.next_team and link.kind == "contributes"
    with pytest.raises(InvalidInput):
        actions.publish_forward_draft(acting_user=cast.sam, draft=draft)
    rows = evidence_pack(cast.sam, review).forward.drafts
    assert [(d.title, d.published, d.key_results) for d in rows] == [
        ("Close four late-stage deals", True, ["4 new enterprise closes"])
    ]


def test_only_the_reviews_managers_hr_and_the_person_once_shared_draft(world):
    cast, ex, setup = world
    review = setup["ava"]
    for who in (cast.ava, cast.pia, cast.otto):
        with pytest.raises(NotAllowed):
            actions.propose_forward_drafts(acting_user=who, review=review)
    assert not ForwardDraft.objects.exists()
    (draft,) = actions.propose_forward_drafts(acting_user=cast.hana, review=review)
    actions.discard_forward_draft(acting_user=cast.sam, draft=draft)
    assert Objective.objects.get(pk=draft.objective_id).state == "abandoned"
    assert evidence_pack(cast.sam, review).forward.drafts == []


# ---------------------------------------------------------------------------------------
# Bounded queries


def _grow(cast, ex, n: int) -> None:
    for i in range(n):
        person = people_actions.create_person(
            acting_user=None, username=f"ae{n}-{i}", display_name=f"AE {i}", manager=cast.sam
        )
        people_actions.add_member(acting_user=None, team=cast.enterprise, person=person)
        obj = goals.create_objective(
            acting_user=cast.hana,
            title=f"Pipeline {i}",
            level="individual",
            cycle=cast.q3,
            owner_person=person,
            amendment_reason="Backfill.",
            at=at(7, 1),
        )
        kr = goals.create_key_result(
            acting_user=cast.hana,
            objective=obj,
            title="10 closes",
            kind="increase",
            start_value=0,
            target_value=10,
            owner=person,
            amendment_reason="Backfill.",
            at=at(7, 1),
        )
        goals.record_check_in(
            acting_user=cast.hana,
            key_result=kr,
            value=i,
            confidence="at_risk",
            amendment_reason="Backfill.",
            at=at(8, 1),
        )
        goals.align_objective(
            acting_user=cast.hana, child=obj, parent_objective=ex.team, amendment_reason="Backfill."
        )
    goals.create_objective(
        acting_user=cast.hana,
        title=f"More company {n}",
        level="company",
        cycle=cast.fy,
        owner_team=cast.acme,
    )


PACK_MAX = 26
TEAM_MAX = 12


def _count(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_the_pack_and_the_team_context_run_a_fixed_number_of_queries(world):
    cast, ex, setup = world
    review = setup["ava"]
    rc = review.review_cycle
    evidence_pack(cast.sam, review)  # keeps the end figures
    counts = []
    for n in (1, 6):
        _grow(cast, ex, n)
        CycleEndFigure.objects.all().delete()
        CycleEndFigures.objects.all().delete()
        evidence_pack(cast.sam, review)
        pack = _count(lambda: evidence_pack(cast.sam, review))
        context = _count(lambda: team.team_context(cast.sam, rc, cast.enterprise))
        counts.append((pack, context))
    assert counts[0] == counts[1], counts
    assert counts[0][0] <= PACK_MAX and counts[0][1] <= TEAM_MAX, counts
