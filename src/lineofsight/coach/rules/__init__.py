"""The coach: pure checks that notice the ways OKR programmes fail, and say so kindly.

Every check is a function of plain facts (``facts``) and the organisation's limits
(``CoachSettings``) returning ``Finding``s (``findings``): no Django, no database, no clock
(the cycle's ``today`` is a fact like any other). The pages, the API and the command line all
call ``run_checks`` (or ``check_draft_objective`` for an objective being written), so a rule
reads the same wherever it shows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from . import orphans
from .attainment_rating import check_attainment_rating
from .common import index_objectives, live_key_results
from .copy_paste import check_copy_paste
from .facts import CoachSettings, ObjectiveFacts, Population
from .findings import Finding, Subject
from .focus import check_focus, key_result_limits
from .measurable import check_key_result, check_measurable
from .neglect import check_neglect
from .nesting import check_line_of_sight, check_nesting, check_rationale, check_thin_teams
from .sandbagging import check_sandbagging
from .signals import check_signals
from .similarity import Similarity

__all__ = ["CHECKS", "Check", "check_draft_objective", "run_checks"]


@dataclass(frozen=True)
class Check:
    name: str
    description: str
    run: Callable[[Population, CoachSettings | None], list[Finding]]

    def __call__(
        self, population: Population, settings: CoachSettings | None = None
    ) -> list[Finding]:
        return self.run(population, settings)


CHECKS: dict[str, Check] = {
    check.name: check
    for check in (
        Check("focus", "Too many objectives for a person or team; too few or too many key "
              "results on an objective.", check_focus),
        Check("copy_paste", "A child objective or key result that restates its parent "
              "instead of translating it.", check_copy_paste),
        Check("orphan", "Objectives aligned to nothing, and company objectives nothing "
              "contributes to.", orphans.check_orphans),
        Check("measurable", "Key results that count activities, lack a target or cannot be "
              "measured; milestones that only finish a piece of work.", check_measurable),
        Check("lagging_only", "People whose key results are all lagging outcomes; teams "
              "without a leading indicator.", check_signals),
        Check("sandbagging", "Owners who reach 100 % cycle after cycle, or whose confidence "
              "never leaves on track.", check_sandbagging),
        Check("neglect", "Key results not checked in on within their cadence; objectives "
              "never updated by mid-cycle; untouched key results at close.", check_neglect),
        Check("attainment_rating", "Review ratings that track OKR attainment almost "
              "perfectly (a formula, not context).", check_attainment_rating),
        Check("nesting", "Alignment chains too deep to keep a line of sight, and people "
              "aligned straight to the company past their team's own objective.", check_nesting),
        Check("line_of_sight", "Teams none of whose objectives leads to a company "
              "objective.", check_line_of_sight),
        Check("rationale", "Alignments nobody has explained: no alignment rationale.",
              check_rationale),
        Check("thin_team", "Teams with fewer team objectives than the organisation expects "
              "(a nudge).", check_thin_teams),
    )
}


def _names(checks: Iterable[str] | None) -> set[str]:
    if checks is None:
        return set(CHECKS)
    names = set(checks)
    unknown = sorted(names - set(CHECKS))
    if unknown:
        raise ValueError(
            f"Unknown check{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}. "
            f"Known checks: {', '.join(CHECKS)}."
        )
    return names


def run_checks(
    population: Population,
    settings: CoachSettings | None = None,
    checks: Iterable[str] | None = None,
    *,
    similarity: Similarity | None = None,
) -> list[Finding]:
    """Run every check (or the named ones) over the population, in the order of ``CHECKS``.

    ``similarity`` is an optional extra wording similarity for the copy-paste check (for
    instance a sentence-embedding model run locally); lexical similarity is always used.
    Raises ``ValueError`` naming any unknown check.
    """
    settings = settings or CoachSettings()
    wanted = _names(checks)
    findings: list[Finding] = []
    for name, check in CHECKS.items():
        if name not in wanted:
            continue
        if name == "copy_paste":
            findings.extend(check_copy_paste(population, settings, similarity=similarity))
        else:
            findings.extend(check(population, settings))
    return findings


def check_draft_objective(
    draft: ObjectiveFacts,
    population: Population,
    settings: CoachSettings | None = None,
    *,
    similarity: Similarity | None = None,
) -> list[Finding]:
    """The findings about one objective being written (saved or not), for its form.

    ``population`` holds the cycle's other objectives (at least the owner's, and the parents
    the draft may align to). An objective already saved (``draft.id > 0``) replaces its
    stored version. Unsaved key results should carry distinct non-positive ids (0, -1,
    -2...) so each finding can be shown next to its row.

    Runs what makes sense on one objective: focus (counting the owner's other objectives),
    copy-paste against its parents, orphan, measurable for its key results, and the
    leading/lagging balance of its owner with the draft counted.
    """
    settings = settings or CoachSettings()
    others = tuple(o for o in population.objectives if draft.id <= 0 or o.id != draft.id)
    scoped = replace(
        population, objectives=(*(o for o in others if _shares_owner(draft, o)), draft)
    )
    findings: list[Finding] = []
    # Focus: the owner's count with the draft in it, and the draft's own key results.
    counted = replace(
        scoped, objectives=tuple(o for o in scoped.objectives if _same_owner(draft, o))
    )
    findings.extend(f for f in check_focus(counted, settings) if _about_owner(draft, f))
    if draft.state in {"active", "draft"}:
        findings.extend(key_result_limits(draft, settings))
    # Copy-paste and orphan: the draft against its parents, which may be among the
    # population's own objectives as well as among its parents.
    known = {i: o for i, o in index_objectives(population).items() if i != draft.id}
    alone = replace(population, objectives=(draft,), parents=known)
    findings.extend(check_copy_paste(alone, settings, similarity=similarity))
    if draft.level != "company" and not draft.is_development:
        finding = orphans.unaligned(draft, alone, index_objectives(alone))
        if finding is not None:
            findings.append(finding)
    # Measurable: each of its key results.
    for kr in live_key_results(draft):
        measured = check_key_result(draft, kr)
        if measured is not None:
            findings.append(measured)
    # Leading and lagging: the owner's key results, the draft's included.
    findings.extend(f for f in check_signals(scoped, settings) if _about_owner(draft, f))
    return findings


def _same_owner(draft: ObjectiveFacts, other: ObjectiveFacts) -> bool:
    """Counted together against the owner's limit (the focus check's rule)."""
    if other.cycle_id != draft.cycle_id:
        return False
    if draft.owner_team_id is not None:
        return other.owner_team_id == draft.owner_team_id
    return other.owner_team_id is None and other.owner_person_id == draft.owner_person_id


def _shares_owner(draft: ObjectiveFacts, other: ObjectiveFacts) -> bool:
    """Owned by the draft's owner, or holding a key result the draft's owner answers for."""
    if other.cycle_id != draft.cycle_id:
        return False
    if draft.owner_team_id is not None and other.owner_team_id == draft.owner_team_id:
        return True
    if draft.owner_person_id is None:
        return False
    return other.owner_person_id == draft.owner_person_id or any(
        kr.owner_id == draft.owner_person_id for kr in other.key_results
    )


def _about_owner(draft: ObjectiveFacts, finding: Finding) -> bool:
    if finding.subject is Subject.PERSON:
        return finding.subject_id == draft.owner_person_id
    if finding.subject is Subject.TEAM:
        return finding.subject_id == draft.owner_team_id
    return False
