"""The team retrospective's form: four sections, each naming any of the team's objectives of
the cycle, and the version the writer started from."""

from __future__ import annotations

from typing import Any

from django import forms

from lineofsight.goals.models import Objective, TeamRetrospectiveSection
from lineofsight.goals.team_retros.selectors import TEXT_FIELDS

HELP = {
    "what_moved": "The results that moved, and why they did.",
    "what_did_not_move": "What stayed where it was, and what stood in the way.",
    "learned": "What the team knows now that it did not at the start.",
    "will_change": "What the team will do differently next cycle.",
}


def links_field(section: str) -> str:
    return f"links_{section}"


class TeamRetrospectiveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args: Any, objectives: list[Objective], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(o.pk, o.title) for o in objectives]
        for key, label in TeamRetrospectiveSection.choices:
            name = TEXT_FIELDS[key]
            self.fields[name] = forms.CharField(
                label=str(label),
                required=False,
                help_text=HELP[name],
                widget=forms.Textarea(attrs={"rows": 4}),
            )
            if choices:
                self.fields[links_field(key)] = forms.TypedMultipleChoiceField(
                    label=f"Objectives it is about ({label})",
                    choices=choices,
                    coerce=int,
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                )

    def sections(self) -> list[tuple[forms.BoundField, forms.BoundField | None]]:
        """Each section's text field with its objectives' checkboxes (if any)."""
        out = []
        for key, _ in TeamRetrospectiveSection.choices:
            links = self[links_field(key)] if links_field(key) in self.fields else None
            out.append((self[TEXT_FIELDS[key]], links))
        return out

    def links(self) -> dict[str, list[int]]:
        data = self.cleaned_data
        return {
            key: list(data.get(links_field(key)) or [])
            for key in TeamRetrospectiveSection.values
            if data.get(links_field(key))
        }
