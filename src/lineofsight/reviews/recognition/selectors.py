"""Reads for recognition, through the access policy.

Kudos are public, except that a kudos about a key result is shown only to those who may see
that key result (its title would tell them something they may not see). Spot-bonus
nominations go through ``spot_bonus_filter``: the nominee's manager chain, HR and the
nominator, never the nominee.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from lineofsight.core.errors import NotFound
from lineofsight.goals.models import KeyResult
from lineofsight.people.models import Person
from lineofsight.reviews.access import ReviewViewer
from lineofsight.reviews.models import Kudos, SpotBonusNomination

LIST_LIMIT = 50


def kudos_visible_to(user: Person) -> QuerySet[Kudos]:
    viewer = ReviewViewer.of(user)
    if not viewer.is_active:
        return Kudos.objects.none()
    return (
        Kudos.objects.filter(
            Q(key_result__isnull=True) | viewer.objective_filter("key_result__objective__")
        )
        .select_related("author", "recipient", "key_result__objective")
        .order_by("-created_at", "-pk")
    )


def kudos_for_person(user: Person, person: Person) -> QuerySet[Kudos]:
    return kudos_visible_to(user).filter(recipient=person)


def kudos_for_key_result(user: Person, key_result: KeyResult) -> QuerySet[Kudos]:
    return kudos_visible_to(user).filter(key_result=key_result)


def kudos_key_results(user: Person, person: Person) -> QuerySet[KeyResult]:
    """The person's active key results the viewer may see, in cycles still open (what kudos
    from their page may be about); newest cycles first."""
    return (
        KeyResult.objects.visible_to(user)
        .filter(owner=person, state=KeyResult.State.ACTIVE)
        .exclude(cycle__state="closed")
        .select_related("objective", "cycle")
        .order_by("-cycle__start_date", "objective__title", "position", "pk")
    )


def key_result_people(key_result: KeyResult) -> QuerySet[Person]:
    """Who kudos about a key result may go to: its owner and the owners of its initiatives."""
    return (
        Person.objects.filter(
            Q(pk=key_result.owner_id) | Q(initiatives__key_result=key_result), is_active=True
        )
        .distinct()
        .order_by("display_name", "username")
    )


def nominations_for_user(user: Person) -> QuerySet[SpotBonusNomination]:
    return (
        SpotBonusNomination.objects.filter(ReviewViewer.of(user).spot_bonus_filter())
        .select_related("nominator", "nominee", "key_result", "decided_by")
        .order_by("-created_at", "-pk")
    )


def get_nomination_for_user(user: Person, pk: Any) -> SpotBonusNomination:
    try:
        return nominations_for_user(user).get(pk=int(pk))
    except (TypeError, ValueError, SpotBonusNomination.DoesNotExist):
        raise NotFound("No such nomination.") from None
