"""The words of every notification: check-in reminders, escalations, weekly digests and
alignment proposals.

Pure: plain dataclasses in, a ``Message`` (subject and plain-text body) out; no Django, no
database, no clock. The same text goes by email and to chat channels (Slack and Microsoft
Teams render it as it is). Links are absolute, built from the site address the caller passes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from lineofsight.core import words
from lineofsight.goals.due import Due, DueState, fmt_day
from lineofsight.goals.pace import PaceStatus
from lineofsight.goals.scoring import Confidence, percent

LIST_LIMIT = 15  # lines per section; the rest is counted ("and 4 more")


@dataclass(frozen=True)
class Message:
    subject: str
    body: str


@dataclass(frozen=True)
class DueLine:
    """A key result that needs a check-in."""

    key_result_id: int
    title: str
    objective_title: str
    owner_name: str
    due: Due


@dataclass(frozen=True)
class DigestLine:
    """A key result as a manager's digest shows it."""

    key_result_id: int
    objective_id: int
    title: str
    objective_title: str
    owner_name: str
    progress: float
    confidence: str  # "" before any check-in
    pace: PaceStatus
    missed: int
    moved_from: float | None  # progress at the start of the week, when it moved since
    checked_in_this_week: bool


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return words.count(n, word, plural)


def _confidence(value: str) -> str:
    return Confidence(value).label if value else "no check-in yet"


def _capped(lines: Sequence[str]) -> list[str]:
    if len(lines) <= LIST_LIMIT:
        return list(lines)
    return [*lines[:LIST_LIMIT], f"  \u2026 and {len(lines) - LIST_LIMIT} more"]


def _due_phrase(due: Due) -> str:
    if due.state is DueState.OVERDUE:
        missed = _plural(due.missed, "check-in")
        return f"overdue since {fmt_day(due.next_due)} ({missed} missed)"
    return "due today"


# -- reminders -----------------------------------------------------------------------------


def reminder(*, name: str, items: Sequence[DueLine], check_in_url: str) -> Message:
    """To a key-result owner: what is due today or overdue, and where to check in."""
    overdue = sum(1 for i in items if i.due.state is DueState.OVERDUE)
    count = _plural(len(items), "key result")
    if overdue:
        subject = f"Check-in overdue: {count} waiting for an update"
    else:
        subject = f"Check-in due today: {count}"
    lines = [
        f"  - {i.title} ({i.objective_title}): {_due_phrase(i.due)}"
        for i in sorted(items, key=lambda i: (-i.due.missed, i.objective_title, i.title))
    ]
    body = "\n".join(
        [
            f"Hello {name},",
            "",
            "These key results of yours are waiting for a check-in:",
            *_capped(lines),
            "",
            f"Check in on all of them at once: {check_in_url}",
            "A check-in takes a minute: the current value, how confident you are, any "
            "blockers. It keeps everyone's progress current.",
        ]
    )
    return Message(subject, body)


def nudge(
    *, name: str, manager_name: str, items: Sequence[DueLine], check_in_url: str
) -> Message:
    """To a report whose manager asked for a check-in now (the nudge on their home)."""
    if items:
        base = reminder(name=name, items=items, check_in_url=check_in_url)
        intro = f"{manager_name} asked you for a check-in."
        body = base.body.replace(f"Hello {name},\n", f"Hello {name},\n\n{intro}", 1)
        return Message(f"{manager_name} asks for a check-in: {base.subject[0].lower()}"
                       f"{base.subject[1:]}", body)
    body = "\n".join(
        [
            f"Hello {name},",
            "",
            f"{manager_name} asked you for a check-in. Nothing of yours is overdue, but a "
            "fresh reading and your confidence help them see where things stand.",
            "",
            f"Check in: {check_in_url}",
        ]
    )
    return Message(f"{manager_name} asks for a check-in", body)


# -- escalations ---------------------------------------------------------------------------


def escalation(
    *,
    manager_name: str,
    owner_name: str,
    items: Sequence[DueLine],
    after_misses: int,
    person_url: str,
    check_in_url: str,
) -> Message:
    """To an owner's manager after ``after_misses`` missed check-ins in a row."""
    subject = f"{owner_name} has missed {_plural(after_misses, 'check-in')} in a row"
    lines = [
        f"  - {i.title} ({i.objective_title}): {_due_phrase(i.due)}"
        for i in sorted(items, key=lambda i: (-i.due.missed, i.title))
    ]
    body = "\n".join(
        [
            f"Hello {manager_name},",
            "",
            f"{owner_name} has not checked in on these key results for "
            f"{_plural(after_misses, 'period')} or more in a row:",
            *_capped(lines),
            "",
            "A word in your next one-to-one usually helps: is the key result still the right "
            "one, is something blocking it, or has it simply slipped? You are told once per "
            "streak; the streak ends with the next check-in.",
            f"Their OKRs: {person_url}",
            f"(They check in at {check_in_url})",
        ]
    )
    return Message(subject, body)


@dataclass(frozen=True)
class BlockerLine:
    text: str
    key_result_title: str
    objective_title: str
    days_open: int
    state_label: str
    assignee_name: str  # empty when nobody is assigned
    raiser_name: str
    url: str


def blocker_escalation(*, manager_name: str, line: BlockerLine, limit_days: int) -> Message:
    """To someone in the manager chain of a blocker's assignee (or raiser) once it has sat
    unresolved for ``limit_days`` more, one step up the chain per period."""
    subject = (
        f"A blocker on “{line.key_result_title}” has been unresolved for "
        f"{_plural(line.days_open, 'day')}"
    )
    body = "\n".join(
        [
            f"Hello {manager_name},",
            "",
            f"This blocker on “{line.key_result_title}” ({line.objective_title}) has been "
            f"{line.state_label.lower()} for {_plural(line.days_open, 'day')}, past the "
            f"organisation's limit of {_plural(limit_days, 'day')}:",
            f"  “{line.text}”",
            f"Raised by {line.raiser_name}; "
            + (f"assigned to {line.assignee_name}." if line.assignee_name else "not assigned."),
            "",
            "Can you help clear it, or hand it to someone who can? You are told once; if it "
            "stays unresolved for another period, the next manager up is told.",
            f"The blocker: {line.url}",
        ]
    )
    return Message(subject, body)


# -- digests -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Digest:
    name: str
    today: dt.date
    since: dt.date
    lines: Sequence[DigestLine]
    hidden: int  # key results left out because the channel is shared (chat) or not visible
    site_url: str
    shared_channel: bool = False


def _needs_attention(lines: Sequence[DigestLine]) -> list[DigestLine]:
    return sorted(
        (line for line in lines if line.pace.needs_attention),
        key=lambda line: (-line.pace.severity, line.progress, line.title),
    )


def digest(data: Digest) -> Message:
    """A manager's weekly digest: what needs attention (by pace), missed check-ins, and what
    moved since the same day last week."""
    lines = data.lines
    attention = _needs_attention(lines)
    missed = sorted(
        (line for line in lines if line.missed > 0), key=lambda line: (-line.missed, line.title)
    )
    moved = sorted(
        (
            line
            for line in lines
            if line.moved_from is not None
            and line.checked_in_this_week
            and percent(line.moved_from) != percent(line.progress)
        ),
        key=lambda line: (-(line.progress - (line.moved_from or 0.0)), line.title),
    )
    on_time = sum(1 for line in lines if line.checked_in_this_week)
    needs = "needs" if len(attention) == 1 else "need"
    subject = (
        f"Weekly OKR digest, {fmt_day(data.today)}: {_plural(len(attention), 'key result')} "
        f"{needs} attention"
        if attention
        else f"Weekly OKR digest, {fmt_day(data.today)}: nothing needs attention"
    )
    out = [
        f"Hello {data.name},",
        "",
        f"Your team's key results this week ({fmt_day(data.since)} to "
        f"{fmt_day(data.today - dt.timedelta(days=1))}): {_plural(len(lines), 'key result')}, "
        f"{on_time} checked in during the week.",
        "",
        "Needs attention (status from pace: at risk, off track, or stale when a check-in is "
        "overdue):",
    ]
    out += _capped(
        [
            f"  - {line.pace.label}: {line.title} ({line.owner_name}, "
            f"{line.objective_title}) at {percent(line.progress)} %, owner's confidence: "
            f"{_confidence(line.confidence).lower()}"
            for line in attention
        ]
    ) or ["  Nothing: every key result is on track by pace."]
    out += ["", "Missed check-ins:"]
    out += _capped(
        [
            f"  - {line.owner_name}: {line.title} ({_plural(line.missed, 'check-in')} missed)"
            for line in missed
        ]
    ) or ["  None."]
    out += ["", "What moved since last week:"]
    out += _capped(
        [
            f"  - {line.title} ({line.owner_name}): {percent(line.moved_from or 0.0)} % "
            f"\u2192 {percent(line.progress)} % ({_signed(line)})"
            for line in moved
        ]
    ) or ["  No progress changed this week."]
    if data.hidden:
        where = (
            "this channel is shared, so only key results of public objectives are listed"
            if data.shared_channel
            else "you cannot see their objectives"
        )
        out += [
            "",
            f"{_plural(data.hidden, 'more key result')} left out: {where}. Open Line of Sight "
            "to see them.",
        ]
    out += ["", f"Open Line of Sight: {data.site_url}"]
    return Message(subject, "\n".join(out))


def _signed(line: DigestLine) -> str:
    delta = percent(line.progress) - percent(line.moved_from or 0.0)
    return f"{delta:+d} points"


# -- alignment proposals ---------------------------------------------------------------------


def alignment_proposed(
    *,
    name: str,
    proposer: str,
    child_title: str,
    parent_title: str,
    weight: float,
    url: str,
) -> Message:
    """To the people who decide what counts towards an objective: someone who may not edit
    it proposes that their objective contributes to it."""
    subject = (
        f"{proposer} proposes that \u201c{child_title}\u201d counts towards "
        f"\u201c{parent_title}\u201d"
    )
    body = "\n".join(
        [
            f"Hello {name},",
            "",
            f"{proposer} proposes that \u201c{child_title}\u201d contributes to "
            f"\u201c{parent_title}\u201d with weight {weight:g}.",
            "Until you (or another of its editors) accept it, it is shown as a proposal and "
            "counts nowhere: not in the progress, the explanation, the dashboards or the "
            "forecast.",
            "",
            f"Accept it (keeping or changing the weight) or decline it with a reason: {url}",
        ]
    )
    return Message(subject, body)


def alignment_decided(
    *,
    name: str,
    decided_by: str,
    child_title: str,
    parent_title: str,
    accepted: bool,
    weight: float,
    reason: str,
    url: str,
) -> Message:
    """To the proposer: the answer to their proposal."""
    what = f"\u201c{child_title}\u201d towards \u201c{parent_title}\u201d"
    if accepted:
        subject = f"Accepted: {what}"
        lines = [f"{decided_by} accepted your proposal: {what} now counts, with weight {weight:g}."]
    else:
        subject = f"Declined: {what}"
        lines = [
            f"{decided_by} declined your proposal: {what} does not count.",
            "",
            f"Why: {reason}",
        ]
    body = "\n".join([f"Hello {name},", "", *lines, "", f"See it: {url}"])
    return Message(subject, body)


# -- discussion ------------------------------------------------------------------------------

EXCERPT = 280


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1].rstrip() + "\u2026"


def mentioned(*, name: str, author: str, about: str, text: str, url: str) -> Message:
    """To someone mentioned in a comment (who may see what it is about)."""
    subject = f"{author} mentioned you on \u201c{about}\u201d"
    body = "\n".join(
        [f"Hello {name},", "", f"{author} wrote:", "", f"  {_excerpt(text)}", "", f"Reply: {url}"]
    )
    return Message(subject, body)


def replied(*, name: str, author: str, about: str, text: str, url: str) -> Message:
    """To the others in a thread (earlier writers, the check-in's author)."""
    subject = f"{author} replied on \u201c{about}\u201d"
    body = "\n".join(
        [
            f"Hello {name},",
            "",
            f"{author} wrote in a discussion you took part in:",
            "",
            f"  {_excerpt(text)}",
            "",
            f"See the thread: {url}",
        ]
    )
    return Message(subject, body)


# -- a parent objective changed --------------------------------------------------------------


def parent_changed(
    *,
    name: str,
    changed_by: str,
    parent_title: str,
    child_titles: Sequence[str],
    abandoned: bool,
    reason: str,
    url: str,
) -> Message:
    """To the owners of objectives aligned to an objective that was revised or abandoned."""
    verb = "abandoned" if abandoned else "revised"
    subject = f"\u201c{parent_title}\u201d was {verb}"
    yours = ", ".join(f"\u201c{t}\u201d" for t in child_titles[:5])
    if len(child_titles) > 5:
        yours += f" and {len(child_titles) - 5} more"
    lines = [
        f"Hello {name},",
        "",
        f"{changed_by} {verb} \u201c{parent_title}\u201d, which {yours} "
        f"{'aligns' if len(child_titles) == 1 else 'align'} to.",
    ]
    if reason:
        lines += ["", f"Why: {reason}"]
    if abandoned:
        lines += [
            "",
            "It no longer counts anywhere; consider aligning yours to another objective.",
        ]
    lines += ["", f"See it: {url}"]
    return Message(subject, "\n".join(lines))


# -- a team retrospective published ----------------------------------------------------------


def team_retrospective_published(
    *, name: str, published_by: str, team: str, cycle: str, url: str
) -> Message:
    """To a team's lead and members when its retrospective is published. It names the team
    and the cycle only: the retrospective itself is read on its page."""
    subject = f"{team}'s retrospective of {cycle} is published"
    lines = [
        f"Hello {name},",
        "",
        f"{published_by} published {team}'s retrospective of {cycle}: what moved, what "
        "didn't, what the team learned and what it will change.",
        "",
        f"Read it: {url}",
    ]
    return Message(subject, "\n".join(lines))


# -- the daily summary -----------------------------------------------------------------------


@dataclass(frozen=True)
class InboxLine:
    subject: str
    url: str


def daily_summary(*, name: str, unread: int, items: Sequence[InboxLine], inbox_url: str) -> Message:
    """Once a day, for people who chose it: what is unread in their inbox."""
    subject = f"{_plural(unread, 'unread message')} in Line of Sight"
    lines = [f"Hello {name},", "", f"You have {_plural(unread, 'unread message')}:", ""]
    shown = [f"- {i.subject}" + (f" ({i.url})" if i.url else "") for i in items]
    lines += _capped(shown)
    lines += ["", f"Open your inbox: {inbox_url}"]
    return Message(subject, "\n".join(lines))
