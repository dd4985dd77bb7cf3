"""Forms for the policy, templates and review cycles.

They check shapes only (a date is a date, a choice is one of the choices); the rules live in
the actions, whose errors the views copy onto the field (or the formset row) they name.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import Q

from lineofsight.core.parsing import IdModelChoiceField, IdModelMultipleChoiceField
from lineofsight.goals.models import Cycle
from lineofsight.people.models import Person, Team
from lineofsight.reviews.cycles.scales import PHASES
from lineofsight.reviews.formula import PART_LABELS, PARTS
from lineofsight.reviews.models import (
    QUESTION_FIELDS,
    AnswerKind,
    PolicyMode,
    ReviewCycle,
    ReviewTemplate,
    Section,
)

PEOPLE_MAX = 10_000


def _textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class PolicyForm(forms.Form):
    mode = forms.ChoiceField(
        label="How OKRs are used in reviews",
        choices=PolicyMode.choices,
        widget=forms.RadioSelect,
        help_text="The default for new review cycles. A cycle with an explicit formula states "
        "its own weights.",
    )
    statement = forms.CharField(label="Policy", widget=_textarea(6))
    stretch_penalty = forms.BooleanField(
        label="Missing a stretch goal counts against the person", required=False
    )
    contribution = forms.CharField(
        label="How contributions are assessed", required=False, widget=_textarea()
    )
    compensation = forms.CharField(label="Pay and reviews", required=False, widget=_textarea())
    reason = forms.CharField(
        label="Reason for the change",
        widget=_textarea(2),
        help_text="Required. Kept with this version; earlier versions stay in the history.",
    )


class TemplateForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200)
    description = forms.CharField(label="Description", required=False, widget=_textarea(3))
    rate_potential = forms.BooleanField(
        label="Managers also rate potential",
        required=False,
        help_text="For the performance-by-potential grid in calibration.",
    )


class ScaleLevelForm(forms.Form):
    value = forms.IntegerField(
        label="Value", required=False, widget=forms.NumberInput(attrs={"min": 1, "max": 10})
    )
    label = forms.CharField(label="Label", max_length=80, required=False)
    description = forms.CharField(label="Description", max_length=500, required=False)

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return not (data.get("label") or "").strip() and not (data.get("description") or "")


ScaleFormSet = forms.formset_factory(ScaleLevelForm, extra=1, max_num=10, absolute_max=12)


class QuestionForm(forms.Form):
    text = forms.CharField(label="Question", max_length=500, required=False)
    help_text = forms.CharField(label="Help text", required=False, widget=_textarea(2))
    section = forms.ChoiceField(label="Section", choices=Section.choices, initial=Section.GENERAL)
    kind = forms.ChoiceField(label="Answer", choices=AnswerKind.choices, initial=AnswerKind.TEXT)
    for_self = forms.BooleanField(label="Self", required=False)
    for_manager = forms.BooleanField(label="Manager", required=False)
    for_peer = forms.BooleanField(label="Peer", required=False)
    for_upward = forms.BooleanField(label="Upward", required=False)
    required = forms.BooleanField(label="Required", required=False)

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return not (data.get("text") or "").strip()


QuestionFormSet = forms.formset_factory(
    QuestionForm, extra=1, can_order=True, can_delete=True, max_num=100, absolute_max=110
)


def scale_rows(formset: forms.BaseFormSet) -> tuple[list[dict[str, Any]], list[int]]:
    """The filled-in levels, and for each the index of its form (to put errors back)."""
    levels: list[dict[str, Any]] = []
    index: list[int] = []
    for i, form in enumerate(formset.forms):
        if not form.is_valid() or form.is_blank():
            continue
        data = form.cleaned_data
        levels.append(
            {
                "value": data.get("value"),
                "label": data.get("label") or "",
                "description": data.get("description") or "",
            }
        )
        index.append(i)
    return levels, index


def question_rows(formset: forms.BaseFormSet) -> tuple[list[dict[str, Any]], list[int]]:
    """The questions in their chosen order (the "order" numbers, then the page order),
    without the removed and blank ones, and for each the index of its form."""
    kept: list[tuple[float, int, dict[str, Any]]] = []
    for i, form in enumerate(formset.forms):
        if not form.is_valid() or form.is_blank():
            continue
        data = form.cleaned_data
        if data.get("DELETE"):
            continue
        order = data.get("ORDER")
        kept.append((float(order) if order is not None else float(i + 1), i, data))
    kept.sort(key=lambda item: (item[0], item[1]))
    rows = [{key: data.get(key) for key in QUESTION_FIELDS} for _, _, data in kept]
    return rows, [i for _, i, _ in kept]


class ReviewCycleForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200)
    kind = forms.ChoiceField(label="Kind", choices=ReviewCycle.Kind.choices)
    goal_cycle = IdModelChoiceField(
        label="OKR cycle under review",
        queryset=Cycle.objects.none(),
        help_text="Its results are the evidence in every review.",
    )
    next_goal_cycle = IdModelChoiceField(
        label="Next OKR cycle",
        queryset=Cycle.objects.none(),
        required=False,
        help_text="Where the forward-looking draft OKRs go.",
    )
    template = IdModelChoiceField(
        label="Template",
        queryset=ReviewTemplate.objects.none(),
        help_text="The cycle copies its scales and questions: later edits of the template do "
        "not change it.",
    )
    population = forms.ChoiceField(
        label="Who is reviewed",
        choices=ReviewCycle.Population.choices,
        widget=forms.RadioSelect,
        initial=ReviewCycle.Population.ORGANISATION,
    )
    population_teams = IdModelMultipleChoiceField(
        label="Teams",
        queryset=Team.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="With every team inside them: their members and leads.",
    )
    population_people = forms.CharField(
        label="People",
        required=False,
        widget=_textarea(4),
        help_text="Usernames or email addresses, one a line (or separated by commas).",
    )
    self_review_due = forms.DateField(
        label="Self reviews due", widget=forms.DateInput(attrs={"type": "date"})
    )
    peer_feedback_due = forms.DateField(
        label="Peer feedback due", widget=forms.DateInput(attrs={"type": "date"})
    )
    manager_review_due = forms.DateField(
        label="Manager reviews due", widget=forms.DateInput(attrs={"type": "date"})
    )
    calibration_due = forms.DateField(
        label="Calibration done by", widget=forms.DateInput(attrs={"type": "date"})
    )
    sharing_due = forms.DateField(
        label="Reviews shared by", widget=forms.DateInput(attrs={"type": "date"})
    )
    anonymous_peer_feedback = forms.BooleanField(
        label="Peer feedback is anonymous",
        required=False,
        help_text="Shown only in aggregate, from three answers up.",
    )
    anonymous_upward_feedback = forms.BooleanField(
        label="Upward feedback is anonymous",
        required=False,
        initial=True,
        help_text="Shown only in aggregate, from three answers up.",
    )
    policy_mode = forms.ChoiceField(
        label="How OKRs are used in this cycle",
        choices=PolicyMode.choices,
        widget=forms.RadioSelect,
    )
    weight_okr_attainment = forms.FloatField(
        label=PART_LABELS["okr_attainment"], required=False, min_value=0
    )
    weight_baseline = forms.FloatField(label=PART_LABELS["baseline"], required=False, min_value=0)
    weight_manager = forms.FloatField(label=PART_LABELS["manager"], required=False, min_value=0)

    deadline_fields = tuple(field for field, _, _ in PHASES)
    weight_fields = tuple(f"weight_{part}" for part in PARTS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cycles = Cycle.objects.order_by("-start_date", "end_date")
        self.fields["goal_cycle"].queryset = cycles  # type: ignore[attr-defined]
        self.fields["next_goal_cycle"].queryset = cycles  # type: ignore[attr-defined]
        self.fields["template"].queryset = ReviewTemplate.objects.filter(  # type: ignore[attr-defined]
            archived=False
        )
        self.fields["population_teams"].queryset = Team.objects.order_by("path", "name")  # type: ignore[attr-defined]
        self.people: list[Person] = []

    def clean_population_people(self) -> str:
        raw = self.cleaned_data.get("population_people") or ""
        names = [n.strip() for n in re.split(r"[\n,;]+", raw) if n.strip()]
        if len(names) > PEOPLE_MAX:
            raise forms.ValidationError(f"At most {PEOPLE_MAX} people.")
        wanted = {n.casefold() for n in names}
        found = list(
            Person.objects.filter(Q(username__in=names) | Q(email__in=names)).order_by("pk")
        )
        known = {p.username.casefold() for p in found} | {
            p.email.casefold() for p in found if p.email
        }
        missing = [n for n in names if n.casefold() not in known]
        if missing:
            raise forms.ValidationError(f"Nobody is called {', '.join(missing[:10])}.")
        self.people = [
            p for p in found if p.username.casefold() in wanted or p.email.casefold() in wanted
        ]
        return raw

    def weights(self) -> dict[str, float]:
        data = self.cleaned_data
        return {
            part: data[f"weight_{part}"] for part in PARTS if data.get(f"weight_{part}") is not None
        }
