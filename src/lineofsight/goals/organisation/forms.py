"""Forms of the cycles page: a new quarter and a cycle's name, dates and cadence."""

from __future__ import annotations

from django import forms

from lineofsight.people.cadence import Cadence

CADENCE_CHOICES = [(c.value, c.label) for c in Cadence]


class DateInput(forms.DateInput):
    input_type = "date"


class CycleForm(forms.Form):
    name = forms.CharField(max_length=100)
    start_date = forms.DateField(label="First day", widget=DateInput(format="%Y-%m-%d"))
    end_date = forms.DateField(label="Last day", widget=DateInput(format="%Y-%m-%d"))
    check_in_cadence = forms.ChoiceField(
        label="Check-in cadence",
        choices=CADENCE_CHOICES,
        help_text="How often key-result owners check in; a team may set its own.",
    )
