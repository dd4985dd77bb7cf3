"""Reads behind HR's organisation pages. Each answers in a fixed number of queries, however
many people or teams there are."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet

from lineofsight.core.errors import NotAllowed
from lineofsight.people import selectors
from lineofsight.people.access import PersonViewer
from lineofsight.people.models import Membership, Person, Team

PEOPLE_PER_PAGE = 50
PICKER_LIMIT = 20


def require_hr(user: Person) -> None:
    if not PersonViewer.of(user).can_manage_people():
        raise NotAllowed("Only HR admins run the organisation.")


@dataclass(frozen=True)
class PeopleFilters:
    q: str = ""
    team: int | None = None
    manager: int | None = None
    active: str = "active"  # "active", "inactive" or "all"


def matching(qs: QuerySet[Person], q: str) -> QuerySet[Person]:
    if not q:
        return qs
    return qs.filter(
        Q(display_name__icontains=q)
        | Q(username__icontains=q)
        | Q(first_name__icontains=q)
        | Q(last_name__icontains=q)
        | Q(job_title__icontains=q)
        | Q(email__icontains=q)
    )


def people_page(filters: PeopleFilters, number: str | None) -> Page[Person]:
    """One page of everyone (active, deactivated or both), searched and filtered, with each
    person's manager and teams: four queries whatever the size of the organisation."""
    qs = matching(Person.objects.all(), filters.q)
    if filters.active == "active":
        qs = qs.filter(is_active=True)
    elif filters.active == "inactive":
        qs = qs.filter(is_active=False)
    if filters.team is not None:
        qs = qs.filter(pk__in=Membership.objects.filter(team_id=filters.team).values("person_id"))
    if filters.manager is not None:
        qs = qs.filter(manager_id=filters.manager)
    qs = (
        qs.select_related("manager")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("team").order_by("team__name"),
            )
        )
        .order_by("display_name", "username", "pk")
    )
    return Paginator(qs, PEOPLE_PER_PAGE).get_page(number)


def any_person(pk: int) -> Person:
    """Anyone, deactivated people included (HR's pages only)."""
    return Person.objects.select_related("manager").get(pk=pk)


def team_choices() -> list[tuple[Team, int]]:
    """Every team in tree order with its depth, for pickers and filters (one query)."""
    teams = list(Team.objects.select_related("lead").order_by("name", "pk"))
    return selectors.nested(teams)


def team_tree() -> list[tuple[Team, int]]:
    """The tree with each team's member count (``member_count``): two queries, the counts
    read from the memberships' team index alone."""
    rows = team_choices()
    counts = dict(
        Membership.objects.order_by()
        .values_list("team_id")
        .annotate(n=Count("pk"))
        .values_list("team_id", "n")
    )
    for team, _ in rows:
        team.member_count = counts.get(team.pk, 0)  # type: ignore[attr-defined]
    return rows


def picker_people(q: str, *, below: Person | None = None) -> list[Person]:
    """Active people matching ``q`` (at most ``PICKER_LIMIT``). With ``below``: leaving out
    that person and everyone under them, who could not be their manager without a loop."""
    qs = matching(Person.objects.filter(is_active=True), q.strip())
    if below is not None:
        qs = qs.exclude(pk=below.pk).exclude(manager_path__startswith=below.subtree_prefix)
    return list(qs.order_by("display_name", "username", "pk")[:PICKER_LIMIT])


def team_members(team: Team) -> list[Person]:
    return list(
        Person.objects.filter(memberships__team=team).order_by("display_name", "username", "pk")
    )


def person_by_username(username: str) -> Person | None:
    username = username.strip()
    if not username:
        return None
    return Person.objects.filter(username__iexact=username).first()
