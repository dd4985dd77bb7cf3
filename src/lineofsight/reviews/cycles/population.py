"""Who a review cycle covers, and who reviews them.

A population is the whole organisation, some teams (with every team inside them: their
members and their leads), or a list of people. Only active people are covered. Each person's
reviewer is their nearest active manager as the reporting line stands at launch (nobody, for
the person at the top: HR writes that review).

Every function here runs a fixed number of queries, whatever the size of the organisation.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from lineofsight.people.models import Membership, Person, Team
from lineofsight.reviews.models import ReviewCycle


def team_subtree_filter(teams: Iterable[Team], prefix: str = "") -> Q:
    """A Q over Team (or a relation to it, via ``prefix``): these teams and every team
    inside them."""
    q = Q(pk__in=[])
    for team in teams:
        q |= Q(**{f"{prefix}pk": team.pk}) | Q(**{f"{prefix}path__startswith": team.subtree_prefix})
    return q


def population_people(
    *,
    population: str,
    teams: Iterable[Team] = (),
    people: Iterable[Person] = (),
) -> QuerySet[Person]:
    """The active people a population covers (a queryset; nothing is read yet)."""
    active = Person.objects.filter(is_active=True)
    if population == ReviewCycle.Population.ORGANISATION:
        return active
    if population == ReviewCycle.Population.TEAMS:
        teams = list(teams)
        if not teams:
            return Person.objects.none()
        members = Membership.objects.filter(team_subtree_filter(teams, "team__")).values(
            "person_id"
        )
        leads = Team.objects.filter(team_subtree_filter(teams), lead__isnull=False).values(
            "lead_id"
        )
        return active.filter(Q(pk__in=members) | Q(pk__in=leads))
    if population == ReviewCycle.Population.PEOPLE:
        return active.filter(pk__in=[p.pk for p in people])
    return Person.objects.none()


def cycle_population(cycle: ReviewCycle) -> QuerySet[Person]:
    """The active people a review cycle covers (one query for its teams; a list of people is
    read inside the same query)."""
    if cycle.population == ReviewCycle.Population.PEOPLE:
        chosen = ReviewCycle.population_people.through.objects.filter(
            reviewcycle_id=cycle.pk
        ).values("person_id")
        return Person.objects.filter(is_active=True, pk__in=chosen)
    teams: list[Team] = []
    if cycle.population == ReviewCycle.Population.TEAMS:
        teams = list(cycle.population_teams.all())
    return population_people(population=cycle.population, teams=teams)


def reviewers(people: Iterable[tuple[int, str]], active_ids: set[int]) -> dict[int, int | None]:
    """Each person's reviewer: their nearest active manager (``manager_path`` lists the chain,
    top first), or None. ``people`` holds (id, manager_path) pairs."""
    out: dict[int, int | None] = {}
    for pk, path in people:
        chain = [int(part) for part in reversed(path.strip("/").split("/")) if part]
        out[pk] = next((manager for manager in chain if manager in active_ids), None)
    return out
