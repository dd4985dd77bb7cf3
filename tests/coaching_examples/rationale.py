"""Rationale: alignments nobody has explained."""

from __future__ import annotations

from . import Example, flags
from .build import obj, population

MISSING = "rationale.missing"


def _examples() -> list[Example]:
    out: list[Example] = []

    def add(name: str, pop: object, *expected: tuple[str, int]) -> None:
        out.append(Example(name, pop, flags(*expected)))  # type: ignore[arg-type]

    company = obj("Grow ARR from $12M to $18M", level="company")
    explained = obj("Land 40 enterprise logos", team="Sales", parent_objective_ids=(company.id,),
                    rationale="Enterprise logos close two thirds of the ARR gap.")
    add("the worked example, explained", population(company, explained))
    bare = obj("Land 40 enterprise logos", team="Sales", parent_objective_ids=(company.id,))
    add("sales: aligned, no rationale", population(company, bare), (MISSING, bare.id))
    dash = obj("Cut contract review from 14 days to 7", team="Legal",
               parent_key_result_ids=(company.key_results[0].id,), rationale=" - ")
    add("legal: a dash is not a reason", population(company, dash), (MISSING, dash.id))
    add("an orphan is the orphan check's business", population(company, obj(
        "Make fulfilment predictable", team="Operations")))
    add("a company objective aligns to nothing above it", population(company))
    add("a development goal needs no line to the company", population(company, obj(
        "Learn SQL", level="individual", person=7, parent_objective_ids=(company.id,),
        is_development=True)))
    ind = obj("Qualify 25 outbound opportunities", level="individual", person=5,
              parent_objective_ids=(explained.id,))
    add("an individual objective without a rationale", population(company, explained, ind),
        (MISSING, ind.id))
    add("an abandoned objective is not checked", population(company, obj(
        "Land 40 enterprise logos", team="Sales", parent_objective_ids=(company.id,),
        state="abandoned")))
    return out


EXAMPLES = _examples()
