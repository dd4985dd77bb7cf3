"""A synthetic large organisation, for benchmarks and for trying the product at scale.

``lineofsight generate --people 10000`` builds one company, about one department per 50
teams and one team per 10 people, with a real reporting line (CEO > department heads > team
leads > members), three objectives per department and per team, two or three per person,
three key results each, every objective aligned (contributing) one level up, and weekly
check-ins over the last ``weeks`` weeks.

Going through the per-row actions would take hours at this size, so rows are bulk-inserted
in batches, each batch in its own transaction, with everything the actions would have
written: revisions, alignment links with their creation time, check-ins dated in the past,
materialised ``manager_path`` and team ``path`` values, the key results' latest readings.
Objective roll-ups are then computed from that history by ``rollup.rebuild()`` and checked
with ``rollup.verify()``. Deterministic for a given seed and day.

``Generator`` runs the stages in order; each stage lives in a module of its own:
``organisation`` (people, teams, reporting lines), ``objectives`` (objectives and their
alignment) and ``key_results`` (key results and their weekly check-in history), with
what they share in ``_common``.
"""

from __future__ import annotations

import datetime as dt
import random
import time
import zoneinfo
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from lineofsight.core import audit
from lineofsight.demo.generator._common import (
    BATCH,
    CHUNK_OBJECTIVES,
    GENERATED_PASSWORD,
    MAX_PEOPLE,
    MIN_PEOPLE,
    GenerateSummary,
    Shape,
    chunks,
)
from lineofsight.demo.generator.key_results import KeyResultStage
from lineofsight.demo.generator.objectives import ObjectiveStage
from lineofsight.demo.generator.organisation import OrganisationStage
from lineofsight.goals import actions as goal_actions
from lineofsight.goals import rollup
from lineofsight.goals.models import Cycle
from lineofsight.people import actions as people_actions

__all__ = [
    "BATCH",
    "CHUNK_OBJECTIVES",
    "GENERATED_PASSWORD",
    "MAX_PEOPLE",
    "MIN_PEOPLE",
    "GenerateSummary",
    "Generator",
    "Shape",
    "chunks",
    "generate",
]


class Generator(OrganisationStage, ObjectiveStage, KeyResultStage):
    """Builds the organisation, its OKRs and their history, one stage after another."""

    def __init__(
        self,
        *,
        people: int,
        seed: int = 1,
        weeks: int = 13,
        stream: Any = None,
        today: dt.date | None = None,
    ) -> None:
        if not MIN_PEOPLE <= people <= MAX_PEOPLE:
            raise ValueError(f"people must be between {MIN_PEOPLE} and {MAX_PEOPLE:,}")
        if not 1 <= weeks <= 52:
            raise ValueError("weeks must be between 1 and 52")
        self.shape = Shape.for_people(people)
        self.seed = seed
        self.weeks = weeks
        self.stream = stream
        self.rng = random.Random(seed)
        self.today_arg = today
        self.summary = GenerateSummary()
        self._progress_cache = {}

    # -- entry point -------------------------------------------------------------------

    def run(self) -> GenerateSummary:
        started = time.perf_counter()
        self._calendar()
        self._stage("people and teams", self._organisation)
        self._stage("objectives", self._objectives)
        self._stage("key results, check-ins", self._key_results)
        self._stage("roll-up", self._rebuild)
        self._stage("verify", self._verify)
        with transaction.atomic():
            audit.record(
                actor=None,
                action="demo.generate",
                data={
                    "people": self.shape.people,
                    "seed": self.seed,
                    "weeks": self.weeks,
                    "objectives": self.summary.objectives,
                    "check_ins": self.summary.check_ins,
                },
            )
        self.summary.seconds = time.perf_counter() - started
        return self.summary

    def _stage(self, name: str, step: Callable[[], None]) -> None:
        started = time.perf_counter()
        step()
        self.summary.stages[name] = time.perf_counter() - started

    # -- calendar ----------------------------------------------------------------------

    def _calendar(self) -> None:
        with transaction.atomic():
            org = people_actions.update_organisation(
                acting_user=None, name=f"Generated organisation ({self.shape.people:,} people)"
            )
        self.tz = zoneinfo.ZoneInfo(org.time_zone)
        self.now = timezone.now()
        today = self.today_arg or timezone.localtime(self.now, self.tz).date()
        start = today - dt.timedelta(days=7 * self.weeks)
        with transaction.atomic():
            self.year = goal_actions.create_cycle(
                acting_user=None,
                name=f"Generated year from {start:%d %b %Y}",
                kind=Cycle.Kind.ANNUAL,
                start_date=start,
                end_date=start + dt.timedelta(days=364),
                state=Cycle.State.ACTIVE,
            )
            self.quarter = goal_actions.create_cycle(
                acting_user=None,
                name=f"Generated quarter from {start:%d %b %Y}",
                kind=Cycle.Kind.QUARTER,
                start_date=start,
                end_date=start + dt.timedelta(days=7 * self.weeks + 6),
                parent=self.year,
                state=Cycle.State.ACTIVE,
            )
        self.planned_at = dt.datetime.combine(
            start - dt.timedelta(days=3), dt.time(9), tzinfo=self.tz
        )
        # The last weekly reading lands an hour ago; the first, ``weeks - 1`` weeks earlier.
        self.last_reading_at = self.now - dt.timedelta(hours=1)

    # -- roll-up -----------------------------------------------------------------------

    def _rebuild(self) -> None:
        bar = self._bar("roll-up", 1)
        with transaction.atomic():
            self.summary.rebuilt = rollup.rebuild()
        if connection.vendor == "postgresql":
            # Fresh planner statistics for the freshly loaded tables, as autovacuum would
            # gather later: queries run right after the build then plan as in steady state.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        bar.advance()
        bar.finish()

    def _verify(self) -> None:
        bar = self._bar("verify", 1)
        differences, checked = rollup.verify()
        bar.advance()
        bar.finish()
        self.summary.verified = checked
        self.summary.differences = len(differences)


def generate(
    *,
    people: int,
    seed: int = 1,
    weeks: int = 13,
    stream: Any = None,
    today: dt.date | None = None,
) -> GenerateSummary:
    return Generator(people=people, seed=seed, weeks=weeks, stream=stream, today=today).run()
