"""Reads for the coach: findings with their acknowledgements, quality scores, the subjects
findings are about.

Every read goes through the access policy: the facts are loaded as the viewer may see them
(``coach.facts``), so a finding never tells anyone about an objective they could not
open. ``user=None`` is the operator (the command line), who sees everything.

``coach_report`` runs the checks (``coach.rules.run_checks``) over a scope and pairs
each finding with the acknowledgement in force for it, if any; ``objective_coaching`` and
``team_coaching`` add the quality scores (``coach.rules.quality``), leaving
acknowledged findings out of them (a deliberate exception costs no points).
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from lineofsight.coach.access import CoachViewer
from lineofsight.coach.facts import Loaded, load_population
from lineofsight.coach.models import FindingAcknowledgement
from lineofsight.coach.rules import CHECKS, run_checks
from lineofsight.coach.rules.findings import Finding, Level, Subject
from lineofsight.coach.rules.quality import Quality, objective_quality, team_quality
from lineofsight.coach.scope import OWNER_TEAM, PERSON, SUBTREE, CoachScope
from lineofsight.coach.similarity import configured_similarity
from lineofsight.core.errors import NotFound
from lineofsight.core.parsing import as_id
from lineofsight.goals import selectors as goal_selectors
from lineofsight.goals.models import Cycle, Objective
from lineofsight.people.models import Person, Team
from lineofsight.people.selectors import people_visible_to, teams_visible_to

LEVEL_ORDER = {Level.ERROR: 0, Level.WARNING: 1, Level.INFO: 2}
CHECK_ORDER = {name: n for n, name in enumerate(CHECKS)}
SUBJECT_KINDS = tuple(s.value for s in Subject)
CHECK_LABELS = {
    "focus": "Focus",
    "copy_paste": "Copy-paste cascading",
    "orphan": "Alignment",
    "measurable": "Measurable key results",
    "lagging_only": "Leading and lagging",
    "sandbagging": "Stretch",
    "neglect": "Check-ins",
    "attainment_rating": "Attainment as a rating",
}


@dataclass
class FindingRow:
    """A finding as the pages show it: what it is about, where to look, and whether someone
    acknowledged it (with their reason)."""

    finding: Finding
    subject_label: str
    subject_url: str | None
    acknowledgement: FindingAcknowledgement | None = None
    home_team_id: int | None = None  # where it sits in the organisation (health page)

    @property
    def acknowledged(self) -> bool:
        return self.acknowledgement is not None

    @property
    def check_label(self) -> str:
        return CHECK_LABELS.get(self.finding.check, self.finding.check)

    @property
    def key(self) -> tuple[str, str, int]:
        return self.finding.key

    @property
    def dom_id(self) -> str:
        code, kind, pk = self.finding.key
        return f"finding-{code.replace('.', '-').replace('_', '-')}-{kind.replace('_', '-')}-{pk}"

    @property
    def sort_key(self) -> tuple[Any, ...]:
        f = self.finding
        return (LEVEL_ORDER[f.level], CHECK_ORDER.get(f.check, 99), f.code, self.subject_label)


@dataclass
class Report:
    loaded: Loaded
    rows: list[FindingRow]

    @property
    def cycle_id(self) -> int:
        return self.loaded.population.cycle.id

    @property
    def open_rows(self) -> list[FindingRow]:
        return [r for r in self.rows if not r.acknowledged]

    @property
    def acknowledged_rows(self) -> list[FindingRow]:
        return [r for r in self.rows if r.acknowledged]

    @property
    def open_errors(self) -> list[FindingRow]:
        return [r for r in self.open_rows if r.finding.level is Level.ERROR]

    def open_findings(self) -> list[Finding]:
        return [r.finding for r in self.open_rows]

    def by_check(self) -> list[tuple[str, list[FindingRow]]]:
        """Rows grouped by check, in the checks' order."""
        groups: dict[str, list[FindingRow]] = {}
        for row in sorted(self.rows, key=lambda r: (CHECK_ORDER.get(r.finding.check, 99),)):
            groups.setdefault(row.finding.check, []).append(row)
        return [(check, sorted(rows, key=lambda r: r.sort_key)) for check, rows in groups.items()]


# ---------------------------------------------------------------------------------------
# Cycles and subjects


def resolve_cycle(user: Person | None, raw: Any = None) -> Cycle | None:
    """The cycle named by ``raw`` (an id), else the current one; ``NotFound`` for an id that
    names no cycle the user may see."""
    if raw not in (None, ""):
        if user is None:
            try:
                return Cycle.objects.get(pk=as_id(raw) or 0)
            except Cycle.DoesNotExist:
                raise NotFound("No such cycle.") from None
        return goal_selectors.get_cycle_for_user(user, raw)  # type: ignore[no-any-return]
    return goal_selectors.current_cycle()


def subject_of(user: Person, kind: str, subject_id: Any) -> Any:
    """The thing a finding is about, as the user may see it; ``NotFound`` otherwise."""
    try:
        pk = int(subject_id)
    except (TypeError, ValueError):
        raise NotFound("No such subject.") from None
    if kind == Subject.OBJECTIVE:
        return goal_selectors.get_objective_for_user(user, pk)
    if kind == Subject.KEY_RESULT:
        return goal_selectors.get_key_result_for_user(user, pk)
    found: Any
    if kind == Subject.PERSON:
        found = people_visible_to(user).filter(pk=pk).first()
    elif kind == Subject.TEAM:
        found = teams_visible_to(user).select_related("lead").filter(pk=pk).first()
    elif kind == Subject.CYCLE:
        found = goal_selectors.cycles_for_user(user).filter(pk=pk).first()
    else:
        from lineofsight.reviews.models import ReviewCycle

        found = (
            ReviewCycle.objects.filter(CoachViewer.of(user).review_cycle_filter(), pk=pk).first()
            if kind == Subject.REVIEW_CYCLE
            else None
        )
    if found is None:
        raise NotFound("No such subject.")
    return found


def get_acknowledgement_for_user(user: Person, pk: Any) -> FindingAcknowledgement:
    """An acknowledgement whose subject the user may see; ``NotFound`` otherwise."""
    try:
        ack = FindingAcknowledgement.objects.select_related("cycle").get(pk=int(pk))
    except (TypeError, ValueError, FindingAcknowledgement.DoesNotExist):
        raise NotFound("No such acknowledgement.") from None
    subject_of(user, ack.subject_kind, ack.subject_id)
    return ack


def scope_for_subject(cycle: Cycle, kind: str, subject: Any) -> CoachScope:
    """The smallest scope whose checks decide every finding about ``subject``."""
    if kind == Subject.OBJECTIVE:
        return CoachScope.owned_by(cycle, subject)
    if kind == Subject.KEY_RESULT:
        return CoachScope.owned_by(cycle, subject.objective)
    if kind == Subject.PERSON:
        return CoachScope.of_person(cycle, subject)
    if kind == Subject.TEAM:
        return CoachScope(cycle, OWNER_TEAM, team=subject)
    return CoachScope.organisation(cycle)


# ---------------------------------------------------------------------------------------
# Findings


def _relevant(findings: Iterable[Finding], loaded: Loaded) -> list[Finding]:
    """The findings that belong to the scope. Beyond the whole organisation a population
    holds some objectives only for context (a person's key result in a team objective, say):
    findings about other people and teams are left to their own scopes."""
    scope = loaded.scope
    if scope.kind not in (PERSON, OWNER_TEAM, SUBTREE):
        return list(findings)
    objectives = loaded.objectives
    out = []
    if scope.kind == PERSON:
        assert scope.person is not None
        me = scope.person.pk
        mine = {pk for pk, o in objectives.items() if o.owner_person_id == me}
        for f in findings:
            kind = f.subject
            if (
                (kind is Subject.PERSON and f.subject_id == me)
                or (kind is Subject.OBJECTIVE and f.subject_id in mine)
                or (
                    kind is Subject.KEY_RESULT
                    and f.subject_id in loaded.key_results
                    and (
                        loaded.key_results[f.subject_id].owner_id == me
                        or loaded.key_results[f.subject_id].objective_id in mine
                    )
                )
                or kind is Subject.CYCLE
            ):
                out.append(f)
        return out
    assert scope.team is not None
    if scope.kind == OWNER_TEAM:
        return [f for f in findings if f.subject is not Subject.PERSON]
    members = loaded.member_ids
    return [f for f in findings if f.subject is not Subject.PERSON or f.subject_id in members]


def _live_acknowledgements(cycle_id: int) -> dict[tuple[str, str, int], FindingAcknowledgement]:
    rows = (
        FindingAcknowledgement.objects.live()
        .filter(cycle_id=cycle_id)
        .select_related("acknowledged_by")
        .order_by("pk")
    )
    return {row.key: row for row in rows}


_MARK = 987654321


def _url(name: str, pk: int, cache: dict[str, str]) -> str:
    """``reverse(name, args=[pk])``, reversed once per name (thousands of findings)."""
    pattern = cache.get(name)
    if pattern is None:
        pattern = cache[name] = reverse(name, args=[_MARK])
    return pattern.replace(str(_MARK), str(pk))


def _label_and_url(
    finding: Finding, loaded: Loaded, cache: dict[str, str]
) -> tuple[str, str | None]:
    pk = finding.subject_id
    population = loaded.population
    if finding.subject is Subject.OBJECTIVE:
        label = loaded.objective_titles.get(pk, f"objective #{pk}")
        return label, _url("objective", pk, cache)
    if finding.subject is Subject.KEY_RESULT:
        kr = loaded.key_results.get(pk)
        if kr is None:
            return f"key result #{pk}", None
        return kr.title, _url("objective", kr.objective_id, cache) + f"#kr-{pk}"
    if finding.subject is Subject.PERSON:
        return population.people_names.get(pk, f"person #{pk}"), _url("person", pk, cache)
    if finding.subject is Subject.TEAM:
        return population.team_names.get(pk, f"team #{pk}"), _url("team", pk, cache)
    if finding.subject is Subject.CYCLE:
        return population.cycle.name, _url("cycle", pk, cache)
    return population.review_cycle_name or f"review cycle #{pk}", None


def _home_team(finding: Finding, loaded: Loaded) -> int | None:
    """The team a finding sits under: the owning team, or the owner's (first) team."""
    placement = loaded.placement

    def of_objective(objective_id: int | None) -> int | None:
        objective = loaded.objectives.get(objective_id) if objective_id is not None else None
        if objective is None:
            return None
        if objective.owner_team_id is not None:
            return objective.owner_team_id
        if objective.owner_person_id is not None:
            return placement.person_team.get(objective.owner_person_id)
        return None

    if finding.subject is Subject.OBJECTIVE:
        return of_objective(finding.subject_id)
    if finding.subject is Subject.KEY_RESULT:
        return of_objective(finding.objective_id or loaded.objective_of(finding.subject_id))
    if finding.subject is Subject.PERSON:
        return placement.person_team.get(finding.subject_id)
    if finding.subject is Subject.TEAM:
        return finding.subject_id
    return None


def rows_for(findings: Iterable[Finding], loaded: Loaded) -> list[FindingRow]:
    acknowledgements = _live_acknowledgements(loaded.population.cycle.id)
    rows = []
    urls: dict[str, str] = {}
    for finding in findings:
        label, url = _label_and_url(finding, loaded, urls)
        rows.append(
            FindingRow(
                finding,
                label,
                url,
                acknowledgements.get(finding.key),
                _home_team(finding, loaded),
            )
        )
    rows.sort(key=lambda r: r.sort_key)
    return rows


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a report is built: at 10,000 people it
    makes a few hundred thousand small objects (none in a reference cycle), and the
    collector's full passes over them cost about a sixth of the time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def coach_report(user: Person | None, scope: CoachScope, *, today: dt.date | None = None) -> Report:
    """Every finding for ``scope`` as ``user`` may see it, each with its acknowledgement."""
    with _collector_paused():
        loaded = load_population(user, scope, today=today)
        checked = run_checks(loaded.population, loaded.settings, similarity=configured_similarity())
        findings = _relevant(checked, loaded)
        return Report(loaded, rows_for(findings, loaded))


def current_finding(
    user: Person, cycle: Cycle, code: str, kind: str, subject: Any
) -> FindingRow | None:
    """The finding ``code`` about ``subject`` (already resolved for the user) as the checks
    report it today, with its acknowledgement; None when the checks do not report it."""
    report = coach_report(user, scope_for_subject(cycle, kind, subject))
    key = (code, str(kind), int(subject.pk))
    return next((row for row in report.rows if row.key == key), None)


def acknowledgement_data(ack: FindingAcknowledgement) -> dict[str, Any]:
    """An acknowledgement as plain data (the API's and the command line's JSON)."""
    by = ack.acknowledged_by
    return {
        "id": ack.pk,
        "cycle": ack.cycle_id,
        "code": ack.code,
        "subject": ack.subject_kind,
        "subject_id": ack.subject_id,
        "reason": ack.reason,
        "acknowledged_by": ack.acknowledged_by_id,
        "acknowledged_by_name": by.name if by is not None else None,
        "acknowledged_at": ack.acknowledged_at,
        "reopened_at": ack.reopened_at,
        "reopened_by": ack.reopened_by_id,
        "reopen_reason": ack.reopen_reason,
    }


def finding_data(row: FindingRow) -> dict[str, Any]:
    """A finding as plain data (the API's and the command line's JSON)."""
    f = row.finding
    return {
        "check": f.check,
        "code": f.code,
        "level": f.level.value,
        "subject": f.subject.value,
        "subject_id": f.subject_id,
        "subject_label": row.subject_label,
        "objective": f.objective_id,
        "message": f.message,
        "suggestion": f.suggestion,
        "acknowledgement": acknowledgement_data(row.acknowledgement)
        if row.acknowledgement is not None
        else None,
    }


# ---------------------------------------------------------------------------------------
# Quality


@dataclass
class ObjectiveCoaching:
    objective: Objective
    quality: Quality
    rows: list[FindingRow]
    can_acknowledge: bool

    @property
    def open_rows(self) -> list[FindingRow]:
        return [r for r in self.rows if not r.acknowledged]

    @property
    def acknowledged_rows(self) -> list[FindingRow]:
        return [r for r in self.rows if r.acknowledged]


def objective_coaching(user: Person, objective: Objective) -> ObjectiveCoaching:
    """An objective's quality score (with its reasons) and the findings about it and its key
    results, as ``user`` may see them."""
    report = coach_report(user, CoachScope.owned_by(objective.cycle, objective))
    rows = [
        r
        for r in report.rows
        if r.finding.objective_id == objective.pk
        or (r.finding.subject is Subject.OBJECTIVE and r.finding.subject_id == objective.pk)
    ]
    quality = objective_quality(objective.pk, [r.finding for r in rows if not r.acknowledged])
    may_acknowledge = CoachViewer.of(user).can_acknowledge_finding("objective", objective)
    return ObjectiveCoaching(objective, quality, rows, may_acknowledge)


@dataclass
class TeamCoaching:
    team: Team
    cycle: Cycle
    quality: Quality
    rows: list[FindingRow]
    objectives: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def team_coaching(user: Person, team: Team, cycle: Cycle) -> TeamCoaching:
    """A team's quality score over the objectives it owns in ``cycle`` (as ``user`` may see
    them) and the findings about the team itself."""
    report = coach_report(user, CoachScope(cycle, OWNER_TEAM, team=team))
    own = [
        o
        for o in report.loaded.population.objectives
        if o.owner_team_id == team.pk and o.state in ("active", "draft")
    ]
    quality = team_quality(team.pk, report.open_findings(), own)
    team_rows = [
        r
        for r in report.rows
        if r.finding.subject is Subject.TEAM and r.finding.subject_id == team.pk
    ]
    return TeamCoaching(team, cycle, quality, team_rows, objectives=len(own))


def acknowledgeable(user: Person, rows: Iterable[FindingRow]) -> set[tuple[str, str, int]]:
    """The keys of the rows ``user`` may acknowledge (or reopen): whoever may change the
    subject (``CoachViewer.can_acknowledge_finding``). Four queries, for any number of rows."""
    from lineofsight.goals.models import KeyResult

    viewer = CoachViewer.of(user)
    rows = list(rows)
    ids: dict[str, set[int]] = {}
    for row in rows:
        ids.setdefault(row.finding.subject.value, set()).add(row.finding.subject_id)
    subjects: dict[tuple[str, int], Any] = {}
    loaders: dict[str, Any] = {
        "objective": Objective.objects.select_related("owner_person", "owner_team__lead"),
        "key_result": KeyResult.objects.select_related(
            "objective__owner_person", "objective__owner_team__lead"
        ),
        "person": Person.objects.all(),
        "team": Team.objects.select_related("lead"),
    }
    for kind, loader in loaders.items():
        # Every kind is asked for, with a sentinel id, so the count stays the same whichever
        # kinds of finding are shown.
        for found in loader.filter(pk__in=[*sorted(ids.get(kind, ())), 0]):
            subjects[(kind, found.pk)] = found
    allowed = set()
    for row in rows:
        kind, pk = row.finding.subject.value, row.finding.subject_id
        subject = subjects.get((kind, pk))
        if kind in loaders and subject is None:
            continue
        if viewer.can_acknowledge_finding(kind, subject):
            allowed.add(row.key)
    return allowed
