"""The organisation's own OKR templates: HR adds, changes and retires them (the built-in
library, ``goals.template_library``, is part of the product and is not changed here)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from lineofsight.core import audit
from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.goals import scoring
from lineofsight.goals.actions._common import TEXT_MAX, TITLE_MAX, _choice, _text, _viewer
from lineofsight.goals.actions.drafting import KeyResultInput, _key_result_errors
from lineofsight.goals.models import OkrTemplate
from lineofsight.people.models import Person


def _require_hr(acting_user: Person) -> None:
    if not _viewer(acting_user).manages_okr_templates():
        raise NotAllowed("Only HR admins keep the organisation's OKR templates.")


def _checked(
    *, function: str, title: str, description: str, key_results: list[dict[str, Any]]
) -> tuple[str, str, list[dict[str, Any]]]:
    errors: dict[str, str] = {}
    _choice(errors, "function", function, OkrTemplate.Function.values)
    title = _text(errors, "title", title, required=True, limit=TITLE_MAX)
    description = _text(errors, "description", description, required=False, limit=TEXT_MAX)
    rows = [
        KeyResultInput(
            title=str(kr.get("title") or ""),
            kind=str(kr.get("kind") or scoring.KeyResultKind.INCREASE.value),
            start_value=kr.get("start_value"),
            target_value=kr.get("target_value"),
            unit=str(kr.get("unit") or ""),
        )
        for kr in key_results
    ]
    errors.update(_key_result_errors(rows))
    if errors:
        raise InvalidInput(errors)
    clean = [
        {
            "title": r.title.strip(),
            "kind": r.kind,
            "unit": r.unit.strip(),
            "start_value": None if r.start_value in (None, "") else float(r.start_value),
            "target_value": None if r.target_value in (None, "") else float(r.target_value),
        }
        for r in rows
    ]
    return title, description, clean


@transaction.atomic
def create_template(
    *,
    acting_user: Person,
    function: str,
    title: str,
    description: str = "",
    key_results: list[dict[str, Any]],
) -> OkrTemplate:
    _require_hr(acting_user)
    title, description, rows = _checked(
        function=function, title=title, description=description, key_results=key_results
    )
    template = OkrTemplate.objects.create(
        function=function,
        title=title,
        description=description,
        key_results=rows,
        created_by=acting_user,
    )
    audit.record(
        actor=acting_user, action="okr_template.create", subject=template, data={"title": title}
    )
    return template


@transaction.atomic
def update_template(
    *,
    acting_user: Person,
    template: OkrTemplate,
    function: str,
    title: str,
    description: str = "",
    key_results: list[dict[str, Any]],
) -> OkrTemplate:
    _require_hr(acting_user)
    template = OkrTemplate.objects.select_for_update().get(pk=template.pk)
    if template.retired_at is not None:
        raise InvalidInput.one("template", "This template is retired; add a new one instead.")
    title, description, rows = _checked(
        function=function, title=title, description=description, key_results=key_results
    )
    before = {"title": template.title, "function": template.function}
    template.function = function
    template.title = title
    template.description = description
    template.key_results = rows
    template.updated_at = timezone.now()
    template.save()
    audit.record(
        actor=acting_user,
        action="okr_template.update",
        subject=template,
        data={"before": before, "title": title, "function": function},
    )
    return template


@transaction.atomic
def retire_template(*, acting_user: Person, template: OkrTemplate) -> OkrTemplate:
    """No longer offered; kept for the record."""
    _require_hr(acting_user)
    template = OkrTemplate.objects.select_for_update().get(pk=template.pk)
    if template.retired_at is not None:
        raise InvalidInput.one("template", "This template is already retired.")
    template.retired_at = timezone.now()
    template.save(update_fields=["retired_at"])
    audit.record(actor=acting_user, action="okr_template.retire", subject=template, data={})
    return template
