"""What the coach looks at: a cycle and a scope (the organisation, a team with the teams
inside it, a person, one owner's objectives), the organisation's limits, and the scope and
the viewer's access rule as query filters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import Q

from lineofsight.coach.access import CoachViewer
from lineofsight.coach.rules.facts import CoachSettings
from lineofsight.goals.models import Cycle, KeyResult, Objective
from lineofsight.goals.selectors import cycle_scope
from lineofsight.people.actions import COACH_FIELDS
from lineofsight.people.models import Membership, Organisation, Person, Team

CHUNK = 5000
ORG = "organisation"
SUBTREE = "subtree"
PERSON = "person"
OWNER_TEAM = "owner_team"


@dataclass(frozen=True)
class CoachScope:
    """What to check: a cycle and one of the whole organisation, a team (with the teams
    inside it and their members' objectives), a person's objectives, or the objectives a
    team owns itself (``owner_team``)."""

    cycle: Cycle
    kind: str = ORG
    team: Team | None = None
    person: Person | None = None

    @classmethod
    def organisation(cls, cycle: Cycle) -> CoachScope:
        return cls(cycle)

    @classmethod
    def of_team(cls, cycle: Cycle, team: Team) -> CoachScope:
        if team.parent_id is None and team.kind == Team.Kind.COMPANY:
            return cls(cycle, ORG, team=team)  # the whole company: every objective
        return cls(cycle, SUBTREE, team=team)

    @classmethod
    def of_person(cls, cycle: Cycle, person: Person) -> CoachScope:
        return cls(cycle, PERSON, person=person)

    @classmethod
    def owned_by(cls, cycle: Cycle, objective: Objective) -> CoachScope:
        """The objectives of the same owner as ``objective`` (what its findings need)."""
        if objective.owner_team_id is not None:
            assert objective.owner_team is not None
            return cls(cycle, OWNER_TEAM, team=objective.owner_team)
        assert objective.owner_person is not None
        return cls(cycle, PERSON, person=objective.owner_person)


# ---------------------------------------------------------------------------------------
# Settings


def coach_settings() -> CoachSettings:
    """The organisation's coaching limits (one query)."""
    fields = COACH_FIELDS
    row = Organisation.objects.order_by("pk").values(*fields).first()
    return CoachSettings(**row) if row else CoachSettings()


# ---------------------------------------------------------------------------------------
# Scope filters


def chunks(values: Iterable[int], size: int = CHUNK) -> Iterator[list[int]]:
    ordered = sorted(set(values))
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


@dataclass(frozen=True)
class ScopeFilters:
    """The scope (who owns the objectives) and the viewer's rule, as Q objects over
    Objective or over a relation to it (``prefix``: "objective__", "child__")."""

    owner_team_ids: tuple[int, ...] | None
    owner_person_ids: tuple[int, ...] | None
    viewer: CoachViewer | None
    # Also the objectives with a key result this person owns (a person's scope).
    key_result_owner_id: int | None = None

    def owners(self, prefix: str = "") -> Q:
        if self.owner_team_ids is None and self.owner_person_ids is None:
            return Q()
        q = Q(pk__in=[])
        if self.owner_team_ids:
            q |= Q(**{f"{prefix}owner_team_id__in": list(self.owner_team_ids)})
        if self.owner_person_ids:
            q |= Q(**{f"{prefix}owner_person_id__in": list(self.owner_person_ids)})
        if self.key_result_owner_id is not None:
            column = f"{prefix[:-2]}_id" if prefix else "pk"
            owned = KeyResult.objects.filter(owner_id=self.key_result_owner_id).values(
                "objective_id"
            )
            q |= Q(**{f"{column}__in": owned})
        return q

    def visible(self, prefix: str = "") -> Q:
        return Q() if self.viewer is None else self.viewer.objective_filter(prefix)

    def both(self, prefix: str = "") -> Q:
        return self.owners(prefix) & self.visible(prefix)


def scope_filters(user: Person | None, scope: CoachScope) -> ScopeFilters:
    viewer = CoachViewer.of(user) if user is not None else None
    if scope.kind == ORG:
        return ScopeFilters(None, None, viewer)
    if scope.kind == PERSON:
        assert scope.person is not None
        return ScopeFilters((), (scope.person.pk,), viewer, key_result_owner_id=scope.person.pk)
    assert scope.team is not None
    if scope.kind == OWNER_TEAM:
        return ScopeFilters((scope.team.pk,), (), viewer)
    return ScopeFilters(
        tuple(subtree_team_ids(scope.team)), tuple(team_member_ids(scope.team)), viewer
    )


def subtree_team_ids(team: Team) -> list[int]:
    """The team and every team inside it."""
    inside = Team.objects.filter(path__startswith=team.subtree_prefix).values_list("pk", flat=True)
    return [team.pk, *inside]


def team_member_ids(team: Team) -> list[int]:
    """Members of the team or of any team inside it."""
    members = Membership.objects.filter(
        Q(team=team) | Q(team__path__startswith=team.subtree_prefix)
    ).values_list("person_id", flat=True)
    return sorted(set(members))


def key_result_cycles(cycle: Cycle, today: dt.date) -> list[int]:
    """The cycles whose key results count for ``cycle``: the cycle and its year; for a year,
    also the quarter under way (else the latest one started), as a rolling objective's
    key results are set per quarter."""
    ids = cycle_scope(cycle)
    if cycle.kind == Cycle.Kind.ANNUAL:
        quarter = (
            Cycle.objects.filter(parent=cycle, start_date__lte=today)
            .order_by("-start_date")
            .values_list("pk", flat=True)
            .first()
        )
        if quarter is not None:
            ids.append(quarter)
    return ids
