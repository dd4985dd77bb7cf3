"""The evidence pack as plain data: what the page, the PDF and the API show.

Pure dataclasses (no Django), filled by ``reviews.evidence.selectors``. ``as_dict`` gives
the API its JSON with the same numbers the page prints.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from lineofsight.reviews.evidence import narrative


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def percent(progress: float | None) -> int | None:
    if progress is None:
        return None
    return int(min(1.0, max(0.0, progress)) * 100 + 0.5 + 1e-9)


@dataclass
class CheckInRow:
    at: dt.datetime
    value: float | None
    done: bool | None
    confidence: str
    note: str = ""
    blockers: str = ""


@dataclass
class KeyResultRow:
    id: int
    title: str
    kind: str
    unit: str
    signal: str
    owner: str
    start: float | None
    target: float | None
    actual: float | None  # the last reading by the end (None: no reading)
    done: bool | None
    progress: float  # 0.0-1.0 at the end
    confidence: str  # the last call by the end
    computed_grade: float | None = None
    adjusted_grade: float | None = None
    grade_reason: str = ""
    abandoned: str = ""  # "abandoned on 2026-08-10: ..., not counted"
    revision: str = ""  # the definition in force at the end, when it was revised
    trend: str = ""  # confidence over the cycle, in words
    check_ins: list[CheckInRow] = field(default_factory=list)  # those recorded in the period
    cycle: str = ""  # its own cycle (a quarter, for a rolling annual objective's key result)

    @property
    def percent(self) -> int | None:
        return percent(self.progress)

    @property
    def measure(self) -> narrative.Measure:
        return narrative.Measure(
            title=self.title,
            kind=self.kind,
            unit=self.unit,
            start=self.start,
            target=self.target,
            actual=self.actual,
            done=self.done,
            abandoned=bool(self.abandoned),
        )

    @property
    def planned(self) -> str:
        if self.kind == "milestone":
            return "done"
        if self.kind in ("stay_above", "stay_below"):
            sign = "at or above" if self.kind == "stay_above" else "at or below"
            return f"{sign} {narrative.number(self.target)}"
        return f"{narrative.number(self.start)} → {narrative.number(self.target)}"

    @property
    def landed(self) -> str:
        if self.kind == "milestone":
            return "done" if self.done else "not done"
        return narrative.number(self.actual) if self.actual is not None else "no reading"

    @property
    def spark(self) -> list[int]:
        """Progress-like heights (0-100) of the readings, for a small chart."""
        if self.kind == "milestone":
            return [100 if c.done else 0 for c in self.check_ins]
        if self.start is None or self.target is None or self.target == self.start:
            return []
        span = self.target - self.start
        return [
            max(0, min(100, round(100 * ((c.value or 0.0) - self.start) / span)))
            for c in self.check_ins
            if c.value is not None
        ]


@dataclass
class Retro:
    what_happened: str
    in_control: str
    learned: str
    decision: str


@dataclass
class ObjectiveRow:
    id: int
    title: str
    level: str
    owner: str
    cycle: str
    commitment: str
    state: str  # at the end
    progress: float | None  # at the end; None when it did not exist then
    computed_grade: float | None = None
    adjusted_grade: float | None = None
    grade_reason: str = ""
    rationale: str = ""
    abandoned: str = ""
    key_results: list[KeyResultRow] = field(default_factory=list)
    retrospective: Retro | None = None
    fed: list[str] = field(default_factory=list)  # "Sales: Generate ..." it was aligned to

    @property
    def percent(self) -> int | None:
        return percent(self.progress)

    @property
    def grade(self) -> float | None:
        return self.adjusted_grade if self.adjusted_grade is not None else self.computed_grade


@dataclass
class Shift:
    """A recorded strategy shift during the cycle: a revised or abandoned definition."""

    at: dt.datetime
    subject: str  # "objective" or "key result"
    title: str
    change: str  # what changed, in words
    reason: str
    author: str


@dataclass
class TeamBlock:
    team: str
    objectives: list[ObjectiveRow]


@dataclass
class Context:
    company: list[ObjectiveRow]
    teams: list[TeamBlock]
    shifts: list[Shift]


@dataclass
class InitiativeRow:
    title: str
    state: str
    key_result: str
    key_result_owner: str


@dataclass
class KudosRow:
    at: dt.datetime
    author: str
    message: str
    key_result: str


@dataclass
class FeedbackSummary:
    """Peer feedback as far as the viewer may see it: named answers by author; anonymous
    ones only counted (their aggregate is on the review page, from three answers up)."""

    requested: int
    submitted: int
    named_authors: list[str]
    anonymous_submitted: int
    anonymous_shown: bool
    note: str


@dataclass
class Contribution:
    story: str
    fed: list[narrative.Destination]
    company: narrative.Measure | None
    initiatives: list[InitiativeRow]
    feedback: FeedbackSummary
    kudos: list[KudosRow]


@dataclass
class DraftRow:
    id: int
    objective_id: int
    title: str
    rationale: str
    state: str
    parent_id: int | None
    parent: str  # "Sales: Generate ..."
    key_results: list[str]
    published: bool
    visibility: str = ""  # who sees the objective: private until its owner chooses


@dataclass
class Forward:
    next_cycle: str | None
    team_objectives: list[ObjectiveRow]
    drafts: list[DraftRow]
    can_edit: bool
    is_owner: bool = False  # the viewer owns the drafts: they choose who sees them


@dataclass
class Period:
    """An OKR cycle the pack covers: the review's cycle, and the year around a quarter or the
    quarters inside a year."""

    name: str
    kind: str  # "quarter" or "annual"
    start: dt.date
    end: dt.date


@dataclass
class ObjectiveGroup:
    label: str
    objectives: list[ObjectiveRow]


@dataclass
class Pack:
    review_id: int
    person: str
    person_id: int
    review_cycle: str
    goal_cycle: str
    as_of: dt.datetime
    ended: bool
    pending: bool
    context: Context
    objectives: list[ObjectiveRow]
    contribution: Contribution
    forward: Forward
    periods: list[Period] = field(default_factory=list)  # the review's cycle first
    # Objectives of a team or of someone else on which the person owns key results: those
    # key results only.
    other_objectives: list[ObjectiveRow] = field(default_factory=list)
    # The person's development goals (growth, skills): tracked like the others but kept out
    # of attainment and of the contribution story; shown in the growth section.
    growth: list[ObjectiveRow] = field(default_factory=list)

    @property
    def annual(self) -> bool:
        return bool(self.periods) and self.periods[0].kind == "annual"

    @property
    def objective_groups(self) -> list[ObjectiveGroup]:
        """The person's objectives by cycle, in the order of ``periods`` (an annual review:
        the year's own objectives, then each quarter's)."""
        kinds = {p.name: p.kind for p in self.periods}
        order = {name: i for i, name in enumerate(kinds)}
        groups: dict[str, list[ObjectiveRow]] = {}
        for o in sorted(self.objectives, key=lambda o: order.get(o.cycle, len(order))):
            groups.setdefault(o.cycle, []).append(o)
        return [
            ObjectiveGroup(f"{name}: the year" if kinds.get(name) == "annual" else name, rows)
            for name, rows in groups.items()
        ]

    @property
    def key_results(self) -> list[KeyResultRow]:
        return [kr for o in self.objectives for kr in o.key_results]

    def as_dict(self) -> dict[str, Any]:
        return _plain(self)  # type: ignore[no-any-return]
