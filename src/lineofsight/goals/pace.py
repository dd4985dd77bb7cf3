"""Status from pace: is a key result where it should be by today?

Pure: plain values in, a ``Pace`` out; no Django, no database, no clock (``today`` is an
argument). Every card, dashboard, digest and API field that shows a key result's status
calls ``key_result_pace``, so the status means the same thing everywhere.

The rules, in order:

1. An abandoned key result has no status (callers leave it out).
2. A key result is judged from the day it **began**: the cycle's first day, or the day it
   was created (or carried over) when that is later. Before then there is nothing to
   judge: ``not_started``.
3. A key result whose check-in is overdue is ``stale``, whatever its figures say: an old
   reading cannot vouch for today. The next check-in is due one cadence period (7, 14 or
   30 days) after the last one; with none yet, by the last day of the first period after it
   began. Overdue means today is past that day. After the cycle ends nothing becomes
   stale.
4. Threshold key results (stay above or below a line) are ``on_track`` while the latest
   reading keeps the line and ``off_track`` while it does not: there is no pace to a line.
5. Reached (progress at 100 %, or a milestone done): ``on_track``.
6. Milestones have no partial progress: ``pending`` while the cycle runs, ``off_track``
   once it has ended not done.
7. Increase and decrease key results compare actual progress with the progress expected by
   today if it advanced evenly from the day it began to the cycle's end: actual / expected
   at or above the
   organisation's "on track from" share (default 0.7) is ``on_track``, under "off track
   below" (default 0.5) ``off_track``, in between ``at_risk``.

The owner's confidence is a separate signal; views show it beside the pace status, never
instead of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from lineofsight.goals.scoring import KeyResultKind, clamp, percent
from lineofsight.people.cadence import Cadence


class PaceStatus(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    STALE = "stale"
    PENDING = "pending"
    NOT_STARTED = "not_started"

    @property
    def label(self) -> str:
        return {
            "on_track": "On track",
            "at_risk": "At risk",
            "off_track": "Off track",
            "stale": "Stale: check-in overdue",
            "pending": "Milestone pending",
            "not_started": "Not started",
        }[self.value]

    @property
    def severity(self) -> int:
        """Higher is worse; used to roll statuses up and to sort risk lists."""
        return {
            "not_started": 0,
            "on_track": 0,
            "pending": 1,
            "at_risk": 2,
            "stale": 3,
            "off_track": 4,
        }[self.value]

    @property
    def needs_attention(self) -> bool:
        return self in (PaceStatus.AT_RISK, PaceStatus.OFF_TRACK, PaceStatus.STALE)


@dataclass(frozen=True)
class PaceThresholds:
    on_track: float = 0.7
    off_track: float = 0.5

    def __post_init__(self) -> None:
        if not (0.0 <= self.off_track <= self.on_track):
            raise ValueError("Thresholds need 0 <= off_track <= on_track.")


@dataclass(frozen=True)
class Pace:
    status: PaceStatus
    expected: float  # progress expected by today, 0.0-1.0
    actual: float  # stored progress, 0.0-1.0
    ratio: float | None  # actual / expected, when both are meaningful
    stale: bool
    due_by: dt.date | None  # the day by which the next check-in is due (None after the cycle)
    explanation: str

    @property
    def label(self) -> str:
        return self.status.label


def elapsed_share(start: dt.date, end: dt.date, today: dt.date) -> float:
    """Share of the cycle (``start`` to ``end`` inclusive) that has passed by the end of
    ``today``: 0.0 before it starts, 1.0 from its last day on."""
    days = (end - start).days + 1
    if days <= 0:
        return 1.0
    passed = (today - start).days + 1
    return clamp(passed / days)


def expected_progress(start: dt.date, end: dt.date, today: dt.date) -> float:
    """Progress expected by the end of ``today`` if it advanced evenly through the cycle."""
    return elapsed_share(start, end, today)


def began_on(cycle_start: dt.date, began: dt.date | None) -> dt.date:
    """The day a key result's schedule starts: the cycle's first day, or the day the key
    result began (was created or carried over) when that is later."""
    return max(cycle_start, began) if began is not None else cycle_start


def next_due(
    *,
    cycle_start: dt.date,
    cycle_end: dt.date,
    last_check_in: dt.date | None,
    cadence: Cadence,
    began: dt.date | None = None,
) -> dt.date | None:
    """The day by which the next check-in is due: a full cadence period after the last one
    (or the last day of the first period after it began when there is none yet), at the
    latest the cycle's last day."""
    start = began_on(cycle_start, began)
    base = last_check_in if last_check_in is not None and last_check_in >= start else None
    due = (base or start) + dt.timedelta(days=cadence.days - (0 if base else 1))
    return min(due, cycle_end)


def missed_periods(
    *,
    cycle_start: dt.date,
    last_check_in: dt.date | None,
    cadence: Cadence,
    today: dt.date,
    began: dt.date | None = None,
) -> int:
    """How many cadence periods have ended without a check-in, up to ``today``: 0 while the
    next check-in is not yet overdue, 1 from the day after it was due, and so on. Periods
    count from the day the key result began (``began_on``)."""
    start = began_on(cycle_start, began)
    if today < start:
        return 0
    base = last_check_in if last_check_in is not None and last_check_in >= start else None
    if base is None:
        # The first period runs from the day it began; it is missed once it has ended.
        return (today - start).days // cadence.days
    return max(0, ((today - base).days - 1) // cadence.days)


def is_stale(
    *,
    cycle_start: dt.date,
    cycle_end: dt.date,
    last_check_in: dt.date | None,
    cadence: Cadence,
    today: dt.date,
    began: dt.date | None = None,
) -> bool:
    if today < began_on(cycle_start, began) or today > cycle_end:
        return False
    return missed_periods(
        cycle_start=cycle_start,
        last_check_in=last_check_in,
        cadence=cadence,
        today=today,
        began=began,
    ) > 0


def _ratio_status(ratio: float, thresholds: PaceThresholds) -> PaceStatus:
    if ratio >= thresholds.on_track:
        return PaceStatus.ON_TRACK
    if ratio < thresholds.off_track:
        return PaceStatus.OFF_TRACK
    return PaceStatus.AT_RISK


def key_result_pace(
    *,
    kind: str,
    progress: float,
    cycle_start: dt.date,
    cycle_end: dt.date,
    today: dt.date,
    last_check_in: dt.date | None,
    cadence: Cadence | str = Cadence.WEEKLY,
    thresholds: PaceThresholds | None = None,
    done: bool = False,
    began: dt.date | None = None,
) -> Pace:
    """The pace status of one key result on ``today`` (see the module's rules); ``began`` is
    the day it was created or carried over."""
    thresholds = thresholds or PaceThresholds()
    cadence = Cadence(cadence)
    kr_kind = KeyResultKind(kind)
    actual = clamp(progress)
    start = began_on(cycle_start, began)
    expected = expected_progress(start, cycle_end, today)
    ended = today > cycle_end
    due = (
        None
        if ended
        else next_due(
            cycle_start=cycle_start,
            cycle_end=cycle_end,
            last_check_in=last_check_in,
            cadence=cadence,
            began=began,
        )
    )
    since_began = "" if start == cycle_start else f" since it began on {start.isoformat()}"
    when = f"by {today.isoformat()} (day {max(0, (today - start).days + 1)} of " \
        f"{(cycle_end - start).days + 1}{since_began})"

    def result(status: PaceStatus, ratio: float | None, text: str, stale: bool = False) -> Pace:
        return Pace(status, expected, actual, ratio, stale, due, text)

    if today < cycle_start:
        return result(
            PaceStatus.NOT_STARTED, None, f"The cycle starts on {cycle_start.isoformat()}."
        )
    if today < start:
        return result(
            PaceStatus.NOT_STARTED, None, f"The key result begins on {start.isoformat()}."
        )
    if is_stale(
        cycle_start=cycle_start,
        cycle_end=cycle_end,
        last_check_in=last_check_in,
        cadence=cadence,
        today=today,
        began=began,
    ):
        since = (
            f"the last one was on {last_check_in.isoformat()}"
            if last_check_in is not None and last_check_in >= start
            else "there has been none since it began"
            if start != cycle_start
            else "there has been none this cycle"
        )
        return result(
            PaceStatus.STALE,
            actual / expected if expected > 0 else None,
            f"A check-in is overdue ({cadence.label.lower()} cadence; {since}), so the figures "
            "cannot vouch for today.",
            stale=True,
        )
    if kr_kind.is_threshold:
        if actual >= 1.0:
            return result(PaceStatus.ON_TRACK, None, "The latest reading keeps the threshold.")
        return result(PaceStatus.OFF_TRACK, None, "The latest reading breaks the threshold.")
    if actual >= 1.0 or (kr_kind is KeyResultKind.MILESTONE and done):
        return result(PaceStatus.ON_TRACK, None, "Reached: progress is at 100 %.")
    if kr_kind is KeyResultKind.MILESTONE:
        if ended:
            return result(
                PaceStatus.OFF_TRACK, None, "The cycle ended with the milestone not done."
            )
        return result(
            PaceStatus.PENDING,
            None,
            "A milestone has no partial progress; the owner's confidence is the signal until "
            "it is done.",
        )
    if expected <= 0:
        return result(PaceStatus.ON_TRACK, None, "Nothing is expected yet.")
    ratio = actual / expected
    status = _ratio_status(ratio, thresholds)
    text = (
        f"Expected {percent(expected)} % {when}; actual {percent(actual)} %, "
        f"{ratio:.2f} of expected. On track from {thresholds.on_track:.2f}, off track under "
        f"{thresholds.off_track:.2f}: {status.label.lower()}."
    )
    return result(status, ratio, text)


@dataclass(frozen=True)
class RiskSummary:
    """Statuses of a set of key results (an objective's, a team's) rolled up."""

    total: int
    counts: dict[str, int]
    worst: PaceStatus | None

    @property
    def attention(self) -> int:
        """Key results at risk, off track or stale."""
        return sum(n for status, n in self.counts.items() if PaceStatus(status).needs_attention)

    @property
    def attention_share(self) -> float:
        return self.attention / self.total if self.total else 0.0


def summarise(statuses: Iterable[PaceStatus | str]) -> RiskSummary:
    counts = {status.value: 0 for status in PaceStatus}
    worst: PaceStatus | None = None
    total = 0
    for raw in statuses:
        status = PaceStatus(raw)
        counts[status.value] += 1
        total += 1
        if worst is None or status.severity > worst.severity:
            worst = status
    return RiskSummary(total, counts, worst)
