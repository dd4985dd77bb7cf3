"""Forms for recognition: kudos, a spot-bonus nomination and HR's decision on one. They check
shapes only; the rules live in ``recognition.actions``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from lineofsight.core.parsing import IdModelChoiceField
from lineofsight.goals.models import KeyResult
from lineofsight.people.models import Person
from lineofsight.reviews.models import SpotBonusNomination


class KeyResultChoice(IdModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} ({obj.cycle.name}: {obj.objective.title})"


class PersonChoice(IdModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class KudosForm(forms.Form):
    recipient = PersonChoice(queryset=Person.objects.none(), label="To")
    key_result = KeyResultChoice(
        queryset=KeyResult.objects.none(),
        label="For the key result",
        required=False,
        empty_label="No key result in particular",
    )
    message = forms.CharField(
        label="Message",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Public: everyone who may see the key result can read it.",
    )

    def __init__(
        self,
        *args: Any,
        people: QuerySet[Person] | None,
        key_results: QuerySet[KeyResult] | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if people is None:
            del self.fields["recipient"]
        else:
            self.fields["recipient"].queryset = people  # type: ignore[attr-defined]
        if key_results is None:
            del self.fields["key_result"]
        else:
            self.fields["key_result"].queryset = key_results  # type: ignore[attr-defined]


class NominationForm(forms.Form):
    nominee = PersonChoice(queryset=Person.objects.none(), label="Nominee")
    key_result = KeyResultChoice(
        queryset=KeyResult.objects.none(),
        label="For the key result",
        required=False,
        empty_label="No key result in particular",
    )
    reason = forms.CharField(
        label="Why",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Seen by the nominee's managers, HR and you; never by the nominee.",
    )

    def __init__(
        self,
        *args: Any,
        people: QuerySet[Person],
        key_results: QuerySet[KeyResult] | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nominee"].queryset = people  # type: ignore[attr-defined]
        if key_results is None:
            del self.fields["key_result"]
        else:
            self.fields["key_result"].queryset = key_results  # type: ignore[attr-defined]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[
            (SpotBonusNomination.State.APPROVED, "Approve"),
            (SpotBonusNomination.State.DECLINED, "Decline"),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Note",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Sent to the nominator with the decision.",
    )
