"""Review templates: create, edit, duplicate, archive (HR), and the standard template.

A template's questions are given as a list in the order they are asked; editing a template
replaces its questions. Review cycles copy their template when they are created, so nothing
here changes a cycle."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from lineofsight.core import audit
from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.people.models import Person
from lineofsight.reviews.access import ReviewViewer
from lineofsight.reviews.cycles.default_template import (
    DEFAULT_TEMPLATE_DESCRIPTION,
    DEFAULT_TEMPLATE_NAME,
    default_questions,
)
from lineofsight.reviews.cycles.scales import normalise_scale, scale_errors
from lineofsight.reviews.models import (
    AnswerKind,
    ReviewCycle,
    ReviewTemplate,
    Section,
    TemplateQuestion,
    default_potential_scale,
    default_rating_scale,
)

NAME_MAX = 200
DESCRIPTION_MAX = 5_000
QUESTION_MAX = 500


def name_error(
    model: type[ReviewTemplate] | type[ReviewCycle], name: str, instance: Any, noun: str
) -> str | None:
    """What is wrong with the name of a template or a review cycle (names are unique,
    whatever their case), or None."""
    if not name:
        return "This field is required."
    if len(name) > NAME_MAX:
        return f"Keep it under {NAME_MAX} characters."
    clash = model.objects.filter(name__iexact=name)
    if instance is not None:
        clash = clash.exclude(pk=instance.pk)
    if clash.exists():
        return f"A {noun} called {name!r} exists already."
    return None
HELP_MAX = 2_000
MAX_QUESTIONS = 100
AUDIENCES = ("for_self", "for_manager", "for_peer", "for_upward")
# Every review has a self review and a manager review, so both need a question.
REQUIRED_AUDIENCES = {"for_self": "the self review", "for_manager": "the manager review"}


def _hr(acting_user: Person | None) -> None:
    """``None`` is the system (the demo, migrations); anyone else must manage reviews."""
    if acting_user is None:
        return
    if not acting_user.is_authenticated or not ReviewViewer.of(acting_user).can_manage_reviews():
        raise NotAllowed("Only HR admins manage review templates.")


def _flag(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if value in (None, "", 0, "0", "false", "off", "no"):
        return False
    if value in (1, "1", "true", "on", "yes"):
        return True
    return None


def question_errors(questions: Any) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The questions cleaned (in order), and what is wrong with them by field:
    ``questions`` for the list, ``questions.<i>.<field>`` (0-based) for one question."""
    if not isinstance(questions, Sequence) or isinstance(questions, str | bytes):
        return [], {"questions": "Give the questions as a list."}
    errors: dict[str, str] = {}
    cleaned: list[dict[str, Any]] = []
    if len(questions) > MAX_QUESTIONS:
        errors["questions"] = f"A template has at most {MAX_QUESTIONS} questions."
    for i, raw in enumerate(questions):
        at = f"questions.{i}"
        if not isinstance(raw, Mapping):
            errors[at] = "Each question has a text, a section, a kind and its audiences."
            continue
        text = str(raw.get("text") or "").strip()
        help_text = str(raw.get("help_text") or "").strip()
        section = str(raw.get("section") or Section.GENERAL)
        kind = str(raw.get("kind") or AnswerKind.TEXT)
        if not text:
            errors[f"{at}.text"] = "Write the question."
        elif len(text) > QUESTION_MAX:
            errors[f"{at}.text"] = f"Keep the question under {QUESTION_MAX} characters."
        if len(help_text) > HELP_MAX:
            errors[f"{at}.help_text"] = f"Keep the help text under {HELP_MAX} characters."
        if section not in Section.values:
            errors[f"{at}.section"] = f"Choose one of: {', '.join(Section.values)}."
        if kind not in AnswerKind.values:
            errors[f"{at}.kind"] = f"Choose one of: {', '.join(AnswerKind.values)}."
        flags: dict[str, bool] = {}
        for name in (*AUDIENCES, "required"):
            flag = _flag(raw.get(name, False))
            if flag is None:
                errors[f"{at}.{name}"] = "Answer yes or no."
            flags[name] = bool(flag)
        if not any(flags[a] for a in AUDIENCES):
            errors[f"{at}.audiences"] = (
                "Ask the question of someone: self, manager, peer or upward."
            )
        cleaned.append(
            {
                "position": i + 1,
                "text": text,
                "help_text": help_text,
                "section": section,
                "kind": kind,
                **flags,
            }
        )
    if "questions" not in errors:
        for audience, what in REQUIRED_AUDIENCES.items():
            if not any(q[audience] for q in cleaned):
                errors["questions"] = f"Add at least one question for {what}."
                break
    return cleaned, errors


def _template_errors(
    *,
    template: ReviewTemplate | None,
    name: str,
    description: str,
    rating_scale: Any,
    rate_potential: Any,
    potential_scale: Any,
    questions: Any,
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    errors: dict[str, str] = {}
    if problem := name_error(ReviewTemplate, name, template, "template"):
        errors["name"] = problem
    if len(description) > DESCRIPTION_MAX:
        errors["description"] = f"Keep it under {DESCRIPTION_MAX} characters."
    errors.update(scale_errors(rating_scale, "rating_scale"))
    if _flag(rate_potential) is None:
        errors["rate_potential"] = "Answer yes or no."
    if _flag(rate_potential):
        errors.update(scale_errors(potential_scale, "potential_scale"))
    cleaned, question_problems = question_errors(questions)
    errors.update(question_problems)
    return cleaned, errors


def _write_questions(template: ReviewTemplate, questions: list[dict[str, Any]]) -> None:
    TemplateQuestion.objects.filter(template=template).delete()
    TemplateQuestion.objects.bulk_create(
        TemplateQuestion(template=template, **q) for q in questions
    )


@transaction.atomic
def create_review_template(
    *,
    acting_user: Person | None,
    name: str,
    questions: Sequence[Mapping[str, Any]],
    description: str = "",
    rating_scale: Sequence[Mapping[str, Any]] | None = None,
    rate_potential: bool = False,
    potential_scale: Sequence[Mapping[str, Any]] | None = None,
) -> ReviewTemplate:
    _hr(acting_user)
    name = (name or "").strip()
    description = (description or "").strip()
    rating_scale = default_rating_scale() if rating_scale is None else rating_scale
    potential_scale = default_potential_scale() if potential_scale is None else potential_scale
    cleaned, errors = _template_errors(
        template=None,
        name=name,
        description=description,
        rating_scale=rating_scale,
        rate_potential=rate_potential,
        potential_scale=potential_scale,
        questions=questions,
    )
    if errors:
        raise InvalidInput(errors)
    potential = bool(_flag(rate_potential))
    template = ReviewTemplate.objects.create(
        name=name,
        description=description,
        rating_scale=normalise_scale(rating_scale),
        rate_potential=potential,
        potential_scale=normalise_scale(potential_scale)
        if potential or not scale_errors(potential_scale)
        else default_potential_scale(),
        created_by=acting_user,
    )
    _write_questions(template, cleaned)
    audit.record(
        actor=acting_user,
        action="create_review_template",
        subject=template,
        data={"name": name, "questions": len(cleaned)},
    )
    return template


@transaction.atomic
def update_review_template(
    *,
    acting_user: Person | None,
    template: ReviewTemplate,
    name: str,
    questions: Sequence[Mapping[str, Any]],
    description: str = "",
    rating_scale: Sequence[Mapping[str, Any]] | None = None,
    rate_potential: bool = False,
    potential_scale: Sequence[Mapping[str, Any]] | None = None,
) -> ReviewTemplate:
    """Replace a template's name, scales and questions. Cycles made from it keep their copy."""
    _hr(acting_user)
    template = ReviewTemplate.objects.select_for_update().get(pk=template.pk)
    name = (name or "").strip()
    description = (description or "").strip()
    rating_scale = template.rating_scale if rating_scale is None else rating_scale
    potential_scale = template.potential_scale if potential_scale is None else potential_scale
    cleaned, errors = _template_errors(
        template=template,
        name=name,
        description=description,
        rating_scale=rating_scale,
        rate_potential=rate_potential,
        potential_scale=potential_scale,
        questions=questions,
    )
    if errors:
        raise InvalidInput(errors)
    template.name = name
    template.description = description
    template.rating_scale = normalise_scale(rating_scale)
    template.rate_potential = bool(_flag(rate_potential))
    if template.rate_potential or not scale_errors(potential_scale):
        template.potential_scale = normalise_scale(potential_scale)
    template.updated_at = timezone.now()
    template.save()
    _write_questions(template, cleaned)
    audit.record(
        actor=acting_user,
        action="update_review_template",
        subject=template,
        data={"name": name, "questions": len(cleaned)},
    )
    return template


def _copy_name(name: str) -> str:
    base = f"Copy of {name}"[:NAME_MAX]
    taken = set(
        ReviewTemplate.objects.filter(name__istartswith=base).values_list("name", flat=True)
    )
    taken = {t.casefold() for t in taken}
    candidate, n = base, 2
    while candidate.casefold() in taken:
        suffix = f" ({n})"
        candidate = f"{base[: NAME_MAX - len(suffix)]}{suffix}"
        n += 1
    return candidate


@transaction.atomic
def duplicate_review_template(
    *, acting_user: Person | None, template: ReviewTemplate, name: str = ""
) -> ReviewTemplate:
    """A new template with the same scales and questions (named "Copy of ..." unless given)."""
    _hr(acting_user)
    name = (name or "").strip() or _copy_name(template.name)
    if len(name) > NAME_MAX:
        raise InvalidInput.one("name", f"Keep it under {NAME_MAX} characters.")
    if ReviewTemplate.objects.filter(name__iexact=name).exists():
        raise InvalidInput.one("name", f"A template called {name!r} exists already.")
    copy = ReviewTemplate.objects.create(
        name=name,
        description=template.description,
        rating_scale=template.rating_scale,
        rate_potential=template.rate_potential,
        potential_scale=template.potential_scale,
        created_by=acting_user,
    )
    fields = [
        f.name for f in TemplateQuestion._meta.concrete_fields if f.name not in ("id", "template")
    ]
    TemplateQuestion.objects.bulk_create(
        TemplateQuestion(template=copy, **{f: getattr(q, f) for f in fields})
        for q in template.questions.all()
    )
    audit.record(
        actor=acting_user,
        action="duplicate_review_template",
        subject=copy,
        data={"from": template.pk, "name": name},
    )
    return copy


@transaction.atomic
def archive_review_template(
    *, acting_user: Person | None, template: ReviewTemplate, archived: bool = True
) -> ReviewTemplate:
    """Archive (or restore) a template: archived ones are not offered for new cycles."""
    _hr(acting_user)
    template.archived = archived
    template.updated_at = timezone.now()
    template.save(update_fields=["archived", "updated_at"])
    audit.record(
        actor=acting_user,
        action="archive_review_template" if archived else "restore_review_template",
        subject=template,
    )
    return template


def ensure_default_template(*, acting_user: Person | None = None) -> ReviewTemplate:
    """The standard "Quarterly review" template, created the first time it is asked for."""
    existing = ReviewTemplate.objects.filter(name=DEFAULT_TEMPLATE_NAME).first()
    if existing is not None:
        return existing
    return create_review_template(
        acting_user=acting_user,
        name=DEFAULT_TEMPLATE_NAME,
        description=DEFAULT_TEMPLATE_DESCRIPTION,
        rating_scale=default_rating_scale(),
        rate_potential=True,
        potential_scale=default_potential_scale(),
        questions=default_questions(),
    )
