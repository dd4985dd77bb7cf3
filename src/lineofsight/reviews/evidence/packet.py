"""The review packet: the evidence pack plus what the viewer may see of the review itself
(the rating, its explanation, and the written feedback they may read one by one), for the
print-friendly page and the PDF, which show the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from lineofsight.people.models import Person
from lineofsight.reviews.access import ReviewViewer
from lineofsight.reviews.evidence.selectors import evidence_pack
from lineofsight.reviews.evidence.shapes import Pack
from lineofsight.reviews.models import Answer, Feedback, Review


@dataclass
class AnswerLine:
    question: str
    rating: str
    text: str


@dataclass
class FeedbackBlock:
    kind: str
    author: str
    submitted: bool
    answers: list[AnswerLine] = field(default_factory=list)


@dataclass
class Packet:
    pack: Pack
    state: str
    manager: str
    rating: str  # "" when the viewer may not see it or there is none
    potential: str
    rating_explanation: str
    attainment: float | None
    employee_comment: str
    feedback: list[FeedbackBlock]
    rating_draft: bool = False  # the rating is the viewer's own draft, seen by them alone


def _label(scale: list[dict[str, object]], value: int | None) -> str:
    if value is None:
        return ""
    for level in scale or []:
        if level.get("value") == value:
            return f"{value} – {level.get('label', '')}"
    return str(value)


def review_packet(user: Person, review: Review) -> Packet:
    """The pack and the review's content the viewer may read (two more queries): the
    submitted rating to those who may read the outcome, a draft (feedback or rating) to its
    author alone, marked as one."""
    from lineofsight.reviews.conversation.selectors import rating_view

    pack = evidence_pack(user, review)
    viewer = ReviewViewer.of(user)
    rc = review.review_cycle
    blocks = []
    rows = (
        Feedback.objects.filter(review=review)
        .filter(viewer.feedback_filter())
        .exclude(state__in=[Feedback.State.REQUESTED, Feedback.State.DECLINED])
        .select_related("author")
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.select_related("question")))
        .order_by("kind", "pk")
    )
    mine: Feedback | None = None
    for fb in rows:
        submitted = fb.state == Feedback.State.SUBMITTED
        if fb.author_id == viewer.pk and fb.kind == Feedback.Kind.MANAGER:
            mine = fb
        if not submitted and fb.author_id != viewer.pk:
            continue  # drafts are their author's until submitted (the filter says so too)
        blocks.append(
            FeedbackBlock(
                kind=fb.get_kind_display(),
                author=fb.author.name,
                submitted=submitted,
                answers=[
                    AnswerLine(
                        a.question.text,
                        _label(rc.rating_scale, a.rating) if a.rating is not None else "",
                        a.text,
                    )
                    for a in fb.answers.all()
                ],
            )
        )
    seen = rating_view(viewer, review, mine)
    return Packet(
        pack=pack,
        state=review.get_state_display(),
        manager=review.manager.name if review.manager else "",
        rating=_label(rc.rating_scale, seen.rating) if seen else "",
        potential=_label(rc.potential_scale, seen.potential) if seen else "",
        rating_explanation=seen.explanation if seen else "",
        attainment=review.attainment if seen else None,
        employee_comment=review.employee_comment if review.is_shared else "",
        feedback=blocks,
        rating_draft=bool(seen and seen.draft),
    )
