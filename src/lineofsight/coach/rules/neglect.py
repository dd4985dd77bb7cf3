"""Check 7, neglect: OKRs set and then left alone (cascading as a reporting exercise).

As of ``CycleFacts.today``, for the cycle's active objectives and their key results
measured by check-ins (not those rolled up from aligned objectives) -- including the key
results an annual objective has for this quarter (``KeyResultFacts.cycle_id``):

* ``neglect.objective_not_updated``: past the middle of the cycle, none of an objective's key
  results has ever been checked in on, and each has had a full cadence period to get its
  first one.
* ``neglect.stale_key_result``: while the cycle runs, a key result whose last check-in (or,
  with none, the day it began) is further back than ``neglect_missed_check_ins`` cadence
  periods (2 by default: a weekly key result after more than 14 days, so a check-in a few
  days late is not neglect). Key results of an objective reported above are not repeated.
* ``neglect.untouched_at_close``: in the last ``closing_days`` of the cycle, key results
  never checked in on that have had a full cadence period to get a first check-in; once the
  cycle is closed, every key result never checked in on (one finding for the cycle).

Everything counts from the day a key result **began**: the cycle's first day, or the day its
objective or the key result itself was created (or carried over) when that is later. An
objective set up minutes ago is never "not updated".
"""

from __future__ import annotations

from datetime import date, timedelta

from .common import listing, live_key_results, plural, quoted
from .facts import CoachSettings, CycleFacts, KeyResultFacts, ObjectiveFacts, Population
from .findings import Finding, Level, Subject

CHECK = "neglect"

_CADENCES = {7: "weekly", 14: "every two weeks", 30: "monthly", 31: "monthly"}


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _day(day: date) -> str:
    return f"{day.day:02d} {_MONTHS[day.month - 1]} {day.year}"


def _cadence(days: int) -> str:
    return _CADENCES.get(days, f"every {plural(days, 'day')}")


def _tracked(kr: KeyResultFacts) -> bool:
    return kr.source != "aligned"


def _cycle_of(objective: ObjectiveFacts, kr: KeyResultFacts) -> int:
    return kr.cycle_id if kr.cycle_id is not None else objective.cycle_id


def _never_touched(kr: KeyResultFacts) -> bool:
    return kr.check_in_count == 0 and kr.last_check_in_at is None


def _began(objective: ObjectiveFacts, kr: KeyResultFacts, cycle: CycleFacts) -> date:
    """The day the key result began: the cycle's first day, or the day its objective or the
    key result was created, whichever is latest."""
    days = [cycle.start_date]
    days += [when.date() for when in (objective.created_at, kr.created_at) if when is not None]
    return max(days)


def _first_check_in_overdue(
    objective: ObjectiveFacts, kr: KeyResultFacts, cycle: CycleFacts
) -> bool:
    """Whether a full cadence period has passed since the key result began."""
    return (cycle.today - _began(objective, kr, cycle)).days > kr.cadence_days


def _midpoint(cycle: CycleFacts) -> date:
    return cycle.start_date + (cycle.end_date - cycle.start_date) / 2


def _closing(cycle: CycleFacts, settings: CoachSettings) -> bool:
    return cycle.closed or cycle.today > cycle.end_date - timedelta(days=settings.closing_days)


def check_neglect(population: Population, settings: CoachSettings | None = None) -> list[Finding]:
    settings = settings or CoachSettings()
    cycle = population.cycle
    if cycle.today < cycle.start_date:
        return []
    # The cycle's active objectives with their key results set for this cycle and measured
    # by check-ins (an annual objective takes part through its key results for the quarter).
    tracked: list[tuple[ObjectiveFacts, list[KeyResultFacts]]] = []
    for objective in population.objectives:
        if objective.state != "active":
            continue
        krs = [
            kr
            for kr in live_key_results(objective)
            if _tracked(kr) and _cycle_of(objective, kr) == cycle.id
        ]
        if krs:
            tracked.append((objective, krs))
    findings: list[Finding] = []
    reported: set[int] = set()
    if not cycle.closed and cycle.today >= _midpoint(cycle):
        for objective, krs in tracked:
            if all(
                _never_touched(kr) and _first_check_in_overdue(objective, kr, cycle) for kr in krs
            ):
                reported.add(objective.id)
                findings.append(_not_updated(objective, krs, cycle))
    if not cycle.closed and cycle.today <= cycle.end_date:
        for objective, krs in tracked:
            if objective.id in reported:
                continue
            for kr in krs:
                finding = _stale(objective, kr, cycle, settings.neglect_missed_check_ins)
                if finding is not None:
                    findings.append(finding)
    if _closing(cycle, settings):
        untouched = [
            kr
            for objective, krs in tracked
            for kr in krs
            if _never_touched(kr)
            and (cycle.closed or _first_check_in_overdue(objective, kr, cycle))
        ]
        if untouched:
            total = sum(len(krs) for _, krs in tracked)
            findings.append(_untouched(cycle, untouched, total))
    return findings


def _not_updated(
    objective: ObjectiveFacts, krs: list[KeyResultFacts], cycle: CycleFacts
) -> Finding:
    return Finding(
        check=CHECK,
        code="neglect.objective_not_updated",
        level=Level.WARNING,
        subject=Subject.OBJECTIVE,
        subject_id=objective.id,
        objective_id=objective.id,
        message=(
            f"{cycle.name} is past its midpoint and none of the {plural(len(krs), 'key result')} "
            f"of {quoted(objective.title)} has had a check-in yet."
        ),
        suggestion=(
            "Record where each key result stands today, even if nothing has moved: a first "
            "check-in with a confidence and a blocker is worth more than a perfect one at the "
            "end. If the objective no longer matters, abandon it and say why."
        ),
    )


def _stale(
    objective: ObjectiveFacts, kr: KeyResultFacts, cycle: CycleFacts, missed: int = 1
) -> Finding | None:
    if kr.last_check_in_at is not None:
        since = kr.last_check_in_at.date()
        what = f"was last checked in on {_day(since)}"
    else:
        since = _began(objective, kr, cycle)
        what = f"has had no check-in since {_day(since)}"
    days = (cycle.today - since).days
    allowed = kr.cadence_days * max(missed, 1)
    if days <= allowed:
        return None
    missing = days // kr.cadence_days
    return Finding(
        check=CHECK,
        code="neglect.stale_key_result",
        level=Level.WARNING,
        subject=Subject.KEY_RESULT,
        subject_id=kr.id,
        objective_id=objective.id,
        message=(
            f"{quoted(kr.title)} {what}, {plural(days, 'day')} ago; its check-ins are due "
            f"{_cadence(kr.cadence_days)} ({plural(kr.cadence_days, 'day')}), so "
            f"{plural(missing, 'check-in has', 'check-ins have')} been missed."
        ),
        suggestion=(
            "A short check-in now -- the current value, a confidence, any blocker -- keeps "
            "the team and the roll-up honest. If the cadence does not fit this key result, "
            "change it rather than skip check-ins."
        ),
    )


def _untouched(cycle: CycleFacts, untouched: list[KeyResultFacts], total: int) -> Finding:
    if cycle.closed:
        when = f"{cycle.name} closed with"
    else:
        left = (cycle.end_date - cycle.today).days
        when = f"{cycle.name} closes in {plural(left, 'day')} with"
    return Finding(
        check=CHECK,
        code="neglect.untouched_at_close",
        level=Level.WARNING,
        subject=Subject.CYCLE,
        subject_id=cycle.id,
        message=(
            f"{when} {len(untouched)} of {plural(total, 'key result')} never checked in on: "
            f"{listing((quoted(kr.title) for kr in untouched), limit=5)}."
        ),
        suggestion=(
            "Ask their owners for a final reading before the grades are frozen, and talk in "
            "the retrospective about why they were set and then left alone."
        ),
    )
