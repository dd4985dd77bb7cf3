"""Querysets for goals: every ``visible_to`` delegates to the one access policy."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

from lineofsight.core.access import Viewer

if TYPE_CHECKING:
    from lineofsight.people.models import Person


class ObjectiveQuerySet(models.QuerySet):
    def visible_to(self, person: Person) -> ObjectiveQuerySet:
        return self.filter(Viewer.of(person).objective_filter())

    def live(self) -> ObjectiveQuerySet:
        return self.exclude(state="abandoned")


class KeyResultQuerySet(models.QuerySet):
    def visible_to(self, person: Person) -> KeyResultQuerySet:
        return self.filter(Viewer.of(person).objective_filter("objective__"))


class CheckInQuerySet(models.QuerySet):
    def visible_to(self, person: Person) -> CheckInQuerySet:
        return self.filter(Viewer.of(person).objective_filter("key_result__objective__"))


class InitiativeQuerySet(models.QuerySet):
    def visible_to(self, person: Person) -> InitiativeQuerySet:
        return self.filter(Viewer.of(person).objective_filter("key_result__objective__"))


class AlignmentLinkQuerySet(models.QuerySet):
    def live(self) -> AlignmentLinkQuerySet:
        return self.filter(ended_at__isnull=True)

    def contributing(self) -> AlignmentLinkQuerySet:
        return self.filter(kind="contributes", ended_at__isnull=True)

    def visible_to(self, person: Person) -> AlignmentLinkQuerySet:
        """Links whose child and parent are both visible (filtered on the joined rows)."""
        viewer = Viewer.of(person)
        parent_visible = (
            models.Q(parent_objective__isnull=False) & viewer.objective_filter("parent_objective__")
        ) | (
            models.Q(parent_key_result__isnull=False)
            & viewer.objective_filter("parent_key_result__objective__")
        )
        return self.filter(viewer.objective_filter("child__")).filter(parent_visible)
