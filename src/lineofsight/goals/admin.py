"""Admin views of OKR data: read-mostly. Changes belong in the app, where history is kept."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.goals import actions
from lineofsight.goals.models import (
    AlignmentLink,
    CheckIn,
    Cycle,
    Initiative,
    KeyResult,
    Objective,
)


class CycleForm(forms.ModelForm):
    """Adding a cycle checks the same rules as every other way in."""

    class Meta:
        model = Cycle
        fields = ["name", "kind", "start_date", "end_date", "parent", "check_in_cadence"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "check_in_cadence" in self.fields:
            # Left out, it keeps the cycle's cadence (weekly for a new cycle).
            self.fields["check_in_cadence"].required = False

    def clean_check_in_cadence(self) -> str:
        value = self.cleaned_data.get("check_in_cadence")
        return value or self.instance.check_in_cadence or "weekly"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.instance.pk is None and not self.errors:
            errors = actions.cycle_errors(
                name=data.get("name", ""),
                kind=data.get("kind", ""),
                start_date=data["start_date"],
                end_date=data["end_date"],
                parent=data.get("parent"),
                check_in_cadence=data.get("check_in_cadence", "weekly"),
            )
            for field, message in errors.items():
                self.add_error(field if field in self.fields else None, message)
        return data


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    """Cycles are created here or with ``lineofsight cycles``; their state only moves forward
    through the actions below, so closing is recorded and freezes the cycle's OKRs."""

    form = CycleForm
    list_display = [
        "name",
        "kind",
        "start_date",
        "end_date",
        "parent",
        "state",
        "check_in_cadence",
        "closed_at",
    ]
    list_filter = ["kind", "state"]
    search_fields = ["name"]
    actions = ["open_cycles", "close_cycles"]

    def get_readonly_fields(self, request: HttpRequest, obj: Cycle | None = None) -> list[str]:
        if obj is None:
            return []
        # The check-in cadence stays editable while the cycle takes check-ins.
        cadence = ["check_in_cadence"] if obj.is_closed else []
        return cadence + [
            "name",
            "kind",
            "start_date",
            "end_date",
            "parent",
            "state",
            "closed_at",
            "closed_by",
        ]

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Cycle, form: Any, change: bool) -> None:
        if change:
            # Only the check-in cadence is editable on a saved cycle.
            if "check_in_cadence" in form.changed_data:
                try:
                    actions.set_cycle_cadence(
                        acting_user=request.user,  # type: ignore[arg-type]
                        cycle=obj,
                        cadence=obj.check_in_cadence,
                    )
                except (InvalidInput, NotAllowed) as exc:
                    self.message_user(request, str(exc), messages.ERROR)
            return
        try:
            created = actions.create_cycle(
                acting_user=request.user,  # type: ignore[arg-type]
                name=obj.name,
                kind=obj.kind,
                start_date=obj.start_date,
                end_date=obj.end_date,
                parent=obj.parent,
                check_in_cadence=obj.check_in_cadence,
            )
        except (InvalidInput, NotAllowed) as exc:
            raise PermissionDenied(str(exc)) from exc
        obj.pk = created.pk

    def _move(self, request: HttpRequest, queryset: Any, state: str) -> None:
        for cycle in queryset:
            try:
                actions.set_cycle_state(acting_user=request.user, cycle=cycle, state=state)  # type: ignore[arg-type]
            except (InvalidInput, NotAllowed) as exc:
                self.message_user(request, f"{cycle.name}: {exc}", messages.ERROR)
            else:
                self.message_user(request, f"{cycle.name} is now {state}.", messages.SUCCESS)

    @admin.action(description="Open the selected cycles (planning > active)")
    def open_cycles(self, request: HttpRequest, queryset: Any) -> None:
        self._move(request, queryset, Cycle.State.ACTIVE)

    @admin.action(description="Close the selected cycles (freezes their OKRs)")
    def close_cycles(self, request: HttpRequest, queryset: Any) -> None:
        self._move(request, queryset, Cycle.State.CLOSED)


class ReadOnlyAdmin(admin.ModelAdmin):
    """History is data: objectives and their parts change only through the app."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Objective)
class ObjectiveAdmin(ReadOnlyAdmin):
    list_display = ["title", "level", "cycle", "owner_person", "owner_team", "state", "progress"]
    list_filter = ["level", "state", "cycle", "visibility"]
    search_fields = ["title"]
    list_select_related = ["cycle", "owner_person", "owner_team"]


@admin.register(KeyResult)
class KeyResultAdmin(ReadOnlyAdmin):
    list_display = ["title", "objective", "kind", "owner", "progress", "last_check_in_at"]
    list_filter = ["kind", "signal", "source", "state"]
    search_fields = ["title"]
    list_select_related = ["objective", "owner"]


@admin.register(CheckIn)
class CheckInAdmin(ReadOnlyAdmin):
    list_display = ["key_result", "value", "done", "confidence", "author", "recorded_at"]
    list_filter = ["confidence"]
    list_select_related = ["key_result", "author"]


@admin.register(Initiative)
class InitiativeAdmin(ReadOnlyAdmin):
    list_display = ["title", "key_result", "owner", "state"]


@admin.register(AlignmentLink)
class AlignmentLinkAdmin(ReadOnlyAdmin):
    list_display = ["child", "parent_objective", "parent_key_result", "kind", "weight", "ended_at"]
