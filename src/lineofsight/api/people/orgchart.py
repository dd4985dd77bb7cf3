"""``/api/org-chart``: import the org chart from a CSV or XLSX file (with a dry-run) and
export it (HR)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status

from lineofsight.api.auth import caller
from lineofsight.api.base import ErrorOut
from lineofsight.api.errors import READ_ERRORS, WRITE_ERRORS
from lineofsight.core.errors import InvalidInput
from lineofsight.people import orgchart_apply

router = Router(tags=["org chart"])

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
        "text/csv": {"schema": {"type": "string"}},
        orgchart_apply.FORMATS["xlsx"]: {"schema": {"type": "string", "format": "binary"}},
    },
}


class OrgChartStepOut(Schema):
    kind: str  # new_team, create, change, move, deactivate
    row: int | None
    who: str
    name: str
    field: str
    old: str
    new: str


class OrgChartImportOut(Schema):
    applied: bool
    digest: str
    rows: int
    counts: dict[str, int]
    steps: list[OrgChartStepOut]
    notes: list[str]


def _file(request: HttpRequest) -> tuple[bytes, str]:
    upload = request.FILES.get("file")
    if upload is not None:
        return upload.read(), upload.name or ""
    if request.content_type == "multipart/form-data":
        raise InvalidInput.one("file", "Send the file in the multipart field 'file'.")
    data = request.body
    if not data:
        raise InvalidInput.one("file", "Send a CSV or XLSX file as the body, or as 'file'.")
    return data, ""


@router.post(
    "/import",
    response={200: OrgChartImportOut, **WRITE_ERRORS, 409: ErrorOut},
    openapi_extra={"requestBody": FILE_BODY},
)
def import_org_chart(
    request: HttpRequest,
    dry_run: bool = False,
    deactivate_missing: bool = False,
    expected_digest: str = "",
) -> Any:
    """Import people and teams from a CSV or XLSX file (HR), all or nothing. With
    ``dry_run=true`` nothing changes and the answer lists every step the import would take;
    pass its ``digest`` as ``expected_digest`` to apply exactly that plan (409 when the
    organisation changed in between). A file with problems answers 422, each error keyed
    "Row N, column"."""
    user = caller(request)
    orgchart_apply.require_hr(user)
    data, filename = _file(request)
    if dry_run:
        plan = orgchart_apply.dry_run(
            acting_user=user, data=data, filename=filename, deactivate_missing=deactivate_missing
        )
        if plan.problems:
            raise orgchart_apply.ImportRefused(plan)
    else:
        try:
            plan = orgchart_apply.apply_import(
                acting_user=user,
                data=data,
                filename=filename,
                deactivate_missing=deactivate_missing,
                expected_digest=expected_digest or None,
            )
        except orgchart_apply.StalePlan as exc:
            return Status(409, {"detail": exc.summary(), "errors": exc.errors})
    kinds = ("new_team", "create", "change", "move", "deactivate")
    return {
        "applied": not dry_run,
        "digest": plan.digest,
        "rows": plan.rows,
        "counts": {kind: plan.count(kind) for kind in kinds},
        "steps": [
            {
                "kind": s.kind,
                "row": s.row,
                "who": s.who,
                "name": s.name,
                "field": s.field,
                "old": s.old,
                "new": s.new,
            }
            for s in plan.steps
        ],
        "notes": plan.notes,
    }


@router.get(
    "/export",
    response={**READ_ERRORS, 403: ErrorOut},
    openapi_extra={
        "responses": {
            "200": {
                "description": "The org chart in the import's format.",
                "content": {
                    "text/csv": {"schema": {"type": "string"}},
                    orgchart_apply.FORMATS["xlsx"]: {
                        "schema": {"type": "string", "format": "binary"}
                    },
                },
            }
        }
    },
)
def export_org_chart(request: HttpRequest, format: str = "csv") -> Any:  # noqa: A002
    """The organisation in the import's format (HR): ``format`` is csv or xlsx. An export
    imports back with no changes."""
    user = caller(request)
    data = orgchart_apply.export(acting_user=user, fmt=format)
    response = HttpResponse(data, content_type=orgchart_apply.FORMATS[format])
    response["Content-Disposition"] = f'attachment; filename="org-chart.{format}"'
    return response
