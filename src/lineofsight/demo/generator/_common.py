"""What the generator's stages share: the size limits and batch sizes, the shape of the
organisation for a head count, the summary it reports, and ``GeneratorState``, the settings
and rows each stage reads from the stages before it.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from lineofsight.demo.loader import DEMO_PASSWORD
from lineofsight.demo.progress import ProgressBar
from lineofsight.goals.models import Cycle, Objective
from lineofsight.people.models import Person, Team

GENERATED_PASSWORD = DEMO_PASSWORD
BATCH = 1000  # rows per INSERT statement (the database may lower it)
CHUNK_OBJECTIVES = 1500  # objectives whose key results and check-ins share a transaction
MIN_PEOPLE = 10
MAX_PEOPLE = 1_000_000

T = TypeVar("T")


@dataclass(frozen=True)
class Shape:
    """How big each layer is for a given head count."""

    people: int
    teams: int
    departments: int
    company_objectives: int

    @classmethod
    def for_people(cls, people: int) -> Shape:
        teams = max(1, round(people / 10))
        departments = max(1, round(teams / 50))
        return cls(people, teams, departments, 5 if people >= 1000 else 4)


@dataclass
class GenerateSummary:
    people: int = 0
    departments: int = 0
    teams: int = 0
    objectives: int = 0
    key_results: int = 0
    check_ins: int = 0
    links: int = 0
    rebuilt: int = 0
    verified: int = 0
    differences: int = 0
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass
class _Org:
    ceo: Person
    heads: list[Person]  # one per department
    leads: list[Person]  # one per team
    members: list[list[Person]]  # per team, lead first
    company: Team
    departments: list[Team]
    teams: list[Team]
    team_department: list[int]  # department index of each team


class GeneratorState:
    """What the stages share, set by ``Generator`` and by the stages in the order they run."""

    # Settings, from ``Generator.__init__``.
    shape: Shape
    seed: int
    weeks: int
    stream: Any
    rng: random.Random
    today_arg: dt.date | None
    summary: GenerateSummary
    _progress_cache: dict[tuple[Any, ...], float]
    # The calendar: the time zone, the cycles and when the plans were made.
    tz: zoneinfo.ZoneInfo
    now: dt.datetime
    year: Cycle
    quarter: Cycle
    planned_at: dt.datetime
    last_reading_at: dt.datetime
    # Rows made by the organisation and objective stages.
    password_hash: str
    org: _Org
    objectives: list[Objective]
    owners: dict[int, list[Person]]

    def _bar(self, label: str, total: int) -> ProgressBar:
        return ProgressBar(label, total, self.stream)
