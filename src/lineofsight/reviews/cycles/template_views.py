"""HR's pages for review templates: the list, new, edit, duplicate, archive and restore.

The edit page is one form: the name and description, the rating scale and (optionally) the
potential scale as rows of levels, and the questions as rows that can be added ("Add a
question" posts the form back with one more empty row, so it works without JavaScript),
reordered (the order numbers) and removed (the remove box). Errors from the actions are put
back on the row and field they name.
"""

from __future__ import annotations

import contextlib
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.core.web import SignedInRequest, apply_errors, page, render_page
from lineofsight.reviews.access import ReviewViewer
from lineofsight.reviews.cycles import selectors
from lineofsight.reviews.cycles import template_actions as actions
from lineofsight.reviews.cycles.default_template import (
    DEFAULT_TEMPLATE_DESCRIPTION,
    DEFAULT_TEMPLATE_NAME,
    default_questions,
)
from lineofsight.reviews.cycles.forms import (
    QuestionFormSet,
    ScaleFormSet,
    TemplateForm,
    question_rows,
    scale_rows,
)
from lineofsight.reviews.models import (
    ReviewTemplate,
    default_potential_scale,
    default_rating_scale,
    question_values,
)


def _require_hr(request: SignedInRequest) -> None:
    if not ReviewViewer.of(request.user).can_manage_reviews():
        raise NotAllowed("Only HR admins manage review templates.")


def _template(request: SignedInRequest, template_id: int) -> ReviewTemplate:
    # Templates are HR's: for everyone else they do not exist (404).
    return selectors.get_review_template_for_user(request.user, template_id)


@page
@require_GET
def template_list(request: SignedInRequest) -> HttpResponse:
    _require_hr(request)
    templates = list(selectors.review_templates_for_user(request.user))
    return render_page(
        request,
        "reviews/cycles/template_list.html",
        {"nav": "reviews", "templates": templates},
    )


class TemplateForms:
    """The three parts of the template page, bound or not."""

    def __init__(self, data: QueryDict | None, initial: dict[str, Any]) -> None:
        if data is not None:
            data = _with_extra_row(data)
        self.form = TemplateForm(data, initial=initial.get("form"))
        self.scale = ScaleFormSet(data, prefix="scale", initial=initial.get("scale"))
        self.potential = ScaleFormSet(data, prefix="potential", initial=initial.get("potential"))
        self.questions = QuestionFormSet(data, prefix="q", initial=initial.get("questions"))
        self.problems: list[str] = []

    def all_valid(self) -> bool:
        return all(
            part.is_valid() for part in (self.form, self.scale, self.potential, self.questions)
        )

    def values(self) -> dict[str, Any]:
        self.scale_values, self.scale_index = scale_rows(self.scale)
        self.potential_values, self.potential_index = scale_rows(self.potential)
        self.question_values, self.question_index = question_rows(self.questions)
        data = self.form.cleaned_data
        return {
            "name": data["name"],
            "description": data["description"],
            "rate_potential": data["rate_potential"],
            "rating_scale": self.scale_values,
            "potential_scale": self.potential_values,
            "questions": self.question_values,
        }

    def put_back(self, exc: InvalidInput) -> None:
        """Each error on the row and field it names; the rest above the form."""
        top: dict[str, list[str]] = {}
        for key, msgs in exc.errors.items():
            parts = key.split(".")
            target = self._row(parts)
            if target is None:
                if parts[0] in self.form.fields:
                    top.setdefault(parts[0], []).extend(msgs)
                else:
                    self.problems.extend(msgs)
                continue
            form, field = target
            for msg in msgs:
                form.add_error(field if field in form.fields else None, msg)
        if top:
            apply_errors(self.form, InvalidInput(top))

    def _row(self, parts: list[str]) -> tuple[forms.Form, str | None] | None:
        groups: dict[str, tuple[forms.BaseFormSet, list[int]]] = {
            "rating_scale": (self.scale, getattr(self, "scale_index", [])),
            "potential_scale": (self.potential, getattr(self, "potential_index", [])),
            "questions": (self.questions, getattr(self, "question_index", [])),
        }
        if parts[0] not in groups or len(parts) < 2 or not parts[1].isdigit():
            return None
        formset, index = groups[parts[0]]
        k = int(parts[1])
        if k >= len(index):
            return None
        return formset.forms[index[k]], parts[2] if len(parts) > 2 else None


def _with_extra_row(data: QueryDict) -> QueryDict:
    """The data with one more empty row when "Add a question" (or a level) was pressed."""
    for button, prefix in (
        ("add_question", "q"),
        ("add_level", "scale"),
        ("add_potential", "potential"),
    ):
        if button in data:
            data = data.copy()
            key = f"{prefix}-TOTAL_FORMS"
            with contextlib.suppress(ValueError):
                data[key] = str(int(data.get(key, "0")) + 1)
    return data


def _initial(template: ReviewTemplate | None) -> dict[str, Any]:
    if template is None:
        taken = ReviewTemplate.objects.filter(name=DEFAULT_TEMPLATE_NAME).exists()
        return {
            "form": {
                "name": "" if taken else DEFAULT_TEMPLATE_NAME,
                "description": DEFAULT_TEMPLATE_DESCRIPTION,
                "rate_potential": True,
            },
            "scale": default_rating_scale(),
            "potential": default_potential_scale(),
            "questions": [{**q, "ORDER": i + 1} for i, q in enumerate(default_questions())],
        }
    return {
        "form": {
            "name": template.name,
            "description": template.description,
            "rate_potential": template.rate_potential,
        },
        "scale": template.rating_scale,
        "potential": template.potential_scale,
        "questions": [
            {**question_values(q), "ORDER": i + 1} for i, q in enumerate(template.questions.all())
        ],
    }


def _editing(request: SignedInRequest, template: ReviewTemplate | None) -> HttpResponse:
    parts = TemplateForms(request.POST if request.method == "POST" else None, _initial(template))
    status = 200
    adding = any(b in request.POST for b in ("add_question", "add_level", "add_potential"))
    if request.method == "POST" and not adding:
        if parts.all_valid():
            try:
                if template is None:
                    saved = actions.create_review_template(
                        acting_user=request.user, **parts.values()
                    )
                    messages.success(request, f"Template {saved.name} created.")
                else:
                    saved = actions.update_review_template(
                        acting_user=request.user, template=template, **parts.values()
                    )
                    messages.success(
                        request,
                        f"Template {saved.name} saved. Cycles made from it keep their copy.",
                    )
            except InvalidInput as exc:
                parts.put_back(exc)
            else:
                return redirect("review-templates")
        status = 422
    return render_page(
        request,
        "reviews/cycles/template_form.html",
        {"nav": "reviews", "template": template, "parts": parts},
        status=status,
    )


@page
@require_http_methods(["GET", "POST"])
def template_new(request: SignedInRequest) -> HttpResponse:
    _require_hr(request)
    return _editing(request, None)


@page
@require_http_methods(["GET", "POST"])
def template_edit(request: SignedInRequest, template_id: int) -> HttpResponse:
    template = _template(request, template_id)
    return _editing(request, template)


@page
@require_POST
def template_duplicate(request: SignedInRequest, template_id: int) -> HttpResponse:
    template = _template(request, template_id)
    try:
        copy = actions.duplicate_review_template(acting_user=request.user, template=template)
    except InvalidInput as exc:
        messages.error(request, exc.summary())
        return redirect("review-templates")
    messages.success(request, f"{template.name} copied as {copy.name}.")
    return redirect("review-template-edit", copy.pk)


@page
@require_POST
def template_archive(request: SignedInRequest, template_id: int) -> HttpResponse:
    template = _template(request, template_id)
    restore = request.POST.get("restore") == "1"
    actions.archive_review_template(
        acting_user=request.user, template=template, archived=not restore
    )
    messages.success(
        request,
        f"{template.name} is {'restored' if restore else 'archived: new cycles cannot use it'}.",
    )
    return redirect("review-templates")
