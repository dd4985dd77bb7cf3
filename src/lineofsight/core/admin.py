from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from lineofsight.core import tokens
from lineofsight.core.models import ApiToken, AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "subject_type", "subject_id"]
    list_filter = ["action", "subject_type"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made by their owners, for themselves, on their tokens page. HR sees them
    and may revoke them (with an audit row); nobody can give a token to someone else."""

    list_display = ["name", "person", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "person__username", "person__display_name"]
    fields = readonly_fields = (
        "person",
        "name",
        "prefix",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    actions = ["revoke_tokens"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke_tokens(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        actor = request.user if getattr(request.user, "is_hr_admin", False) else None
        live = list(queryset.filter(revoked_at__isnull=True))
        for token in live:
            tokens.revoke_token(acting_user=actor, token=token)  # type: ignore[arg-type]
        messages.success(request, f"Revoked {len(live)} token(s); scripts using them stop now.")
