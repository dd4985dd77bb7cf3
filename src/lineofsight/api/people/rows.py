"""Output rows about people and teams."""

from __future__ import annotations

from typing import Any

from lineofsight.people.models import Person, Team


def roles_of(person: Person, report_count: int) -> list[str]:
    roles = ["employee"]
    if report_count:
        roles.append("manager")
    if person.is_hr_admin:
        roles.append("hr_admin")
    if person.is_executive:
        roles.append("executive")
    return roles


def person_row(person: Person, report_count: int) -> dict[str, Any]:
    return {
        "id": person.pk,
        "username": person.username,
        "name": person.name,
        "job_title": person.job_title,
        "email": person.email,
        "manager": person.manager_id,
        "roles": roles_of(person, report_count),
        "is_hr_admin": person.is_hr_admin,
        "is_executive": person.is_executive,
        "updated_at": person.updated_at,
    }


def team_row(team: Team) -> dict[str, Any]:
    return {
        "id": team.pk,
        "name": team.name,
        "slug": team.slug,
        "kind": team.kind,
        "parent": team.parent_id,
        "lead": team.lead_id,
        "updated_at": team.updated_at,
    }
