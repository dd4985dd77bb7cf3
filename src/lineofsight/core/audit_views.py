"""The audit log page for HR (``/audit/``) and its CSV and JSON exports."""

from __future__ import annotations

from typing import cast
from urllib.parse import urlencode

from django.http import HttpResponse, StreamingHttpResponse
from django.views.decorators.http import require_GET

from lineofsight.core import audit_log
from lineofsight.core.errors import InvalidInput
from lineofsight.core.web import SignedInRequest, page, render_page

PER_PAGE = 50


@page
@require_GET
def audit_page(request: SignedInRequest) -> HttpResponse:
    audit_log.require_hr(request.user)
    errors: dict[str, list[str]] = {}
    try:
        filters = audit_log.AuditFilters.parse(request.GET)
    except InvalidInput as exc:
        errors = exc.errors
        filters = audit_log.AuditFilters()
    qs = audit_log.events(filters)
    try:
        number = max(1, int(request.GET.get("page") or 1))
    except ValueError:
        number = 1
    total = 0 if errors else qs.count()
    pages = max(1, -(-total // PER_PAGE))
    number = min(number, pages)
    start = (number - 1) * PER_PAGE
    shown = list(qs[start : start + PER_PAGE]) if total else []
    names = audit_log.people_named(shown)
    entries = [
        {
            "event": event,
            "actor": audit_log.actor_name(event),
            "subject": audit_log.subject_name(event, names),
            "details": audit_log.summary(audit_log.details(event)),
        }
        for event in shown
    ]
    query = urlencode(filters.as_query())
    return render_page(
        request,
        "core/audit.html",
        {
            "nav": "audit",
            "entries": entries,
            "filters": filters,
            "values": {k: request.GET.get(k, "") for k in audit_log.AuditFilters.__annotations__},
            "errors": errors,
            "total": total,
            "number": number,
            "pages": pages,
            "query": query,
            "previous": f"?{query}&page={number - 1}" if number > 1 else "",
            "next": f"?{query}&page={number + 1}" if number < pages else "",
        },
        status=422 if errors else 200,
    )


def _export(request: SignedInRequest, kind: str) -> HttpResponse:
    audit_log.require_hr(request.user)
    filters = audit_log.AuditFilters.parse(request.GET)
    qs = audit_log.events(filters)
    if kind == "csv":
        response = StreamingHttpResponse(
            audit_log.csv_lines(qs), content_type="text/csv; charset=utf-8"
        )
    else:
        response = StreamingHttpResponse(
            audit_log.json_chunks(qs), content_type="application/json; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{audit_log.export_filename(kind)}"'
    return cast(HttpResponse, response)  # streamed, like any response to the browser


@page
@require_GET
def audit_csv(request: SignedInRequest) -> HttpResponse:
    try:
        return _export(request, "csv")
    except InvalidInput as exc:
        return HttpResponse(exc.summary(), status=422, content_type="text/plain; charset=utf-8")


@page
@require_GET
def audit_json(request: SignedInRequest) -> HttpResponse:
    try:
        return _export(request, "json")
    except InvalidInput as exc:
        return HttpResponse(exc.summary(), status=422, content_type="text/plain; charset=utf-8")
