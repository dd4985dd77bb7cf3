"""The demo's calibration and recognition.

* Colleagues thank Jordan (the worked example's account executive) with kudos on his key
  results of the closed quarter, during that quarter, and thank Sofia for hers.
* Managers, having opened their team's OKR summary first, have written manager reviews:
  Priya submitted Sofia's (2) and Ahmed's (3) after the self review deadline, Olivia
  submitted Ethan's (3); Priya's review of Jordan (4) is still a draft -- hers alone, so it
  counts nowhere yet, calibration included.
* HR (Fatima) has set up "Sales calibration" over the Sales department, facilitated by
  Daniel with Priya, Chloe and Olivia taking part, and Daniel has opened it. Sofia's rating
  is flagged: a low rating despite strong peer recognition (three kudos in the period).
  Daniel leads Sales, so his own review is in the session: HR completes it.

Everything is written through the actions, inside the loader's transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lineofsight.demo.content import PREVIOUS
from lineofsight.goals.models import KeyResult
from lineofsight.reviews.calibration import actions as calibration
from lineofsight.reviews.conversation.actions import (
    UNSET,
    AnswerIn,
    save_feedback,
    submit_feedback,
)
from lineofsight.reviews.conversation.questions import questions_for
from lineofsight.reviews.evidence.actions import record_team_context_visit
from lineofsight.reviews.models import AnswerKind, CalibrationSession, Feedback, ReviewCycle
from lineofsight.reviews.recognition import actions as recognition

if TYPE_CHECKING:
    from lineofsight.demo.world import DemoWorld

HR = "fatima"
SESSION = "Sales calibration"
FACILITATOR = "daniel"
PARTICIPANTS = ("priya", "chloe", "olivia")
POPULATION_TEAM = "sales"

POTENTIAL = 2  # "Ready for more", when the cycle rates potential
# (reviewed person, their team, rating, the manager's explanation, submitted)
RATINGS = (
    (
        "jordan",
        "enterprise-sales",
        4,
        "Built most of the team's qualified pipeline from outbound and closed five enterprise "
        "deals; legal reviews slipped and he owned the fix.",
        False,
    ),
    (
        "sofia",
        "enterprise-sales",
        2,
        "Strong with existing accounts, but new-logo work stalled for most of the quarter.",
        True,
    ),
    (
        "ahmed",
        "enterprise-sales",
        3,
        "Reliable demos and discovery notes the account executives build on.",
        True,
    ),
    (
        "ethan",
        "account-management",
        3,
        "Renewals held; expansion conversations started late in the quarter.",
        True,
    ),
)

# (author, recipient, which of the recipient's key results (its position), the week of the
# closed quarter it was given in, message): kudos given during the quarter, so its evidence
# pack, which stops at the quarter's end, shows them.
KUDOS = (
    (
        "priya",
        "jordan",
        0,
        13,
        "22 qualified opportunities from outbound: that is most of what fed the team's "
        "pipeline this quarter. Thank you.",
    ),
    (
        "ahmed",
        "jordan",
        2,
        12,
        "The Globex close was a team effort, but you kept it moving every single week.",
    ),
    (
        "sofia",
        "jordan",
        1,
        9,
        "Thanks for sharing your legal-review checklist; it saved me two weeks on Initech.",
    ),
    ("jordan", "sofia", 0, 11, "Your renewal playbook helped me keep two accounts I nearly lost."),
    ("ahmed", "sofia", 0, 10, "Best discovery notes I have worked from. Made the demo easy."),
    ("noah", "sofia", 0, 8, "Thanks for coaching my first three enterprise calls."),
)


def _key_results(person_id: int, quarter_id: int) -> list[KeyResult]:
    return list(
        KeyResult.objects.filter(owner_id=person_id, cycle_id=quarter_id, state="active").order_by(
            "objective_id", "position", "pk"
        )
    )


def _manager_answers(cycle: ReviewCycle, words: str, rating: int) -> dict[int, AnswerIn]:
    """Every question of the manager review answered: the words, and the rating where one
    is asked."""
    return {
        q.pk: AnswerIn(
            text=words if q.kind != AnswerKind.RATING else "",
            rating=rating if q.kind != AnswerKind.TEXT else None,
        )
        for q in questions_for(cycle, Feedback.Kind.MANAGER)
    }


def load_calibration(loader: DemoWorld, cycle: ReviewCycle) -> CalibrationSession:
    people = loader.people
    quarter = loader.plan.quarters[PREVIOUS]
    for author, recipient, position, week, message in KUDOS:
        owned = _key_results(people[recipient].pk, quarter.pk)
        recognition.give_kudos(
            acting_user=people[author],
            recipient=people[recipient],
            message=message,
            key_result=owned[min(position, len(owned) - 1)] if owned else None,
            at=loader.plan.week_time(quarter, week, 30),
        )
    manager_reviews = {
        fb.review.subject.username: fb
        for fb in Feedback.objects.filter(
            review__review_cycle=cycle, kind=Feedback.Kind.MANAGER
        ).select_related("review__subject", "review__review_cycle", "author")
    }
    for username, team, rating, explanation, submitted in RATINGS:
        fb = manager_reviews[username]
        # Team context first: the manager opens the team's OKR summary before the review.
        record_team_context_visit(
            acting_user=fb.author, review_cycle=cycle, team=loader.teams[team]
        )
        write = submit_feedback if submitted else save_feedback
        write(
            acting_user=fb.author,
            feedback=fb,
            answers=_manager_answers(cycle, explanation, rating) if submitted else {},
            rating=rating,
            potential=POTENTIAL if cycle.rate_potential else UNSET,
            rating_explanation=explanation,
        )
    calibration.ensure_default_rules()
    session = calibration.create_session(
        acting_user=people[HR],
        review_cycle=cycle,
        name=SESSION,
        facilitator=people[FACILITATOR],
        participants=[people[p] for p in PARTICIPANTS],
        population_teams=[loader.teams[POPULATION_TEAM]],
    )
    return calibration.set_session_state(
        acting_user=people[FACILITATOR], session=session, state="live"
    )
