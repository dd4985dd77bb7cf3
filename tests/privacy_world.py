"""A world full of private text, each piece carrying a marker of its own, for the privacy crawl.

On top of the named cast (``tests/conftest.py``) it adds Tess Tran [tess], who reports to Sam
and leads Renewals, a team inside Enterprise Sales that Ava belongs to: a team lead who is not
Ava's manager. Sam is Ava's manager and facilitates the Sales calibration, in which his own
review is calibrated; Cora is Ava's skip-level manager; Pia is her peer; Otto the outsider.

Every private text field below holds a marker, ``MK_<name>_<hex>``, at its start (so a title
cut short on a card still carries it); ``MARKERS`` maps each name to its marker. What is made,
through the actions as the people would (the calibration's attainment figures are set
directly, as ``tests/calibration.py`` does):

OKRs in Q4 (active)
    The cascade of ``tests/okrs.py`` (company, Sales, Ava's public objective, Platform), and
    Ava's objectives, one of each visibility (``ava_pub``, ``ava_team``, ``ava_priv``);
    the private one with a key result, a check-in (note and blockers), an initiative, an
    alignment rationale and an acknowledged coach finding; the team-visible one proposed as
    a contribution to Pia's public objective (pending: Pia decides). Renewals' objectives,
    one of each visibility (``ren_pub``, ``ren_team``, ``ren_priv``); the private one with
    a key result and a check-in. Renewals' chat webhook (its address is a secret).
OKRs in Q3 (closed)
    Ava's private objective (``ava_q3``), aligned to Renewals' Q3 objective, with its
    retrospective. Renewals' team retrospective of Q3: a first version by Ava, rewritten by
    Tess and published; Sales' retrospective of Q3, a draft by Sam.
Review cycles run on the suite's clock (Monday 23 November 2026), with their phases still
ahead of it (``DEADLINES_AHEAD``): anonymous answers are written while the feedback phase is
open, and a review's are released together when its manager submits it.

"Q3 2026 reviews" (named peer feedback, anonymous upward feedback)
    Ava's review, shared and acknowledged (with a comment): her self review, Pia's peer
    feedback, Tess's peer feedback left as a draft, her request to Otto declined by Sam with
    a reason, Sam's manager review and rating explanation, an HR amendment and forward
    drafts of her next objectives, proposed by Sam (one edited). Pia's review: her self review,
    Sam's manager review and rating saved as a draft, Dev's peer feedback as a draft. Dev's
    self review as a draft. Sam's review: his self review, Ava's upward feedback (anonymous),
    Pia's as a draft, then Cora's manager review, which releases Ava's answer alone (below
    the floor). Tess's review: her self review, Sam's manager review. Hana's own review (HR
    reviewed): her self review, Cora's manager review, not shared.
"Sales calibration" (live, over Sales: Sam, Ava, Pia, Tess; facilitated by Sam, Eli taking part)
    Tess's flag explained by Sam; Sam's rating moved by HR; Sam's own flag unexplained.
"Q3 2026 anonymous reviews" (anonymous peer feedback, over Sales)
    Ava's review with three anonymous peer answers (Pia, Dev, Otto) and Pia's with two (Ava,
    Dev): at and below the floor of three, released by Sam's manager reviews and shared.
    Tess's review with three (Ava, Pia, Dev) still coming in: not released.
Drafts in Q4 (the organisation approves objectives)
    Ava's draft (``ava_draft``, public once active), not shared, with a key result,
    proposed to Sam; and her draft shared for comment with Pia alone (``ava_shared``).
Recognition
    Kudos from Pia to Ava on her public key result and from Sam to Ava on her private one;
    Pia's spot-bonus nomination of Ava (approved by HR with a note); Otto's nomination of Hana.
Webhooks
    A subscription to every event for Ava, Pia, Otto and HR, made before anything happens,
    so each gets the deliveries of everything above its owner may see (the bodies and the
    attempts are on its page; the receiver's address answers nothing).
Notifications, tokens and accounts
    What the actions queued, and one reminder run (reminders, digests) delivered to the mail
    outbox; an API token for each role; Ava's digest preferences; a password reset link HR
    sent Ava (the crawl opens it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

import time_machine
from django.core import mail
from django.core.management import call_command
from django.db.models import Q
from django.test import TestCase
from django.utils import timezone

from lineofsight.coach import actions as coach_actions
from lineofsight.core import tokens
from lineofsight.goals import actions as goals
from lineofsight.goals.models import (
    AlignmentLink,
    Blocker,
    CheckIn,
    Cycle,
    KeyResult,
    Objective,
)
from lineofsight.integrations import actions as integrations
from lineofsight.people import accounts
from lineofsight.people import actions as people
from lineofsight.people.models import Person, Team
from lineofsight.reviews.calibration import actions as calibration
from lineofsight.reviews.conversation import actions as talk
from lineofsight.reviews.evidence import actions as evidence
from lineofsight.reviews.evidence.models import ForwardDraft
from lineofsight.reviews.models import Feedback, Review
from lineofsight.reviews.recognition import actions as recognition

from .conftest import PASSWORD, Cast, build_cast
from .okrs import build_cascade
from .review_conversation import (
    ask_peers,
    complete_answers,
    feedback_of,
    see_team_context,
    submit_self,
    write_peer,
)
from .reviews import DEADLINES_AHEAD, build_review_cycle

RESET_LINK = re.compile(r"/password-reset/(?P<uidb64>[^/\s]+)/(?P<token>[^/\s]+)/")
ROLES = ("ava", "pia", "otto", "tess", "sam", "cora", "eli", "dev", "hana")
IN_Q3 = dt.datetime(2026, 8, 3, 9, tzinfo=dt.UTC)


def marker(name: str) -> str:
    return f"MK_{name}_{hashlib.sha256(name.encode()).hexdigest()[:10]}"


NAMES = (
    # OKRs
    "ava_pub_title",
    "ava_pub_desc",
    "ava_team_title",
    "ava_team_desc",
    "ava_priv_title",
    "ava_priv_desc",
    "ava_priv_rationale",
    "ava_priv_kr",
    "ava_priv_note",
    "ava_priv_blockers",
    "ava_priv_blocker_note",
    "ava_priv_initiative",
    "ava_priv_ack",
    "ren_pub_title",
    "ren_pub_desc",
    "ren_team_title",
    "ren_team_desc",
    "ren_priv_title",
    "ren_priv_desc",
    "ren_priv_kr",
    "ren_priv_note",
    "ren_webhook",
    "chat_bot_token",
    "chat_signing_secret",
    "ava_q3_title",
    "ava_q3_retro",
    # Drafts (writing OKRs together)
    "ava_draft_title",
    "ava_draft_desc",
    "ava_draft_kr",
    "ava_shared_title",
    "ren_q3_retro_v1",
    "ren_q3_retro",
    "sales_q3_retro_draft",
    # Ava's review (shared)
    "ava_self",
    "ava_peer_pia",
    "ava_peer_tess_draft",
    "ava_mgr",
    "ava_rating_expl",
    "ava_ack",
    "ava_amend_reason",
    "ava_fwd_title",
    "ava_fwd_rationale",
    "ava_decline_reason",
    # Pia's, Dev's, Sam's and Tess's reviews (not shared)
    "pia_self",
    "pia_mgr_draft",
    "pia_rating_expl_draft",
    "pia_peer_dev_draft",
    "dev_self_draft",
    "sam_self",
    "sam_upward_ava",
    "sam_upward_pia_draft",
    "sam_mgr",
    "sam_rating_expl",
    "tess_mgr",
    "tess_rating_expl",
    "hana_mgr",
    "hana_rating_expl",
    # Calibration
    "tess_flag_expl",
    "sam_move_reason",
    # Anonymous peer answers
    "anon_ava_by_pia",
    "anon_ava_by_dev",
    "anon_ava_by_otto",
    "anon_pia_by_ava",
    "anon_pia_by_dev",
    "anon_tess_by_ava",
    "anon_tess_by_pia",
    "anon_tess_by_dev",
    # Recognition
    "kudos_pub",
    "kudos_priv",
    "nom_ava_reason",
    "nom_ava_note",
    "nom_hana_reason",
    # Discussion
    "ava_priv_comment",
    "ava_priv_comment_v1",
    "ava_priv_ci_comment",
    "ren_pub_comment",
    # Sam and Ava's one-on-one
    "oo_agenda_sam",
    "oo_agenda_ava",
    "oo_notes",
    "oo_notes_v1",
    "oo_action",
    "oo_private_sam",
    "oo_private_ava",
    "oo_pia_shared",
    # A data source on Ava's public key result
    "src_header",
    "src_secret",
)
MARKERS: dict[str, str] = {name: marker(name) for name in NAMES}


def text(name: str, rest: str = "") -> str:
    """The marker of ``name`` followed by some ordinary words."""
    return f"{MARKERS[name]} {rest}".strip()


@dataclass
class Mail:
    to: list[str]
    subject: str
    body: str


@dataclass
class World:
    cast: Cast
    tess: Person
    renewals: Team
    people: dict[str, Person]
    tokens: dict[str, str]  # username -> API token
    ids: dict[str, list[Any]] = field(default_factory=dict)  # kind -> ids to fill routes with
    named: dict[str, int] = field(default_factory=dict)  # a few objects the tests ask for
    mail: list[Mail] = field(default_factory=list)


def _add_tess(cast: Cast) -> tuple[Person, Team]:
    tess = people.create_person(
        acting_user=None,
        username="tess",
        display_name="Tess Tran",
        email="tess@acme.test",
        password=PASSWORD,
        job_title="Renewals Lead",
        manager=cast.sam,
        check_password=False,
    )
    renewals = people.create_team(
        acting_user=None, name="Renewals", parent=cast.enterprise, lead=tess
    )
    for person in (tess, cast.ava):
        people.add_member(acting_user=None, team=renewals, person=person)
    return tess, renewals


@dataclass
class Okrs:
    sales: Objective
    ava_pub: Objective
    ava_pub_kr: KeyResult
    ava_team: Objective
    ava_priv: Objective
    ava_priv_kr: KeyResult
    ren_pub: Objective
    ren_team: Objective
    ren_priv: Objective
    ren_priv_kr: KeyResult
    ava_q3: Objective
    pia_pub: Objective  # Ava's team-visible objective is proposed to it


def _q3(cast: Cast, tess: Person, renewals: Team) -> Objective:
    """Ava's private Q3 objective, aligned to Renewals' Q3 objective, and the quarter closed."""
    Cycle.objects.filter(pk=cast.q3.pk).update(state=Cycle.State.ACTIVE)
    q3 = Cycle.objects.get(pk=cast.q3.pk)
    ren_q3 = goals.create_objective(
        acting_user=tess,
        title="Renew every contract due this quarter",
        level="team",
        cycle=q3,
        owner_team=renewals,
        at=IN_Q3,
    )
    goals.create_key_result(
        acting_user=tess,
        objective=ren_q3,
        title="12 renewals signed",
        kind="increase",
        start_value=0,
        target_value=12,
        owner=tess,
        at=IN_Q3,
    )
    ava_q3 = goals.create_objective(
        acting_user=cast.ava,
        title=text("ava_q3_title", "Win back lapsed accounts"),
        level="individual",
        cycle=q3,
        owner_person=cast.ava,
        visibility="private",
        at=IN_Q3,
    )
    kr = goals.create_key_result(
        acting_user=cast.ava,
        objective=ava_q3,
        title="5 lapsed accounts back",
        kind="increase",
        start_value=0,
        target_value=5,
        owner=cast.ava,
        at=IN_Q3,
    )
    goals.align_objective(
        acting_user=cast.ava, child=ava_q3, parent_objective=ren_q3, kind="supports", at=IN_Q3
    )
    goals.record_check_in(
        acting_user=cast.ava,
        key_result=kr,
        value=3,
        confidence="on_track",
        at=IN_Q3 + dt.timedelta(days=30),
    )
    goals.set_cycle_state(acting_user=cast.hana, cycle=q3, state="closed")
    goals.save_retrospective(
        acting_user=cast.ava,
        objective=ava_q3,
        what_happened=text("ava_q3_retro", "Three of five came back."),
        decision="keep",
    )
    first = goals.save_team_retrospective(
        acting_user=cast.ava,
        team=renewals,
        cycle=q3,
        what_moved=text("ren_q3_retro_v1", "Renewals signed early."),
    )
    goals.save_team_retrospective(
        acting_user=tess,
        team=renewals,
        cycle=q3,
        what_moved=text("ren_q3_retro", "Eleven of twelve renewals signed."),
        links={"moved": [ren_q3.pk]},
        base_version=first.version,
    )
    goals.publish_team_retrospective(acting_user=tess, team=renewals, cycle=q3)
    goals.save_team_retrospective(
        acting_user=cast.sam,
        team=cast.sales,
        cycle=q3,
        learned=text("sales_q3_retro_draft", "Pipeline reviews weekly."),
    )
    return ava_q3


def _okrs(cast: Cast, tess: Person, renewals: Team) -> Okrs:
    ava_q3 = _q3(cast, tess, renewals)
    sales = build_cascade(cast).sales  # the worked example's cascade, Q4

    def ava_objective(key: str, visibility: str, **more: Any) -> Objective:
        return goals.create_objective(
            acting_user=cast.ava,
            title=text(f"{key}_title", "Open the healthcare territory"),
            description=text(f"{key}_desc", "Start with the regional hospitals."),
            level="individual",
            cycle=cast.q4,
            owner_person=cast.ava,
            visibility=visibility,
            **more,
        )

    ava_pub = ava_objective("ava_pub", "public")
    ava_team = ava_objective("ava_team", "team")
    # The private one is a development goal: its privacy is that of any private objective.
    ava_priv = ava_objective(
        "ava_priv",
        "private",
        rationale=text("ava_priv_rationale", "Healthcare is next."),
        is_development=True,
    )
    ava_pub_kr = goals.create_key_result(
        acting_user=cast.ava,
        objective=ava_pub,
        title="10 hospital meetings",
        kind="increase",
        start_value=0,
        target_value=10,
        owner=cast.ava,
    )
    goals.record_check_in(
        acting_user=cast.ava, key_result=ava_pub_kr, value=4, confidence="on_track"
    )
    ava_priv_kr = goals.create_key_result(
        acting_user=cast.ava,
        objective=ava_priv,
        title=text("ava_priv_kr", "8 healthcare discovery calls"),
        kind="increase",
        start_value=0,
        target_value=8,
        owner=cast.ava,
    )
    goals.record_check_in(
        acting_user=cast.ava,
        key_result=ava_priv_kr,
        value=2,
        confidence="at_risk",
        note=text("ava_priv_note", "Two calls so far."),
        blockers=text("ava_priv_blockers", "Waiting for the compliance pack."),
    )
    # A second blocker on it, handed to Sam and resolved with a note.
    (handled,) = goals.raise_blockers(
        acting_user=cast.ava,
        check_in=ava_priv_kr.check_ins.get(),
        blockers=[goals.BlockerInput("Hospital sign-off", cast.sam.pk)],
    )
    goals.set_blocker_state(
        acting_user=cast.sam,
        blocker=handled,
        state="resolved",
        note=text("ava_priv_blocker_note", "Signed off by the trust."),
    )
    goals.create_initiative(
        acting_user=cast.ava,
        key_result=ava_priv_kr,
        title=text("ava_priv_initiative", "Hospital call list"),
        owner=cast.ava,
    )
    for objective in (ava_pub, ava_team, ava_priv):
        goals.align_objective(
            acting_user=cast.ava, child=objective, parent_objective=sales, kind="supports"
        )
    # Ava proposes that her team-visible objective contributes to Pia's public one: a
    # proposal Pia (a teammate, who may see it) decides; those who see only Pia's see neither.
    pia_pub = goals.create_objective(
        acting_user=cast.pia,
        title="Grow the mid-market pipeline",
        level="individual",
        cycle=cast.q4,
        owner_person=cast.pia,
    )
    goals.align_objective(
        acting_user=cast.ava, child=ava_team, parent_objective=pia_pub, kind="contributes"
    )
    coach_actions.acknowledge_finding(
        acting_user=cast.ava,
        cycle=cast.q4,
        code="focus.too_few_key_results",
        subject="objective",
        subject_id=ava_priv.pk,
        reason=text("ava_priv_ack", "One key result is enough for a pilot."),
    )

    def renewals_objective(key: str, visibility: str) -> Objective:
        return goals.create_objective(
            acting_user=tess,
            title=text(f"{key}_title", "Keep every healthcare customer"),
            description=text(f"{key}_desc", "Quarterly business reviews for all of them."),
            level="team",
            cycle=cast.q4,
            owner_team=renewals,
            visibility=visibility,
        )

    ren_pub = renewals_objective("ren_pub", "public")
    ren_team = renewals_objective("ren_team", "team")
    ren_priv = renewals_objective("ren_priv", "private")
    ren_priv_kr = goals.create_key_result(
        acting_user=tess,
        objective=ren_priv,
        title=text("ren_priv_kr", "Net revenue retention 115 %"),
        kind="increase",
        start_value=105,
        target_value=115,
        unit="%",
        owner=tess,
    )
    goals.record_check_in(
        acting_user=tess,
        key_result=ren_priv_kr,
        value=107,
        confidence="on_track",
        note=text("ren_priv_note", "Two churn risks saved."),
    )
    integrations.set_team_webhook(
        acting_user=tess,
        team=renewals,
        kind="slack",
        url=f"https://hooks.slack.com/services/T0/B0/{MARKERS['ren_webhook']}",
    )
    return Okrs(
        sales,
        ava_pub,
        ava_pub_kr,
        ava_team,
        ava_priv,
        ava_priv_kr,
        ren_pub,
        ren_team,
        ren_priv,
        ren_priv_kr,
        ava_q3,
        pia_pub,
    )


def _write(author: Person, fb: Feedback, words: str, *, submit: bool, **rating: Any) -> None:
    """Save or submit answers as the form does: from the version the author opened."""
    answers = complete_answers(fb, text=words)
    write = talk.submit_feedback if submit else talk.save_feedback
    write(acting_user=author, feedback=fb, answers=answers, version=fb.version, **rating)


def _manager_review(
    review: Review, words: str, explanation: str, rating: int, *, submit: bool = True
) -> None:
    fb = feedback_of(review, Feedback.Kind.MANAGER)
    see_team_context(fb.author, review)
    potential = 2 if review.review_cycle.rate_potential else talk.UNSET
    _write(
        fb.author,
        fb,
        words,
        submit=submit,
        rating=rating,
        potential=potential,
        rating_explanation=explanation,
    )


def _reviews(w: World, okrs: Okrs) -> dict[str, Review]:
    cast, tess = w.cast, w.tess
    setup = build_review_cycle(cast, name="Q3 2026 reviews", **DEADLINES_AHEAD)
    ava, pia, dev, sam = setup["ava"], setup["pia"], setup["dev"], setup["sam"]
    tess_review = setup["tess"]
    # Ava's review, all the way to shared.
    submit_self(ava, text=text("ava_self", "Facts first: 22 of 25 qualified."))
    ask_peers(ava, cast.sam, cast.pia, tess)
    (otto,) = ask_peers(ava, cast.ava, cast.otto)
    talk.decline_feedback_request(
        acting_user=cast.sam,
        feedback=otto,
        reason=text("ava_decline_reason", "Otto has not worked with you this quarter."),
    )
    write_peer(ava, cast.pia, text=text("ava_peer_pia", "Helped me close Brightwater."))
    _write(
        tess,
        feedback_of(ava, Feedback.Kind.PEER, tess),
        text("ava_peer_tess_draft", "Still thinking."),
        submit=False,
    )
    _manager_review(
        ava, text("ava_mgr", "Built the pipeline."), text("ava_rating_expl", "Strong quarter."), 4
    )
    talk.share_review(acting_user=cast.sam, review=ava)
    talk.acknowledge_review(
        acting_user=cast.ava, review=ava, comment=text("ava_ack", "Fair, thank you.")
    )
    talk.amend_review(
        acting_user=cast.hana,
        review=Review.objects.get(pk=ava.pk),
        reason=text("ava_amend_reason", "Agreed after calibration."),
        rating=3,
    )
    drafts = evidence.propose_forward_drafts(acting_user=cast.sam, review=ava)
    evidence.update_forward_draft(
        acting_user=cast.sam,
        draft=drafts[0],
        title=text("ava_fwd_title", "Expand healthcare renewals"),
        rationale=text("ava_fwd_rationale", "Builds on the lapsed accounts."),
    )
    # Pia's review: her self review; Sam's manager review and Dev's peer feedback as drafts.
    submit_self(pia, text=text("pia_self", "I doubled my meetings."))
    ask_peers(pia, cast.sam, cast.dev)
    _write(
        cast.dev,
        feedback_of(pia, Feedback.Kind.PEER, cast.dev),
        text("pia_peer_dev_draft", "Half written."),
        submit=False,
    )
    _manager_review(
        pia,
        text("pia_mgr_draft", "Not finished yet."),
        text("pia_rating_expl_draft", "Thinking about a 2."),
        2,
        submit=False,
    )
    # Dev's self review, a draft.
    _write(
        cast.dev,
        feedback_of(dev, Feedback.Kind.SELF),
        text("dev_self_draft", "Draft notes."),
        submit=False,
    )
    # Sam's review: his self review, Ava's upward feedback (anonymous), Pia's draft, and
    # Cora's manager review, which releases Ava's answer (alone, so it shows to nobody).
    submit_self(sam, text=text("sam_self", "The region grew a fifth."))
    upward = talk.start_upward_feedback(acting_user=cast.ava, review=sam)
    _write(cast.ava, upward, text("sam_upward_ava", "Clear priorities."), submit=True)
    upward = talk.start_upward_feedback(acting_user=cast.pia, review=sam)
    _write(cast.pia, upward, text("sam_upward_pia_draft", "Half a thought."), submit=False)
    _manager_review(
        sam, text("sam_mgr", "A strong year."), text("sam_rating_expl", "Best in the region."), 5
    )
    # Tess's review: her self review, Sam's manager review.
    submit_self(tess_review)
    _manager_review(
        tess_review, text("tess_mgr", "Kept the book."), text("tess_rating_expl", "Solid."), 4
    )
    # Hana's own review (she is HR): her self review, Cora's manager review.
    submit_self(setup["hana"])
    _manager_review(
        setup["hana"],
        text("hana_mgr", "Rewrote the handbook."),
        text("hana_rating_expl", "Above the bar."),
        4,
    )
    return {
        "ava": ava,
        "pia": pia,
        "dev": dev,
        "sam": sam,
        "tess": tess_review,
        "hana": setup["hana"],
    }


def _calibration(w: World, reviews: dict[str, Review]) -> int:
    cast = w.cast
    for who, attainment in (("ava", 0.3), ("tess", 0.3), ("sam", 0.1), ("pia", 0.5)):
        Review.objects.filter(pk=reviews[who].pk).update(attainment=attainment)
    session = calibration.create_session(
        acting_user=cast.hana,
        review_cycle=reviews["ava"].review_cycle,
        name="Sales calibration",
        facilitator=cast.sam,
        participants=[cast.eli],
        population_teams=[cast.sales],
    )
    session = calibration.set_session_state(acting_user=cast.sam, session=session, state="live")
    calibration.explain_flag(
        acting_user=cast.sam,
        session=session,
        review=reviews["tess"],
        rule="high_rating_low_attainment",
        text=text("tess_flag_expl", "She carried two territories."),
    )
    calibration.move_rating(
        acting_user=cast.hana,
        session=session,
        review=reviews["sam"],
        value=4,
        reason=text("sam_move_reason", "Attainment does not support a 5."),
    )
    return session.pk


def _anonymous(w: World) -> dict[str, Review]:
    cast = w.cast
    setup = build_review_cycle(
        cast,
        name="Q3 2026 anonymous reviews",
        population="teams",
        population_teams=[cast.sales],
        anonymous_peer_feedback=True,
        **DEADLINES_AHEAD,
    )
    answers = {
        "ava": (cast.pia, cast.dev, cast.otto),
        "pia": (cast.ava, cast.dev),
        "tess": (cast.ava, cast.pia, cast.dev),
    }
    for subject, peers in answers.items():
        review = setup[subject]
        submit_self(review)
        ask_peers(review, cast.sam, *peers)
        for peer in peers:
            write_peer(review, peer, text=text(f"anon_{subject}_by_{peer.username}", "Kind."))
    # Sam's manager reviews close Ava's and Pia's feedback phase, which releases their
    # answers together; Tess's are still coming in (the deadline is ahead).
    for subject in ("ava", "pia"):
        _manager_review(setup[subject], "Steady quarter.", "Met expectations.", 3)
        talk.share_review(acting_user=cast.sam, review=setup[subject])
    return {"ava_anon": setup["ava"], "pia_anon": setup["pia"], "tess_anon": setup["tess"]}


def _recognition(w: World, okrs: Okrs) -> list[int]:
    cast = w.cast
    recognition.give_kudos(
        acting_user=cast.pia,
        recipient=cast.ava,
        message=text("kudos_pub", "Your hospital list got me two meetings."),
        key_result=okrs.ava_pub_kr,
    )
    recognition.give_kudos(
        acting_user=cast.sam,
        recipient=cast.ava,
        message=text("kudos_priv", "Great first calls."),
        key_result=okrs.ava_priv_kr,
    )
    nomination = recognition.nominate_spot_bonus(
        acting_user=cast.pia,
        nominee=cast.ava,
        reason=text("nom_ava_reason", "Rescued the renewal."),
        key_result=okrs.ava_pub_kr,
    )
    recognition.decide_spot_bonus(
        acting_user=cast.hana,
        nomination=nomination,
        decision="approved",
        note=text("nom_ava_note", "Well earned."),
    )
    other = recognition.nominate_spot_bonus(
        acting_user=cast.otto,
        nominee=cast.hana,
        reason=text("nom_hana_reason", "Ran the handbook rewrite."),
    )
    return [nomination.pk, other.pk]


def _discussion(w: World, okrs: Okrs) -> None:
    """Threads: Ava's private objective (a comment mentioning Sam, edited: its first text is
    kept as a version), Sam's reply on her private check-in, and a public comment on
    Renewals' public objective mentioning Pia. Each mention lands in an inbox."""
    from lineofsight.discussion import actions as talk

    cast = w.cast
    comment = talk.post_comment(
        acting_user=cast.ava,
        objective=okrs.ava_priv,
        body=text("ava_priv_comment_v1", "@sam first draft of my question"),
    )
    talk.edit_comment(
        acting_user=cast.ava,
        comment=comment,
        body=text("ava_priv_comment", "@sam can you join the call on the second contract?"),
    )
    check_in = CheckIn.objects.filter(key_result=okrs.ava_priv_kr).order_by("pk").first()
    talk.post_comment(
        acting_user=cast.sam,
        check_in=check_in,
        body=text("ava_priv_ci_comment", "I'll ask Legal to prioritise it."),
    )
    public = talk.post_comment(
        acting_user=w.tess,
        objective=okrs.ren_pub,
        body=text("ren_pub_comment", "@pia thanks for the renewals list"),
    )
    talk.toggle_reaction(acting_user=cast.pia, comment=public, emoji="party")


def _drafts(w: World) -> list[Objective]:
    """Ava's drafts, both public once active: one not shared, proposed to Sam (the
    organisation asks for approval), and one shared for comment with Pia alone."""
    from lineofsight.people import actions as people_actions

    cast = w.cast
    people_actions.set_okr_approval(acting_user=cast.hana, on=True)
    hidden = goals.create_objective_with_key_results(
        acting_user=cast.ava,
        title=text("ava_draft_title", "Open the healthcare market"),
        description=text("ava_draft_desc", "Three pilots before the summer."),
        level="individual",
        cycle=cast.q4,
        owner_person=cast.ava,
        state="draft",
        key_results=[
            goals.KeyResultInput(
                title=text("ava_draft_kr", "Signed healthcare pilots"),
                start_value=0,
                target_value=3,
            )
        ],
    )
    goals.propose_objective(acting_user=cast.ava, objective=hidden)
    shared = goals.create_objective_with_key_results(
        acting_user=cast.ava,
        title=text("ava_shared_title", "Win back lapsed accounts"),
        level="individual",
        cycle=cast.q4,
        owner_person=cast.ava,
        state="draft",
        key_results=[],
    )
    goals.share_draft(acting_user=cast.ava, objective=shared, sharing="people", people=[cast.pia])
    return [hidden, shared]


def _one_on_one(w: World) -> None:
    """Sam and Ava's weekly one-on-one, set up ten days ago: the meeting held has an agenda
    from both, shared notes saved twice (the first text kept as a version), an action item
    for Ava and a private note each; the next one is ahead. Sam and Pia's, whose notes Sam
    shared into Pia's review."""
    from lineofsight.oneonones import actions as meet

    cast = w.cast
    start = timezone.now() - dt.timedelta(days=10)
    with time_machine.travel(start, tick=False):
        series = meet.set_up_series(
            acting_user=cast.ava,
            other=cast.sam,
            cadence="weekly",
            weekday=(start + dt.timedelta(days=1)).weekday(),
            time=dt.time(10),
        )
        held = series.meetings.get()
        meet.add_agenda_item(
            acting_user=cast.sam, meeting=held, text=text("oo_agenda_sam", "Territory plan")
        )
        meet.add_agenda_item(
            acting_user=cast.ava, meeting=held, text=text("oo_agenda_ava", "Career path")
        )
        meet.save_shared_notes(
            acting_user=cast.ava, meeting=held, text=text("oo_notes_v1", "First notes"), version=0
        )
        meet.save_shared_notes(
            acting_user=cast.sam,
            meeting=held,
            text=text("oo_notes", "Agreed next steps"),
            version=1,
        )
        meet.add_action_item(
            acting_user=cast.sam,
            meeting=held,
            text=text("oo_action", "Send the list"),
            owner_id=cast.ava.pk,
        )
        meet.save_private_note(
            acting_user=cast.sam, meeting=held, text=text("oo_private_sam", "My worry")
        )
        meet.save_private_note(
            acting_user=cast.ava, meeting=held, text=text("oo_private_ava", "My thought")
        )
    series.refresh_from_db()
    meet.keep_next_meeting(series)
    # Sam and Pia's: its notes shared into Pia's review (which Sam is writing).
    with time_machine.travel(start, tick=False):
        pia = meet.set_up_series(
            acting_user=cast.sam,
            other=cast.pia,
            cadence="fortnightly",
            weekday=(start + dt.timedelta(days=2)).weekday(),
            time=dt.time(15),
        ).meetings.get()
        meet.save_shared_notes(
            acting_user=cast.pia, meeting=pia, text=text("oo_pia_shared", "Goals"), version=0
        )
    meet.share_notes_into_review(acting_user=cast.sam, meeting=pia)


def _webhooks(cast: Cast) -> None:
    """A subscription to every event for Ava, Pia, Otto and Hana (made directly: their API
    tokens come later)."""
    from lineofsight.integrations.outbound.events import EVENT_NAMES
    from lineofsight.integrations.outbound.models import WebhookSubscription

    for person in (cast.ava, cast.pia, cast.otto, cast.hana):
        WebhookSubscription.objects.create(
            owner=person,
            name=f"{person.username} data lake",
            url="http://127.0.0.1:9/crawl",
            events=list(EVENT_NAMES),
            secret=f"whsec_{person.username}",
        )


def _data_source(cast: Cast, okrs: Okrs) -> None:
    """Ava's public key result reads a JSON address with a header whose name and value are
    marked: the name is a setting (her editors see it), the value a secret (nobody does)."""
    from lineofsight.integrations.sources.actions import create_source

    create_source(
        acting_user=cast.ava,
        key_result=okrs.ava_pub_kr,
        kind="http_json",
        config={
            "url": "http://127.0.0.1:9/metrics.json",
            "json_path": "$.meetings",
            "header_name": MARKERS["src_header"],
        },
        secret=MARKERS["src_secret"],
        schedule="manual",
    )


def build_world() -> World:
    """The whole world, with the notifications its actions queued delivered to the mail
    outbox. Call it inside a transaction the caller rolls back."""
    mail.outbox = []
    with TestCase.captureOnCommitCallbacks(execute=True):
        cast = build_cast()
        tess, renewals = _add_tess(cast)
        _webhooks(cast)
        everyone = {**cast.everyone(), "tess": tess}
        w = World(cast, tess, renewals, everyone, {})
        okrs = _okrs(cast, tess, renewals)
        _data_source(cast, okrs)
        reviews = _reviews(w, okrs)
        session = _calibration(w, reviews)
        reviews.update(_anonymous(w))
        nominations = _recognition(w, okrs)
        _discussion(w, okrs)
        drafted = _drafts(w)
        _one_on_one(w)
        for name, person in everyone.items():
            _, raw = tokens.create_token(acting_user=person, person=person, name="crawl")
            w.tokens[name] = raw
        integrations.set_notification_preferences(
            acting_user=cast.ava, person=cast.ava, digest="off"
        )
        accounts.send_password_reset(acting_user=cast.hana, person=cast.ava)
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("remind", stdout=io.StringIO())
    w.mail = [Mail(list(m.to), str(m.subject), str(m.body)) for m in mail.outbox]
    _collect_ids(w, okrs, reviews, session, nominations)
    w.ids["objective"] += [o.pk for o in drafted]
    w.ids["key_result"] += list(
        KeyResult.objects.filter(objective__in=drafted).values_list("pk", flat=True)
    )
    return w


def _collect_ids(
    w: World, okrs: Okrs, reviews: dict[str, Review], session: int, nominations: list[int]
) -> None:
    from lineofsight.coach.models import FindingAcknowledgement
    from lineofsight.core.models import ApiToken, AuditEvent
    from lineofsight.discussion.models import Comment, CommentVersion, Reaction
    from lineofsight.integrations.models import (
        DataSource,
        InboxItem,
        Notification,
        NotificationPreference,
        TeamWebhook,
        WebhookDelivery,
        WebhookSubscription,
    )
    from lineofsight.oneonones.models import ActionItem, AgendaItem, Meeting, Series
    from lineofsight.reviews.calibration.rules import CODES
    from lineofsight.reviews.models import ReviewTemplate

    cast = w.cast
    drafts = list(ForwardDraft.objects.filter(review=reviews["ava"]).order_by("pk"))
    objectives = [
        okrs.ava_pub,
        okrs.ava_team,
        okrs.ava_priv,
        okrs.ren_pub,
        okrs.ren_team,
        okrs.ren_priv,
        okrs.ava_q3,
        okrs.pia_pub,
        drafts[0].objective,  # the draft edited in the review (the others are like it)
    ]
    objective_ids = [o.pk for o in objectives]
    w.ids = {
        "objective": objective_ids,
        "key_result": list(
            KeyResult.objects.filter(objective_id__in=objective_ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        ),
        "check_in": list(
            CheckIn.objects.filter(key_result__objective_id__in=objective_ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        ),
        "initiative": list(
            okrs.ava_priv_kr.initiatives.order_by("pk").values_list("pk", flat=True)
        ),
        "blocker": list(
            Blocker.objects.filter(key_result__objective_id__in=objective_ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        ),
        "link": list(
            AlignmentLink.objects.filter(child_id__in=objective_ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        ),
        # Those who own or receive something marked: Ava, Tess (Renewals' key results),
        # Hana (nominated); Renewals and the Sales department around it.
        "person": [p.pk for p in (cast.ava, w.tess, cast.hana)],
        "team": [w.renewals.pk, cast.sales.pk],
        "cycle": [cast.q3.pk, cast.q4.pk],
        "review_cycle": sorted({r.review_cycle_id for r in reviews.values()}),
        "review": [r.pk for r in reviews.values()],
        # Feedback with something written in it, and requests (open, declined).
        "feedback": list(
            Feedback.objects.filter(review__in=[r.pk for r in reviews.values()])
            .filter(Q(answers__text__startswith="MK_") | Q(kind=Feedback.Kind.PEER))
            .distinct()
            .order_by("pk")
            .values_list("pk", flat=True)
        ),
        "draft": [d.pk for d in drafts],
        "session": [session],
        "nomination": nominations,
        "template": list(ReviewTemplate.objects.order_by("pk").values_list("pk", flat=True)),
        "token": list(ApiToken.objects.filter(person=cast.ava).values_list("pk", flat=True)),
        "webhook": list(TeamWebhook.objects.values_list("pk", flat=True)),
        "webhook_subscription": list(
            WebhookSubscription.objects.order_by("pk").values_list("pk", flat=True)
        ),
        "webhook_delivery": [
            str(pk) for pk in WebhookDelivery.objects.order_by("pk").values_list("pk", flat=True)
        ],
        "acknowledgement": list(FindingAcknowledgement.objects.values_list("pk", flat=True)),
        "data_source": list(DataSource.objects.order_by("pk").values_list("pk", flat=True)),
        "code": list(CODES),
        # Notifications that carry a marker, and one that does not.
        "notification": sorted(
            {n.pk for n in Notification.objects.all() if "MK_" in n.subject + n.body}
            | {Notification.objects.order_by("pk").values_list("pk", flat=True)[0]}
        ),
        # For the admin's change pages: the audit rows that carry a marker, the organisation,
        # Ava's notification preferences.
        "audit": [
            e.pk
            for e in AuditEvent.objects.order_by("pk")
            if "MK_" in json.dumps(e.data) + e.amendment_reason
        ],
        "organisation": [1],
        "preference": list(NotificationPreference.objects.values_list("pk", flat=True)),
        "comment": list(Comment.objects.order_by("pk").values_list("pk", flat=True)),
        "comment_version": list(CommentVersion.objects.values_list("pk", flat=True)),
        "reaction": list(Reaction.objects.values_list("pk", flat=True)),
        "inbox_item": list(InboxItem.objects.order_by("pk").values_list("pk", flat=True)),
        "series": list(Series.objects.values_list("pk", flat=True)),
        "meeting": list(Meeting.objects.order_by("pk").values_list("pk", flat=True)),
        "agenda": list(AgendaItem.objects.values_list("pk", flat=True)),
        "action": list(ActionItem.objects.values_list("pk", flat=True)),
    }
    # A single sign-on provider (its settings hold nobody's data; HR's pages show them).
    from lineofsight.people.models import IdentityProvider

    provider = IdentityProvider.objects.create(
        name="Company account",
        slug="company",
        issuer="https://id.example.com",
        client_id="line-of-sight",
        authorization_endpoint="https://id.example.com/authorize",
    )
    w.ids["identity_provider"] = [provider.pk]
    w.ids["provider_slug"] = [provider.slug]
    # The organisation's Slack app: its secrets are written once and never shown again.
    from lineofsight.integrations.models import ChatApp
    from lineofsight.people.sso import secrets

    ChatApp.objects.create(
        kind="slack",
        secret=secrets.encrypt(MARKERS["chat_bot_token"]),
        signing_secret=secrets.encrypt(MARKERS["chat_signing_secret"]),
        hint="…" + MARKERS["chat_bot_token"][-4:],
        created_by=w.cast.hana,
    )
    # The reset link HR sent Ava, and one that is not (or no longer) valid.
    (link,) = [found for m in w.mail if (found := RESET_LINK.search(m.body))]
    w.ids["uidb64"] = [link["uidb64"]]
    w.ids["reset_token"] = [link["token"], "expired-token"]
    w.named = {
        "q3": cast.q3.pk,
        "q4": cast.q4.pk,
        "fy": cast.fy.pk,
        "ava": cast.ava.pk,
        "ava_priv": okrs.ava_priv.pk,
        "tess": w.tess.pk,
        "sales_team": cast.sales.pk,
        "session": session,
        "ava_review": reviews["ava"].pk,
        "sam_review": reviews["sam"].pk,
        "pia_review": reviews["pia"].pk,
        "ava_anon": reviews["ava_anon"].pk,
        "pia_anon": reviews["pia_anon"].pk,
        "tess_anon": reviews["tess_anon"].pk,
        "anon_cycle": reviews["ava_anon"].review_cycle_id,
    }
