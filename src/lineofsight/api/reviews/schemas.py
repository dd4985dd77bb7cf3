"""Request and response bodies of the review conversation's API (``reviews_conversation``)."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from lineofsight.api.base import ErrorOut, Input
from lineofsight.api.reviews.types import AnswerKindName, ScaleValue, SectionName
from lineofsight.api.types import DateTime, Id, LongText, Reason

MAX_ANSWERS = 200
MAX_PEERS = 50


class ReviewTaskOut(Schema):
    kind: str = Field(
        description="self, manager, peer, upward (feedback to write), upward-offer (upward "
        "feedback you may start), approve (a request to decide), share, acknowledge."
    )
    title: str
    review_cycle: int
    review_cycle_name: str
    phase: str
    phase_label: str
    due: dt.date | None
    overdue: bool
    review: int | None
    feedback: int | None
    note: str
    url: str = Field(description="The page where it is done.")


class MyReviewOut(Schema):
    id: int
    review_cycle: int
    review_cycle_name: str
    state: str
    state_label: str
    phase: str
    phase_label: str
    manager: int | None
    manager_name: str
    shared: bool = Field(description="Shared with you: readable at GET /api/reviews/{id}.")


class MyReviewsOut(Schema):
    tasks: list[ReviewTaskOut] = Field(description="What to write or decide now, soonest first.")
    reviews: list[MyReviewOut] = Field(description="Your own reviews, newest cycle first.")


class FeedbackAnswerOut(Schema):
    question: int
    question_text: str
    section: SectionName
    kind: AnswerKindName
    required: bool
    text: str
    rating: int | None
    rating_label: str


class FeedbackOut(Schema):
    id: int
    review: int
    kind: str = Field(description="self, manager, peer or upward.")
    state: str = Field(description="requested, declined, open or submitted.")
    anonymous: bool
    author: int
    author_name: str
    submitted_at: DateTime | None
    updated_at: DateTime
    version: int = Field(
        description="Send it back when saving or submitting: a write made from an older "
        "version is refused with 409."
    )
    writable: bool = Field(description="Whether you may save or submit it now.")
    closed_reason: str = Field(description="Why it cannot be written now ('' when it can).")
    answers: list[FeedbackAnswerOut]
    rating: int | None = Field(
        None,
        description="Manager review: the overall rating (to its author alone while the "
        "manager review is a draft, state open).",
    )
    potential: int | None = None
    rating_explanation: str = ""
    attainment: float | None = Field(
        None, description="Manager review: OKR attainment (0-1), evidence beside the rating."
    )


class FeedbackAnswerIn(Input):
    question: Id
    text: LongText = ""
    rating: ScaleValue | None = None


class FeedbackIn(Input):
    answers: list[FeedbackAnswerIn] = Field(
        default_factory=list,
        max_length=MAX_ANSWERS,
        description="Answers replace the stored ones for their questions; others are kept.",
    )
    rating: ScaleValue | None = Field(
        None, description="Manager review only: the overall rating (leave out to keep it)."
    )
    potential: ScaleValue | None = Field(None, description="Manager review only.")
    rating_explanation: LongText | None = Field(None, description="Manager review only.")
    version: int | None = Field(
        None,
        ge=0,
        le=2_000_000_000,
        description="Required: the version of the feedback you read (GET /api/feedback/{id}). "
        "If it was saved since, nothing is saved: 409 with the newer feedback.",
    )


class FeedbackConflictOut(ErrorOut):
    current: FeedbackOut = Field(description="The feedback as it is saved now.")


class RatingCountOut(Schema):
    value: int
    label: str
    count: int


class AggregateQuestionOut(Schema):
    question: int
    question_text: str
    kind: AnswerKindName
    answered: int | None = Field(description="How many answered; null when not shown.")
    shown: bool
    counts: list[RatingCountOut]
    average: float | None
    texts: list[str] = Field(description="Written answers, without names, in random order.")
    message: str


class FeedbackAggregateOut(Schema):
    kind: str = Field(description="peer or upward.")
    shown: bool = Field(description="False until at least `minimum` people answered.")
    minimum: int
    respondents: int | None
    message: str
    questions: list[AggregateQuestionOut]


class ReviewHistoryOut(Schema):
    at: DateTime
    who: str
    kind: str = Field(description="rating (a rating change) or amendment.")
    what: str
    old: str
    new: str
    reason: str


class FormulaOut(Schema):
    value: float | None
    nearest: int | None
    lines: list[str]


class ReviewPermissionsOut(Schema):
    share: bool
    acknowledge: bool
    amend: bool
    request: bool
    approve: bool


class OneOnOneNoteOut(Schema):
    held_at: DateTime = Field(description="When the one-on-one was held.")
    text: str
    shared_by: int
    shared_by_name: str
    shared_at: DateTime


class ReviewDetailOut(Schema):
    id: int
    review_cycle: int
    review_cycle_name: str
    subject: int
    subject_name: str
    manager: int | None
    manager_name: str
    state: str
    state_label: str
    phase: str
    phase_label: str
    rating: int | None = Field(
        description="The submitted rating (as calibrated), for those who may read the "
        "outcome; the manager review's draft rating to its author alone."
    )
    rating_label: str
    rating_is_draft: bool = Field(description="The rating is your own draft: nobody else sees it.")
    potential: int | None
    potential_label: str
    rating_explanation: str
    attainment: float | None = Field(description="OKR attainment 0-1: evidence, not the rating.")
    outcome_shown: bool = Field(
        description="Whether you see the review's outcome (manager review, rating, others' "
        "feedback, history): the person's own review only once it is shared."
    )
    policy: str
    formula: FormulaOut | None = Field(description="Only in a cycle with an explicit formula.")
    shared_at: DateTime | None
    acknowledged_at: DateTime | None
    employee_comment: str
    feedback: list[FeedbackOut] = Field(description="Submitted named feedback you may read.")
    aggregates: list[FeedbackAggregateOut] = Field(description="Anonymous feedback.")
    history: list[ReviewHistoryOut]
    one_on_one_notes: list[OneOnOneNoteOut] = Field(
        description="Notes shared from one-on-ones into this review (read like its outcome)."
    )
    can: ReviewPermissionsOut


class PeerRequestOut(Schema):
    id: int
    review: int
    peer: int
    peer_name: str
    state: str = Field(
        description="requested, declined, open or submitted; on anonymous feedback an open or "
        "submitted request is 'asked' (who answered is never told)."
    )
    status: str = Field(description="What you are told about it.")
    requested_by: int | None
    approved_by: int | None
    decline_reason: str


class PeerRequestIn(Input):
    peers: list[Id] = Field(min_length=1, max_length=MAX_PEERS, description="People to ask.")


class DeclineIn(Input):
    reason: Reason = Field(description="Why; the person reads it. Required.")


class AcknowledgeIn(Input):
    comment: LongText = Field("", description="Optional; kept with the review.")


class AmendmentIn(Input):
    reason: Reason = Field(description="Why; required, kept with the old and the new value.")
    rating: ScaleValue | None = None
    potential: ScaleValue | None = None
    rating_explanation: LongText | None = None
    feedback: Id | None = Field(None, description="The submitted feedback whose answers change.")
    answers: list[FeedbackAnswerIn] = Field(default_factory=list, max_length=MAX_ANSWERS)


class AmendmentOut(Schema):
    id: int
    review: int
    feedback: int | None
    field: str
    old_value: str
    new_value: str
    reason: str
    author: int | None
    created_at: DateTime
