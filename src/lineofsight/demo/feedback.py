"""The demo's review conversation, written through the actions inside the loader's
transaction, in the review cycle's peer-feedback phase:

* Jordan (the worked example's account executive) has submitted his self review, facts
  first: 22 of 25 qualified, 8 of 10 past legal review, 5 of 6 closes.
* Jordan asked Sofia and Ahmed for feedback and Priya approved: Sofia has written hers (her
  name shown); Ahmed's is still to write.
* Sofia started a self review and left it in draft past its deadline (Priya has since
  submitted her review: see the calibration); Noah asked Ethan for feedback, which waits
  for Chloe's approval.
* Priya's three reports gave upward feedback on her (anonymous): three answers, which her
  managers and HR read in aggregate once the feedback phase closes, all together.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from lineofsight.reviews.conversation import actions
from lineofsight.reviews.conversation.actions.requests import requests_closed_because
from lineofsight.reviews.conversation.questions import questions_for
from lineofsight.reviews.models import AnswerKind, Feedback, Review, ReviewCycle

if TYPE_CHECKING:
    from lineofsight.demo.world import DemoWorld

# Jordan's self review, by section: the written answers in the form's order, and the
# baseline ratings (reliability, communication, routine work).
JORDAN_SELF = {
    "okrs": [
        "Planned: 25 enterprise opportunities qualified from outbound, 10 past legal review, "
        "6 new enterprise closes. Happened: 22 qualified, 8 past legal review and 5 closes. "
        "The company came in at 34 new logos against 40.",
        "In my control: outbound volume and qualification, which held all quarter. Not in my "
        "control: the healthcare budget freeze and two customer-side security reviews; "
        "starting those security reviews earlier was.",
        "Security review starts at the first call with an enterprise prospect, not at "
        "contract stage.",
    ],
    "baseline": [
        "Forecast calls were on time every week.",
        "Kept Legal and the solutions engineers in the loop on every late-stage deal.",
        "CRM hygiene slipped in the last two weeks of the quarter.",
    ],
    "contribution": [
        "Shared my legal-review checklist with the team; paired with Sofia on Initech."
    ],
    "growth": [
        "Next quarter: own the security-review playbook for the team and qualify 25 again."
    ],
}
JORDAN_BASELINE_RATINGS = (4, 4, 3)

SOFIA_ON_JORDAN = [
    "His legal-review checklist saved me two weeks on Initech, and he walked me through it.",
    "Write the checklist down for the whole team instead of answering one person at a time.",
]

UPWARD_ON_PRIYA = {
    "jordan": (4, "Keep the Monday pipeline review; start the security conversation earlier."),
    "sofia": (5, "Keep the one-to-ones; they are where I learn the most."),
    "ahmed": (3, "Stop moving the demo schedule on Fridays; start sharing the forecast."),
}


def _answers(
    review_cycle: ReviewCycle,
    kind: str,
    texts: dict[str, list[str]] | Sequence[str],
    ratings: Sequence[int] = (),
) -> dict[int, actions.AnswerIn]:
    """Answers in the form's order: by section when ``texts`` is a mapping, else in turn."""
    by_section = dict(texts) if isinstance(texts, dict) else None
    flat = list(texts) if not isinstance(texts, dict) else []
    rating_list = list(ratings)
    out: dict[int, actions.AnswerIn] = {}
    for q in questions_for(review_cycle, kind):
        pool = by_section.get(q.section, []) if by_section is not None else flat
        text = pool.pop(0) if pool and q.kind != AnswerKind.RATING else ""
        rating = None
        if q.kind != AnswerKind.TEXT:
            rating = rating_list.pop(0) if rating_list else None
        if text or rating is not None:
            out[q.pk] = actions.AnswerIn(text=text, rating=rating)
    return out


def load_feedback(loader: DemoWorld, cycle: ReviewCycle) -> None:
    people = loader.people
    reviews = {
        r.subject.username: r
        for r in Review.objects.filter(review_cycle=cycle).select_related(
            "subject", "manager", "review_cycle"
        )
    }

    def own(review: Review, kind: str, author: str) -> Feedback:
        return Feedback.objects.select_related("review__review_cycle", "review__subject").get(
            review=review, kind=kind, author=people[author]
        )

    jordan = reviews["jordan"]
    actions.submit_feedback(
        acting_user=people["jordan"],
        feedback=own(jordan, Feedback.Kind.SELF, "jordan"),
        answers=_answers(
            cycle,
            Feedback.Kind.SELF,
            {k: list(v) for k, v in JORDAN_SELF.items()},
            JORDAN_BASELINE_RATINGS,
        ),
    )
    requested = actions.request_peer_feedback(
        acting_user=people["jordan"], review=jordan, peers=[people["sofia"], people["ahmed"]]
    )
    for fb in requested:
        actions.approve_feedback_request(acting_user=people["priya"], feedback=fb)
    actions.submit_feedback(
        acting_user=people["sofia"],
        feedback=own(jordan, Feedback.Kind.PEER, "sofia"),
        answers=_answers(cycle, Feedback.Kind.PEER, list(SOFIA_ON_JORDAN)),
    )

    sofia = reviews["sofia"]
    actions.save_feedback(
        acting_user=people["sofia"],
        feedback=own(sofia, Feedback.Kind.SELF, "sofia"),
        answers=_answers(
            cycle,
            Feedback.Kind.SELF,
            {"okrs": ["Renewals held at 100 %; new-logo work stalled until late in the quarter."]},
        ),
    )
    actions.request_peer_feedback(
        acting_user=people["noah"], review=reviews["noah"], peers=[people["ethan"]]
    )

    priya = reviews["priya"]
    if requests_closed_because(priya, Feedback.Kind.UPWARD):
        # A demo loaded for a day long past: its feedback phase is over by the real clock,
        # and anonymous answers are never taken after their release.
        return
    for author, (rating, words) in UPWARD_ON_PRIYA.items():
        fb = actions.start_upward_feedback(acting_user=people[author], review=priya)
        fb = own(priya, Feedback.Kind.UPWARD, author)
        actions.submit_feedback(
            acting_user=people[author],
            feedback=fb,
            answers=_answers(cycle, Feedback.Kind.UPWARD, [words, words], [rating]),
        )
