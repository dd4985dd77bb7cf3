"""Finding people and teams named on the command line (see ``core.commands``)."""

from __future__ import annotations

from django.core.management.base import CommandError

from lineofsight.people.models import Person, Team


def find_person(username: str, argument: str) -> Person:
    person = Person.objects.filter(username__iexact=(username or "").strip()).first()
    if person is None:
        raise CommandError(f"{argument}: nobody has the username {username!r}.")
    return person


def find_team(slug: str, argument: str) -> Team:
    team = Team.objects.filter(slug=(slug or "").strip()).first()
    if team is None:
        raise CommandError(
            f"{argument}: no team has the slug {slug!r} (see `lineofsight teams list`)."
        )
    return team
