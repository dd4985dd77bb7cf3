"""Check 6, sandbagging: targets set to be hit rather than to stretch.

* ``sandbagging.attainment``: an owner (person or team) whose attainment was at or above
  ``sandbagging_attainment`` in each of their last ``sandbagging_cycles`` (or more) closed
  cycles, in a row.
* ``sandbagging.confidence``: an owner whose stretch key results (those of aspirational
  objectives) have all been "on track" at every check-in from the first -- at least two such
  key results with at least ``sandbagging_min_check_ins`` check-ins each, and none of their
  stretch key results ever at risk or off track. Committed key results are meant to be met
  in full, so steady confidence on them is expected and not counted.

A stretch culture aims at about 70 %: always reaching 100 % says the targets were safe.
"""

from __future__ import annotations

from collections import defaultdict

from .common import (
    is_live,
    key_result_person,
    listing,
    live_key_results,
    percent,
    person_name,
    plural,
    quoted,
    team_name,
)
from .facts import CoachSettings, KeyResultFacts, OwnerHistory, Population
from .findings import Finding, Level, Subject

CHECK = "sandbagging"

STRETCH_NOTE = (
    "A stretch culture aims at about 70 %: a target reached in full every time was probably "
    "safe rather than ambitious, and missing a stretch goal carries no penalty here."
)


def _owner(population: Population, kind: str, owner_id: int) -> tuple[Subject, str]:
    if kind == "team":
        return Subject.TEAM, team_name(population, owner_id)
    return Subject.PERSON, person_name(population, owner_id)


def check_sandbagging(
    population: Population, settings: CoachSettings | None = None
) -> list[Finding]:
    settings = settings or CoachSettings()
    findings = [
        f for h in population.history if (f := _attainment(population, h, settings)) is not None
    ]
    findings.extend(_confidence(population, settings))
    return findings


def _attainment(
    population: Population, history: OwnerHistory, settings: CoachSettings
) -> Finding | None:
    streak = 0
    for attainment in reversed(history.attainments):
        if attainment < settings.sandbagging_attainment:
            break
        streak += 1
    if streak < max(settings.sandbagging_cycles, 1):
        return None
    subject, name = _owner(population, history.owner_kind, history.owner_id)
    recent = history.attainments[-streak:]
    return Finding(
        check=CHECK,
        code="sandbagging.attainment",
        level=Level.WARNING,
        subject=subject,
        subject_id=history.owner_id,
        message=(
            f"{name} reached {percent(settings.sandbagging_attainment)} or more in each of "
            f"the last {streak} closed cycles ({', '.join(percent(a) for a in recent)})."
        ),
        suggestion=(
            f"{STRETCH_NOTE} Next cycle, set at least one target {name} is only about 70 % "
            "sure to reach, and talk about the learning when it falls short."
        ),
    )


def _confidence(population: Population, settings: CoachSettings) -> list[Finding]:
    # (subject kind, owner id) -> the stretch key results they answer for.
    stretch: dict[tuple[str, int], list[KeyResultFacts]] = defaultdict(list)
    for objective in population.objectives:
        if not is_live(objective) or objective.commitment != "aspirational":
            continue
        for kr in live_key_results(objective):
            if kr.kind == "milestone":
                continue  # done / not done: confidence says little about ambition
            person = key_result_person(objective, kr)
            if objective.owner_team_id is not None:
                stretch[("team", objective.owner_team_id)].append(kr)
            elif person is not None:
                stretch[("person", person)].append(kr)
            if objective.owner_team_id is not None and kr.owner_id is not None:
                stretch[("person", kr.owner_id)].append(kr)

    findings = []
    for (kind, owner_id), krs in sorted(stretch.items()):
        checked = [kr for kr in krs if len(kr.confidences) >= settings.sandbagging_min_check_ins]
        if len(checked) < 2:
            continue
        if any(c != "on_track" for kr in krs for c in kr.confidences):
            continue
        subject, name = _owner(population, kind, owner_id)
        check_ins = sum(len(kr.confidences) for kr in checked)
        findings.append(
            Finding(
                check=CHECK,
                code="sandbagging.confidence",
                level=Level.INFO,
                subject=subject,
                subject_id=owner_id,
                message=(
                    f"Every one of the {plural(check_ins, 'check-in')} on {name}'s "
                    f"{len(checked)} stretch key results has said \u201con track\u201d, from "
                    f"the first ({listing((quoted(kr.title) for kr in checked), limit=3)})."
                ),
                suggestion=(
                    f"{STRETCH_NOTE} If none of these ever felt at risk, raise one target "
                    "until it does, or mark the objective as committed if it must be met "
                    "in full."
                ),
            )
        )
    return findings
