"""Request and response bodies about people and teams."""

from __future__ import annotations

from ninja import Schema
from pydantic import Field

from lineofsight.api.sync import SyncPageQuery
from lineofsight.api.types import (
    DateTime,
    Level,
    ParamId,
    Role,
    Search,
    TeamKind,
)

# ---------------------------------------------------------------------------------------
# Organisation


class PersonOut(Schema):
    id: int
    username: str
    name: str
    job_title: str
    email: str
    manager: int | None
    roles: list[Role]
    is_hr_admin: bool
    is_executive: bool
    updated_at: DateTime = Field(description="When the row last changed (updated_since reads it).")


class PersonDetailOut(PersonOut):
    manager_chain: list[int] = Field(description="Ids of the person's managers, nearest first.")
    team_ids: list[int]
    report_ids: list[int]


class MeOut(PersonOut):
    team_ids: list[int]
    led_team_ids: list[int]
    objective_levels: list[Level] = Field(
        description="The levels the caller may set objectives at (creating one at another "
        "level is refused naming `level`)."
    )


class PeopleQuery(SyncPageQuery):
    q: Search | None = Field(None, description="Part of a name, username, job title or email.")
    manager: ParamId | None = Field(None, description="Direct reports of this person.")
    team: ParamId | None = Field(None, description="Members of this team.")


class TeamOut(Schema):
    id: int
    name: str
    slug: str
    kind: TeamKind
    parent: int | None
    lead: int | None
    updated_at: DateTime = Field(description="When the row last changed (updated_since reads it).")


class TeamDetailOut(TeamOut):
    ancestor_ids: list[int] = Field(description="Enclosing teams, outermost first.")
    member_ids: list[int]
    sub_team_ids: list[int]


class TeamQuery(SyncPageQuery):
    kind: TeamKind | None = None
    parent: ParamId | None = None


class NudgeOut(Schema):
    person: int
    notification: int = Field(description="The reminder in the outbox (/api/notifications).")
    due: int = Field(description="How many of their key results it lists as due.")
