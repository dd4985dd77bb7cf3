"""Forms for closing out: an adjusted grade, a retrospective, carrying a key result over.

They check shapes only (a grade is a number, a choice is one of the choices); the rules live
in ``goals.actions.closing``, whose errors the views copy onto these fields.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms

from lineofsight.goals.models import Objective, Retrospective

COPY = "copy"
TARGET_RE = re.compile(r"^o-(?P<pk>\d{1,18})$")


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class GradeForm(forms.Form):
    adjusted_grade = forms.FloatField(
        label="Adjusted grade",
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "1"}),
        help_text="From 0.0 to 1.0, two decimals. The computed grade is kept beside it.",
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        widget=_textarea(2),
        help_text="Required. Kept with the grade; earlier grades stay in the audit log.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            not self.withdrawing
            and data.get("adjusted_grade") is None
            and ("adjusted_grade" not in self.errors)
        ):
            self.add_error("adjusted_grade", "Enter a grade from 0.0 to 1.0.")
        return data

    @property
    def withdrawing(self) -> bool:
        return bool(self.data.get("withdraw"))


class RetrospectiveForm(forms.Form):
    what_happened = forms.CharField(
        label="What happened", widget=_textarea(), help_text="Facts first: where it landed."
    )
    in_control = forms.CharField(
        label="What was in the owner's control",
        required=False,
        widget=_textarea(),
        help_text="What could be influenced, and what could not.",
    )
    learned = forms.CharField(label="What was learned", required=False, widget=_textarea())
    decision = forms.ChoiceField(
        label="Next cycle", choices=Retrospective.Decision.choices, widget=forms.RadioSelect
    )


class CarryOverForm(forms.Form):
    into = forms.ChoiceField(label="Carry it into")
    title = forms.CharField(label="Title", max_length=300)
    target_value = forms.FloatField(
        label="Target",
        required=False,
        widget=forms.NumberInput(attrs={"step": "any"}),
        help_text="Keep the target, or set a new one. It starts from its last value.",
    )

    def __init__(
        self,
        *args: Any,
        copy_label: str,
        targets: list[Objective],
        numeric: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["into"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(COPY, copy_label)] + [
            (f"o-{o.pk}", f"“{o.title}” ({o.owner_name}, {o.cycle.name})") for o in targets
        ]
        if not numeric:
            del self.fields["target_value"]

    @property
    def confirmed(self) -> bool:
        """Whether the person saw what the carry-over creates and confirmed it."""
        return self.data.get("confirm") == "yes"

    def target_objective_id(self) -> int | None:
        raw = self.cleaned_data.get("into") or COPY
        match = TARGET_RE.match(raw)
        return int(match["pk"]) if match else None
