"""Forms of the review conversation. The feedback form is built from the cycle's questions:
a rating (on the cycle's scale, labels shown) and/or a written answer per question, and for
the manager review the overall rating, the potential (when the cycle rates it) and the
rating explanation. Completeness is checked by the actions on submit, not here, so that a
draft may be saved half written."""

from __future__ import annotations

from typing import Any

from django import forms

from lineofsight.core.errors import InvalidInput
from lineofsight.reviews.conversation.actions import AnswerIn
from lineofsight.reviews.conversation.actions._common import TEXT_MAX
from lineofsight.reviews.conversation.selectors import Sheet
from lineofsight.reviews.models import AnswerKind, Feedback, Review, ReviewCycle

RATED = (AnswerKind.RATING, AnswerKind.RATING_TEXT)
WRITTEN = (AnswerKind.TEXT, AnswerKind.RATING_TEXT)


def level_choices(levels: list[dict[str, Any]], *, describe: bool) -> list[tuple[int, str]]:
    out = []
    for level in sorted(levels, key=lambda lv: int(lv["value"])):
        label = f"{level['value']} \u00b7 {level.get('label', '')}"
        if describe and level.get("description"):
            label += f" \u2014 {level['description']}"
        out.append((int(level["value"]), label))
    return out


def _rating_field(label: str, choices: list[tuple[int, str]], help_text: str = "") -> Any:
    return forms.TypedChoiceField(
        label=label,
        choices=choices,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text=help_text,
    )


def required_to_submit(field: forms.Field) -> forms.Field:
    """Mark a field that must be filled in to submit, though a draft may leave it empty: the
    page shows the mark and tells screen readers (text boxes also say ``aria-required``)."""
    field.required_to_submit = True  # type: ignore[attr-defined]
    if not isinstance(field.widget, forms.RadioSelect):
        field.widget.attrs["aria-required"] = "true"
    return field


class RatingFields(forms.Form):
    """The manager's overall rating, potential and explanation."""

    def add_rating_fields(self, cycle: ReviewCycle) -> None:
        self.fields["rating"] = _rating_field(
            "Overall rating",
            level_choices(cycle.rating_scale, describe=True),
            "Your judgement of performance on the cycle's scale. OKR attainment is evidence "
            "beside it, not the rating.",
        )
        if cycle.rate_potential:
            self.fields["potential"] = _rating_field(
                "Potential", level_choices(cycle.potential_scale, describe=True)
            )
        self.fields["rating_explanation"] = forms.CharField(
            label="Rating explanation",
            required=False,
            max_length=TEXT_MAX,
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text="Why this rating: the facts it rests on, including what the OKR figures "
            "do not show.",
        )

    def rating_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        out = {"rating": data.get("rating"), "rating_explanation": data.get("rating_explanation")}
        if "potential" in self.fields:
            out["potential"] = data.get("potential")
        return out


class FeedbackForm(RatingFields):
    """One field per answer part: ``q<id>_rating`` and/or ``q<id>_text``. What submitting
    needs (required questions; the manager's rating, potential and explanation) is marked."""

    marks_required = True

    def __init__(
        self,
        *args: Any,
        sheet: Sheet | None,
        review: Review,
        with_rating: bool,
        draft: Feedback | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.sheet = sheet
        cycle = review.review_cycle
        choices = level_choices(cycle.rating_scale, describe=False)
        for line in sheet.lines if sheet else []:
            q = line.question
            if q.kind in RATED:
                self.fields[f"q{q.pk}_rating"] = _rating_field(q.text, choices, q.help_text)
                self.initial.setdefault(f"q{q.pk}_rating", line.rating)
                if q.required and self.marks_required:
                    required_to_submit(self.fields[f"q{q.pk}_rating"])
            if q.kind in WRITTEN:
                label = q.text if q.kind == AnswerKind.TEXT else f"{q.text} (comment)"
                self.fields[f"q{q.pk}_text"] = forms.CharField(
                    label=label,
                    required=False,
                    max_length=TEXT_MAX,
                    widget=forms.Textarea(attrs={"rows": 4}),
                    help_text=q.help_text if q.kind == AnswerKind.TEXT else "",
                )
                self.initial.setdefault(f"q{q.pk}_text", line.text)
                if q.required and self.marks_required:
                    required_to_submit(self.fields[f"q{q.pk}_text"])
        if with_rating:
            # A manager review in draft carries its own rating; amending starts from the
            # review's (submitted) one.
            self.add_rating_fields(cycle)
            if self.marks_required:
                for name in ("rating", "potential", "rating_explanation"):
                    if name in self.fields:
                        required_to_submit(self.fields[name])
            source: Any = review
            prefix = ""
            if draft is not None:
                source, prefix = draft, "draft_"
            for name in ("rating", "potential", "rating_explanation"):
                self.initial.setdefault(name, getattr(source, prefix + name))

    def answers(self) -> dict[int, AnswerIn]:
        out: dict[int, AnswerIn] = {}
        for line in self.sheet.lines if self.sheet else []:
            q = line.question
            text = self.cleaned_data.get(f"q{q.pk}_text") or ""
            rating = self.cleaned_data.get(f"q{q.pk}_rating")
            out[q.pk] = AnswerIn(text=text, rating=rating)
        return out

    def bound_questions(self) -> list[dict[str, Any]]:
        """Per section, per question: its fields, for the template."""
        groups = []
        for group in self.sheet.groups if self.sheet else []:
            rows = []
            for line in group.questions:
                q = line.question
                rows.append(
                    {
                        "question": q,
                        "rating": self[f"q{q.pk}_rating"] if q.kind in RATED else None,
                        "text": self[f"q{q.pk}_text"] if q.kind in WRITTEN else None,
                    }
                )
            groups.append({"group": group, "rows": rows})
        return groups

    def apply(self, exc: InvalidInput) -> None:
        """Put the action's errors on the fields they name (``answers.<id>.text`` ->
        ``q<id>_text``)."""
        for key, messages in exc.errors.items():
            target: str | None = None
            if key.startswith("answers."):
                parts = key.split(".")
                part = parts[2] if len(parts) > 2 else "text"
                target = f"q{parts[1]}_{part}"
                if target not in self.fields:
                    target = f"q{parts[1]}_rating" if part == "text" else f"q{parts[1]}_text"
            elif key in self.fields:
                target = key
            for message in messages:
                self.add_error(target if target in self.fields else None, message)


class PeerRequestForm(forms.Form):
    suggested = forms.MultipleChoiceField(
        label="Colleagues you work with",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    others = forms.CharField(
        label="Others (usernames or email addresses, separated by commas)",
        required=False,
        max_length=2000,
    )

    def __init__(self, *args: Any, suggestions: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["suggested"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(str(pk), name) for pk, name in suggestions]

    def handles(self) -> list[str]:
        raw = self.cleaned_data.get("others") or ""
        return [part.strip() for part in raw.replace(";", ",").split(",") if part.strip()]


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The person reads it.",
    )


class AcknowledgeForm(forms.Form):
    comment = forms.CharField(
        label="Your comment (optional)",
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Anything you want kept with the review: agreement, disagreement, context.",
    )


class AmendForm(FeedbackForm):
    """Amending a submitted review: the rating fields and/or one feedback's answers."""

    marks_required = False  # an amendment changes what it names; nothing else is needed

    reason = forms.CharField(
        label="Reason for the amendment",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept with the old and the new value.",
    )
