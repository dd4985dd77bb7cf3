"""The OKR graph's pages.

* ``/organisation/okrs/import/`` (HR): upload a JSON, CSV or XLSX file; the answer is the
  dry-run, every create and change, or the file's problems by place. Applying sends the same
  file back with the plan's digest and is refused if the plan changed since.
* ``/organisation/okrs/import/template.xlsx`` (and ``.csv``): a spreadsheet to start from.
* ``/okrs/export/?cycle=&format=json|csv|xlsx&sheet=``: the graph, everything for HR and what
  one may see for anyone else.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lineofsight.core.errors import InvalidInput
from lineofsight.core.web import SignedInRequest, page, render_page
from lineofsight.goals.exchange import apply as exchange
from lineofsight.goals.exchange.plan import LABELS, Plan
from lineofsight.goals.exchange.reading import Problem
from lineofsight.goals.models import Cycle

MAX_UPLOAD = 50 * 1024 * 1024
SHOWN_PER_SECTION = 300


def _plan_context(plan: Plan) -> dict[str, Any]:
    sections = []
    for section, title in LABELS.items():
        steps = [s for s in plan.steps if s.section == section]
        if not steps:
            continue
        counts = plan.counts().get(section, {"create": 0, "change": 0})
        sections.append(
            {
                "key": section,
                "title": title,
                "create": counts["create"],
                "change": counts["change"],
                "steps": steps[:SHOWN_PER_SECTION],
                "hidden": max(0, len(steps) - SHOWN_PER_SECTION),
            }
        )
    return {"plan": plan, "sections": sections}


def _problems_page(
    request: SignedInRequest, problems: list[Problem], filename: str
) -> HttpResponse:
    return render_page(
        request,
        "goals/exchange/import.html",
        {"problems": problems, "filename": filename, "cycles": _cycles()},
        status=422,
    )


def _cycles() -> list[Cycle]:
    return list(Cycle.objects.order_by("-start_date", "pk"))


@page
@require_http_methods(["GET", "POST"])
def import_page(request: SignedInRequest) -> HttpResponse:
    """GET: the upload form. POST: the dry-run of the uploaded file."""
    exchange.require_hr(request.user)
    if request.method == "GET":
        return render_page(request, "goals/exchange/import.html", {"cycles": _cycles()})
    upload = request.FILES.get("file")
    if upload is None:
        problem = Problem("", "Choose a JSON, CSV or XLSX file to import.")
        return _problems_page(request, [problem], "")
    if upload.size and upload.size > MAX_UPLOAD:
        problem = Problem("", "The file is over 50 MB; import it with the command line or the API.")
        return _problems_page(request, [problem], upload.name or "")
    data = upload.read()
    filename = upload.name or ""
    plan = exchange.dry_run(acting_user=request.user, data=data, filename=filename)
    if plan.problems:
        return _problems_page(request, plan.problems, filename)
    return _dry_run_page(request, plan, data, filename)


def _dry_run_page(
    request: SignedInRequest, plan: Plan, data: bytes, filename: str, *, stale: bool = False
) -> HttpResponse:
    context = _plan_context(plan)
    payload = base64.b64encode(data).decode("ascii")
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    context.update(
        {
            "payload": payload,
            "too_big": limit is not None and len(payload) > limit - 64 * 1024,
            "filename": filename,
            "stale": stale,
        }
    )
    return render_page(
        request, "goals/exchange/dry_run.html", context, status=409 if stale else 200
    )


@page
@require_POST
def apply_page(request: SignedInRequest) -> HttpResponse:
    """Apply the file shown in the dry-run, if its plan is still the same."""
    exchange.require_hr(request.user)
    filename = request.POST.get("filename", "")
    try:
        data = base64.b64decode(request.POST.get("payload", ""), validate=True)
    except (binascii.Error, ValueError):
        data = b""
    if not data:
        problem = Problem("", "The file of the dry-run did not come back; upload it again.")
        return _problems_page(request, [problem], filename)
    try:
        plan = exchange.apply_import(
            acting_user=request.user,
            data=data,
            filename=filename,
            expected_digest=request.POST.get("digest", ""),
        )
    except exchange.StalePlan as exc:
        return _dry_run_page(request, exc.plan, data, filename, stale=True)
    except exchange.ImportRefused as exc:
        return _problems_page(request, exc.plan.problems, filename)
    created = sum(c["create"] for c in plan.counts().values())
    changed = sum(c["change"] for c in plan.counts().values())
    messages.success(
        request,
        f"Imported {filename or 'the file'}: {created} created, {changed} changed, "
        f"{plan.unchanged} unchanged.",
    )
    return redirect("okr-import")


@page
@require_GET
def template_file(request: SignedInRequest, fmt: str, sheet: str = "") -> HttpResponse:
    exchange.require_hr(request.user)
    response = HttpResponse(exchange.template(fmt, sheet), content_type=exchange.FORMATS[fmt])
    name = f"okr-template-{sheet}" if sheet else "okr-template"
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@page
@require_GET
def export_file(request: SignedInRequest) -> Any:
    """The graph as the signed-in person may see it (HR: everything)."""
    fmt = request.GET.get("format", "json")
    sheet = request.GET.get("sheet", "")
    raw_cycle = request.GET.get("cycle", "").strip()
    cycle = None
    if raw_cycle:
        cycle = Cycle.objects.filter(pk=int(raw_cycle)).first() if raw_cycle.isdigit() else None
        if cycle is None:
            return HttpResponse(
                "cycle: there is no such cycle.", status=422, content_type="text/plain"
            )
    try:
        pieces = exchange.export_stream(acting_user=request.user, cycle=cycle, fmt=fmt, sheet=sheet)
    except InvalidInput as exc:
        return HttpResponse(exc.summary(), status=422, content_type="text/plain; charset=utf-8")
    name = "okr-graph" if cycle is None else f"okr-graph-{cycle.pk}"
    if fmt == "csv":
        name += f"-{sheet or 'key-results'}"
    response = StreamingHttpResponse(pieces, content_type=exchange.FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
