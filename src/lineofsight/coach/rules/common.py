"""What the checks share: which objectives and key results count, names, numbers in words."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from lineofsight.core import words

from .facts import KeyResultFacts, ObjectiveFacts, Population

LIVE_STATES = frozenset({"active", "draft"})


def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of a lexicon written as one string."""
    return frozenset(text.split())


def is_live(objective: ObjectiveFacts) -> bool:
    """Objectives being pursued (or about to be): the only ones the checks count."""
    return objective.state in LIVE_STATES


def live_key_results(objective: ObjectiveFacts) -> tuple[KeyResultFacts, ...]:
    """The key results that count: abandoned ones do not."""
    return tuple(kr for kr in objective.key_results if kr.state != "abandoned")


def live_objectives(population: Population) -> Iterator[ObjectiveFacts]:
    return (o for o in population.objectives if is_live(o))


quoted = words.quoted


def person_name(population: Population, person_id: int) -> str:
    return population.people_names.get(person_id) or f"person #{person_id}"


def team_name(population: Population, team_id: int) -> str:
    return population.team_names.get(team_id) or f"team #{team_id}"


def owner_name(population: Population, objective: ObjectiveFacts) -> str:
    """Who owns the objective, in words."""
    if objective.owner_team_id is not None:
        return team_name(population, objective.owner_team_id)
    if objective.owner_person_id is not None:
        return person_name(population, objective.owner_person_id)
    return "its owner"


def key_result_person(objective: ObjectiveFacts, key_result: KeyResultFacts) -> int | None:
    """The person answerable for a key result: its own owner, else the objective's owner."""
    if key_result.owner_id is not None:
        return key_result.owner_id
    return objective.owner_person_id


def index_objectives(population: Population) -> dict[int, ObjectiveFacts]:
    """Every objective the population knows, parents included, by id."""
    known = {o.id: o for o in population.objectives}
    for objective_id, objective in population.parents.items():
        known.setdefault(objective_id, objective)
    return known


def index_key_results(
    known: dict[int, ObjectiveFacts],
) -> dict[int, tuple[ObjectiveFacts, KeyResultFacts]]:
    """Every key result of the known objectives, with its objective, by id."""
    return {kr.id: (o, kr) for o in known.values() for kr in o.key_results}


def key_result_parent(
    population: Population,
    known_key_results: dict[int, tuple[ObjectiveFacts, KeyResultFacts]],
    key_result_id: int,
) -> int | None:
    """The id of the objective a key result belongs to, if known."""
    found = population.key_result_objective.get(key_result_id)
    if found is None and key_result_id in known_key_results:
        found = known_key_results[key_result_id][0].id
    return found


def percent(value: float) -> str:
    return f"{value * 100:.0f} %"


def number(value: float) -> str:
    """A figure as people write it: no trailing ``.0``, thousands separated."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def with_unit(value: float, unit: str) -> str:
    unit = unit.strip()
    if not unit:
        return number(value)
    if unit in {"%", "pp"}:
        return f"{number(value)} {unit}"
    if unit in {"$", "\u20ac", "\u00a3"}:
        return f"{unit}{number(value)}"
    return f"{number(value)} {words.unit_for(value, unit)}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    return words.count(count, singular, plural_form)


def listing(items: Iterable[str], limit: int = 5) -> str:
    """"a, b and c" (with "and N more" past the limit)."""
    items = list(items)
    shown = items[:limit]
    rest = len(items) - len(shown)
    if rest:
        shown.append(f"{rest} more")
    if len(shown) <= 1:
        return "".join(shown)
    return ", ".join(shown[:-1]) + " and " + shown[-1]
