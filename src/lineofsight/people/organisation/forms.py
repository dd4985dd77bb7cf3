"""Forms of HR's organisation pages. They check the shape of the input; the actions check
the rest (a loop in the reporting line, a lead leaving their team) and name the field."""

from __future__ import annotations

from typing import Any

from django import forms

from lineofsight.people.cadence import Cadence
from lineofsight.people.models import Team
from lineofsight.people.organisation.selectors import team_choices

PICKER_LIST = "person-picker-options"


def _indented(rows: list[tuple[Team, int]]) -> list[tuple[str, str]]:
    return [(str(team.pk), f"{'— ' * depth}{team.name}") for team, depth in rows]


class PersonPickerInput(forms.TextInput):
    """A username, with suggestions from the picker as one types (htmx fills the list; the
    picker's URL names the field it reads, ``?field=manager``)."""

    def __init__(self, picker_url: str = "", **attrs: Any) -> None:
        base = {"autocomplete": "off", "list": PICKER_LIST, "spellcheck": "false"}
        if picker_url:
            base.update(
                {
                    "hx-get": picker_url,
                    "hx-trigger": "input changed delay:250ms",
                    "hx-target": f"#{PICKER_LIST}",
                    "hx-swap": "innerHTML",
                }
            )
        base.update(attrs)
        super().__init__(attrs=base)


class PersonForm(forms.Form):
    username = forms.CharField(
        max_length=150,
        help_text="What they sign in with: letters, digits and @ . + - _.",
    )
    display_name = forms.CharField(label="Name", max_length=200)
    email = forms.CharField(label="Email", max_length=254, required=False)
    job_title = forms.CharField(label="Job title", max_length=200, required=False)
    manager = forms.CharField(
        label="Manager",
        max_length=150,
        required=False,
        help_text="Their manager's username; empty for nobody (the top of the organisation).",
    )
    teams = forms.MultipleChoiceField(
        label="Teams",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Hold Ctrl (or Cmd) to choose several.",
    )
    is_hr_admin = forms.BooleanField(
        label="HR admin", required=False, help_text="Sees and amends every review and rating."
    )
    is_active = forms.BooleanField(
        label="Active",
        required=False,
        help_text="A deactivated person cannot sign in; their history stays.",
    )

    def __init__(self, *args: Any, editing: bool, picker_url: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["teams"].choices = _indented(team_choices())  # type: ignore[attr-defined]
        self.fields["manager"].widget = PersonPickerInput(picker_url)
        if editing:
            del self.fields["username"]
        else:
            del self.fields["is_active"]


class TeamForm(forms.Form):
    name = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=Team.Kind.choices)
    parent = forms.ChoiceField(
        label="Inside", required=False, help_text="The team or department it belongs to."
    )
    lead = forms.CharField(
        label="Lead",
        max_length=150,
        required=False,
        help_text="The lead's username; empty for none.",
    )
    check_in_cadence = forms.ChoiceField(
        label="Check-in cadence",
        required=False,
        choices=[("", "As the cycle says"), *[(c.value, c.label) for c in Cadence]],
        help_text="For the key results the team's members own.",
    )

    def __init__(self, *args: Any, team: Team | None, picker_url: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rows = team_choices()
        if team is not None:  # a team cannot move inside itself
            rows = [
                (t, d)
                for t, d in rows
                if t.pk != team.pk and not t.path.startswith(team.subtree_prefix)
            ]
        self.fields["parent"].choices = [  # type: ignore[attr-defined]
            ("", "Nothing (the company)"),
            *_indented(rows),
        ]
        self.fields["lead"].widget = PersonPickerInput(picker_url)


class MemberForm(forms.Form):
    person = forms.CharField(label="Add a member (username)", max_length=150)

    def __init__(self, *args: Any, picker_url: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].widget = PersonPickerInput(picker_url)
