"""Reads about the organisation. The directory (people, teams) is visible to every member."""

from __future__ import annotations

import time

from django.db.models import Count, Q, QuerySet

from lineofsight.people.models import Organisation, Person, Team

_ORG_TTL_SECONDS = 30.0
_org_cache: dict[str, tuple[float, str, str, float, float]] = {}


def _org_settings() -> tuple[str, str, float, float]:
    """Name, time zone and pace thresholds (on track from, off track below), read at most
    once every ``_ORG_TTL_SECONDS`` per process."""
    hit = _org_cache.get("org")
    now = time.monotonic()
    if hit and now - hit[0] < _ORG_TTL_SECONDS:
        return hit[1:]
    org = (
        Organisation.objects.order_by("pk")
        .values_list("name", "time_zone", "pace_on_track", "pace_off_track")
        .first()
    )
    if org is None:
        from django.conf import settings

        default = Organisation()
        org = ("Line of Sight", settings.TIME_ZONE, default.pace_on_track, default.pace_off_track)
    _org_cache["org"] = (now, *org)
    return org


def _org_values() -> tuple[str, str]:
    name, tz, _, _ = _org_settings()
    return name, tz


def forget_organisation_cache() -> None:
    _org_cache.clear()


def organisation_time_zone() -> str:
    return _org_values()[1]


def organisation_name() -> str:
    return _org_values()[0]


def organisation_pace_thresholds() -> tuple[float, float]:
    """The organisation's "on track from" and "off track below" shares of expected progress."""
    _, _, on_track, off_track = _org_settings()
    return on_track, off_track


def people_visible_to(person: Person) -> QuerySet[Person]:
    """The directory: every active member sees every active member."""
    if not (person.is_authenticated and person.is_active):
        return Person.objects.none()
    return Person.objects.filter(is_active=True)


def teams_visible_to(person: Person) -> QuerySet[Team]:
    if not (person.is_authenticated and person.is_active):
        return Team.objects.none()
    return Team.objects.all()


def get_person_for_user(user: Person, pk: int) -> Person:
    return people_visible_to(user).get(pk=pk)


def get_team_for_user(user: Person, pk: int) -> Team:
    return teams_visible_to(user).get(pk=pk)


def with_report_counts(qs: QuerySet[Person]) -> QuerySet[Person]:
    return qs.annotate(report_count=Count("reports", filter=Q(reports__is_active=True)))


def manager_chain(person: Person) -> list[Person]:
    """Managers from the nearest up to the top, in one query."""
    ids = person.chain_ids
    by_id = Person.objects.in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]


def team_ancestors(team: Team) -> list[Team]:
    ids = team.ancestor_ids
    by_id = Team.objects.in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]
