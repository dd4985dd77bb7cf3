"""/api/data-sources: key results that take their value from another system.

Whoever may edit a key result (its owner, the objective's editors, HR) connects it to one
source, changes, syncs or removes it; everyone who sees the key result sees that it is
connected, where its readings come from and when they were read, never the source's
settings or secret. A secret (a header's value, an API token, a database address) is
written only: no answer ever holds it, only whether one is stored.

``POST /api/data-sources/{id}/sync`` reads the source now: the push a source's owner calls
with their personal API token when the number changed, or the "Sync now" of the page.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from lineofsight.api.auth import caller
from lineofsight.api.base import Input, Page, PageQuery, References, page
from lineofsight.api.errors import READ_ERRORS, WRITE_ERRORS
from lineofsight.api.types import DateTime, ParamId, optional
from lineofsight.goals.selectors import key_results_for_user
from lineofsight.integrations.sources import actions, kinds, selectors
from lineofsight.integrations.sources.models import DataSource, DataSourceReading

router = Router(tags=["data sources"])

Kind = Literal["http_json", "sql", "csv", "jira", "salesforce", "hubspot"]
ScheduleName = Literal["hourly", "daily", "manual"]
StateName = Literal["active", "paused"]
Setting = str


class SettingsIn(Input):
    url: Setting = optional(description="http_json, csv: the address read (https://).")
    json_path: Setting = optional(description="http_json: the JSONPath to the number.")
    header_name: Setting = optional(
        description="http_json, csv: the header carrying the secret (e.g. X-Api-Key)."
    )
    column: Setting = optional(description="csv: the column holding the number.")
    row: Literal["last", "match"] = optional(
        description="csv: the last row, or the row where match_column = match_value."
    )
    match_column: Setting = optional()
    match_value: Setting = optional()
    query: Setting = optional(description="sql: one SELECT answering one row of one column.")
    site: Setting = optional(description="jira: https://your-team.atlassian.net")
    email: Setting = optional(description="jira: the account the API token belongs to.")
    jql: Setting = optional(description="jira: the JQL whose issues are counted.")
    instance: Setting = optional(description="salesforce: https://your-domain.my.salesforce.com")
    report_id: Setting = optional(description="salesforce: the report whose grand total is read.")
    api_version: Setting = optional(description="salesforce: e.g. 61.0")
    base_url: Setting = optional(description="hubspot: the API's address (default its own).")
    object_type: Setting = optional(description="hubspot: deals, contacts, companies or tickets.")
    filters: Setting = optional(description="hubspot: the search's filterGroups, as JSON text.")
    secret: str = optional(
        max_length=4000,
        description="sql: the database address; jira: the API token; salesforce: the access "
        "token; hubspot: the private app token; http_json, csv: the header's value. Written "
        "only: never returned.",
    )


class SourceCreate(SettingsIn):
    key_result: int = Field(description="The key result whose value the source gives.")
    kind: Kind
    schedule: ScheduleName = Field("daily", description="manual: only when synced.")


class SourcePatch(SettingsIn):
    schedule: ScheduleName = optional()
    state: StateName = optional(
        description="'paused' stops scheduled reads; 'active' resumes (also after failures)."
    )


class SourceOut(Schema):
    id: int
    key_result: int
    kind: Kind
    kind_label: str
    origin: str = Field(description="Where the number comes from (no secret).")
    schedule: ScheduleName
    state: StateName
    paused_reason: str
    owner: int = Field(description="Who the check-ins are recorded as.")
    owner_name: str
    last_run_at: DateTime | None
    last_success_at: DateTime | None
    last_value: float | None
    can_manage: bool
    settings: dict[str, str] | None = Field(
        description="The settings (only for those who may manage the source)."
    )
    has_secret: bool | None = Field(description="Whether a secret is stored (managers only).")
    last_error: str | None = Field(description="The last failure's message (managers only).")
    last_error_at: DateTime | None
    consecutive_failures: int | None
    next_run_at: DateTime | None


class ReadingOut(Schema):
    id: int
    source: int
    check_in: int
    read_at: DateTime
    raw_value: str
    value: float
    origin: str
    trigger: str


class SyncOut(Schema):
    outcome: Literal["recorded", "unchanged", "failed", "skipped"]
    message: str
    value: float | None
    check_in: int | None
    source: SourceOut


class SourceQuery(PageQuery):
    key_result: int | None = Field(None, description="Only this key result's source.")


def source_row(user: Any, s: DataSource) -> dict[str, Any]:
    manage = selectors.viewer_of(user).can_manage_data_source(s.key_result)
    return {
        "id": s.pk,
        "key_result": s.key_result_id,
        "kind": s.kind,
        "kind_label": s.get_kind_display(),
        "origin": kinds.describe(s.kind, s.config),
        "schedule": s.schedule,
        "state": s.state,
        "paused_reason": s.paused_reason,
        "owner": s.owner_id,
        "owner_name": s.owner.name,
        "last_run_at": s.last_run_at,
        "last_success_at": s.last_success_at,
        "last_value": s.last_value,
        "can_manage": manage,
        "settings": dict(s.config) if manage else None,
        "has_secret": bool(s.secret) if manage else None,
        "last_error": s.last_error if manage else None,
        "last_error_at": s.last_error_at if manage else None,
        "consecutive_failures": s.consecutive_failures if manage else None,
        "next_run_at": s.next_run_at if manage else None,
    }


def reading_row(r: DataSourceReading) -> dict[str, Any]:
    return {
        "id": r.pk,
        "source": r.source_id,
        "check_in": r.check_in_id,
        "read_at": r.read_at,
        "raw_value": r.raw_value,
        "value": r.value,
        "origin": r.origin,
        "trigger": r.trigger,
    }


def _settings(given: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in given.items() if k in kinds.ALL_FIELDS}


@router.get("", response={200: Page[SourceOut], **READ_ERRORS})
def list_data_sources(request: HttpRequest, filters: Query[SourceQuery]) -> Any:
    """The sources of the key results the caller may see."""
    user = caller(request)
    qs = selectors.sources_for_user(user)
    if filters.key_result is not None:
        qs = qs.filter(key_result_id=filters.key_result)
    total = qs.count()
    rows = list(qs[filters.offset : filters.offset + filters.limit])
    return page(total, filters, [source_row(user, s) for s in rows])


@router.post("", response={201: SourceOut, **WRITE_ERRORS})
def create_data_source(request: HttpRequest, payload: SourceCreate) -> Any:
    """Connect a key result to a data source (one per key result)."""
    user = caller(request)
    refs = References()
    kr = refs.get(key_results_for_user(user), payload.key_result, "key_result", "key result")
    refs.check()
    assert kr is not None
    given = payload.model_dump(exclude_unset=True)
    source = actions.create_source(
        acting_user=user,
        key_result=kr,
        kind=payload.kind,
        config=_settings(given),
        secret=given.get("secret") or "",
        schedule=payload.schedule,
    )
    return Status(201, source_row(user, selectors.get_source_for_user(user, source.pk)))


@router.get("/{id}", response={200: SourceOut, **READ_ERRORS})
def get_data_source(request: HttpRequest, id: ParamId) -> Any:
    user = caller(request)
    return source_row(user, selectors.get_source_for_user(user, id))


@router.patch("/{id}", response={200: SourceOut, **WRITE_ERRORS})
def change_data_source(request: HttpRequest, id: ParamId, payload: SourcePatch) -> Any:
    """Change settings, the secret (leave it out to keep it), the schedule; pause, resume."""
    user = caller(request)
    source = selectors.get_source_for_user(user, id)
    given = payload.model_dump(exclude_unset=True)
    actions.update_source(
        acting_user=user,
        source=source,
        config=_settings(given),
        secret=given.get("secret"),
        schedule=given.get("schedule"),
        state=given.get("state"),
    )
    return source_row(user, selectors.get_source_for_user(user, id))


@router.delete("/{id}", response={204: None, **WRITE_ERRORS})
def delete_data_source(request: HttpRequest, id: ParamId) -> Any:
    """Disconnect the key result (its check-ins stay)."""
    user = caller(request)
    actions.delete_source(acting_user=user, source=selectors.get_source_for_user(user, id))
    return Status(204, None)


@router.post("/{id}/sync", response={200: SyncOut, **WRITE_ERRORS})
def sync_data_source(request: HttpRequest, id: ParamId) -> Any:
    """Read the source now and record what it read (also while paused)."""
    user = caller(request)
    result = actions.sync_source(
        acting_user=user, source=selectors.get_source_for_user(user, id), trigger="api"
    )
    return {
        "outcome": result.outcome,
        "message": result.message,
        "value": result.value,
        "check_in": result.check_in_id,
        "source": source_row(user, selectors.get_source_for_user(user, id)),
    }


@router.get("/{id}/readings", response={200: Page[ReadingOut], **READ_ERRORS})
def list_data_source_readings(request: HttpRequest, id: ParamId, filters: Query[PageQuery]) -> Any:
    """The readings the source turned into check-ins, newest first: the provenance."""
    source = selectors.get_source_for_user(caller(request), id)
    qs = source.readings.order_by("-read_at", "-pk")
    total = qs.count()
    rows = list(qs[filters.offset : filters.offset + filters.limit])
    return page(total, filters, [reading_row(r) for r in rows])
