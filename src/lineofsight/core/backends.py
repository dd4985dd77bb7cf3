"""Authentication backend: HR admins manage the organisation and cycles in Django's admin.

HR admins carry no Django model permissions of their own; this backend grants them the
admin pages of Line of Sight's own apps. What those pages may change is still limited by
the admin classes, which route every change through the named actions.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend

HR_APPS = frozenset({"people", "goals", "core", "integrations"})


class HRAdminBackend(BaseBackend):
    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        if not (user_obj.is_active and getattr(user_obj, "is_hr_admin", False)):
            return False
        return perm.split(".", 1)[0] in HR_APPS

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return bool(
            user_obj.is_active and getattr(user_obj, "is_hr_admin", False) and app_label in HR_APPS
        )
