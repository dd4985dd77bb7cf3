"""The access policy for reviews, feedback, calibration and recognition (part of
``lineofsight.access.Viewer``).

Reviews, ratings, feedback and calibration are private:

* **One's own review** is seen as its subject, whatever one's role (an HR admin or a
  calibrator included): the review page and the evidence pack (the OKR facts) from the day
  the review cycle opens, one's own self review (the draft to write, then to re-read once
  submitted), who was asked for feedback -- and the manager review, the rating, the feedback
  of others and the history only once the review is shared (``sees_outcome``).
* **HR admins** see and amend everyone else's reviews (anonymous answers included only in
  aggregate, like everyone else).
* **The manager chain** (the person's managers, at any level, as the reporting line stands
  today) and the review's assigned manager see the review, its rating and its submitted
  feedback.
* **A draft is its author's alone** until submitted: a self review, a peer or upward answer,
  a manager review and its rating. The rating lives on the manager review's draft until it
  is submitted, so nothing that counts or shows ratings (calibration, exports, the packet,
  the API) ever meets a draft one.
* **Calibrators** (a session's facilitator and participants) see the ratings and evidence of
  the reviews in their session's population only, and only through the calibration views;
  never their own review there, nor anything about it. Only the facilitator and HR move
  ratings.
* **A peer** sees only the feedback they wrote (and the request addressed to them).
  Colleagues are asked by the person (the request waits for a manager's approval) or by a
  manager; **upward feedback** on a manager is written by their direct reports. Once the
  review is shared the person reads the manager review and the named peer and upward
  feedback.
* **Writing**: a feedback row only by its author, while its phase is open; once submitted it
  is immutable. Amendments (with a reason, kept with the old and new value) by HR, and by the
  review's managers for the manager review and rating until the review is shared.
* **Anonymous feedback** (peer or upward, when the cycle says so) is never shown one answer
  at a time to anybody, and nobody learns who answered: a request reads "asked" whether it
  was answered or not. The answers are released together, in aggregate, when the feedback
  phase of the review closes (``anonymous_released``: its deadline passed, the manager
  submitted the review, or the review cycle closed) and only when at least three people
  answered (``ANONYMITY_MINIMUM``). From then on no more anonymous answers are taken, so
  the set shown never changes; before, nothing shows, not even a count, and a count never
  includes fewer than the minimum (``anonymous_counted``). The filters below
  never return another author's anonymous feedback row; the aggregate selectors read it on
  their own, and show counts, averages and unnamed texts only. Anonymous answers leave no
  row in the audit log (a row naming its writer or its moment would tell who answered).
* **Kudos** are public. **Spot-bonus nominations** are visible to the nominee's manager chain,
  HR and the nominator; not to the nominee.
* **Review cycles** in draft, templates and calibration rules are HR's; an open or closed
  cycle's name and deadlines are visible to everyone. The OKR-to-review policy is public.

Missing and forbidden look the same (404) for reads.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

from lineofsight.goals.access import GoalViewer

if TYPE_CHECKING:
    from lineofsight.people.models import Team
    from lineofsight.reviews.models import CalibrationSession, Feedback, Review, ReviewCycle

# Anonymous answers are shown only in aggregate, and only from this many answers up.
ANONYMITY_MINIMUM = 3
# Averages over groups smaller than this are hidden in calibration and reports.
SMALL_GROUP_MINIMUM = 4


class ReviewViewer(GoalViewer):
    """The rules for reviews, on top of the OKR rules (``GoalViewer``)."""

    def _chain_of_subject(self, prefix: str) -> Q:
        """Reviews whose subject reports to me, directly or not (the chain as it is today),
        or that were assigned to me to write."""
        return Q(**{f"{prefix}subject__manager_path__contains": f"/{self.pk}/"}) | Q(
            **{f"{prefix}manager_id": self.pk}
        )

    # -- reviews -----------------------------------------------------------------------

    def review_filter(self, prefix: str = "") -> Q:
        """A Q over Review (or a relation to it, via ``prefix``): the reviews I may open --
        my own (what I see of it is ``sees_outcome``'s to say), those of the people below me
        and those assigned to me; HR all."""
        if not self.is_active:
            return Q(pk__in=[])
        if self.is_hr:
            return Q()
        return Q(**{f"{prefix}subject_id": self.pk}) | self._chain_of_subject(prefix)

    def outcome_filter(self, prefix: str = "") -> Q:
        """A Q over Review: the reviews whose outcome I may read (the manager review and the
        rating, the feedback of others, the history): someone else's as their manager or HR,
        my own once it is shared with me."""
        from lineofsight.reviews.models import Review

        if not self.is_active:
            return Q(pk__in=[])
        mine = Q(**{f"{prefix}subject_id": self.pk})
        own_shared = mine & Q(
            **{f"{prefix}state__in": [Review.State.SHARED, Review.State.ACKNOWLEDGED]}
        )
        others = ~mine if self.is_hr else self._chain_of_subject(prefix) & ~mine
        return others | own_shared

    def manages_review(self, review: Review) -> bool:
        """The review's assigned manager, the subject's manager chain, or HR -- never on
        one's own review."""
        if not self.is_active or review.subject_id == self.pk:
            return False
        if self.is_hr or review.manager_id == self.pk:
            return True
        return self.pk in review.subject.chain_ids

    def sees_review(self, review: Review) -> bool:
        """Opening the review page and its evidence pack: its managers and HR, and the
        person (who sees the outcome only once it is shared)."""
        return self.manages_review(review) or (self.is_active and review.subject_id == self.pk)

    def sees_outcome(self, review: Review) -> bool:
        """``outcome_filter`` for one review."""
        if self.manages_review(review):
            return True
        return self.is_active and review.subject_id == self.pk and review.is_shared

    def can_rate(self, review: Review) -> bool:
        """Writing the manager review and the rating: the assigned manager and the chain
        above, until it is shared; after that only HR amends (with a reason)."""
        return self.manages_review(review) and review.review_cycle.state == "open"

    def can_share(self, review: Review) -> bool:
        return self.can_rate(review)

    def can_acknowledge(self, review: Review) -> bool:
        return self.is_active and review.subject_id == self.pk and review.is_shared

    def can_amend_reviews(self) -> bool:
        return self.is_active and self.is_hr

    # -- feedback ----------------------------------------------------------------------

    def feedback_filter(self, prefix: str = "") -> Q:
        """A Q over Feedback: what I may read one by one. My own, in any state; someone
        else's only once submitted (a draft is its author's alone), named, and on a review
        whose outcome I may read (the person: the manager review and named peer and upward
        feedback, once the review is shared). Never another author's anonymous feedback
        (that is read only in aggregate)."""
        from lineofsight.reviews.models import Feedback

        if not self.is_active:
            return Q(pk__in=[])
        mine = Q(**{f"{prefix}author_id": self.pk})
        others = (
            Q(**{f"{prefix}anonymous": False})
            & Q(**{f"{prefix}state": Feedback.State.SUBMITTED})
            & self.outcome_filter(f"{prefix}review__")
        )
        return mine | others

    def writes_feedback(self, feedback: Feedback) -> bool:
        """A feedback row is written by its author and nobody else (not HR, not the chain)."""
        return self.is_active and feedback.author_id == self.pk

    def can_write_feedback(self, feedback: Feedback) -> bool:
        """Its author, while it is open for writing (``feedback_closed_because``)."""
        return self.writes_feedback(feedback) and not feedback_closed_because(feedback)

    def can_approve_feedback_requests(self, review: Review) -> bool:
        """Approving (or declining) requested peer feedback: the subject's managers and HR."""
        return self.manages_review(review) and review.subject_id != self.pk

    def can_request_peer_feedback(self, review: Review) -> bool:
        """Asking colleagues for feedback on a review: the person (their requests wait for a
        manager's approval) and their managers and HR (their requests open at once)."""
        return self.is_active and (review.subject_id == self.pk or self.manages_review(review))

    def sees_peer_requests(self, review: Review) -> bool:
        """Who was asked for feedback on a review (never what they wrote): the person and
        their managers and HR. On anonymous feedback nobody is told who answered."""
        return self.can_request_peer_feedback(review)

    def gives_upward_feedback_on(self, review: Review) -> bool:
        """Upward feedback on a manager's review: the manager's direct reports (today, or as
        the same review cycle assigned them). One query when the reporting line has moved."""
        from lineofsight.reviews.models import Review

        if not self.is_active or review.subject_id == self.pk:
            return False
        if self.person.manager_id == review.subject_id:
            return True
        return Review.objects.filter(
            review_cycle_id=review.review_cycle_id, subject_id=self.pk, manager_id=review.subject_id
        ).exists()

    def can_amend(self, review: Review, feedback: Feedback | None = None) -> bool:
        """Amending what was submitted, with a reason (an Amendment row keeps the old and the
        new value): HR at any time; the review's managers too, but only the manager review
        and the rating, and only until the review is shared. Anonymous feedback is never
        amended (nobody may read it one answer at a time)."""
        if not self.is_active or review.subject_id == self.pk:
            return False
        if feedback is not None and feedback.anonymous:
            return False
        if self.is_hr:
            return True
        if feedback is not None and feedback.kind != "manager":
            return False
        return (
            self.manages_review(review)
            and review.subject_id != self.pk
            and review.state == "submitted"
            and review.review_cycle.state == "open"
        )

    # -- review cycles, templates, policy ------------------------------------------------

    def can_manage_reviews(self) -> bool:
        """Templates, review cycles, calibration rules, the policy, ratings export: HR."""
        return self.is_active and self.is_hr

    def review_cycle_filter(self) -> Q:
        if not self.is_active:
            return Q(pk__in=[])
        if self.is_hr:
            return Q()
        return ~Q(state="draft")

    def sees_review_cycle(self, cycle: ReviewCycle) -> bool:
        return self.is_active and (self.is_hr or cycle.state != "draft")

    # -- evidence pack, team context, forward drafts -----------------------------------

    def sees_evidence(self, review: Review) -> bool:
        """A review's evidence pack and packet (page, PDF, API): whoever may open the review."""
        return self.sees_review(review)

    def can_see_team_context(self, team: Team) -> bool:
        """A team's OKR summary for a review cycle (what managers read before the reviews):
        its lead, the leads of the teams above it, the lead's manager chain and HR."""
        if not self.is_active:
            return False
        if self.is_hr or team.lead_id == self.pk:
            return True
        if self.led_team_ids.intersection(team.ancestor_ids):  # type: ignore[attr-defined]
            return True
        lead = team.lead
        return lead is not None and self.pk in lead.chain_ids

    def can_draft_forward(self, review: Review) -> bool:
        """Proposing, editing and publishing next quarter's draft objectives from a review:
        the review's managers and HR, and the person once the review is shared with them,
        while the review cycle is open."""
        if review.review_cycle.state != "open":
            return False
        return self.manages_review(review) or (
            self.is_active and review.subject_id == self.pk and review.is_shared
        )

    # -- calibration -------------------------------------------------------------------

    def calibration_session_filter(self) -> Q:
        """A Q over CalibrationSession: HR, the facilitator and the participants."""
        if not self.is_active:
            return Q(pk__in=[])
        from lineofsight.reviews.models import CalibrationSession

        if self.is_hr:
            return Q()
        taking_part = CalibrationSession.participants.through.objects.filter(
            person_id=self.pk
        ).values("calibrationsession_id")
        return Q(facilitator_id=self.pk) | Q(pk__in=taking_part)

    def can_facilitate(self, session: CalibrationSession) -> bool:
        """Moving ratings, explaining flags, changing the state: the facilitator and HR."""
        return self.is_active and (self.is_hr or session.facilitator_id == self.pk)

    def calibration_review_filter(self, prefix: str = "") -> Q:
        """A Q over Review (via ``prefix``), applied inside a session I may open: every review
        of its population but my own (a calibrator, HR included, never sees their own rating
        there)."""
        if not self.is_active:
            return Q(pk__in=[])
        return ~Q(**{f"{prefix}subject_id": self.pk})

    def can_calibrate(self, session: CalibrationSession, review: Review) -> bool:
        """Moving one rating or explaining its flag in a session: the facilitator and HR,
        never on their own review."""
        return self.can_facilitate(session) and review.subject_id != self.pk

    # -- recognition -------------------------------------------------------------------

    def spot_bonus_filter(self) -> Q:
        """A Q over SpotBonusNomination: the nominee's manager chain, HR and the nominator;
        never the nominee (not even an HR admin nominated themselves)."""
        if not self.is_active:
            return Q(pk__in=[])
        if self.is_hr:
            return ~Q(nominee_id=self.pk)
        return (Q(nominee__manager_path__contains=f"/{self.pk}/") | Q(nominator_id=self.pk)) & ~Q(
            nominee_id=self.pk
        )

    def can_decide_spot_bonus(self) -> bool:
        return self.is_active and self.is_hr


def organisation_today() -> dt.date:
    """Today in the organisation's time zone (what phases and deadlines are read in)."""
    from lineofsight.people.selectors import organisation_time_zone

    return timezone.localdate(timezone=zoneinfo.ZoneInfo(organisation_time_zone()))


def anonymous_released(review: Review, today: dt.date | None = None) -> bool:
    """Whether the anonymous answers on a review are released: read together, in aggregate,
    and no more taken. They are once the review's feedback phase is over -- the peer feedback
    deadline passed, the manager submitted the review, or the review cycle closed -- never
    one answer at a time before."""
    return released_in(review.review_cycle, review.state, today)


def released_in(cycle: ReviewCycle, review_state: str, today: dt.date | None = None) -> bool:
    """``anonymous_released`` from a review's cycle and state (for rows read as values)."""
    if cycle.state != "open" or review_state not in ("self_review", "manager_review"):
        return True
    return (today or organisation_today()) > cycle.peer_feedback_due


def anonymous_counted(answers: int, released: bool) -> int:
    """How many of the anonymous answers on one review any count may include: all of them
    once released and at least ``ANONYMITY_MINIMUM``, else none. A count that moves with
    each answer, or one below the minimum ("2 of 2 asked"), tells who answered."""
    return answers if released and answers >= ANONYMITY_MINIMUM else 0


def anonymous_closed_message(review: Review) -> str:
    due = review.review_cycle.peer_feedback_due
    return (
        f"The anonymous answers on this review were released together when its feedback "
        f"phase closed ({due.day} {due:%b %Y}); no more are taken, so that none can be told apart."
    )


def feedback_closed_because(feedback: Feedback, today: dt.date | None = None) -> str:
    """Why a feedback row cannot be written now ("" when it can): submitted feedback is
    immutable (only amended, with a reason); each kind has its phase of the review; an
    anonymous answer is taken only until the answers are released."""
    review = feedback.review
    if review.review_cycle.state != "open":
        cycle = review.review_cycle
        return f"{cycle.name} is {cycle.state}; nothing more is written in it."
    if feedback.state == "submitted":
        return "Submitted feedback cannot change; amendments are recorded with a reason."
    if feedback.state == "requested":
        return "This request waits for the manager's approval."
    if feedback.state == "declined":
        return "This request was declined."
    if feedback.kind == "self" and review.state != "self_review":
        return "The self review phase of this review is over."
    if feedback.kind != "self" and review.state not in ("self_review", "manager_review"):
        return "The manager review was submitted; feedback is closed."
    if feedback.anonymous and anonymous_released(review, today):
        return anonymous_closed_message(review)
    return ""
