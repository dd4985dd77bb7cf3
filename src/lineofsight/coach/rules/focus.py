"""Check 1, focus: too many objectives for one owner, too few or too many key results.

Rules (limits from ``CoachSettings``; error level, as they are the organisation's own):

* ``focus.person_objectives``: a person owns more than ``max_objectives_person`` objectives
  in one cycle; the message asks which one to drop.
* ``focus.team_objectives``: a team owns more than ``max_objectives_team``.
* ``focus.too_few_key_results`` / ``focus.too_many_key_results``: an objective outside
  ``min_key_results``-``max_key_results`` (company objectives: the ``_company`` limits). An
  objective rolled up from its aligned children alone, with no key result of its own, is
  left alone.

Only draft and active objectives count; abandoned key results do not.
"""

from __future__ import annotations

from collections import defaultdict

from lineofsight.core import words

from .common import (
    listing,
    live_key_results,
    live_objectives,
    person_name,
    plural,
    quoted,
    team_name,
)
from .facts import CoachSettings, ObjectiveFacts, Population
from .findings import Finding, Level, Subject

CHECK = "focus"

_ORDINALS = {2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth", 7: "seventh",
             8: "eighth", 9: "ninth", 10: "tenth"}


def check_focus(population: Population, settings: CoachSettings | None = None) -> list[Finding]:
    settings = settings or CoachSettings()
    findings: list[Finding] = []
    by_person: dict[tuple[int, int], list[ObjectiveFacts]] = defaultdict(list)
    by_team: dict[tuple[int, int], list[ObjectiveFacts]] = defaultdict(list)
    for objective in live_objectives(population):
        if objective.owner_team_id is not None:
            by_team[(objective.owner_team_id, objective.cycle_id)].append(objective)
        elif objective.owner_person_id is not None:
            by_person[(objective.owner_person_id, objective.cycle_id)].append(objective)
        findings.extend(key_result_limits(objective, settings))

    for (person_id, _cycle), owned in sorted(by_person.items()):
        if len(owned) > settings.max_objectives_person:
            findings.append(_person_finding(population, person_id, owned, settings))
    for (team_id, _cycle), owned in sorted(by_team.items()):
        if len(owned) > settings.max_objectives_team:
            findings.append(_team_finding(population, team_id, owned, settings))
    return findings


def _titles(owned: list[ObjectiveFacts]) -> str:
    return listing((quoted(o.title) for o in owned), limit=8)


def _newest(owned: list[ObjectiveFacts]) -> ObjectiveFacts:
    """The objective added last (an unsaved draft counts as the newest)."""
    return max(owned, key=lambda o: (o.id <= 0, o.created_at is not None, o.created_at, o.id))


def _person_finding(
    population: Population, person_id: int, owned: list[ObjectiveFacts], settings: CoachSettings
) -> Finding:
    name = person_name(population, person_id)
    limit = settings.max_objectives_person
    count = len(owned)
    over = count - limit
    if over == 1:
        ordinal = _ORDINALS.get(count, f"{count}th")
        question = (f"{words.with_article(ordinal, capital=True)} objective means one has "
                    f"to go: which one will {name} drop?")
    else:
        question = f"{over} have to go: which ones will {name} drop?"
    return Finding(
        check=CHECK,
        code="focus.person_objectives",
        level=Level.ERROR,
        subject=Subject.PERSON,
        subject_id=person_id,
        message=(
            f"{name} has {count} objectives this cycle, more than the {limit} the "
            f"organisation allows: {_titles(owned)}. {question}"
        ),
        suggestion=(
            f"Keep the {limit} that matter most this cycle. Move {quoted(_newest(owned).title)} "
            "(or another) to next cycle, fold it into one of the others as a key result, or "
            "make it an initiative under a key result it supports."
        ),
    )


def _team_finding(
    population: Population, team_id: int, owned: list[ObjectiveFacts], settings: CoachSettings
) -> Finding:
    name = team_name(population, team_id)
    limit = settings.max_objectives_team
    return Finding(
        check=CHECK,
        code="focus.team_objectives",
        level=Level.ERROR,
        subject=Subject.TEAM,
        subject_id=team_id,
        message=(
            f"{name} has {len(owned)} objectives this cycle, more than the {limit} the "
            f"organisation allows: {_titles(owned)}."
        ),
        suggestion=(
            f"Pick the {limit} that move the parent objectives most and park the rest for a "
            "later cycle; a team that pursues everything makes progress on nothing."
        ),
    )


def key_result_limits(objective: ObjectiveFacts, settings: CoachSettings) -> list[Finding]:
    """Too few or too many key results on one objective (a draft being written, too)."""
    count = len(live_key_results(objective))
    if objective.level == "company":
        low, high = settings.min_key_results_company, settings.max_key_results_company
        where = "a company objective"
    else:
        low, high = settings.min_key_results, settings.max_key_results
        where = f"{'a team' if objective.level == 'team' else 'an individual'} objective"
    if count == 0 and objective.progress_mode == "children":
        return []  # its progress is its aligned children's
    if count < low:
        return [
            Finding(
                check=CHECK,
                code="focus.too_few_key_results",
                level=Level.ERROR,
                subject=Subject.OBJECTIVE,
                subject_id=objective.id,
                objective_id=objective.id,
                message=(
                    f"{quoted(objective.title)} has "
                    f"{plural(count, 'key result') if count else 'no key results'}; "
                    f"{where} needs at least {low}."
                ),
                suggestion=(
                    "Add the measurable results that would show the objective is achieved: "
                    "one outcome (the result itself) and one leading indicator that drives it "
                    "make a good pair."
                ),
            )
        ]
    if count > high:
        return [
            Finding(
                check=CHECK,
                code="focus.too_many_key_results",
                level=Level.ERROR,
                subject=Subject.OBJECTIVE,
                subject_id=objective.id,
                objective_id=objective.id,
                message=(
                    f"{quoted(objective.title)} has {count} key results; {where} has at "
                    f"most {high}."
                ),
                suggestion=(
                    f"Keep the {high} that best show the objective is achieved; turn the "
                    "others into initiatives under them, or drop what merely counts activity."
                ),
            )
        ]
    return []
