"""Alignment health: the coach's findings for the whole organisation (or one department),
counted the way a leader reads them.

For a cycle, over the objectives the viewer may see:

* **aligned**: the share of live team and individual objectives aligned to something in
  force (the rest are the orphans of ``orphan.unaligned``);
* the open findings (not acknowledged) per kind: **orphans** (unaligned objectives, and
  company objectives nothing contributes to), **copy-paste** suspects, **focus** breaches,
  **neglected key results** (each key result once: those late for a check-in, and every
  tracked key result of an objective never updated by mid-cycle), and **other** findings
  (unmeasurable or activity key results, lagging-only, sandbagging, untouched key results at
  the close...);
* **acknowledged**: findings someone acknowledged as deliberate exceptions (they stop
  nagging, but are counted here);
* a **quality** score per row (``coaching.quality.team_quality``: the mean score of the
  objectives the row's teams own, less the findings about the row's own team; acknowledged
  findings are left out).

Rows: the departments (or, for one department, the teams directly inside it and the
department's own objectives), each finding and objective under the department or team its
owner sits in; what sits above them (company objectives, findings about the cycle) is
counted in the totals only. Top findings: the open ones, errors first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from lineofsight.coach.facts import Loaded
from lineofsight.coach.rules.facts import CoachSettings, ObjectiveFacts
from lineofsight.coach.rules.findings import Subject
from lineofsight.coach.rules.quality import Quality, team_quality
from lineofsight.coach.scope import CoachScope
from lineofsight.coach.selectors import FindingRow, Report, coach_report
from lineofsight.goals.models import Cycle
from lineofsight.people.models import Person, Team

TOP_FINDINGS = 12
ACKNOWLEDGED_SHOWN = 50
LIVE = ("active", "draft")


@dataclass
class HealthRow:
    """The counts for one department or team (or the totals)."""

    name: str
    team_id: int | None = None
    objectives: int = 0  # live team and individual objectives
    aligned: int = 0
    company_objectives: int = 0
    orphans: int = 0
    copy_paste: int = 0
    focus: int = 0
    neglected: int = 0
    other: int = 0
    acknowledged: int = 0
    quality: Quality | None = None
    _neglected_krs: set[int] = field(default_factory=set, repr=False)
    _objectives: list[ObjectiveFacts] = field(default_factory=list, repr=False)
    _rows: list[FindingRow] = field(default_factory=list, repr=False)

    @property
    def aligned_share(self) -> float | None:
        return self.aligned / self.objectives if self.objectives else None

    @property
    def open_findings(self) -> int:
        return self.orphans + self.copy_paste + self.focus + self.neglected + self.other

    def add_objective(self, objective: ObjectiveFacts, orphan: bool) -> None:
        self._objectives.append(objective)
        if objective.level == "company":
            self.company_objectives += 1
            return
        self.objectives += 1
        if not orphan:
            self.aligned += 1

    def add_finding(self, row: FindingRow, neglected: Iterable[int] = ()) -> None:
        """Count a finding; ``neglected``: the key results a neglect finding is about."""
        self._rows.append(row)
        if row.acknowledged:
            self.acknowledged += 1
            return
        check = row.finding.check
        if check == "orphan":
            self.orphans += 1
        elif check == "copy_paste":
            self.copy_paste += 1
        elif check == "focus":
            self.focus += 1
        elif check == "neglect" and neglected:
            fresh = set(neglected) - self._neglected_krs
            self._neglected_krs |= fresh
            self.neglected += len(fresh)
        else:
            self.other += 1

    def score(self) -> None:
        """The row's quality: the mean score of the objectives its teams own, less the
        findings about the row's own team (``coaching.quality.team_quality``)."""
        if self.team_id is None:
            return
        objectives = [o for o in self._objectives if o.owner_team_id and o.state in LIVE]
        ids = {o.id for o in objectives}
        findings = [
            r.finding
            for r in self._rows
            if not r.acknowledged
            and (
                r.finding.objective_id in ids
                or (r.finding.subject is Subject.TEAM and r.finding.subject_id == self.team_id)
            )
        ]
        self.quality = team_quality(self.team_id, findings, objectives)


@dataclass
class Health:
    cycle: Cycle
    department: Team | None
    report: Report
    total: HealthRow
    rows: list[HealthRow]
    top: list[FindingRow]
    today: dt.date

    @property
    def acknowledged(self) -> list[FindingRow]:
        """The acknowledged findings the page lists (the API and the command line list all)."""
        return self.report.acknowledged_rows[:ACKNOWLEDGED_SHOWN]

    @property
    def settings(self) -> CoachSettings:
        return self.report.loaded.settings


def _row_teams(loaded: Loaded, department: Team | None) -> dict[int, str]:
    """The teams the table has a row for, by id: the departments, or one department's
    own row and the teams directly inside it."""
    placement = loaded.placement
    if department is not None:
        inside = {
            pk: placement.team_names[pk]
            for pk, path in placement.team_paths.items()
            if path == department.subtree_prefix
        }
        return {
            department.pk: f"{department.name} (its own)",
            **dict(sorted(inside.items(), key=lambda kv: kv[1].lower())),
        }
    departments = {
        pk: placement.team_names[pk]
        for pk, kind in placement.team_kinds.items()
        if kind == Team.Kind.DEPARTMENT
    }
    return dict(sorted(departments.items(), key=lambda kv: kv[1].lower()))


def health(
    user: Person | None,
    cycle: Cycle,
    *,
    department: Team | None = None,
    today: dt.date | None = None,
) -> Health:
    """The alignment health of the organisation (or of ``department``) in ``cycle``."""
    scope = CoachScope.of_team(cycle, department) if department else CoachScope(cycle)
    report = coach_report(user, scope, today=today)
    loaded = report.loaded
    placement = loaded.placement
    row_names = _row_teams(loaded, department)
    rows = {pk: HealthRow(name, pk) for pk, name in row_names.items()}

    def row_of(team_id: int | None) -> HealthRow | None:
        if team_id is None:
            return None
        for pk in placement.team_chain(team_id):
            if pk in rows:
                return rows[pk]
        return None

    total = HealthRow(department.name if department else "The organisation")
    orphans = {r.finding.subject_id for r in report.rows if r.finding.code == "orphan.unaligned"}
    for objective in loaded.population.objectives:
        if objective.state not in LIVE:
            continue
        orphan = objective.id in orphans
        total.add_objective(objective, orphan)
        home = (
            objective.owner_team_id
            if objective.owner_team_id is not None
            else placement.person_team.get(objective.owner_person_id or 0)
        )
        found = row_of(home)
        if found is not None:
            found.add_objective(objective, orphan)
    for finding_row in report.rows:
        neglected = _neglected_key_results(finding_row, loaded)
        total.add_finding(finding_row, neglected)
        found = row_of(finding_row.home_team_id)
        if found is not None:
            found.add_finding(finding_row, neglected)
    for row in rows.values():
        row.score()
    top = report.open_rows[:TOP_FINDINGS]
    return Health(
        cycle=cycle,
        department=department,
        report=report,
        total=total,
        rows=list(rows.values()),
        top=top,
        today=loaded.population.cycle.today,
    )


def _neglected_key_results(row: FindingRow, loaded: Loaded) -> list[int]:
    """The key results a neglect finding is about: a stale one, or every tracked key result
    of an objective never updated (the checks do not repeat those one by one)."""
    finding = row.finding
    if finding.check != "neglect":
        return []
    if finding.subject is Subject.KEY_RESULT:
        return [finding.subject_id]
    if finding.subject is Subject.OBJECTIVE:
        objective = loaded.objectives.get(finding.subject_id)
        if objective is not None:
            return [
                kr.id
                for kr in objective.key_results
                if kr.state == "active" and kr.source != "aligned"
            ]
    return []
