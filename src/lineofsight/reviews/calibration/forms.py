"""Forms for calibration: a session, a move, an explanation and a rule.

They check shapes only (a choice is one of the choices); the rules live in
``calibration.actions``, whose errors the views copy onto these fields.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from lineofsight.core.parsing import IdModelChoiceField, IdModelMultipleChoiceField
from lineofsight.people.models import Person, Team
from lineofsight.reviews.calibration import rules
from lineofsight.reviews.models import CalibrationSession, ReviewCycle


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class PersonChoice(IdModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.job_title})" if obj.job_title else str(obj.name)


class PeopleChoice(IdModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.job_title})" if obj.job_title else str(obj.name)


class SessionForm(forms.Form):
    review_cycle = IdModelChoiceField(
        queryset=ReviewCycle.objects.none(),
        label="Review cycle",
        help_text="An open review cycle.",
    )
    name = forms.CharField(label="Name", max_length=200)
    facilitator = PersonChoice(
        queryset=Person.objects.none(),
        label="Facilitator",
        help_text="Runs the session: opens it, moves ratings, explains flags, completes it.",
    )
    participants = PeopleChoice(
        queryset=Person.objects.none(),
        label="Participants",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="The managers taking part. They see the session's people, nothing more.",
    )
    population_teams = IdModelMultipleChoiceField(
        queryset=Team.objects.none(),
        label="Teams",
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="The people of these teams and of every team inside them (members and "
        "leads) who have a review in the cycle.",
    )
    grid = forms.ChoiceField(
        label="Grid",
        choices=CalibrationSession.Grid.choices,
        help_text="Performance by potential needs a cycle that rates potential.",
    )

    def __init__(
        self,
        *args: Any,
        cycles: QuerySet[ReviewCycle],
        people: QuerySet[Person],
        teams: QuerySet[Team],
        fixed_cycle: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["review_cycle"].queryset = cycles  # type: ignore[attr-defined]
        self.fields["facilitator"].queryset = people  # type: ignore[attr-defined]
        self.fields["participants"].queryset = people  # type: ignore[attr-defined]
        self.fields["population_teams"].queryset = teams  # type: ignore[attr-defined]
        if fixed_cycle:
            del self.fields["review_cycle"]


class MoveForm(forms.Form):
    value = forms.TypedChoiceField(label="New rating", coerce=int, choices=())
    reason = forms.CharField(
        label="Reason",
        widget=_textarea(3),
        help_text="Required. Kept in the session's change log with who and when.",
    )

    def __init__(self, *args: Any, scale: rules.Scale, label: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["value"]
        field.label = label
        field.choices = [("", "Choose a level")] + [  # type: ignore[attr-defined]
            (v, scale.label(v)) for v in scale.values
        ]


class ExplainForm(forms.Form):
    rule = forms.ChoiceField(label="Flag", choices=())
    text = forms.CharField(
        label="Explanation",
        widget=_textarea(4),
        help_text="Why the rating stands (or what changed). Kept with the session.",
    )

    def __init__(self, *args: Any, flags: list[rules.Flag], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = [(f.code, f.title) for f in flags]  # type: ignore[attr-defined]


class RuleForm(forms.Form):
    enabled = forms.BooleanField(label="On", required=False)
    requires_explanation = forms.BooleanField(
        label="Needs an explanation before the session completes", required=False
    )

    def __init__(self, *args: Any, definition: rules.RuleDefinition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.definition = definition
        for p in definition.params:
            if p.kind == "int":
                self.fields[p.name] = forms.IntegerField(
                    label=p.name.replace("_", " ").capitalize(), help_text=p.help
                )
            else:
                self.fields[p.name] = forms.FloatField(
                    label=p.name.replace("_", " ").capitalize(), help_text=p.help
                )

    def params(self) -> dict[str, Any]:
        return {p.name: self.cleaned_data.get(p.name) for p in self.definition.params}
