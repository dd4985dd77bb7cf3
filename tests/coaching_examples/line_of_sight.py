"""Line of sight: teams none of whose objectives leads to a company objective."""

from __future__ import annotations

from lineofsight.coach.rules.facts import AlignmentEdge

from . import Example, flags
from .build import TEAM, obj, population

UNCONNECTED = "line_of_sight.team_unconnected"


def _examples() -> list[Example]:
    out: list[Example] = []

    def add(name: str, pop: object, *expected: tuple[str, int]) -> None:
        out.append(Example(name, pop, flags(*expected)))  # type: ignore[arg-type]

    company = obj("Grow ARR from $12M to $18M", level="company")
    sales = obj("Land 40 enterprise logos", team="Sales", parent_objective_ids=(company.id,))
    enterprise = obj("Build enterprise pipeline for 40 logos", team="Enterprise Sales",
                     parent_objective_ids=(sales.id,))
    add("the worked example: every team leads up", population(company, sales, enterprise))
    add("one of the team's objectives leads up, the other floats",
        population(company, sales, enterprise, obj("Tidy the CRM", team="Enterprise Sales")))
    legal = (obj("Cut contract review from 14 days to 7", team="Legal"),
             obj("Templates cover 80% of contracts", team="Legal"))
    add("legal: two objectives aligned to nothing", population(company, *legal),
        (UNCONNECTED, TEAM["Legal"]))
    ops = obj("Make fulfilment predictable", team="Operations")
    wh = obj("Ship 97% of orders within 24 hours", team="Operations",
             parent_objective_ids=(ops.id,))
    add("operations: aligned to its own floating objective", population(company, ops, wh),
        (UNCONNECTED, TEAM["Operations"]))
    finance = obj("Close the books in 5 days", team="Finance",
                  parent_objective_ids=(5001,))
    edges = (AlignmentEdge(5001, "team", 5002, "team"), AlignmentEdge(5002, "team", company.id,
                                                                      "company"))
    add("finance: through department objectives outside the scope",
        population(company, finance, alignment=edges))
    edges = (AlignmentEdge(5001, "team", 5002, "team"),)
    add("finance: through department objectives that lead nowhere",
        population(company, finance, alignment=edges), (UNCONNECTED, TEAM["Finance"]))
    add("no company objectives this cycle: nothing to lead to",
        population(*legal))
    add("a team's only objective abandoned: not counted",
        population(company, obj("Cut contract review from 14 days to 7", team="Legal",
                                state="abandoned")))
    people = obj("Hire 12 engineers by September", team="People Ops",
                 parent_key_result_ids=(company.key_results[1].id,))
    add("people ops: aligned to a company key result", population(company, people))
    return out


EXAMPLES = _examples()
