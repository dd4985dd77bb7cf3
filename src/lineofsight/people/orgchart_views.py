"""The org-chart import and export pages (HR only).

* ``/organisation/import/``: upload a CSV or XLSX file; the answer is the dry-run: every
  create, change, move and deactivation, or the file's problems by row and column. Applying
  sends the same file back with the plan's digest, and is refused if the plan changed since.
* ``/organisation/import/template.csv`` and ``.xlsx``: a file to start from.
* ``/organisation/export/?format=csv|xlsx``: the organisation in the same format.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lineofsight.core.errors import InvalidInput
from lineofsight.core.web import SignedInRequest, page, render_page
from lineofsight.people import orgchart_apply
from lineofsight.people.orgchart import Problem
from lineofsight.people.orgchart_plan import Plan

MAX_UPLOAD = 20 * 1024 * 1024
SHOWN_PER_KIND = 300
SECTIONS = (
    ("new_team", "New teams"),
    ("create", "People to create"),
    ("change", "Changes"),
    ("move", "Moves (manager or team)"),
    ("deactivate", "Deactivations"),
)


def _download(data: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=orgchart_apply.FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _plan_context(plan: Plan) -> dict[str, Any]:
    sections = []
    for kind, title in SECTIONS:
        steps = [s for s in plan.steps if s.kind == kind]
        if steps:
            sections.append(
                {
                    "kind": kind,
                    "title": title,
                    "count": len(steps),
                    "steps": steps[:SHOWN_PER_KIND],
                    "hidden": max(0, len(steps) - SHOWN_PER_KIND),
                }
            )
    return {"plan": plan, "sections": sections}


def _problems_page(
    request: SignedInRequest, problems: list[Problem], filename: str, rows: int = 0
) -> HttpResponse:
    return render_page(
        request,
        "people/orgchart/import.html",
        {"problems": problems, "filename": filename, "rows": rows},
        status=422,
    )


@page
@require_http_methods(["GET", "POST"])
def import_page(request: SignedInRequest) -> HttpResponse:
    """GET: the upload form. POST: the dry-run of the uploaded file."""
    orgchart_apply.require_hr(request.user)
    if request.method == "GET":
        return render_page(request, "people/orgchart/import.html", {})
    upload = request.FILES.get("file")
    deactivate = request.POST.get("deactivate_missing") == "on"
    if upload is None:
        problem = Problem(0, "file", "Choose a CSV or XLSX file to import.")
        return _problems_page(request, [problem], "")
    if upload.size and upload.size > MAX_UPLOAD:
        problem = Problem(0, "file", "The file is over 20 MB; split it, or use the CLI.")
        return _problems_page(request, [problem], upload.name or "")
    data = upload.read()
    filename = upload.name or ""
    plan = orgchart_apply.dry_run(
        acting_user=request.user, data=data, filename=filename, deactivate_missing=deactivate
    )
    if plan.problems:
        return _problems_page(request, plan.problems, filename, plan.rows)
    return _dry_run_page(request, plan, data, filename, deactivate)


def _dry_run_page(
    request: SignedInRequest,
    plan: Plan,
    data: bytes,
    filename: str,
    deactivate: bool,
    *,
    stale: bool = False,
) -> HttpResponse:
    context = _plan_context(plan)
    payload = base64.b64encode(data).decode("ascii")
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    context.update(
        {
            "payload": payload,
            "too_big": limit is not None and len(payload) > limit - 64 * 1024,
            "filename": filename,
            "deactivate_missing": deactivate,
            "stale": stale,
        }
    )
    return render_page(
        request, "people/orgchart/dry_run.html", context, status=409 if stale else 200
    )


@page
@require_POST
def apply_page(request: SignedInRequest) -> HttpResponse:
    """Apply the file shown in the dry-run, if its plan is still the same."""
    orgchart_apply.require_hr(request.user)
    filename = request.POST.get("filename", "")
    deactivate = request.POST.get("deactivate_missing") == "on"
    try:
        data = base64.b64decode(request.POST.get("payload", ""), validate=True)
    except (binascii.Error, ValueError):
        data = b""
    if not data:
        problem = Problem(0, "file", "The file of the dry-run did not come back; upload it again.")
        return _problems_page(request, [problem], filename)
    try:
        plan = orgchart_apply.apply_import(
            acting_user=request.user,
            data=data,
            filename=filename,
            deactivate_missing=deactivate,
            expected_digest=request.POST.get("digest", ""),
        )
    except orgchart_apply.StalePlan as exc:
        return _dry_run_page(request, exc.plan, data, filename, deactivate, stale=True)
    except orgchart_apply.ImportRefused as exc:
        return _problems_page(request, exc.plan.problems, filename, exc.plan.rows)
    messages.success(
        request,
        f"Imported {filename or 'the file'}: {plan.count('create')} created, "
        f"{plan.count('change')} changes, {plan.count('move')} moves, "
        f"{plan.count('deactivate')} deactivated, {plan.count('new_team')} new teams.",
    )
    return redirect("orgchart-import")


@page
@require_GET
def template_file(request: SignedInRequest, fmt: str) -> HttpResponse:
    orgchart_apply.require_hr(request.user)
    return _download(orgchart_apply.template(fmt), fmt, "org-chart-template")


@page
@require_GET
def export_file(request: SignedInRequest) -> HttpResponse:
    fmt = request.GET.get("format", "csv")
    try:
        data = orgchart_apply.export(acting_user=request.user, fmt=fmt)
    except InvalidInput as exc:
        return HttpResponse(exc.summary(), status=422, content_type="text/plain; charset=utf-8")
    return _download(data, fmt, "org-chart")
