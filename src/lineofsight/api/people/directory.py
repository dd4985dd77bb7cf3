"""Read-only: /api/people, /api/teams, /api/cycles and /api/me."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from ninja import Query, Router, Status

from lineofsight.access.policy import Viewer
from lineofsight.api.auth import caller
from lineofsight.api.base import page, page_of
from lineofsight.api.errors import READ_ERRORS, WRITE_ERRORS
from lineofsight.api.goals.rows import cycle_row
from lineofsight.api.goals.schemas import CycleOut, CycleQuery
from lineofsight.api.people.rows import person_row, team_row
from lineofsight.api.people.schemas import (
    MeOut,
    NudgeOut,
    PeopleQuery,
    PersonDetailOut,
    PersonOut,
    TeamDetailOut,
    TeamOut,
    TeamQuery,
)
from lineofsight.api.sync import SyncPage, sync_page
from lineofsight.api.types import ParamId
from lineofsight.goals import selectors
from lineofsight.integrations import nudges
from lineofsight.people.models import Membership, Person, Team
from lineofsight.people.selectors import (
    get_person_for_user,
    get_team_for_user,
    people_visible_to,
    teams_visible_to,
    with_report_counts,
)

people = Router(tags=["people"])
teams = Router(tags=["teams"])
cycles = Router(tags=["cycles"])
me = Router(tags=["me"])


@people.get("", response={200: SyncPage[PersonOut], **READ_ERRORS})
def list_people(request: HttpRequest, filters: Query[PeopleQuery]) -> Any:
    """The directory: every active member of the organisation, by name (with
    ``updated_since``: those whose row changed since, oldest change first; people who left
    appear in ``GET /api/tombstones``)."""
    qs = people_visible_to(caller(request))
    if filters.q:
        q = filters.q
        qs = qs.filter(
            Q(display_name__icontains=q)
            | Q(username__icontains=q)
            | Q(first_name__icontains=q)
            | Q(last_name__icontains=q)
            | Q(job_title__icontains=q)
            | Q(email__icontains=q)
        )
    if filters.manager is not None:
        qs = qs.filter(manager_id=filters.manager)
    if filters.team is not None:
        qs = qs.filter(pk__in=Membership.objects.filter(team_id=filters.team).values("person_id"))

    def rows_of(people: list[Person]) -> list[dict[str, Any]]:
        return [person_row(p, p.report_count) for p in people]  # type: ignore[attr-defined]

    changed = sync_page(with_report_counts(qs), filters, rows_of)
    if changed is not None:
        return changed
    total, rows = page_of(
        with_report_counts(qs).order_by("display_name", "username", "pk"), filters
    )
    return page(total, filters, rows_of(rows))


@people.get("/{id}", response={200: PersonDetailOut, **READ_ERRORS})
def get_person(request: HttpRequest, id: ParamId) -> Any:
    """One person, with their manager chain, teams and direct reports."""
    person = get_person_for_user(caller(request), id)
    report_ids = list(
        Person.objects.filter(manager=person, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    row = person_row(person, len(report_ids))
    row.update(
        manager_chain=person.chain_ids,
        team_ids=sorted(person.memberships.values_list("team_id", flat=True)),
        report_ids=report_ids,
    )
    return row


@teams.get("", response={200: SyncPage[TeamOut], **READ_ERRORS})
def list_teams(request: HttpRequest, filters: Query[TeamQuery]) -> Any:
    """Teams, departments and the company, outermost first (with ``updated_since``: those
    changed since, oldest change first; deleted ones appear in ``GET /api/tombstones``)."""
    qs = teams_visible_to(caller(request))
    if filters.kind is not None:
        qs = qs.filter(kind=filters.kind)
    if filters.parent is not None:
        qs = qs.filter(parent_id=filters.parent)
    changed = sync_page(qs, filters, lambda found: [team_row(t) for t in found])
    if changed is not None:
        return changed
    total, rows = page_of(qs.order_by("path", "name", "pk"), filters)
    return page(total, filters, [team_row(t) for t in rows])


@teams.get("/{id}", response={200: TeamDetailOut, **READ_ERRORS})
def get_team(request: HttpRequest, id: ParamId) -> Any:
    """One team with its members and sub-teams."""
    team = get_team_for_user(caller(request), id)
    row = team_row(team)
    row.update(
        ancestor_ids=team.ancestor_ids,
        member_ids=sorted(team.memberships.values_list("person_id", flat=True)),
        sub_team_ids=sorted(Team.objects.filter(parent=team).values_list("pk", flat=True)),
    )
    return row


@cycles.get("", response={200: SyncPage[CycleOut], **READ_ERRORS})
def list_cycles(request: HttpRequest, filters: Query[CycleQuery]) -> Any:
    """Annual and quarterly cycles, earliest first."""
    qs = selectors.cycles_for_user(caller(request))
    if filters.kind is not None:
        qs = qs.filter(kind=filters.kind)
    if filters.state is not None:
        qs = qs.filter(state=filters.state)
    changed = sync_page(qs, filters, lambda found: [cycle_row(c) for c in found])
    if changed is not None:
        return changed
    total, rows = page_of(qs.order_by("start_date", "-end_date", "pk"), filters)
    return page(total, filters, [cycle_row(c) for c in rows])


@cycles.get("/{id}", response={200: CycleOut, **READ_ERRORS})
def get_cycle(request: HttpRequest, id: ParamId) -> Any:
    """One cycle."""
    return cycle_row(selectors.get_cycle_for_user(caller(request), id))


@me.get("", response={200: MeOut, 401: READ_ERRORS[401]})
def whoami(request: HttpRequest) -> Any:
    """The caller, with their roles and teams."""
    user = caller(request)
    viewer = Viewer.of(user)
    report_count = Person.objects.filter(manager=user, is_active=True).count()
    row = person_row(user, report_count)
    row.update(
        team_ids=sorted(viewer.team_ids),
        led_team_ids=sorted(viewer.led_team_ids),
        objective_levels=list(viewer.objective_levels()),
    )
    return row


@people.post("/{id}/nudge", response={201: NudgeOut, **WRITE_ERRORS})
def nudge_person(request: HttpRequest, id: ParamId) -> Any:
    """Ask one of your reports (anyone below you in the manager chain) for a check-in now: a
    reminder goes out at once. At most once a day per person and manager; a second nudge is
    a 422 on ``person`` saying when the next is possible."""
    user = caller(request)
    report = get_person_for_user(user, id)
    sent = nudges.nudge_report(acting_user=user, report=report)
    return Status(201, {"person": report.pk, "notification": sent.notification_id, "due": sent.due})
