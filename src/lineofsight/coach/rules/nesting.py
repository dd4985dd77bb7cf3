"""Checks 9 to 12: the shape of the cascade.

* ``nesting.too_deep`` (check 9): an objective whose shortest alignment chain from a company
  objective runs more than ``max_nesting_depth`` levels (the company objective is level 1).
  Only the first objective past the limit is named: the ones below it are deep because it
  is.
* ``nesting.skipped_level`` (check 9): an individual objective aligned straight to a company
  objective (or one of its key results) while the person's team has an active objective
  aligned to that same company objective -- the person's work bypasses the team's
  translation of the priority. Info: a specialist's objective may rightly answer to the
  company itself.
* ``line_of_sight.team_unconnected`` (check 10): a team owning team objectives in the cycle,
  none of which leads -- directly or through the objectives above it -- to a company
  objective. Only when the cycle has company objectives at all.
* ``rationale.missing`` (check 11): a team or individual objective aligned to something but
  with no alignment rationale (why hitting it makes the parent more likely). Info.
* ``thin_team.few_objectives`` (check 12): a team with fewer than ``min_objectives_team``
  team objectives in the cycle (but at least one: a team that sets none is not chased).
  Info: a nudge to translate more of the company's priorities, not a limit.

Draft and active objectives count; development goals never do.
"""

from __future__ import annotations

from collections import defaultdict

from .common import (
    index_key_results,
    index_objectives,
    live_objectives,
    owner_name,
    person_name,
    plural,
    quoted,
    team_name,
)
from .facts import CoachSettings, ObjectiveFacts, Population
from .findings import Finding, Level, Subject
from .structure import AlignmentGraph, KnownKeyResults, alignment_graph, direct_targets


def _counted(objective: ObjectiveFacts) -> bool:
    return objective.level != "company" and not objective.is_development


# ---------------------------------------------------------------------------------------
# Nesting


def check_nesting(population: Population, settings: CoachSettings | None = None) -> list[Finding]:
    settings = settings or CoachSettings()
    graph = alignment_graph(population)
    known = index_objectives(population)
    known_krs = index_key_results(known)
    findings: list[Finding] = []
    limit = max(settings.max_nesting_depth, 1)
    for objective in live_objectives(population):
        if not _counted(objective):
            continue
        if graph.depth.get(objective.id) == limit + 1:
            findings.append(_too_deep(population, graph, known, objective, limit))
        if objective.level == "individual" and objective.owner_person_id is not None:
            finding = _skipped(population, graph, known, known_krs, objective)
            if finding is not None:
                findings.append(finding)
    return findings


def _too_deep(
    population: Population,
    graph: AlignmentGraph,
    known: dict[int, ObjectiveFacts],
    objective: ObjectiveFacts,
    limit: int,
) -> Finding:
    chain = list(reversed(graph.chain(objective.id)))
    names = [quoted(known[i].title) if i in known else "\u2026" for i in chain]
    depth = graph.depth[objective.id]
    arrow = " \u2192 "
    return Finding(
        check="nesting",
        code="nesting.too_deep",
        level=Level.WARNING,
        subject=Subject.OBJECTIVE,
        subject_id=objective.id,
        objective_id=objective.id,
        message=(
            f"{quoted(objective.title)} ({owner_name(population, objective)}) sits "
            f"{depth} levels down from its company objective, more than the "
            f"{limit} the organisation allows: {arrow.join(names)}."
        ),
        suggestion=(
            "Each level rewords the priority a little more, and by the last one the line "
            "of sight is hard to follow. Align it one level higher (to the objective or key "
            "result its parent serves), or fold the in-between objective into its parent."
        ),
    )


def _skipped(
    population: Population,
    graph: AlignmentGraph,
    known: dict[int, ObjectiveFacts],
    known_krs: KnownKeyResults,
    objective: ObjectiveFacts,
) -> Finding | None:
    assert objective.owner_person_id is not None
    team = population.person_teams.get(objective.owner_person_id)
    if team is None:
        return None
    for target in direct_targets(population, known_krs, objective):
        if graph.levels.get(target) != "company":
            continue
        between = sorted(graph.open_team_children.get((team, target), ()))
        if not between:
            continue
        company = known.get(target)
        company_name = quoted(company.title) if company else "a company objective"
        named = [quoted(known[i].title) for i in between if i in known]
        offer = (
            f"{team_name(population, team)} has {plural(len(between), 'objective')} aligned "
            "to it"
            + (f" ({', '.join(named[:3])})" if named else "")
        )
        return Finding(
            check="nesting",
            code="nesting.skipped_level",
            level=Level.INFO,
            subject=Subject.OBJECTIVE,
            subject_id=objective.id,
            objective_id=objective.id,
            message=(
                f"{quoted(objective.title)} ({person_name(population, objective.owner_person_id)}) "
                f"is aligned straight to the company objective {company_name}, while "
                f"{offer}."
            ),
            suggestion=(
                "Align it to the team's objective or one of its key results instead, so the "
                "team sees the contribution and its progress rolls up through the team. If "
                "the work really answers to the company directly, acknowledge this."
            ),
        )
    return None


# ---------------------------------------------------------------------------------------
# Line of sight


def check_line_of_sight(
    population: Population, settings: CoachSettings | None = None
) -> list[Finding]:
    graph = alignment_graph(population)
    if not graph.has_company:
        return []
    by_team: dict[int, list[ObjectiveFacts]] = defaultdict(list)
    for objective in live_objectives(population):
        if objective.level == "team" and objective.owner_team_id is not None:
            by_team[objective.owner_team_id].append(objective)
    findings = []
    for team_id, owned in sorted(by_team.items()):
        if any(o.id in graph.depth for o in owned):
            continue
        name = team_name(population, team_id)
        aligned = sum(1 for o in owned if o.parent_objective_ids or o.parent_key_result_ids)
        how = (
            "none of them is aligned to anything"
            if not aligned
            else f"{plural(aligned, 'is', 'are')} aligned only to objectives that lead nowhere "
            "above"
        )
        findings.append(
            Finding(
                check="line_of_sight",
                code="line_of_sight.team_unconnected",
                level=Level.WARNING,
                subject=Subject.TEAM,
                subject_id=team_id,
                message=(
                    f"None of the {plural(len(owned), 'objective')} {name} owns in "
                    f"{population.cycle.name} leads to a company objective, directly or "
                    f"through the objectives above it: {how}."
                ),
                suggestion=(
                    "Ask which company priority the team's work makes more likely, and align "
                    "its objectives to it (or to the department objective that serves it). "
                    "If none does, this may be baseline work rather than OKRs."
                ),
            )
        )
    return findings


# ---------------------------------------------------------------------------------------
# Rationale


def check_rationale(
    population: Population, settings: CoachSettings | None = None
) -> list[Finding]:
    findings = []
    for objective in live_objectives(population):
        if not _counted(objective):
            continue
        if not (objective.parent_objective_ids or objective.parent_key_result_ids):
            continue  # an orphan: the orphan check speaks about it
        if any(ch.isalnum() for ch in objective.rationale):
            continue
        findings.append(
            Finding(
                check="rationale",
                code="rationale.missing",
                level=Level.INFO,
                subject=Subject.OBJECTIVE,
                subject_id=objective.id,
                objective_id=objective.id,
                message=(
                    f"{quoted(objective.title)} ({owner_name(population, objective)}) is "
                    "aligned, but nobody has said why: it has no alignment rationale."
                ),
                suggestion=(
                    "Add a sentence answering \u201cif we hit this, why does the parent "
                    "become more likely?\u201d. If the answer is hard to write, the alignment "
                    "may be a label rather than a line of sight."
                ),
            )
        )
    return findings


# ---------------------------------------------------------------------------------------
# Thin teams


def check_thin_teams(
    population: Population, settings: CoachSettings | None = None
) -> list[Finding]:
    settings = settings or CoachSettings()
    by_team: dict[int, list[ObjectiveFacts]] = defaultdict(list)
    for objective in live_objectives(population):
        if (
            objective.level == "team"
            and objective.owner_team_id is not None
            and objective.cycle_id == population.cycle.id
        ):
            by_team[objective.owner_team_id].append(objective)
    least = settings.min_objectives_team
    findings = []
    for team_id, owned in sorted(by_team.items()):
        if len(owned) >= least:
            continue
        name = team_name(population, team_id)
        findings.append(
            Finding(
                check="thin_team",
                code="thin_team.few_objectives",
                level=Level.INFO,
                subject=Subject.TEAM,
                subject_id=team_id,
                message=(
                    f"{name} has {plural(len(owned), 'team objective')} in "
                    f"{population.cycle.name}; a team usually carries {least} to "
                    f"{max(settings.max_objectives_team, least)}."
                ),
                suggestion=(
                    "Is there a company priority the team moves that none of its objectives "
                    "translates yet? If one objective really is the team's whole quarter "
                    "(a build quarter, a small team), acknowledge this: it is a nudge, not a "
                    "limit."
                ),
            )
        )
    return findings
