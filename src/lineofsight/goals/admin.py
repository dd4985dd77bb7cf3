"""Admin views of OKR data: read-mostly. Changes belong in the app, where history is kept."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from lineofsight.goals.models import (
    AlignmentLink,
    CheckIn,
    Cycle,
    Initiative,
    KeyResult,
    Objective,
)


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "start_date", "end_date", "parent", "state"]
    list_filter = ["kind", "state"]
    search_fields = ["name"]


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
