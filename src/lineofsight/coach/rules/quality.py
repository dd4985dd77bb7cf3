"""A 0-100 quality score for an objective and for a team, from the coaching findings.

Pure and explainable: every point taken off is listed with the finding it comes from.

* **Objective**: 100, less ``PENALTY[level]`` for each finding about the objective or one of
  its key results (``Finding.objective_id``): error 25, warning 10, info 3. Never below 0.
* **Team**: the mean score of the team's objectives (100 with none), less the penalties of
  the findings about the team itself (too many objectives, no leading indicator...). Never
  below 0. Each objective scoring under 100 is listed with its score.

Acknowledged findings should be left out by the caller: a deliberate exception does not
cost points.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .common import plural, quoted
from .facts import ObjectiveFacts
from .findings import Finding, Level, Subject

PENALTY = {Level.ERROR: 25, Level.WARNING: 10, Level.INFO: 3}


@dataclass(frozen=True)
class Reason:
    points: float  # taken off (positive)
    text: str
    code: str = ""


@dataclass(frozen=True)
class Quality:
    score: int  # 0-100
    reasons: tuple[Reason, ...] = ()

    @property
    def explanation(self) -> str:
        if not self.reasons:
            return f"{self.score}/100: nothing to improve."
        lines = [f"{self.score}/100:"]
        lines += [f"  -{r.points:g} {r.text}" for r in self.reasons]
        return "\n".join(lines)


def _clamp(value: float) -> int:
    return max(0, min(100, round(value)))


def _deductions(findings: Iterable[Finding]) -> list[Reason]:
    return [
        Reason(PENALTY[f.level], f"{f.level.value}: {f.message}", f.code)
        for f in sorted(findings, key=lambda f: (-PENALTY[f.level], f.code, f.subject_id))
    ]


def objective_quality(objective_id: int, findings: Iterable[Finding]) -> Quality:
    """The quality of one objective from the findings about it and its key results."""
    mine = [
        f
        for f in findings
        if f.objective_id == objective_id
        or (
            f.objective_id is None
            and f.subject is Subject.OBJECTIVE
            and f.subject_id == objective_id
        )
    ]
    reasons = _deductions(mine)
    return Quality(_clamp(100 - sum(r.points for r in reasons)), tuple(reasons))


def team_quality(
    team_id: int, findings: Iterable[Finding], objectives: Iterable[ObjectiveFacts] = ()
) -> Quality:
    """The quality of a team: its objectives' mean score less the findings about the team.

    ``objectives`` are the team's own objectives in the cycle.
    """
    findings = list(findings)
    own = list({o.id: o for o in objectives}.values())
    scores = [(o, objective_quality(o.id, findings)) for o in own]
    base = sum(q.score for _, q in scores) / len(scores) if scores else 100.0
    reasons: list[Reason] = []
    for objective, quality in scores:
        if quality.score < 100:
            reasons.append(
                Reason(
                    round((100 - quality.score) / len(scores), 1),
                    f"{quoted(objective.title)} scores {quality.score}/100 "
                    f"({plural(len(quality.reasons), 'finding')})",
                    "objective",
                )
            )
    team_reasons = _deductions(
        f for f in findings if f.subject is Subject.TEAM and f.subject_id == team_id
    )
    reasons.extend(team_reasons)
    return Quality(_clamp(base - sum(r.points for r in team_reasons)), tuple(reasons))
