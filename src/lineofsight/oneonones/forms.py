"""The forms of the one-on-one pages (each action validates again: these only shape input)."""

from __future__ import annotations

from typing import Any

from django import forms

from lineofsight.oneonones import schedule
from lineofsight.oneonones.models import NOTES_MAX, TEXT_MAX, Series

WEEKDAY_CHOICES = [(str(i), name) for i, name in enumerate(schedule.WEEKDAYS)]


class RuleForm(forms.Form):
    cadence = forms.ChoiceField(label="How often", choices=Series.Cadence.choices)
    weekday = forms.TypedChoiceField(label="Day", choices=WEEKDAY_CHOICES, coerce=int)
    time = forms.TimeField(
        label="Time",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="In the organisation's time zone.",
    )


class SetUpForm(RuleForm):
    person = forms.TypedChoiceField(label="With", coerce=int)

    field_order = ["person", "cadence", "weekday", "time"]

    def __init__(self, *args: object, people: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["person"].choices = [(str(pk), name) for pk, name in people]  # type: ignore[attr-defined]


class _OnMeetingPage(forms.Form):
    """A form of the meeting page, whose field ids stay unique among the page's forms."""

    id_prefix = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class MoveForm(_OnMeetingPage):
    id_prefix = "move"

    starts_at = forms.DateTimeField(
        label="New date and time",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


class AgendaForm(_OnMeetingPage):
    id_prefix = "agenda"
    text = forms.CharField(label="Add a topic", max_length=TEXT_MAX)


class NotesForm(_OnMeetingPage):
    id_prefix = "notes"
    text = forms.CharField(
        label="Shared notes",
        required=False,
        max_length=NOTES_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Both of you read and write these. Earlier versions are kept.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class PrivateNoteForm(_OnMeetingPage):
    id_prefix = "private"
    text = forms.CharField(
        label="My private note",
        required=False,
        max_length=NOTES_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only you ever read this: not the other participant, not HR.",
    )


class ActionItemForm(_OnMeetingPage):
    id_prefix = "action"
    text = forms.CharField(label="Action", max_length=TEXT_MAX)
    owner = forms.TypedChoiceField(label="Owner", coerce=int)
    due = forms.DateField(
        label="Due", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [(str(pk), name) for pk, name in people]  # type: ignore[attr-defined]
