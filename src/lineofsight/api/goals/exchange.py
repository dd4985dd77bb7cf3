"""``/api/okr-graph``: the whole OKR graph, exported (everything as HR, what one may see
otherwise) and imported (HR, with a dry-run), in the open JSON format or as spreadsheets;
the format's JSON Schema and the spreadsheet templates."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from ninja import Router, Schema, Status

from lineofsight.api.auth import caller
from lineofsight.api.base import ErrorOut
from lineofsight.api.errors import READ_ERRORS, WRITE_ERRORS
from lineofsight.core.errors import InvalidInput
from lineofsight.goals.exchange import apply as exchange
from lineofsight.goals.exchange import graph
from lineofsight.goals.models import Cycle

router = Router(tags=["OKR graph"])

FILE_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
                "required": ["file"],
            }
        },
        "application/json": {"schema": {"type": "object"}},
        "text/csv": {"schema": {"type": "string"}},
        exchange.FORMATS["xlsx"]: {"schema": {"type": "string", "format": "binary"}},
    },
}


class GraphStepOut(Schema):
    action: str  # create, change
    section: str
    id: str
    label: str
    where: str
    field: str
    old: str
    new: str


class GraphImportOut(Schema):
    applied: bool
    digest: str
    rows: int
    counts: dict[str, dict[str, int]]
    unchanged: int
    steps: list[GraphStepOut]
    notes: list[str]


def _file(request: HttpRequest) -> tuple[bytes, str]:
    upload = request.FILES.get("file")
    if upload is not None:
        return upload.read(), upload.name or ""
    if request.content_type == "multipart/form-data":
        raise InvalidInput.one("file", "Send the file in the multipart field 'file'.")
    data = request.body
    if not data:
        raise InvalidInput.one("file", "Send a JSON, CSV or XLSX file as the body, or as 'file'.")
    return data, ""


def cycle_named(value: str) -> Cycle | None:
    """A cycle by id or by name (``None`` for an empty value); 422 naming ``cycle``."""
    value = value.strip()
    if not value:
        return None
    found = (
        Cycle.objects.filter(pk=int(value)).first()
        if value.isdigit()
        else Cycle.objects.filter(name__iexact=value).first()
    )
    if found is None:
        raise InvalidInput.one("cycle", f"There is no cycle {value!r}.")
    return found


def download(
    request: HttpRequest, *, user: Any, cycle: str, fmt: str, sheet: str
) -> HttpResponse | StreamingHttpResponse:
    chosen = cycle_named(cycle)
    pieces = exchange.export_stream(acting_user=user, cycle=chosen, fmt=fmt, sheet=sheet)
    name = "okr-graph" if chosen is None else f"okr-graph-{chosen.pk}"
    if fmt == "csv":
        name += f"-{sheet or 'key-results'}"
    response = StreamingHttpResponse(pieces, content_type=exchange.FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@router.get(
    "/export",
    response={**READ_ERRORS},
    openapi_extra={
        "responses": {
            "200": {
                "description": "The OKR graph: JSON (the okr-graph format), or a spreadsheet.",
                "content": {
                    "application/json": {"schema": {"type": "object"}},
                    "text/csv": {"schema": {"type": "string"}},
                    exchange.FORMATS["xlsx"]: {"schema": {"type": "string", "format": "binary"}},
                },
            }
        }
    },
)
def export_okr_graph(
    request: HttpRequest,
    cycle: str = "",
    format: str = "json",  # noqa: A002
    sheet: str = "",
) -> Any:
    """The OKR graph of one cycle (``cycle``: its id or name; a year with its quarters) or of
    all of them. HR gets everything; anyone else what they may see (private objectives of
    others left out). ``format``: json (the documented format, streamed), xlsx (key results
    and check-ins sheets) or csv (one ``sheet``: key-results or check-ins)."""
    return download(request, user=caller(request), cycle=cycle, fmt=format, sheet=sheet)


@router.post(
    "/import",
    response={200: GraphImportOut, **WRITE_ERRORS, 409: ErrorOut},
    openapi_extra={"requestBody": FILE_BODY},
)
def import_okr_graph(request: HttpRequest, dry_run: bool = False, expected_digest: str = "") -> Any:
    """Import an OKR graph (HR), all or nothing: a JSON file of the format, or a CSV/XLSX
    spreadsheet. With ``dry_run=true`` nothing changes and the answer lists every create and
    change; pass its ``digest`` as ``expected_digest`` to apply exactly that plan (409 when
    the OKRs changed in between). Problems answer 422, each keyed by its place in the file
    (``objectives[12].owner``, ``Key results row 5, owner_email``)."""
    user = caller(request)
    exchange.require_hr(user)
    data, filename = _file(request)
    if dry_run:
        plan = exchange.dry_run(acting_user=user, data=data, filename=filename)
        if plan.problems:
            raise exchange.ImportRefused(plan)
    else:
        try:
            plan = exchange.apply_import(
                acting_user=user,
                data=data,
                filename=filename,
                expected_digest=expected_digest or None,
            )
        except exchange.StalePlan as exc:
            return Status(409, {"detail": exc.summary(), "errors": exc.errors})
    return {
        "applied": not dry_run,
        "digest": plan.digest,
        "rows": plan.rows,
        "counts": plan.counts(),
        "unchanged": plan.unchanged,
        "steps": [
            {
                "action": s.action,
                "section": s.section,
                "id": s.id,
                "label": s.label,
                "where": s.where,
                "field": s.field,
                "old": s.old,
                "new": s.new,
            }
            for s in plan.steps
        ],
        "notes": plan.notes,
    }


@router.get(
    "/schema",
    response={**READ_ERRORS},
    openapi_extra={
        "responses": {
            "200": {
                "description": "The JSON Schema of the okr-graph format, version 1.",
                "content": {"application/schema+json": {"schema": {"type": "object"}}},
            }
        }
    },
)
def okr_graph_schema(request: HttpRequest) -> Any:
    """The published JSON Schema (draft 2020-12) of the okr-graph format, version 1."""
    caller(request)
    response = JsonResponse(graph.schema(), json_dumps_params={"indent": 2})
    response["Content-Type"] = "application/schema+json"
    return response


@router.get(
    "/template",
    response={**READ_ERRORS, 403: ErrorOut},
    openapi_extra={
        "responses": {
            "200": {
                "description": "A spreadsheet to start from: the header and an example row.",
                "content": {
                    "text/csv": {"schema": {"type": "string"}},
                    exchange.FORMATS["xlsx"]: {"schema": {"type": "string", "format": "binary"}},
                },
            }
        }
    },
)
def okr_graph_template(
    request: HttpRequest,
    format: str = "xlsx",  # noqa: A002
    sheet: str = "",
) -> Any:
    """The spreadsheet template (HR): ``format`` xlsx (both sheets) or csv (one ``sheet``:
    key-results or check-ins)."""
    user = caller(request)
    exchange.require_hr(user)
    data = exchange.template(format, sheet)
    response = HttpResponse(data, content_type=exchange.FORMATS[format])
    suffix = f"-{sheet}" if format == "csv" and sheet else ""
    response["Content-Disposition"] = f'attachment; filename="okr-template{suffix}.{format}"'
    return response
