"""Querysets for goals: every ``visible_to`` delegates to the one access policy."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import models

from lineofsight.goals.access import GoalViewer

if TYPE_CHECKING:
    from lineofsight.people.models import Person


class ObjectiveQuerySet(models.QuerySet):
    def visible_to(self, person: Person) -> ObjectiveQuerySet:
        return self.filter(GoalViewer.of(person).objective_filter())

    def live(self) -> ObjectiveQuerySet:
        return self.exclude(state="abandoned")


class TeamRetrospectiveQuerySet(models.QuerySet):
    def visible_to(self, person: Person) -> TeamRetrospectiveQuerySet:
        return self.filter(GoalViewer.of(person).team_retrospective_filter())


class KeyResultQuerySet(models.QuerySet):
    def visible_to(self, person: Person) -> KeyResultQuerySet:
        return self.filter(GoalViewer.of(person).objective_filter("objective__"))


class CheckInQuerySet(models.QuerySet):
    def visible_to(self, person: Person) -> CheckInQuerySet:
        return self.filter(GoalViewer.of(person).objective_filter("key_result__objective__"))


class BlockerQuerySet(models.QuerySet):
    def visible_to(self, person: Person) -> BlockerQuerySet:
        """A blocker is seen by whoever may see its key result's objective."""
        return self.filter(GoalViewer.of(person).objective_filter("key_result__objective__"))

    def unresolved(self) -> BlockerQuerySet:
        return self.exclude(state="resolved")


class InitiativeQuerySet(models.QuerySet):
    def visible_to(self, person: Person) -> InitiativeQuerySet:
        return self.filter(GoalViewer.of(person).objective_filter("key_result__objective__"))


class AlignmentLinkQuerySet(models.QuerySet):
    def live(self) -> AlignmentLinkQuerySet:
        """Links in force, proposals awaiting a decision included (shown, not counted)."""
        return self.filter(ended_at__isnull=True)

    def contributing(self) -> AlignmentLinkQuerySet:
        """Live contributions that count: accepted ones (never a pending proposal)."""
        return self.filter(kind="contributes", state="accepted", ended_at__isnull=True)

    def pending(self) -> AlignmentLinkQuerySet:
        """Proposals awaiting a decision by the parent's editors."""
        return self.filter(state="pending", ended_at__isnull=True)

    def in_force(self) -> AlignmentLinkQuerySet:
        """Live links that are not proposals: accepted ones, of either kind."""
        return self.filter(state="accepted", ended_at__isnull=True)

    def in_force_at(self, as_of: dt.datetime) -> AlignmentLinkQuerySet:
        """Links in force at ``as_of``: accepted by then (a link accepted at once, from its
        creation) and not yet ended."""
        q = models.Q
        return self.filter(
            q(ended_at__isnull=True) | q(ended_at__gt=as_of),
            q(decided_at__lte=as_of) | q(decided_at__isnull=True, created_at__lte=as_of),
            state="accepted",
        )

    def counted_at(self, as_of: dt.datetime) -> AlignmentLinkQuerySet:
        """Contributions that counted at ``as_of``."""
        return self.in_force_at(as_of).filter(kind="contributes")

    def visible_to(self, person: Person) -> AlignmentLinkQuerySet:
        """Links whose child and parent are both visible (filtered on the joined rows)."""
        viewer = GoalViewer.of(person)
        parent_visible = (
            models.Q(parent_objective__isnull=False) & viewer.objective_filter("parent_objective__")
        ) | (
            models.Q(parent_key_result__isnull=False)
            & viewer.objective_filter("parent_key_result__objective__")
        )
        return self.filter(viewer.objective_filter("child__")).filter(parent_visible)
