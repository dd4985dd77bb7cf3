"""Anonymous feedback, shown only in aggregate. Pure: plain data in, plain data out.

When a review cycle marks peer or upward feedback anonymous, nobody (HR included) reads those
answers one by one. What is shown instead, per question:

* for a rated question, how many people gave each rating of the scale, and the average;
* for a written answer, the texts, without names and in an order that tells nothing of who
  wrote which or when (never the order they were written in): random, or -- as the review
  page asks, so that reading again shows the same -- a keyed hash of each text.

Nothing at all is shown until at least ``minimum`` people answered (three, the policy's
``ANONYMITY_MINIMUM``); a question that fewer people answered than that is left out on its
own, even when the feedback as a whole has enough answers, and without saying how many did.
Before the answers are released (when the review's feedback phase closes) nothing is shown
either, not even a count: ``held_back``.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

NOT_ENOUGH = "Not enough answers to show without revealing who wrote them."
NOT_ENOUGH_FOR_QUESTION = (
    "Not enough answers to this question to show them without revealing who wrote them."
)
NUMBERS = {2: "two", 3: "three", 4: "four", 5: "five"}
HELD_BACK = (
    "Anonymous answers are shown together, in aggregate, once the feedback phase closes "
    "({due}), and only if at least {minimum} people answered. Until then nothing is shown, "
    "not even how many answered."
)


@dataclass(frozen=True)
class QuestionSpec:
    """A question of the form, as the aggregate needs it."""

    id: int
    text: str
    kind: str  # "text", "rating" or "rating_text"
    section: str = "general"

    @property
    def rated(self) -> bool:
        return self.kind in ("rating", "rating_text")

    @property
    def written(self) -> bool:
        return self.kind in ("text", "rating_text")


@dataclass(frozen=True)
class AnswerRow:
    question_id: int
    text: str = ""
    rating: int | None = None


@dataclass(frozen=True)
class RatingCount:
    value: int
    label: str
    count: int


@dataclass(frozen=True)
class QuestionAggregate:
    question: QuestionSpec
    answered: int | None  # people who answered this question (None when hidden)
    shown: bool
    counts: tuple[RatingCount, ...] = ()
    average: float | None = None
    texts: tuple[str, ...] = ()
    message: str = ""


@dataclass(frozen=True)
class Aggregate:
    """The anonymous answers of one kind (peer or upward) on one review."""

    shown: bool
    minimum: int
    questions: tuple[QuestionAggregate, ...] = ()
    respondents: int | None = None  # only told once shown
    message: str = ""


def held_back(due: dt.date, minimum: int) -> Aggregate:
    """What is shown of anonymous answers before they are released: nothing, and when."""
    day = f"{due.day} {due:%b %Y}"
    count = NUMBERS.get(minimum, str(minimum))
    return Aggregate(shown=False, minimum=minimum, message=HELD_BACK.format(due=day, minimum=count))


def _answered(spec: QuestionSpec, answer: AnswerRow | None) -> bool:
    if answer is None:
        return False
    rated = spec.rated and answer.rating is not None
    return rated or (spec.written and bool(answer.text.strip()))


def aggregate(
    questions: Sequence[QuestionSpec],
    respondents: Iterable[Sequence[AnswerRow]],
    scale: Sequence[tuple[int, str]],
    *,
    minimum: int,
    shuffle: Callable[[list[str]], None] | None = None,
) -> Aggregate:
    """Aggregate the answers of several respondents (one sequence of answers each).

    ``scale`` is the rating scale as (value, label) pairs; ratings outside it are ignored.
    ``shuffle`` puts the written answers in random order (a cryptographic source unless the
    caller passes another, as tests do)."""
    people = [list(rows) for rows in respondents]
    if len(people) < minimum:
        return Aggregate(shown=False, minimum=minimum, message=NOT_ENOUGH)
    mix = shuffle or random.SystemRandom().shuffle
    values = [value for value, _ in scale]
    out: list[QuestionAggregate] = []
    for spec in questions:
        answers = []
        for rows in people:
            mine = next((a for a in rows if a.question_id == spec.id), None)
            if _answered(spec, mine):
                assert mine is not None
                answers.append(mine)
        if len(answers) < minimum:
            out.append(QuestionAggregate(spec, None, False, message=NOT_ENOUGH_FOR_QUESTION))
            continue
        counts: tuple[RatingCount, ...] = ()
        average = None
        if spec.rated:
            ratings = [a.rating for a in answers if a.rating is not None and a.rating in values]
            counts = tuple(
                RatingCount(value, label, sum(1 for r in ratings if r == value))
                for value, label in scale
            )
            average = round(sum(ratings) / len(ratings), 1) if ratings else None
        texts: list[str] = []
        if spec.written:
            texts = [a.text.strip() for a in answers if a.text.strip()]
            mix(texts)
        out.append(QuestionAggregate(spec, len(answers), True, counts, average, tuple(texts)))
    return Aggregate(shown=True, minimum=minimum, questions=tuple(out), respondents=len(people))
