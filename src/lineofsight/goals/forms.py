"""Forms for objectives, key results, check-ins, initiatives and alignment.

Forms only check shapes (a number is a number, a choice is one of the choices); every rule
about OKRs lives in ``goals.actions``, whose errors the views copy onto these fields.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms

from lineofsight.goals import scoring
from lineofsight.goals.models import Initiative, KeyResult, Objective

PARENT_RE = re.compile(r"^(?P<kind>[ok])-(?P<pk>\d{1,18})$")

TEXTAREA = {"rows": 3}

REASON_HELP = "Kept in the history with this change."
AMENDMENT_HELP = "This cycle is closed. HR amendments need a reason, kept on the audit record."


def _textarea(**attrs: Any) -> forms.Textarea:
    return forms.Textarea(attrs={**TEXTAREA, **attrs})


def _amendment_field() -> forms.CharField:
    return forms.CharField(
        label="Amendment reason", required=False, widget=_textarea(), help_text=AMENDMENT_HELP
    )


def _reason_field(label: str = "Reason for change", help_text: str = REASON_HELP) -> Any:
    return forms.CharField(label=label, required=False, widget=_textarea(), help_text=help_text)


def _link_kind_field(name: str = "Alignment") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=name,
        choices=[(k.value, k.label) for k in scoring.LinkKind],
        initial=scoring.LinkKind.CONTRIBUTES.value,
        widget=forms.RadioSelect,
    )


def _positive_weight(value: float | None) -> None:
    if value is not None and value <= 0:
        raise forms.ValidationError("Enter a weight more than 0.", code="min_value")


def _weight_field(label: str = "Weight", required: bool = True) -> forms.FloatField:
    return forms.FloatField(
        label=label,
        required=required,
        initial=1.0,
        validators=[_positive_weight],
        widget=forms.NumberInput(attrs={"step": "any"}),
        help_text="How much this counts relative to the other inputs (default 1).",
    )


def set_choices(form: forms.Form, name: str, choices: list[Any]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def parse_parent(raw: str) -> tuple[str, int] | None:
    """ "o-12" (an objective) or "k-7" (a key result) into ("o", 12); empty means none."""
    raw = (raw or "").strip()
    if not raw:
        return None
    match = PARENT_RE.match(raw)
    if match is None:
        raise forms.ValidationError("Choose an objective or key result from the list.")
    return match["kind"], int(match["pk"])


class ObjectiveForm(forms.Form):
    title = forms.CharField(max_length=300)
    description = forms.CharField(required=False, widget=_textarea())
    level = forms.ChoiceField(choices=Objective.Level.choices)
    owner = forms.ChoiceField(help_text="A person, or a team for team and company objectives.")
    cycle = forms.ChoiceField()
    visibility = forms.ChoiceField(
        choices=Objective.Visibility.choices, initial=Objective.Visibility.PUBLIC
    )
    state = forms.ChoiceField(choices=Objective.State.choices, initial=Objective.State.ACTIVE)
    commitment = forms.ChoiceField(
        choices=Objective.Commitment.choices,
        initial=Objective.Commitment.ASPIRATIONAL,
        widget=forms.RadioSelect,
        help_text="Committed: expected to reach 100 %. Aspirational: about 70 % is a good result.",
    )
    progress_mode = forms.ChoiceField(
        label="Progress from",
        choices=[(m.value, m.label) for m in scoring.ProgressMode],
        initial=scoring.ProgressMode.KEY_RESULTS.value,
    )
    rationale = forms.CharField(
        label="Alignment rationale",
        required=False,
        widget=_textarea(placeholder="If we hit this, the parent becomes more likely because..."),
    )
    # Alignment, chosen with the picker (new objectives only).
    parent = forms.CharField(required=False, widget=forms.HiddenInput)
    align_kind = _link_kind_field()
    align_weight = _weight_field(required=False)
    reason = _reason_field(
        help_text="Kept in the objective's history. Required when abandoning it, and when "
        "changing its title, description, commitment or progress mode once it has check-ins."
    )
    amendment_reason = _amendment_field()

    def __init__(
        self,
        *args: Any,
        creating: bool,
        owner_choices: list[Any],
        cycle_choices: list[tuple[str, str]] | None = None,
        level_choices: list[tuple[str, str]] | None = None,
        amend: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "owner", owner_choices)
        if creating:
            set_choices(self, "cycle", cycle_choices or [])
            set_choices(self, "level", level_choices or [])
            set_choices(
                self,
                "state",
                [(Objective.State.ACTIVE, "Active"), (Objective.State.DRAFT, "Draft")],
            )
            del self.fields["reason"]
        else:
            for name in ("level", "cycle", "parent", "align_kind", "align_weight"):
                del self.fields[name]
        if not amend:
            del self.fields["amendment_reason"]

    def clean_parent(self) -> tuple[str, int] | None:
        return parse_parent(self.cleaned_data.get("parent", ""))

    def clean_align_weight(self) -> float:
        value = self.cleaned_data.get("align_weight")
        return 1.0 if value is None else value


class AlignForm(forms.Form):
    parent = forms.CharField(
        required=True,
        widget=forms.HiddenInput,
        error_messages={"required": "Choose the objective or key result this aligns to."},
    )
    kind = _link_kind_field()
    weight = _weight_field()
    amendment_reason = _amendment_field()

    def __init__(self, *args: Any, amend: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not amend:
            del self.fields["amendment_reason"]

    def clean_parent(self) -> tuple[str, int] | None:
        return parse_parent(self.cleaned_data.get("parent", ""))


class LinkChangeForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[(k.value, k.label) for k in scoring.LinkKind], widget=forms.RadioSelect
    )
    weight = _weight_field()
    reason = _reason_field()
    amendment_reason = _amendment_field()

    def __init__(self, *args: Any, amend: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not amend:
            del self.fields["amendment_reason"]


class LinkDecisionForm(forms.Form):
    """Accept a proposed contribution (keeping or setting its weight) or decline it."""

    decision = forms.ChoiceField(
        label="Decision",
        choices=[("accept", "Accept: it counts from now on"), ("decline", "Decline")],
        widget=forms.RadioSelect,
    )
    weight = _weight_field(required=False)
    reason = forms.CharField(
        label="Why it does not count (when declining)",
        required=False,
        max_length=10_000,
        widget=_textarea(),
        help_text="Told to the person who proposed it.",
    )
    amendment_reason = _amendment_field()

    def __init__(self, *args: Any, amend: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not amend:
            del self.fields["amendment_reason"]


class LinkEndForm(forms.Form):
    reason = forms.CharField(required=False, max_length=10_000)
    amendment_reason = forms.CharField(required=False, max_length=10_000)


class CheckInForm(forms.Form):
    value = forms.FloatField(
        label="Current value", required=False, widget=forms.NumberInput(attrs={"step": "any"})
    )
    done = forms.BooleanField(label="Done", required=False)
    confidence = forms.ChoiceField(
        choices=[(c.value, c.label) for c in scoring.Confidence], widget=forms.RadioSelect
    )
    blockers = forms.CharField(required=False, widget=_textarea(rows=2))
    note = forms.CharField(required=False, widget=_textarea(rows=2))
    amendment_reason = _amendment_field()

    def __init__(self, *args: Any, key_result: KeyResult, amend: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if key_result.kind == scoring.KeyResultKind.MILESTONE:
            del self.fields["value"]
        else:
            del self.fields["done"]
            if key_result.unit:
                self.fields["value"].label = f"Current value ({key_result.unit})"
        if not amend:
            del self.fields["amendment_reason"]


class KeyResultForm(forms.Form):
    title = forms.CharField(max_length=300)
    kind = forms.ChoiceField(choices=[(k.value, k.label) for k in scoring.KeyResultKind])
    unit = forms.CharField(required=False, max_length=40, help_text="e.g. logos, %, $, days")
    start_value = forms.FloatField(
        label="Start", required=False, widget=forms.NumberInput(attrs={"step": "any"})
    )
    target_value = forms.FloatField(
        label="Target or threshold",
        required=False,
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    signal = forms.ChoiceField(
        label="Leading or lagging",
        choices=KeyResult.Signal.choices,
        initial=KeyResult.Signal.LAGGING,
        widget=forms.RadioSelect,
    )
    weight = _weight_field()
    owner = forms.ChoiceField()
    source = forms.ChoiceField(
        label="Measured by", choices=KeyResult.Source.choices, initial=KeyResult.Source.CHECK_INS
    )
    cycle = forms.ChoiceField(help_text="A rolling annual objective sets key results per quarter.")
    state = forms.ChoiceField(choices=KeyResult.State.choices)
    reason = _reason_field(
        help_text="Required when changing the title, kind, unit, start, target or weight "
        "after check-ins, or when abandoning the key result."
    )
    amendment_reason = _amendment_field()

    def __init__(
        self,
        *args: Any,
        creating: bool,
        owner_choices: list[tuple[str, str]],
        cycle_choices: list[tuple[str, str]] | None = None,
        amend: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "owner", owner_choices)
        if creating:
            set_choices(self, "cycle", cycle_choices or [])
            del self.fields["state"]
            del self.fields["reason"]
        else:
            del self.fields["cycle"]
        if not amend:
            del self.fields["amendment_reason"]


class InitiativeForm(forms.Form):
    title = forms.CharField(max_length=300)
    owner = forms.ChoiceField()
    state = forms.ChoiceField(choices=Initiative.State.choices, initial=Initiative.State.PLANNED)
    link = forms.CharField(
        required=False, max_length=500, help_text="A web address for the project, if any."
    )
    amendment_reason = _amendment_field()

    def __init__(
        self, *args: Any, owner_choices: list[tuple[str, str]], amend: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "owner", owner_choices)
        if not amend:
            del self.fields["amendment_reason"]


class AbandonForm(forms.Form):
    reason = forms.CharField(
        label="Why is it abandoned?",
        max_length=10_000,
        widget=_textarea(),
        help_text="Kept in its history and shown wherever it is no longer counted.",
    )
    amendment_reason = _amendment_field()

    def __init__(self, *args: Any, amend: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not amend:
            del self.fields["amendment_reason"]
