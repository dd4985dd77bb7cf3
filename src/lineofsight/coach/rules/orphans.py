"""Check 3, orphans: objectives set without context, and company objectives nobody serves.

* ``orphan.unaligned``: a team or individual objective (draft or active) aligned to nothing
  in force -- no parent objective or key result, or only parents that are closed or
  abandoned (last cycle's, or dropped). Development goals are about the person's growth and
  count towards nothing: they are never flagged.
* ``orphan.no_contributors``: an active company objective that no objective contributes to,
  directly or through one of its key results.
"""

from __future__ import annotations

from .common import (
    index_key_results,
    index_objectives,
    is_live,
    key_result_parent,
    live_objectives,
    owner_name,
    quoted,
)
from .facts import CoachSettings, KeyResultFacts, ObjectiveFacts, Population
from .findings import Finding, Level, Subject

CHECK = "orphan"


def check_orphans(population: Population, settings: CoachSettings | None = None) -> list[Finding]:
    known = index_objectives(population)
    known_krs = index_key_results(known)
    findings: list[Finding] = []
    for objective in live_objectives(population):
        if objective.level != "company" and not objective.is_development:
            finding = unaligned(objective, population, known, known_krs)
            if finding is not None:
                findings.append(finding)

    served = set(population.company_objective_ids_with_children)
    for objective in known.values():
        if not is_live(objective):
            continue
        served.update(objective.parent_objective_ids)
        for kr_id in objective.parent_key_result_ids:
            parent_id = key_result_parent(population, known_krs, kr_id)
            if parent_id is not None:
                served.add(parent_id)
    for objective in population.objectives:
        company = objective.level == "company" and objective.state == "active"
        if company and objective.id not in served:
            findings.append(_no_contributors(objective))
    return findings


def _parent_in_force(parent: ObjectiveFacts | None) -> bool:
    # A parent the population does not describe is taken as in force: the loader only
    # lists links that are current.
    return parent is None or is_live(parent)


def unaligned(
    objective: ObjectiveFacts,
    population: Population,
    known: dict[int, ObjectiveFacts],
    known_krs: dict[int, tuple[ObjectiveFacts, KeyResultFacts]] | None = None,
) -> Finding | None:
    if known_krs is None:
        known_krs = index_key_results(known)
    parents = [known.get(i) for i in objective.parent_objective_ids]
    for kr_id in objective.parent_key_result_ids:
        parent_id = key_result_parent(population, known_krs, kr_id)
        parents.append(known.get(parent_id) if parent_id is not None else None)
    if any(_parent_in_force(p) for p in parents):
        return None
    owner = owner_name(population, objective)
    parent_level = "team or company" if objective.level == "individual" else "company"
    if parents:
        stale = [quoted(p.title) for p in parents if p is not None]
        noticed = (
            f"{quoted(objective.title)} ({owner}) is aligned only to objectives that are no "
            f"longer in force ({', '.join(stale)})."
        )
    else:
        noticed = (
            f"{quoted(objective.title)} ({owner}) is aligned to nothing: nobody can see "
            "which priority it serves."
        )
    return Finding(
        check=CHECK,
        code="orphan.unaligned",
        level=Level.WARNING,
        subject=Subject.OBJECTIVE,
        subject_id=objective.id,
        objective_id=objective.id,
        message=noticed,
        suggestion=(
            f"Link it to the {parent_level} objective or key result it makes more likely, and "
            "say why in the alignment rationale. If it serves none, ask whether it belongs "
            "in this cycle at all, or whether it is baseline work for the role rather than "
            "an OKR."
        ),
    )


def _no_contributors(objective: ObjectiveFacts) -> Finding:
    return Finding(
        check=CHECK,
        code="orphan.no_contributors",
        level=Level.WARNING,
        subject=Subject.OBJECTIVE,
        subject_id=objective.id,
        objective_id=objective.id,
        message=(
            f"Nothing contributes to the company objective {quoted(objective.title)}: no team "
            "or individual objective is aligned to it or to its key results."
        ),
        suggestion=(
            "Ask the departments whose work moves it to align an objective to it, or ask "
            "whether it is still a priority if nobody is working on it."
        ),
    )
