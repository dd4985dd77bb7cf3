"""The words of the review notifications. Pure: plain values in, a subject and a body out.

Three moments, kept few on purpose:

* a person's self review is open (when the review cycle is launched);
* feedback is requested: of a colleague, once the request is open for them to write, and of a
  manager, when one of their reports asked colleagues and the request waits for approval;
* a review is shared with its person.

The messages never carry a rating, an answer or anyone's feedback: only what to do, by when,
and a link (the page behind it applies the access policy).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from lineofsight.integrations.compose import Message


def _day(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def self_review_open(*, name: str, cycle: str, due: dt.date, url: str) -> Message:
    return Message(
        subject=f"Your self review for {cycle} is open",
        body="\n".join(
            [
                f"Hello {name},",
                "",
                f"Your self review for {cycle} is open; please submit it by {_day(due)}.",
                "Facts first: what was planned, what happened, what was in your control and "
                "what you learned. You can save a draft and come back to it.",
                "",
                f"Write it here: {url}",
            ]
        ),
    )


def feedback_requested(
    *, name: str, about: str, cycle: str, due: dt.date, url: str, anonymous: bool
) -> Message:
    privacy = (
        f"Your answers are shown to {about}'s managers only in aggregate with others', all "
        "together once the feedback phase closes, and only when at least three people "
        "answered; nobody is told who answered."
        if anonymous
        else f"Your name is shown with your answers to {about}'s managers and, once the "
        f"review is shared, to {about}."
    )
    return Message(
        subject=f"Feedback requested: {about} ({cycle})",
        body="\n".join(
            [
                f"Hello {name},",
                "",
                f"You are asked for feedback on {about} for {cycle}, by {_day(due)}.",
                privacy,
                "",
                f"Write it here: {url}",
            ]
        ),
    )


def approval_needed(*, name: str, about: str, peers: Sequence[str], url: str) -> Message:
    listed = ", ".join(peers)
    return Message(
        subject=f"{about} asked for peer feedback: your approval is needed",
        body="\n".join(
            [
                f"Hello {name},",
                "",
                f"{about} asked these colleagues for feedback: {listed}.",
                "Approve or decline each request (with a reason) before they can write.",
                "",
                f"Review the requests here: {url}",
            ]
        ),
    )


def review_shared(*, name: str, cycle: str, shared_by: str, url: str) -> Message:
    return Message(
        subject=f"Your review for {cycle} is shared with you",
        body="\n".join(
            [
                f"Hello {name},",
                "",
                f"{shared_by} shared your review for {cycle} with you.",
                "Read it, then acknowledge it; you may add a comment of your own.",
                "",
                f"Read it here: {url}",
            ]
        ),
    )
