"""Running the organisation over the API (HR admins): people, teams, memberships and cycles.

* ``POST /people``, ``PATCH /people/{id}``: add someone; change their name, email, job
  title, manager (a loop in the reporting line is refused naming ``manager``), teams, HR
  role, or deactivate and reactivate them (``is_active``).
* ``POST /teams``, ``PATCH /teams/{id}``: add a team; rename it, change its kind, move it
  (``parent``), choose its lead, set its check-in cadence; ``POST /teams/{id}/members`` and
  ``DELETE /teams/{id}/members/{person_id}`` for its members.
* ``POST /cycles``, ``POST /cycles/{id}/next``, ``PATCH /cycles/{id}``,
  ``POST /cycles/{id}/open``: add a cycle (or the one after a cycle, dates filled in),
  change its name, dates and cadence, open it. Closing is ``POST /cycles/{id}/close``.

Everyone else gets 403. Each call goes through the same named actions as the pages: all or
nothing, audited, and a 422 naming the field on bad input.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.db import transaction
from django.http import HttpRequest
from ninja import Status
from pydantic import AfterValidator, Field

from lineofsight.access.policy import Viewer
from lineofsight.api.auth import caller
from lineofsight.api.base import Input, References
from lineofsight.api.errors import WRITE_ERRORS
from lineofsight.api.goals.rows import cycle_row
from lineofsight.api.goals.schemas import CycleOut
from lineofsight.api.people.directory import cycles, people, teams
from lineofsight.api.people.rows import person_row, team_row
from lineofsight.api.people.schemas import PersonOut, TeamOut
from lineofsight.api.types import (
    CycleKind,
    CycleName,
    Email,
    Flag,
    Id,
    JobTitle,
    ParamId,
    PersonName,
    TeamKind,
    Username,
    optional,
)
from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.core.parsing import DAY_RANGE, FIRST_YEAR, LAST_YEAR
from lineofsight.goals import actions as goal_actions
from lineofsight.goals.models import Cycle
from lineofsight.people import actions
from lineofsight.people.actions import UNCHANGED
from lineofsight.people.models import Person, Team

# The same routers as the directory's reads: one path answers GET and PATCH alike.

Cadence = Literal["weekly", "biweekly", "monthly"]
TeamCadence = Literal["", "weekly", "biweekly", "monthly"]


def _in_range(value: dt.date) -> dt.date:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(DAY_RANGE)
    return value


Day = Annotated[dt.date, AfterValidator(_in_range)]


def _hr(request: HttpRequest) -> Person:
    user = caller(request)
    if not Viewer.of(user).can_manage_people():
        raise NotAllowed("Only HR admins run the organisation.")
    return user


# ---------------------------------------------------------------------------------------
# People


class PersonIn(Input):
    username: Username
    name: PersonName
    email: Email = ""
    job_title: JobTitle = ""
    manager: Id | None = Field(None, description="Their manager's id; null for nobody.")
    team_ids: list[Id] = Field(default_factory=list, max_length=500)
    is_hr_admin: Flag = False


class PersonPatch(Input):
    name: PersonName = optional()
    email: Email = optional()
    job_title: JobTitle = optional()
    manager: Id | None = optional(description="Their manager's id; null for nobody.")
    team_ids: list[Id] = optional(max_length=500, description="Every team they belong to.")
    is_hr_admin: Flag = optional()
    is_active: Flag = optional(
        description="false deactivates them (they cannot sign in; their history stays), "
        "true reactivates them."
    )


class OrgPersonOut(PersonOut):
    is_active: bool
    team_ids: list[int]


def _person_out(person: Person) -> dict[str, Any]:
    reports = Person.objects.filter(manager=person, is_active=True).count()
    row = person_row(person, reports)
    row.update(
        is_active=person.is_active,
        team_ids=sorted(person.memberships.values_list("team_id", flat=True)),
    )
    return row


def _teams(refs: References, ids: list[int]) -> list[Team]:
    found = {t.pk: t for t in Team.objects.filter(pk__in=ids)}
    for pk in ids:
        if pk not in found:
            refs.error("team_ids", f"No team with id {pk}.")
    return list(found.values())


@people.post("", response={201: OrgPersonOut, **WRITE_ERRORS})
def add_person(request: HttpRequest, payload: PersonIn) -> Any:
    """Add someone (HR admins). They set their password through "Forgot your password?"."""
    user = _hr(request)
    refs = References()
    manager = refs.get(Person.objects.filter(is_active=True), payload.manager, "manager", "person")
    team_list = _teams(refs, payload.team_ids)
    refs.check()
    with transaction.atomic():
        person = actions.create_person(
            acting_user=user,
            username=payload.username,
            display_name=payload.name,
            email=payload.email.strip(),
            job_title=payload.job_title,
            manager=manager,
            is_hr_admin=payload.is_hr_admin,
        )
        actions.set_person_teams(acting_user=user, person=person, teams=team_list)
    return Status(201, _person_out(person))


@people.patch("/{id}", response={200: OrgPersonOut, **WRITE_ERRORS})
def change_person(request: HttpRequest, id: ParamId, payload: PersonPatch) -> Any:
    """Change someone (HR admins; deactivated people included): only the fields sent."""
    user = _hr(request)
    person = Person.objects.get(pk=id)
    given = payload.model_fields_set
    refs = References()
    manager: Any = UNCHANGED
    if "manager" in given:
        manager = refs.get(Person.objects.all(), payload.manager, "manager", "person")
    team_list = _teams(refs, payload.team_ids) if "team_ids" in given else None
    for field in ("name", "email", "job_title", "is_hr_admin", "is_active"):
        if field in given and getattr(payload, field) is None:
            refs.error(field, "Leave it out to keep it; it cannot be null.")
    refs.check()
    person = actions.edit_person(
        acting_user=user,
        person=person,
        display_name=payload.name if "name" in given else None,
        email=payload.email.strip() if "email" in given else None,
        job_title=payload.job_title if "job_title" in given else None,
        manager=manager,
        teams=team_list,
        is_hr_admin=payload.is_hr_admin if "is_hr_admin" in given else None,
        is_active=payload.is_active if "is_active" in given else None,
    )
    return _person_out(person)


# ---------------------------------------------------------------------------------------
# Teams


class TeamIn(Input):
    name: PersonName
    kind: TeamKind = "team"
    parent: Id | None = Field(None, description="The team it sits in; null only for the company.")
    lead: Id | None = None
    check_in_cadence: TeamCadence = Field("", description="'' follows each cycle's cadence.")


class TeamPatch(Input):
    name: PersonName = optional()
    kind: TeamKind = optional()
    parent: Id | None = optional(description="Move it inside this team.")
    lead: Id | None = optional(description="Its lead; null for none.")
    check_in_cadence: TeamCadence = optional()


class OrgTeamOut(TeamOut):
    check_in_cadence: str
    member_ids: list[int]


class MemberIn(Input):
    person: Id


def _team_out(team: Team) -> dict[str, Any]:
    row = team_row(team)
    row.update(
        check_in_cadence=team.check_in_cadence,
        member_ids=sorted(team.memberships.values_list("person_id", flat=True)),
    )
    return row


@teams.post("", response={201: OrgTeamOut, **WRITE_ERRORS})
def add_team(request: HttpRequest, payload: TeamIn) -> Any:
    """Add a team, department or (the first) company (HR admins)."""
    user = _hr(request)
    refs = References()
    parent = refs.get(Team.objects.all(), payload.parent, "parent", "team")
    lead = refs.get(Person.objects.filter(is_active=True), payload.lead, "lead", "person")
    refs.check()
    with transaction.atomic():
        team = actions.create_team(
            acting_user=user, name=payload.name, kind=payload.kind, parent=parent, lead=lead
        )
        if payload.check_in_cadence:
            team = actions.set_team_cadence(
                acting_user=user, team=team, cadence=payload.check_in_cadence
            )
    return Status(201, _team_out(team))


@teams.patch("/{id}", response={200: OrgTeamOut, **WRITE_ERRORS})
def change_team(request: HttpRequest, id: ParamId, payload: TeamPatch) -> Any:
    """Rename, re-kind, move a team, choose its lead or cadence (HR admins)."""
    user = _hr(request)
    team = Team.objects.get(pk=id)
    given = payload.model_fields_set
    refs = References()
    parent: Any = UNCHANGED
    lead: Any = UNCHANGED
    if "parent" in given:
        parent = refs.get(Team.objects.all(), payload.parent, "parent", "team")
    if "lead" in given:
        lead = refs.get(Person.objects.all(), payload.lead, "lead", "person")
    for field in ("name", "kind", "check_in_cadence"):
        if field in given and getattr(payload, field) is None:
            refs.error(field, "Leave it out to keep it; it cannot be null.")
    refs.check()
    team = actions.edit_team(
        acting_user=user,
        team=team,
        name=payload.name if "name" in given else None,
        kind=payload.kind if "kind" in given else None,
        parent=parent,
        lead=lead,
        check_in_cadence=payload.check_in_cadence if "check_in_cadence" in given else None,
    )
    return _team_out(team)


@teams.post("/{id}/members", response={201: OrgTeamOut, **WRITE_ERRORS})
def add_team_member(request: HttpRequest, id: ParamId, payload: MemberIn) -> Any:
    """Add someone to a team (HR admins)."""
    user = _hr(request)
    team = Team.objects.get(pk=id)
    refs = References()
    person = refs.get(Person.objects.filter(is_active=True), payload.person, "person", "person")
    refs.check()
    assert person is not None
    actions.add_member(acting_user=user, team=team, person=person)
    return Status(201, _team_out(team))


@teams.delete("/{id}/members/{person_id}", response={204: None, **WRITE_ERRORS})
def remove_team_member(request: HttpRequest, id: ParamId, person_id: ParamId) -> Any:
    """Take someone out of a team (HR admins); its lead stays until another is chosen."""
    user = _hr(request)
    team = Team.objects.get(pk=id)
    person = Person.objects.get(pk=person_id, memberships__team=team)
    actions.remove_member(acting_user=user, team=team, person=person)
    return Status(204, None)


# ---------------------------------------------------------------------------------------
# Cycles


class CycleIn(Input):
    name: CycleName
    kind: CycleKind
    start_date: Day
    end_date: Day
    parent: Id | None = Field(None, description="The year a quarter belongs to.")
    check_in_cadence: Cadence = "weekly"


class NextCycleIn(Input):
    name: CycleName = optional(description="Default: 'Q<n> <year>' or 'FY <year>'.")
    start_date: Day = optional(description="Default: the day after the cycle ends.")
    end_date: Day = optional(description="Default: the end of that quarter or year.")
    check_in_cadence: Cadence = optional(description="Default: the cycle's.")


class CyclePatch(Input):
    name: CycleName = optional()
    start_date: Day = optional(description="Only while the cycle is in planning.")
    end_date: Day = optional()
    check_in_cadence: Cadence = optional()


class OrgCycleOut(CycleOut):
    check_in_cadence: str


def _cycle_out(cycle: Cycle) -> dict[str, Any]:
    return {**cycle_row(cycle), "check_in_cadence": cycle.check_in_cadence}


@cycles.post("", response={201: OrgCycleOut, **WRITE_ERRORS})
def add_cycle(request: HttpRequest, payload: CycleIn) -> Any:
    """Add a year, or a quarter inside one, in planning (HR admins)."""
    user = _hr(request)
    refs = References()
    parent = refs.get(Cycle.objects.all(), payload.parent, "parent", "cycle")
    refs.check()
    cycle = goal_actions.create_cycle(
        acting_user=user,
        name=payload.name,
        kind=payload.kind,
        start_date=payload.start_date,
        end_date=payload.end_date,
        parent=parent,
        check_in_cadence=payload.check_in_cadence,
    )
    return Status(201, _cycle_out(cycle))


@cycles.post("/{id}/next", response={201: OrgCycleOut, **WRITE_ERRORS})
def add_next_cycle(request: HttpRequest, id: ParamId, payload: NextCycleIn) -> Any:
    """Add the cycle after this one, in planning (HR admins): after a quarter the next
    quarter (in December, Q1 of the next year), with its year when there is none; after a
    year the next year. Its name, dates and cadence are proposed; any field sent overrides
    the proposal."""
    user = _hr(request)
    current = Cycle.objects.get(pk=id)
    try:
        name, start, end = goal_actions.following_cycle_dates(current)
    except (OverflowError, ValueError):
        raise InvalidInput.one("id", f"No cycle can follow {current.name}.") from None
    name = payload.name or name
    start = payload.start_date or start
    end = payload.end_date or end
    cadence = payload.check_in_cadence or current.check_in_cadence
    if current.kind == Cycle.Kind.QUARTER:
        cycle = goal_actions.create_quarter(
            acting_user=user, name=name, start_date=start, end_date=end, check_in_cadence=cadence
        )
    else:
        cycle = goal_actions.create_cycle(
            acting_user=user,
            name=name,
            kind=Cycle.Kind.ANNUAL,
            start_date=start,
            end_date=end,
            check_in_cadence=cadence,
        )
    return Status(201, _cycle_out(cycle))


@cycles.patch("/{id}", response={200: OrgCycleOut, **WRITE_ERRORS})
def change_cycle(request: HttpRequest, id: ParamId, payload: CyclePatch) -> Any:
    """Rename a cycle, move its dates or change its cadence (HR admins; not once closed)."""
    user = _hr(request)
    cycle = Cycle.objects.get(pk=id)
    cycle = goal_actions.update_cycle(
        acting_user=user,
        cycle=cycle,
        name=payload.name,
        start_date=payload.start_date,
        end_date=payload.end_date,
        check_in_cadence=payload.check_in_cadence,
    )
    return _cycle_out(cycle)


@cycles.post("/{id}/open", response={200: OrgCycleOut, **WRITE_ERRORS})
def open_cycle(request: HttpRequest, id: ParamId) -> Any:
    """Make a cycle in planning active: its owners check in (HR admins)."""
    user = _hr(request)
    cycle = Cycle.objects.get(pk=id)
    cycle = goal_actions.set_cycle_state(acting_user=user, cycle=cycle, state=Cycle.State.ACTIVE)
    return _cycle_out(cycle)
