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


# Rows that belong to a person or team without being anyone's history: they go with it.
_NOT_HISTORY = frozenset(
    {
        "people.membership",
        "people.person_groups",
        "people.person_user_permissions",
        "integrations.notificationpreference",
        "reviews.teamcontextvisit",
    }
)


def history_of(obj: Person | Team) -> dict[str, int]:
    """What refers to a person or team and would lose its author, owner or subject if they
    were deleted: ``{"check-ins": 12, "audit events": 40, ...}`` (empty: nothing)."""
    counts: dict[str, int] = {}
    for rel in obj._meta.get_fields(include_hidden=True):
        if not (rel.is_relation and rel.auto_created and not rel.concrete):
            continue
        model = rel.related_model
        assert model is not None  # a reverse relation always has its model
        through = getattr(rel, "through", None)
        if (
            model._meta.label_lower in _NOT_HISTORY
            or model._meta.auto_created  # an M2M's own table: counted through the M2M itself
            or (through is not None and through._meta.label_lower in _NOT_HISTORY)
        ):
            continue
        n = model._default_manager.filter(**{rel.field.name: obj}).count()  # type: ignore[union-attr]
        if n:
            label = str(model._meta.verbose_name_plural)
            counts[label] = counts.get(label, 0) + n
    return counts


def nested(teams: list[Team]) -> list[tuple[Team, int]]:
    """Teams in tree order (each followed by the teams inside it), with their depth."""
    children: dict[int | None, list[Team]] = {}
    ids = {t.pk for t in teams}
    for team in teams:
        parent = team.parent_id if team.parent_id in ids else None
        children.setdefault(parent, []).append(team)
    out: list[tuple[Team, int]] = []
    stack = [(t, 0) for t in reversed(children.get(None, []))]
    while stack:
        team, depth = stack.pop()
        out.append((team, depth))
        stack.extend((c, depth + 1) for c in reversed(children.get(team.pk, [])))
    return out
