"""Anonymous feedback in aggregate (reviews.conversation.aggregate) and the words of the
review notifications (integrations.reviews.messages): pure functions."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from lineofsight.integrations.reviews import messages
from lineofsight.reviews.conversation import aggregate as agg

SCALE = [(1, "Below"), (2, "Partly"), (3, "Meets"), (4, "Exceeds"), (5, "Outstanding")]
RATED = agg.QuestionSpec(1, "Communicates clearly", "rating_text", "baseline")
WRITTEN = agg.QuestionSpec(2, "What should they keep doing?", "text")
ONLY_RATED = agg.QuestionSpec(3, "Overall", "rating")


def keep_order(texts: list[str]) -> None:
    """A shuffle that leaves the order alone, to see that shuffling is asked for."""


def reverse(texts: list[str]) -> None:
    texts.reverse()


def answers(rating: int | None, text: str) -> list[agg.AnswerRow]:
    return [agg.AnswerRow(1, text, rating), agg.AnswerRow(2, text.upper())]


def test_below_the_minimum_nothing_at_all_is_shown():
    out = agg.aggregate([RATED, WRITTEN], [answers(4, "a"), answers(5, "b")], SCALE, minimum=3)
    assert out.shown is False
    assert out.questions == () and out.respondents is None
    assert out.message == "Not enough answers to show without revealing who wrote them."


def test_from_the_minimum_counts_averages_and_texts_are_shown():
    out = agg.aggregate(
        [RATED, WRITTEN],
        [answers(4, "a"), answers(5, "b"), answers(4, "c")],
        SCALE,
        minimum=3,
        shuffle=reverse,
    )
    assert out.shown and out.respondents == 3
    rated, written = out.questions
    assert [(c.value, c.label, c.count) for c in rated.counts] == [
        (1, "Below", 0),
        (2, "Partly", 0),
        (3, "Meets", 0),
        (4, "Exceeds", 2),
        (5, "Outstanding", 1),
    ]
    assert rated.average == 4.3
    assert rated.texts == ("c", "b", "a")  # the shuffle was applied
    assert written.counts == () and written.average is None
    assert written.texts == ("C", "B", "A")


def test_a_question_answered_by_fewer_than_the_minimum_is_left_out():
    people = [answers(4, "a"), answers(5, "b"), [agg.AnswerRow(1, "", 3)]]
    out = agg.aggregate([RATED, WRITTEN], people, SCALE, minimum=3, shuffle=keep_order)
    rated, written = out.questions
    assert rated.shown and rated.answered == 3
    # Hidden without saying how many answered it (two): no count below the minimum.
    assert (written.shown, written.answered, written.texts) == (False, None, ())
    assert "Not enough answers to this question" in written.message


def test_ratings_off_the_scale_and_blank_texts_do_not_count():
    people = [
        [agg.AnswerRow(3, "", 9)],  # off the scale: answered, not counted
        [agg.AnswerRow(3, "", 2)],
        [agg.AnswerRow(3, "", 4)],
    ]
    (q,) = agg.aggregate([ONLY_RATED], people, SCALE, minimum=3).questions
    assert sum(c.count for c in q.counts) == 2 and q.average == 3.0
    blank = [[agg.AnswerRow(2, "   ")] for _ in range(3)]
    (w,) = agg.aggregate([WRITTEN], blank, SCALE, minimum=3).questions
    assert w.shown is False and w.answered is None


@given(
    st.lists(
        st.tuples(st.integers(1, 5), st.text(min_size=1, max_size=20).filter(str.strip)),
        min_size=0,
        max_size=12,
    )
)
def test_shown_only_from_the_minimum_and_nothing_is_lost(rows):
    people = [[agg.AnswerRow(1, text, rating)] for rating, text in rows]
    out = agg.aggregate([RATED], people, SCALE, minimum=3)
    assert out.shown is (len(rows) >= 3)
    if out.shown:
        (q,) = out.questions
        assert sum(c.count for c in q.counts) == len(rows)
        assert sorted(q.texts) == sorted(text.strip() for _, text in rows)
        assert 1 <= (q.average or 0) <= 5


# -- messages --------------------------------------------------------------------------------


def test_the_messages_say_what_to_do_by_when_and_never_carry_content():
    due = dt.date(2026, 10, 9)
    opened = messages.self_review_open(name="Ava", cycle="Q3 reviews", due=due, url="http://x/1")
    assert opened.subject == "Your self review for Q3 reviews is open"
    assert "Friday 9 October 2026" in opened.body and "http://x/1" in opened.body
    named = messages.feedback_requested(
        name="Pia", about="Ava", cycle="Q3", due=due, url="u", anonymous=False
    )
    anonymous = messages.feedback_requested(
        name="Pia", about="Ava", cycle="Q3", due=due, url="u", anonymous=True
    )
    assert "Your name is shown" in named.body
    assert "only in aggregate" in anonymous.body and "three" in anonymous.body
    ask = messages.approval_needed(name="Sam", about="Ava", peers=["Pia", "Dev"], url="u")
    assert "Pia, Dev" in ask.body and "approval" in ask.subject
    shared = messages.review_shared(name="Ava", cycle="Q3", shared_by="Sam", url="u")
    assert shared.subject == "Your review for Q3 is shared with you"
    assert "acknowledge" in shared.body
