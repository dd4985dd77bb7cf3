"""Thin teams: fewer team objectives in the quarter than the organisation expects (3)."""

from __future__ import annotations

from lineofsight.coach.rules.facts import CoachSettings

from . import Example, flags
from .build import TEAM, obj, population

FEW = "thin_team.few_objectives"


def _examples() -> list[Example]:
    out: list[Example] = []

    def add(name: str, pop: object, *expected: tuple[str, int],
            settings: CoachSettings | None = None) -> None:
        out.append(Example(name, pop, flags(*expected), settings))  # type: ignore[arg-type]

    def team(name: str, count: int, **kw: object) -> tuple[object, ...]:
        return tuple(obj(f"{name} objective {n}", team=name, **kw)  # type: ignore[arg-type]
                     for n in range(count))

    add("sales: three objectives", population(*team("Sales", 3)))  # type: ignore[arg-type]
    add("marketing: four", population(*team("Marketing", 4)))  # type: ignore[arg-type]
    add("legal: one objective", population(*team("Legal", 1)),  # type: ignore[arg-type]
        (FEW, TEAM["Legal"]))
    add("finance: two", population(*team("Finance", 2)),  # type: ignore[arg-type]
        (FEW, TEAM["Finance"]))
    add("finance: two, where two is the organisation's floor",
        population(*team("Finance", 2)),  # type: ignore[arg-type]
        settings=CoachSettings(min_objectives_team=2))
    add("operations: two live and one abandoned",
        population(*team("Operations", 2),  # type: ignore[arg-type]
                   *team("Operations", 1, state="abandoned")),  # type: ignore[arg-type]
        (FEW, TEAM["Operations"]))
    add("a team with no objectives at all is not chased", population(
        obj("Grow ARR from $12M to $18M", level="company")))
    add("individual objectives do not count for the team", population(
        *team("Platform", 3), obj("Automate failover", level="individual", person=9)))
    add("the company's own objectives are not a team's",
        population(*(obj(f"Company {n}", level="company") for n in range(2))))
    add("an annual team objective is not this quarter's",
        population(*team("People Ops", 3), *team("Legal", 1, cycle_id=20)))  # type: ignore[arg-type]
    return out


EXAMPLES = _examples()
