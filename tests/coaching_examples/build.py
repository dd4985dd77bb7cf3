"""Short builders for the labelled examples: facts with fresh ids and sensible defaults."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from lineofsight.coach.rules import meaning
from lineofsight.coach.rules.facts import (
    CycleFacts,
    KeyResultFacts,
    ObjectiveFacts,
    Population,
)

_ids = itertools.count(1000)

# A quarter: 1 Jul - 30 Sep 2026 (92 days, midpoint 15 Aug), looked at on 1 Aug.
QUARTER = CycleFacts(
    id=30, name="Q3 2026", start_date=date(2026, 7, 1), end_date=date(2026, 9, 30),
    today=date(2026, 8, 1),
)
YEAR_ID = 20  # the annual cycle company objectives belong to

PEOPLE = {
    1: "Cora Reyes", 2: "Hana Ito", 3: "Sam Okafor", 4: "Ava Lindqvist", 5: "Pia Novak",
    6: "Eli Brandt", 7: "Dev Patel", 8: "Otto Keller", 9: "Mira Haddad", 10: "Jon Weiss",
}
TEAMS = {
    1: "Acme", 2: "Sales", 3: "Enterprise Sales", 4: "Marketing", 5: "Engineering",
    6: "Platform", 7: "Legal", 8: "Finance", 9: "Operations", 10: "People Ops",
    11: "Customer Success",
}
TEAM = {name: team_id for team_id, name in TEAMS.items()}


def next_id() -> int:
    return next(_ids)


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def kr(
    title: str,
    kind: str = "increase",
    start: float | None = 0.0,
    target: float | None = 10.0,
    unit: str = "",
    signal: str = "lagging",
    **kw: Any,
) -> KeyResultFacts:
    if kind == "milestone":
        start, target = kw.pop("start_value", None), kw.pop("target_value", None)
    return KeyResultFacts(
        id=kw.pop("id") if "id" in kw else next_id(), objective_id=0, title=title, kind=kind,
        unit=unit, start_value=start, target_value=target, signal=signal, **kw,
    )


def filler_krs(count: int) -> tuple[KeyResultFacts, ...]:
    """``count`` unremarkable, measurable key results (one leading, the rest lagging)."""
    titles = [
        ("Qualified opportunities created", "leading"),
        ("Net revenue retention", "lagging"),
        ("Median time to first response", "leading"),
        ("Gross margin", "lagging"),
        ("Trial-to-paid conversion", "lagging"),
        ("Escaped defects per release", "lagging"),
        ("Onboarding completion", "lagging"),
    ]
    out = []
    for i in range(count):
        n = next_id()  # distinct figures, so no two fillers ever repeat each other
        title, signal = titles[i % len(titles)]
        out.append(kr(f"{title} from {n % 97} to {n % 97 + 25}", start=n % 97,
                      target=n % 97 + 25 + n / 1000, signal=signal))
    return tuple(out)


def obj(
    title: str,
    level: str = "team",
    krs: tuple[KeyResultFacts, ...] | None = None,
    *,
    team: str | None = None,
    person: int | None = None,
    cycle_id: int | None = None,
    **kw: Any,
) -> ObjectiveFacts:
    objective_id = kw.pop("id") if "id" in kw else next_id()
    krs = filler_krs(3) if krs is None else krs
    if cycle_id is None:
        cycle_id = YEAR_ID if level == "company" else QUARTER.id
    if level == "company" and team is None and person is None:
        team = "Acme"
    return ObjectiveFacts(
        id=objective_id, title=title, level=level, cycle_id=cycle_id,
        owner_team_id=TEAM[team] if team else None, owner_person_id=person,
        key_results=tuple(replace(k, objective_id=objective_id) for k in krs), **kw,
    )


def population(
    *objectives: ObjectiveFacts,
    parents: tuple[ObjectiveFacts, ...] = (),
    cycle: CycleFacts = QUARTER,
    **kw: Any,
) -> Population:
    everything = (*objectives, *parents)
    return Population(
        cycle=cycle,
        objectives=tuple(objectives),
        parents={p.id: p for p in parents},
        key_result_objective={k.id: o.id for o in everything for k in o.key_results},
        people_names=PEOPLE,
        team_names=TEAMS,
        **kw,
    )


@contextmanager
def meaning_off() -> Iterator[None]:
    """The coach with its word lists alone, as without the wording model installed."""
    meaning.use_meaning(False)
    try:
        yield
    finally:
        meaning.use_meaning(True)
