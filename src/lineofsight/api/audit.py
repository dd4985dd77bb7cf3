"""/api/audit: the audit log for HR, filtered and paged, and its streamed CSV or JSON export.

The same filters, rows and exports as the page (``core.audit_log``): written words are
withheld, whoever asks."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest, StreamingHttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from lineofsight.api.auth import caller
from lineofsight.api.base import ErrorOut, Page, PageQuery, page, page_of
from lineofsight.api.errors import READ_ERRORS
from lineofsight.core import audit_log

router = Router(tags=["audit log"])


class AuditFilterQuery(Schema):
    actor: str = Field("", max_length=150, description="A username, or a person's id.")
    action: str = Field(
        "", max_length=80, description="An action, or its beginning (`person.` for all)."
    )
    subject_type: str = Field(
        "", max_length=60, description="`people.person`, `goals.objective`..."
    )
    subject_id: str = Field("", max_length=20, description="The thing's id (with subject_type).")
    since: str = Field("", max_length=10, description="From this day (YYYY-MM-DD).")
    until: str = Field("", max_length=10, description="To the end of this day (YYYY-MM-DD).")
    q: str = Field("", max_length=200, description="A word in the action, kind or actor.")


class AuditQuery(PageQuery, AuditFilterQuery):
    pass


class AuditExportQuery(AuditFilterQuery):
    format: Literal["csv", "json"] = Field("csv", description="`csv` or `json`.")


class AuditEntryOut(Schema):
    id: int
    at: str = Field(description="ISO 8601 instant.")
    actor_id: int | None = Field(description="Null for commands and jobs.")
    actor: str = Field(description="The person's name, or `System`.")
    action: str
    subject_type: str
    subject_id: int | None
    subject: str | None = Field(description="The person's name, when the entry is about one.")
    details: dict[str, Any] = Field(description="What changed; written words withheld.")


def _filters(query: AuditFilterQuery) -> audit_log.AuditFilters:
    return audit_log.AuditFilters.parse(query.dict())


@router.get("", response={200: Page[AuditEntryOut], 403: ErrorOut, **READ_ERRORS})
def list_audit_entries(request: HttpRequest, filters: Query[AuditQuery]) -> Any:
    """Audit entries, newest first (HR)."""
    audit_log.require_hr(caller(request))
    total, rows = page_of(audit_log.events(_filters(filters)), filters)
    names = audit_log.people_named(rows)
    return page(total, filters, [audit_log.row(e, names) for e in rows])


@router.get(
    "/export",
    response={403: ErrorOut, **READ_ERRORS},
    openapi_extra={
        "responses": {
            "200": {
                "description": "Every matching entry, newest first, streamed: CSV (id, at, "
                "actor_id, actor, action, subject_type, subject_id, details) or a JSON array "
                "of the rows `GET /api/audit` lists.",
                "content": {
                    "text/csv": {"schema": {"type": "string"}},
                    "application/json": {"schema": {"type": "array", "items": {}}},
                },
            }
        }
    },
)
def export_audit_entries(request: HttpRequest, filters: Query[AuditExportQuery]) -> Any:
    """Every matching entry as CSV or JSON, streamed (HR)."""
    audit_log.require_hr(caller(request))
    qs = audit_log.events(_filters(filters))
    if filters.format == "json":
        response = StreamingHttpResponse(
            audit_log.json_chunks(qs), content_type="application/json; charset=utf-8"
        )
    else:
        response = StreamingHttpResponse(
            audit_log.csv_lines(qs), content_type="text/csv; charset=utf-8"
        )
    name = audit_log.export_filename(filters.format)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
