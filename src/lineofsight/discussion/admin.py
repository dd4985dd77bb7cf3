"""Comments in the admin: read only (every change goes through the actions, which keep the
history and tell the people concerned)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from lineofsight.discussion.models import Comment, CommentVersion, Reaction


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Comment)
class CommentAdmin(ReadOnly):
    list_display = ("pk", "objective", "author", "created_at", "edited_at", "deleted_at")
    list_select_related = ("objective", "author")
    raw_id_fields = ("objective", "key_result", "check_in", "author", "mentions")


@admin.register(CommentVersion)
class CommentVersionAdmin(ReadOnly):
    list_display = ("comment", "number", "written_at", "replaced_at")


@admin.register(Reaction)
class ReactionAdmin(ReadOnly):
    list_display = ("comment", "person", "emoji", "created_at")
