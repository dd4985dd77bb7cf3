"""What the generator's stages share: the size limits and batch sizes, the shape of the
organisation for a head count, the summary it reports, and ``GeneratorState``, the settings
and rows each stage reads from the stages before it.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.management.color import no_style
from django.db import connection, models, transaction

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


def next_id(model: type[models.Model]) -> int:
    """The first id after every row of ``model``'s table, for rows given their ids here."""
    top = model._default_manager.aggregate(top=models.Max("pk"))["top"]
    return int(top or 0) + 1


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """Write plain rows (values in ``columns`` order, by column name) into ``model``'s
    table, past the ORM: ``COPY`` on PostgreSQL, one ``executemany`` on SQLite. The history
    runs to millions of readings, and building a model instance and an INSERT for each took
    most of the generator's time."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        adapt = connection.ops.adapt_datetimefield_value
        cursor.executemany(
            f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})",  # noqa: S608
            [tuple(adapt(v) if isinstance(v, dt.datetime) else v for v in row) for row in rows],
        )


def stored_datetime(value: dt.datetime) -> str:
    """``value`` as text the database reads as the same moment, for ``insert_rows``. Turning
    a datetime into text is most of the cost of writing a check-in's row, so moments written
    over and over are turned into text once."""
    if connection.vendor == "postgresql":
        return value.isoformat()
    return str(connection.ops.adapt_datetimefield_value(value))


@contextmanager
def bulk_load(*model_list: type[models.Model]) -> Iterator[None]:
    """On PostgreSQL, one transaction in which the tables of ``model_list`` are filled without
    their foreign keys, which are added back at the end. A key kept during the load checks
    each row with a look-up of its own when the transaction commits; adding it back checks
    every row in one pass. If anything fails, the rollback brings the keys back as they were.
    Elsewhere (SQLite, whose keys are checked as rows are written) it does nothing."""
    if connection.vendor != "postgresql":
        yield
        return
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        # Rows written earlier in an enclosing transaction are checked now: a table with
        # checks still pending cannot be altered.
        connection.check_constraints()
        keys: list[tuple[str, str, str]] = []
        for model in model_list:
            table = model._meta.db_table
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
                [quote(table)],
            )
            keys += [(table, name, definition) for name, definition in cursor.fetchall()]
        for table, name, _ in keys:
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        yield
        for table, name, definition in keys:
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")


def insert_objects(objects: Sequence[models.Model]) -> None:
    """Write unsaved model instances that nothing reads back (revisions, links) with
    ``insert_rows``: each field's value as the instance holds it (JSON encoded for the
    database), without the ORM compiling an INSERT. Instances given their ids here (all or
    none) are written with them."""
    if not objects:
        return
    model = type(objects[0])
    with_ids = objects[0].pk is not None
    fields = [f for f in model._meta.concrete_fields if with_ids or not f.primary_key]
    encoded = {f.attname for f in fields if f.get_internal_type() == "JSONField"}
    rows = (
        [
            f.get_db_prep_save(f.pre_save(obj, True), connection)
            if f.attname in encoded
            else f.pre_save(obj, True)
            for f in fields
        ]
        for obj in objects
    )
    insert_rows(model, [f.column or f.attname for f in fields], rows)


def reset_sequences(*model_list: type[models.Model]) -> None:
    """After rows written with their ids: the next row the ORM makes takes the next id."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_list))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


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
    _stamps: list[list[tuple[dt.datetime, str]]]  # when a reading may land, by week
    # Rows made by the organisation and objective stages.
    password_hash: str
    org: _Org
    objectives: list[Objective]
    owners: dict[int, list[Person]]

    def _bar(self, label: str, total: int) -> ProgressBar:
        return ProgressBar(label, total, self.stream)
