"""The demo's discussion: a few threads with mentions and reactions on this quarter's
objectives, so the objective pages, check-in histories and inboxes show them at once.

* Priya asks Jordan (the worked example) about the deals closest to signing; he answers.
* On the company objective, Daniel flags Enterprise pacing ahead for the finance forecast;
  Maya answers and people react.
* On Jordan's latest check-in with a note, Priya asks Victor (Legal) to prioritise a contract.

Each mention and reply lands in its recipient's inbox when the demo's transaction commits.
A comment whose mention the access policy refuses (content changed) is left out.
"""

from __future__ import annotations

import datetime as dt

from lineofsight.core.errors import InvalidInput
from lineofsight.demo.world import DemoWorld
from lineofsight.discussion import actions as talk
from lineofsight.discussion.models import Comment
from lineofsight.goals.models import CheckIn, Objective
from lineofsight.people.models import Person


def _current(person: Person, day: dt.date, *, level: str | None = None) -> Objective | None:
    found = Objective.objects.filter(
        cycle__start_date__lte=day, cycle__end_date__gte=day, state=Objective.State.ACTIVE
    )
    if level == "company":
        found = found.filter(level="company")
    else:
        found = found.filter(owner_person=person)
    return found.order_by("pk").first()


def _say(comments: list[Comment], **kwargs: object) -> Comment | None:
    try:
        comment = talk.post_comment(**kwargs)  # type: ignore[arg-type]
    except InvalidInput:
        return None
    comments.append(comment)
    return comment


def _react(people: dict[str, Person], comment: Comment | None, *pairs: tuple[str, str]) -> None:
    if comment is None:
        return
    for username, emoji in pairs:
        if username in people:
            talk.toggle_reaction(acting_user=people[username], comment=comment, emoji=emoji)


def load_discussion(loader: DemoWorld) -> int:
    """Write the threads; returns how many comments."""
    p = loader.people
    if not all(name in p for name in ("priya", "jordan", "daniel", "maya", "samuel", "victor")):
        return 0
    day = loader.plan.now.date()
    comments: list[Comment] = []
    jordan_objective = _current(p["jordan"], day)
    if jordan_objective is not None:
        ask = _say(
            comments,
            acting_user=p["priya"],
            objective=jordan_objective,
            body="@jordan great momentum on the pipeline this month. Which two deals are "
            "closest to signing? I'd like them in Thursday's forecast call.",
        )
        _react(p, ask, ("daniel", "eyes"))
        answer = _say(
            comments,
            acting_user=p["jordan"],
            objective=jordan_objective,
            body="@priya Northwind and Halcyon Health. Both are in legal review; I added the "
            "details to my last check-in.",
        )
        _react(p, answer, ("priya", "thumbs_up"), ("daniel", "thumbs_up"))
        check_in = (
            CheckIn.objects.filter(key_result__objective=jordan_objective)
            .exclude(note="")
            .order_by("-recorded_at", "-pk")
            .first()
        )
        if check_in is not None:
            legal = _say(
                comments,
                acting_user=p["priya"],
                check_in=check_in,
                body="Legal turnaround is what stands between us and two signatures. "
                "@victor could your team look at the Northwind contract this week?",
            )
            _react(p, legal, ("jordan", "attention"))
    company = _current(p["maya"], day, level="company")
    if company is not None:
        flag = _say(
            comments,
            acting_user=p["daniel"],
            objective=company,
            body="Enterprise is pacing ahead of plan for the quarter. @samuel we may want to "
            "revisit the bookings forecast before the board pack goes out.",
        )
        _react(p, flag, ("samuel", "eyes"), ("maya", "thumbs_up"))
        reply = _say(
            comments,
            acting_user=p["maya"],
            objective=company,
            body="Good news, thank you. Let's take it to Monday's exec sync; @daniel bring "
            "the two deals Priya mentioned.",
        )
        _react(p, reply, ("priya", "party"), ("daniel", "thumbs_up"))
    return len(comments)
