"""Check 5, leading and lagging: outcomes alone leave people discussing what they cannot move.

* ``lagging_only.person``: every active key result a person answers for (those they own, and
  those of objectives they own that have no owner of their own) is tagged lagging.
* ``lagging_only.team``: none of the active key results of a team's objectives is a leading
  indicator.

Only draft and active objectives count; abandoned key results do not.
"""

from __future__ import annotations

from collections import defaultdict

from .common import (
    key_result_person,
    listing,
    live_key_results,
    live_objectives,
    person_name,
    plural,
    quoted,
    team_name,
)
from .facts import CoachSettings, KeyResultFacts, Population
from .findings import Finding, Level, Subject

CHECK = "lagging_only"


def check_signals(population: Population, settings: CoachSettings | None = None) -> list[Finding]:
    by_person: dict[int, list[KeyResultFacts]] = defaultdict(list)
    by_team: dict[int, list[KeyResultFacts]] = defaultdict(list)
    for objective in live_objectives(population):
        for kr in live_key_results(objective):
            person = key_result_person(objective, kr)
            if person is not None:
                by_person[person].append(kr)
            if objective.owner_team_id is not None:
                by_team[objective.owner_team_id].append(kr)

    findings: list[Finding] = []
    for person_id, krs in sorted(by_person.items()):
        if all(kr.signal != "leading" for kr in krs):
            name = person_name(population, person_id)
            findings.append(
                Finding(
                    check=CHECK,
                    code="lagging_only.person",
                    level=Level.WARNING,
                    subject=Subject.PERSON,
                    subject_id=person_id,
                    message=(
                        f"{_all(len(krs))} {name} answers for "
                        f"{'is' if len(krs) == 1 else 'are'} tagged lagging "
                        f"({_titles(krs)}): outcomes {name} cannot move directly, so the "
                        "review would discuss results outside their control."
                    ),
                    suggestion=(
                        f"Add a leading indicator {name} drives -- the activity or output "
                        "that moves the outcome (qualified opportunities created, time to "
                        "first response, experiments shipped) -- next to the outcome. If one "
                        "of these already is one, tag it leading."
                    ),
                )
            )
    for team_id, krs in sorted(by_team.items()):
        if all(kr.signal != "leading" for kr in krs):
            name = team_name(population, team_id)
            findings.append(
                Finding(
                    check=CHECK,
                    code="lagging_only.team",
                    level=Level.WARNING,
                    subject=Subject.TEAM,
                    subject_id=team_id,
                    message=(
                        f"None of {name}'s {plural(len(krs), 'key result')} is a leading "
                        f"indicator ({_titles(krs)}): the team will learn how the quarter "
                        "went only when it is over."
                    ),
                    suggestion=(
                        f"Give {name} at least one leading indicator it can read weekly and "
                        "act on (pipeline created, deploys, time to first response, trial "
                        "activations), so a slipping outcome shows early."
                    ),
                )
            )
    return findings


def _all(count: int) -> str:
    if count == 1:
        return "The only key result"
    if count == 2:
        return "Both key results"
    return f"All {count} key results"


def _titles(krs: list[KeyResultFacts]) -> str:
    return listing((quoted(kr.title) for kr in krs), limit=4)
