"""Calibration through its actions and selectors: sessions, states, moves and their log,
flags and explanations, who sees what, small groups, and bounded queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lineofsight.core.errors import InvalidInput, NotAllowed, NotFound
from lineofsight.core.models import AuditEvent
from lineofsight.people.selectors import forget_organisation_cache
from lineofsight.reviews.calibration import actions, rules
from lineofsight.reviews.calibration import selectors as calibration
from lineofsight.reviews.models import (
    CalibrationRule,
    CalibrationSession,
    FlagExplanation,
    Kudos,
    RatingChange,
    Review,
    ReviewCycle,
)

from ..calibration import add_people, build_calibration, rate
from ..reviews import build_review_cycle

pytestmark = pytest.mark.django_db

# The session, its teams, its reviews, the people's teams (two), their previous ratings, the
# organisation's time zone, kudos, peer ratings, explanations, rules, the change log, the
# participants and whether the viewer's own review is in it.
BOARD_QUERIES = 14


def names(rows) -> list[str]:
    return [r.name for r in rows]


# -- sessions --------------------------------------------------------------------------


def test_a_session_holds_the_reviews_of_its_teams_and_the_teams_inside(cast):
    c = build_calibration(cast, live=False)
    session = c.session
    assert session.state == "draft"
    held = set(session.reviews.values_list("subject__username", flat=True))
    assert held == {"sam", "ava", "pia"}  # Sales and Enterprise Sales, with their lead
    assert list(session.participants.all()) == [cast.eli]
    event = AuditEvent.objects.get(action="calibration.create_session")
    assert event.data["reviews"] == 3


def test_only_hr_sets_up_sessions(cast):
    setup = build_review_cycle(cast)
    with pytest.raises(NotAllowed):
        actions.create_session(
            acting_user=cast.sam,
            review_cycle=setup.cycle,
            name="Mine",
            facilitator=cast.sam,
            population_teams=[cast.sales],
        )
    assert not CalibrationSession.objects.exists()


def test_bad_sessions_are_refused_naming_the_fields(cast):
    setup = build_review_cycle(cast)
    with pytest.raises(InvalidInput) as caught:
        actions.create_session(
            acting_user=cast.hana,
            review_cycle=setup.cycle,
            name="  ",
            facilitator=None,
            population_teams=[],
            grid="pie",
        )
    assert set(caught.value.errors) == {"name", "facilitator", "population_teams", "grid"}
    draft = build_review_cycle(cast, launch=False, name="Draft reviews")
    with pytest.raises(InvalidInput) as caught:
        actions.create_session(
            acting_user=cast.hana,
            review_cycle=draft.cycle,
            name="Early",
            facilitator=cast.sam,
            population_teams=[cast.sales],
        )
    assert "sessions are set up for an open review cycle" in caught.value.errors["review_cycle"][0]
    assert not CalibrationSession.objects.exists()


def test_names_are_unique_per_cycle_and_the_potential_grid_needs_potential(cast):
    c = build_calibration(cast, live=False)
    with pytest.raises(InvalidInput) as caught:
        actions.create_session(
            acting_user=cast.hana,
            review_cycle=c.setup.cycle,
            name="sales CALIBRATION",
            facilitator=cast.sam,
            population_teams=[cast.sales],
        )
    assert "has a session called" in caught.value.errors["name"][0]
    ReviewCycle.objects.filter(pk=c.setup.cycle.pk).update(rate_potential=False)
    c.setup.cycle.refresh_from_db()
    with pytest.raises(InvalidInput) as caught:
        actions.create_session(
            acting_user=cast.hana,
            review_cycle=c.setup.cycle,
            name="Grid",
            facilitator=cast.sam,
            population_teams=[cast.sales],
            grid="performance_potential",
        )
    assert "does not rate potential" in caught.value.errors["grid"][0]


def test_a_team_nobody_in_the_cycle_belongs_to_is_refused(cast):
    setup = build_review_cycle(cast, population="teams", population_teams=[cast.engineering])
    with pytest.raises(InvalidInput) as caught:
        actions.create_session(
            acting_user=cast.hana,
            review_cycle=setup.cycle,
            name="Legal",
            facilitator=cast.hana,
            population_teams=[cast.legal],
        )
    assert "Nobody in these teams" in caught.value.errors["population_teams"][0]


def test_hr_changes_a_draft_session_and_its_people_follow_the_teams(cast):
    c = build_calibration(cast, live=False)
    actions.update_session(
        acting_user=cast.hana,
        session=c.session,
        name="Engineering calibration",
        facilitator=cast.eli,
        participants=[cast.sam],
        population_teams=[cast.engineering],
    )
    c.session.refresh_from_db()
    assert c.session.name == "Engineering calibration"
    assert set(c.session.reviews.values_list("subject__username", flat=True)) == {"eli", "dev"}
    actions.set_session_state(acting_user=cast.eli, session=c.session, state="live")
    with pytest.raises(InvalidInput) as caught:
        actions.update_session(
            acting_user=cast.hana,
            session=c.session,
            name="Again",
            facilitator=cast.eli,
            population_teams=[cast.engineering],
        )
    assert "only a draft session can be changed" in caught.value.errors["state"][0]


# -- states ----------------------------------------------------------------------------


def test_states_go_draft_live_complete_moved_by_the_facilitator_or_hr(cast):
    c = build_calibration(cast, live=False, ratings={"sam": (3, 0.7), "pia": (3, 0.5)})
    with pytest.raises(NotAllowed):
        actions.set_session_state(acting_user=cast.eli, session=c.session, state="live")
    with pytest.raises(InvalidInput) as caught:
        actions.set_session_state(acting_user=cast.sam, session=c.session, state="complete")
    assert "can only move to live" in caught.value.errors["state"][0]
    session = actions.set_session_state(acting_user=cast.sam, session=c.session, state="live")
    assert session.state == "live" and session.started_at is not None
    session = actions.set_session_state(acting_user=cast.hana, session=session, state="complete")
    assert session.state == "complete" and session.completed_by == cast.hana
    with pytest.raises(InvalidInput) as caught:
        actions.set_session_state(acting_user=cast.hana, session=session, state="live")
    assert "cannot change any more" in caught.value.errors["state"][0]
    assert AuditEvent.objects.filter(action="calibration.set_state").count() == 2


def test_completing_is_refused_while_a_required_explanation_is_missing(cast):
    c = build_calibration(cast)  # Ava: rated 4 with 30 % attainment
    with pytest.raises(InvalidInput) as caught:
        actions.set_session_state(acting_user=cast.hana, session=c.session, state="complete")
    message = caught.value.errors["state"][0]
    assert "Ava Adams (high rating, low okr attainment)" in message
    assert "Pia" not in message
    c.session.refresh_from_db()
    assert c.session.state == "live"
    actions.explain_flag(
        acting_user=cast.sam,
        session=c.session,
        review=c.review("ava"),
        rule=rules.HIGH_RATING_LOW_ATTAINMENT,
        text="Closed the two biggest deals of the region for the team; her own OKRs slipped.",
    )
    session = actions.set_session_state(acting_user=cast.hana, session=c.session, state="complete")
    assert session.state == "complete"


def test_a_facilitator_learns_nothing_of_their_own_review_from_completing(cast):
    # Sam facilitates and is in the population; his own rating is flagged (5 with 10 %).
    c = build_calibration(cast, ratings={"sam": (5, 0.1), "ava": (3, 0.6), "pia": (3, 0.55)})
    hr_board = calibration.board(cast.hana, c.session)
    flagged = {r.name: [f.code for f in r.flags] for r in hr_board.rows if r.flags}
    assert flagged == {"Sam Sato": [rules.HIGH_RATING_LOW_ATTAINMENT]}
    with pytest.raises(InvalidInput) as own_flagged:
        actions.set_session_state(acting_user=cast.sam, session=c.session, state="complete")
    message = own_flagged.value.summary()
    assert "Sam Sato" not in message and "high rating" not in message
    assert "Explain the flagged ratings" not in message
    # Unflagged, the refusal reads exactly the same: it tells him nothing about his review.
    rate(c.review("sam"), 3, attainment=0.7)
    with pytest.raises(InvalidInput) as own_plain:
        actions.set_session_state(acting_user=cast.sam, session=c.session, state="complete")
    assert own_plain.value.errors == own_flagged.value.errors
    assert not calibration.board(cast.sam, c.session).missing
    assert calibration.board(cast.sam, c.session).holds_own_review
    # HR completes it (HR reads every flag, a calibrator's own included).
    session = actions.set_session_state(acting_user=cast.hana, session=c.session, state="complete")
    assert session.state == "complete"


def test_a_flag_without_a_required_explanation_does_not_block(cast):
    c = build_calibration(cast)
    actions.update_rule(
        acting_user=cast.hana,
        code=rules.HIGH_RATING_LOW_ATTAINMENT,
        enabled=True,
        requires_explanation=False,
        params={},
    )
    session = actions.set_session_state(acting_user=cast.hana, session=c.session, state="complete")
    assert session.state == "complete"


# -- moves -----------------------------------------------------------------------------


def test_a_move_is_logged_and_changes_the_rating(cast):
    c = build_calibration(cast)
    change = actions.move_rating(
        acting_user=cast.sam,
        session=c.session,
        review=c.review("pia"),
        value=4,
        reason="Carried the renewals while Ava was out.",
    )
    assert (change.old_value, change.new_value, change.field) == (3, 4, "rating")
    assert change.author == cast.sam and change.session == c.session
    assert c.review("pia").rating == 4
    event = AuditEvent.objects.get(action="calibration.move_rating")
    assert event.data == {
        "session": c.session.pk,
        "field": "rating",
        "old": 3,
        "new": 4,
        "reason": "Carried the renewals while Ava was out.",
    }
    actions.move_rating(
        acting_user=cast.hana,
        session=c.session,
        review=c.review("pia"),
        field="potential",
        value=2,
        reason="Ready for a bigger territory.",
    )
    assert c.review("pia").potential == 2
    log = calibration.board(cast.hana, c.session).changes
    assert [(x.field, x.old, x.new, x.author) for x in log] == [
        ("Potential", "not rated", "2 (Ready for more)", "Hana Haddad"),
        ("Rating", "3 (Meets)", "4 (Exceeds)", "Sam Sato"),
    ]


@pytest.mark.parametrize(
    ("value", "reason", "field"),
    [
        (4, "", "reason"),
        (9, "Why not", "value"),
        ("x", "Why not", "value"),
        (3, "No change", "value"),
    ],
)
def test_bad_moves_are_refused_naming_the_field_and_change_nothing(cast, value, reason, field):
    c = build_calibration(cast)
    with pytest.raises(InvalidInput) as caught:
        actions.move_rating(
            acting_user=cast.sam,
            session=c.session,
            review=c.review("pia"),
            value=value,
            reason=reason,
        )
    assert field in caught.value.errors
    assert c.review("pia").rating == 3
    assert not RatingChange.objects.exists()


def test_ratings_move_only_while_live_and_only_by_the_facilitator_or_hr(cast):
    c = build_calibration(cast, live=False)
    with pytest.raises(InvalidInput) as caught:
        actions.move_rating(
            acting_user=cast.sam, session=c.session, review=c.review("pia"), value=4, reason="x"
        )
    assert "ratings move only while it is live" in caught.value.errors["state"][0]
    actions.set_session_state(acting_user=cast.sam, session=c.session, state="live")
    with pytest.raises(NotAllowed):  # a participant
        actions.move_rating(
            acting_user=cast.eli, session=c.session, review=c.review("pia"), value=4, reason="x"
        )
    with pytest.raises(NotAllowed):  # the facilitator's own review
        actions.move_rating(
            acting_user=cast.sam, session=c.session, review=c.review("sam"), value=4, reason="x"
        )
    assert not RatingChange.objects.exists()


def test_a_shared_review_is_not_moved_in_calibration(cast):
    c = build_calibration(cast)
    rate(c.review("pia"), 3, attainment=0.5, state=Review.State.SHARED)
    with pytest.raises(InvalidInput) as caught:
        actions.move_rating(
            acting_user=cast.hana, session=c.session, review=c.review("pia"), value=4, reason="x"
        )
    assert "shared already" in caught.value.errors["__all__"][0]


# -- explanations -----------------------------------------------------------------------


def test_only_a_raised_flag_can_be_explained_and_text_is_required(cast):
    c = build_calibration(cast)
    with pytest.raises(InvalidInput) as caught:
        actions.explain_flag(
            acting_user=cast.sam,
            session=c.session,
            review=c.review("pia"),
            rule=rules.HIGH_RATING_LOW_ATTAINMENT,
            text="Nothing to explain",
        )
    assert "is not flagged by" in caught.value.errors["rule"][0]
    with pytest.raises(InvalidInput) as caught:
        actions.explain_flag(
            acting_user=cast.sam,
            session=c.session,
            review=c.review("ava"),
            rule="made_up",
            text="",
        )
    assert set(caught.value.errors) == {"rule", "text"}
    assert not FlagExplanation.objects.exists()


# -- what the board shows, to whom --------------------------------------------------------


def test_calibrators_see_the_session_population_but_never_themselves(cast):
    c = build_calibration(cast)
    assert names(calibration.board(cast.hana, c.session).rows) == [
        "Ava Adams",
        "Pia Park",
        "Sam Sato",
    ]
    assert names(calibration.board(cast.sam, c.session).rows) == ["Ava Adams", "Pia Park"]
    assert names(calibration.board(cast.eli, c.session).rows) == [
        "Ava Adams",
        "Pia Park",
        "Sam Sato",
    ]
    for outsider in (cast.cora, cast.otto, cast.ava, cast.dev):
        with pytest.raises(NotFound):
            calibration.get_session_for_user(outsider, c.session.pk)
    assert list(calibration.sessions_for_user(cast.eli)) == [c.session]
    assert list(calibration.sessions_for_user(cast.cora)) == []
    with pytest.raises(NotFound):
        calibration.get_session_review(cast.sam, c.session, c.review("sam").pk)


def test_flags_say_why_with_the_numbers(cast):
    c = build_calibration(cast)
    board = calibration.board(cast.hana, c.session)
    ava = next(r for r in board.rows if r.name == "Ava Adams")
    assert [f.code for f in ava.flags] == [rules.HIGH_RATING_LOW_ATTAINMENT]
    assert "OKR attainment 30 % (below 40 %)" in ava.flags[0].reason
    assert [r.name for r in board.missing] == ["Ava Adams"]
    assert ava.team_name == "Enterprise Sales" and ava.manager_name == "Sam Sato"


def test_a_big_move_since_the_previous_cycle_is_flagged(cast):
    earlier = build_review_cycle(
        cast,
        name="Q3 mid-quarter reviews",
        self_review_due=dt.date(2026, 7, 10),
        peer_feedback_due=dt.date(2026, 7, 11),
        manager_review_due=dt.date(2026, 7, 12),
        calibration_due=dt.date(2026, 7, 13),
        sharing_due=dt.date(2026, 7, 14),
    )
    rate(earlier["pia"], 5, state=Review.State.ACKNOWLEDGED)
    c = build_calibration(cast)
    pia = next(r for r in calibration.board(cast.hana, c.session).rows if r.name == "Pia Park")
    assert pia.previous_rating == 5 and pia.previous_cycle == "Q3 mid-quarter reviews"
    assert [f.code for f in pia.flags] == [rules.BIG_MOVE]
    assert "down 2 levels" in pia.flags[0].reason


def test_a_low_rating_despite_kudos_is_flagged(cast):
    c = build_calibration(cast, ratings={"pia": (2, 0.5), "ava": (3, 0.5), "sam": (3, 0.5)})
    in_quarter = dt.datetime(2026, 9, 15, 12, tzinfo=dt.UTC)
    for author in (cast.ava, cast.sam, cast.eli):
        Kudos.objects.create(
            author=author, recipient=cast.pia, message="Thanks for the demo", created_at=in_quarter
        )
    # Before the quarter under review: not counted.
    Kudos.objects.create(
        author=cast.dev,
        recipient=cast.pia,
        message="Old thanks",
        created_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
    )
    pia = next(r for r in calibration.board(cast.hana, c.session).rows if r.name == "Pia Park")
    assert pia.kudos == 3
    assert [f.code for f in pia.flags] == [rules.LOW_RATING_HIGH_RECOGNITION]


def test_a_manager_rating_high_is_flagged_over_enough_ratings(cast):
    add_people(cast, cast.enterprise, 5, cast.sam, "sales")
    add_people(cast, cast.platform, 5, cast.eli, "eng")
    setup = build_review_cycle(cast)
    ratings = {f"sales{i}": (5, 0.5) for i in range(5)}
    ratings.update({f"eng{i}": (3, 0.5) for i in range(5)})
    c = build_calibration(
        cast, setup=setup, ratings=ratings, population_teams=[cast.sales, cast.engineering]
    )
    board = calibration.board(cast.hana, c.session)
    # Both a level from the session's mean of 4.0; ties in name order.
    assert [(m.manager_name, m.ratings, m.difference) for m in board.managers] == [
        ("Eli Evans", 5, -1.0),
        ("Sam Sato", 5, 1.0),
    ]
    skewed = {r.name for r in board.rows if any(f.code == rules.MANAGER_SKEW for f in r.flags)}
    assert skewed == {f"Sales {i:02d}" for i in range(5)} | {f"Eng {i:02d}" for i in range(5)}


def test_averages_of_groups_under_four_are_hidden(cast):
    add_people(cast, cast.enterprise, 2, cast.sam, "sales")
    setup = build_review_cycle(cast)
    ratings = {"sam": (3, 0.7), "ava": (4, 0.5), "pia": (3, 0.5)}
    ratings.update({f"sales{i}": (2, 0.5) for i in range(2)})
    c = build_calibration(cast, setup=setup, ratings=ratings)
    board = calibration.board(cast.hana, c.session)
    assert not board.overall.hidden and board.overall.people == 5
    assert board.overall.mean == pytest.approx(14 / 5)
    team = {g.name: g for g in board.by_team}
    assert not team["Enterprise Sales"].hidden  # five people
    managers = {g.name: g for g in board.by_manager}
    assert not managers["Sam Sato"].hidden and managers["Sam Sato"].people == 4
    assert managers["Cora Chen"].hidden and managers["Cora Chen"].mean is None
    assert managers["Cora Chen"].levels == ()
    # Sam, facilitating, does not see his own rating: four people left, the figures over them.
    sams = calibration.board(cast.sam, c.session)
    assert sams.overall.people == 4 and sams.overall.mean == pytest.approx(11 / 4)
    assert [g.name for g in sams.by_manager] == ["Sam Sato"]


def test_formula_cycles_show_what_the_formula_indicates(cast):
    setup = build_review_cycle(
        cast,
        policy_mode="formula",
        formula_weights={"okr_attainment": 0.5, "manager": 0.5},
    )
    c = build_calibration(cast, setup=setup)
    board = calibration.board(cast.hana, c.session)
    assert board.formula_cycle
    ava = next(r for r in board.rows if r.name == "Ava Adams")
    # 30 % attainment is 2.2 on 1-5; (2.2 + 4) / 2 = 3.1.
    assert ava.indication is not None and ava.indication.value == pytest.approx(3.1)
    other = build_review_cycle(cast, name="Plain reviews")
    plain = calibration.board(cast.hana, build_calibration(cast, setup=other).session)
    assert not plain.formula_cycle
    assert all(r.indication is None for r in plain.rows)


def test_default_rules_are_seeded_once(cast):
    actions.ensure_default_rules()
    actions.ensure_default_rules()
    assert sorted(CalibrationRule.objects.values_list("code", flat=True)) == sorted(rules.CODES)
    rule = CalibrationRule.objects.get(code=rules.HIGH_RATING_LOW_ATTAINMENT)
    assert rule.requires_explanation and rule.params == {"top_levels": 2, "max_attainment": 0.4}


def test_hr_edits_a_rule_and_bad_parameters_change_nothing(cast):
    with pytest.raises(NotAllowed):
        actions.update_rule(
            acting_user=cast.sam,
            code=rules.BIG_MOVE,
            enabled=False,
            requires_explanation=False,
            params={},
        )
    with pytest.raises(InvalidInput) as caught:
        actions.update_rule(
            acting_user=cast.hana,
            code=rules.BIG_MOVE,
            enabled=True,
            requires_explanation=True,
            params={"levels": 0},
        )
    assert "params.levels" in caught.value.errors
    assert not CalibrationRule.objects.exists()
    rule = actions.update_rule(
        acting_user=cast.hana,
        code=rules.BIG_MOVE,
        enabled=True,
        requires_explanation=True,
        params={"levels": 3},
    )
    assert rule.params == {"levels": 3} and rule.updated_by == cast.hana
    event = AuditEvent.objects.get(action="calibration.update_rule")
    assert event.data["after"]["params"] == {"levels": 3}


# -- bounded queries ---------------------------------------------------------------------


def _board_queries(cast, session) -> int:
    forget_organisation_cache()
    with CaptureQueriesContext(connection) as ctx:
        calibration.board(cast.hana, calibration.get_session_for_user(cast.hana, session.pk))
    return len(ctx.captured_queries)


def test_the_board_runs_the_same_queries_however_many_people(cast):
    add_people(cast, cast.enterprise, 3, cast.sam, "small")
    small = build_calibration(cast, setup=build_review_cycle(cast))
    small_count = _board_queries(cast, small.session)
    add_people(cast, cast.enterprise, 12, cast.sam, "large")
    setup = build_review_cycle(cast, name="Bigger reviews")
    ratings = {f"large{i}": (3 + i % 3, 0.2 + i / 20) for i in range(12)}
    ratings.update({"sam": (3, 0.7), "ava": (4, 0.3), "pia": (3, 0.55)})
    for author in (cast.ava, cast.pia):
        Kudos.objects.create(author=author, recipient=cast.sam, message="Thanks")
    large = build_calibration(cast, setup=setup, ratings=ratings, name="Bigger")
    actions.move_rating(
        acting_user=cast.hana,
        session=large.session,
        review=large.review("pia"),
        value=4,
        reason="x",
    )
    assert large.session.reviews.count() > small.session.reviews.count() + 10
    assert _board_queries(cast, large.session) == small_count
    assert small_count == BOARD_QUERIES
