"""Forms for objectives, key results, check-ins, initiatives and alignment.

Forms only check shapes (a number is a number, a choice is one of the choices); every rule
about OKRs lives in ``goals.actions``, whose errors the views copy onto these fields.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms

from lineofsight.goals import scoring
from lineofsight.goals.actions.blockers import BlockerInput
from lineofsight.goals.models import Blocker, Initiative, KeyResult, Objective

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
    is_development = forms.BooleanField(
        label="Development goal",
        required=False,
        help_text="For an individual objective about growth or skills: tracked with "
        "check-ins, but not counted in OKR attainment, review formulas or the company "
        "roll-up (it can support objectives, not count towards them).",
    )
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
    blocker_1 = forms.CharField(
        label="Blocker",
        required=False,
        max_length=2_000,
        widget=_textarea(rows=2),
        help_text="What is in the way, if anything. Each blocker gets an owner and a state.",
    )
    blocker_1_assignee = forms.ChoiceField(label="For", required=False)
    blocker_2 = forms.CharField(
        label="Another blocker", required=False, max_length=2_000, widget=_textarea(rows=2)
    )
    blocker_2_assignee = forms.ChoiceField(label="For", required=False)
    note = forms.CharField(required=False, widget=_textarea(rows=2))
    amendment_reason = _amendment_field()

    BLOCKER_SLOTS = 2

    def __init__(
        self,
        *args: Any,
        key_result: KeyResult,
        amend: bool,
        assignees: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for slot in range(1, self.BLOCKER_SLOTS + 1):
            field = self.fields[f"blocker_{slot}_assignee"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = assignees or [("", "Nobody yet")]
        if key_result.kind == scoring.KeyResultKind.MILESTONE:
            del self.fields["value"]
        else:
            del self.fields["done"]
            if key_result.unit:
                self.fields["value"].label = f"Current value ({key_result.unit})"
        if not amend:
            del self.fields["amendment_reason"]

    def blocker_inputs(self) -> list[BlockerInput]:
        """The blockers filled in, for ``record_check_in`` (errors come back as
        ``blockers.N.text`` / ``blockers.N.assignee``: see ``blocker_field_map``)."""
        out = []
        for slot in range(1, self.BLOCKER_SLOTS + 1):
            text = self.cleaned_data.get(f"blocker_{slot}", "")
            raw = self.cleaned_data.get(f"blocker_{slot}_assignee") or ""
            if text.strip() or raw:
                out.append((slot, BlockerInput(text, int(raw) if raw else None)))
        self.blocker_slots = [slot for slot, _ in out]
        return [item for _, item in out]

    def blocker_field_map(self) -> dict[str, str]:
        mapping = {"blockers": "blocker_1"}
        for i, slot in enumerate(getattr(self, "blocker_slots", [])):
            mapping[f"blockers.{i}.text"] = f"blocker_{slot}"
            mapping[f"blockers.{i}.assignee"] = f"blocker_{slot}_assignee"
        return mapping


class BlockerStateForm(forms.Form):
    state = forms.ChoiceField(label="State", widget=forms.RadioSelect)
    note = forms.CharField(
        label="How it was resolved",
        required=False,
        max_length=2_000,
        widget=_textarea(rows=2),
        help_text="A short note, required when resolving.",
    )

    def __init__(self, *args: Any, current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels: dict[str, str] = {
            Blocker.State.OPEN: "Reopen" if current == Blocker.State.RESOLVED else "Open",
            Blocker.State.HANDLING: "Being handled",
            Blocker.State.RESOLVED: "Resolved",
        }
        field = self.fields["state"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (value, labels[value]) for value in Blocker.State.values if value != current
        ]


class BlockerAssignForm(forms.Form):
    assignee = forms.ChoiceField(label="Assignee", required=False)

    def __init__(self, *args: Any, assignees: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = assignees


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


class KeyResultRowForm(forms.Form):
    """One key result row of the one objective form (prefix ``kr-<n>``). Shapes only: the
    action checks the rules and its errors come back on the row
    (``key_results.<n>.<field>``)."""

    title = forms.CharField(label="Key result", required=False, max_length=300)
    kind = forms.ChoiceField(
        choices=[(k.value, k.label) for k in scoring.KeyResultKind],
        initial=scoring.KeyResultKind.INCREASE.value,
    )
    start_value = forms.CharField(
        label="Start", required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    target_value = forms.CharField(
        label="Target", required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    unit = forms.CharField(required=False, max_length=40)

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not any(
            str(data.get(name) or "").strip()
            for name in ("title", "start_value", "target_value", "unit")
        )


class ShareDraftForm(forms.Form):
    sharing = forms.ChoiceField(
        label="Share this draft with",
        choices=[
            ("nobody", "Nobody yet: only its author and editors"),
            ("people", "Chosen people"),
            ("audience", "Its usual audience (by its visibility)"),
        ],
        widget=forms.RadioSelect,
    )
    people = forms.MultipleChoiceField(
        label="People", required=False, help_text="They read it and comment; they cannot edit it."
    )

    def __init__(self, *args: Any, people_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["people"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = people_choices


class ApprovalDecisionForm(forms.Form):
    comment = forms.CharField(
        label="What should change?",
        required=False,
        max_length=10_000,
        widget=_textarea(),
        help_text="Required when asking for changes; the author reads it.",
    )


class CopyObjectiveForm(forms.Form):
    cycle = forms.ChoiceField(label="Copy into")

    def __init__(self, *args: Any, cycle_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "cycle", cycle_choices)


class OkrTemplateForm(forms.Form):
    function = forms.ChoiceField(choices=[])
    title = forms.CharField(max_length=300)
    description = forms.CharField(required=False, widget=_textarea())

    def __init__(self, *args: Any, function_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "function", function_choices)
