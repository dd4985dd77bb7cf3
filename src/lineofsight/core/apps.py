from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_save


def _admin_entry_saved(
    sender: Any, instance: Any, created: bool, raw: bool = False, **kw: Any
) -> None:
    """Every change made in Django's admin leaves an audit row (beside those of the actions the
    admin calls), carrying the admin's change message."""
    if created and not raw:
        from lineofsight.core import audit

        audit.record_admin_entry(instance)


class CoreConfig(AppConfig):
    name = "lineofsight.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.contrib.admin.models import LogEntry

        post_save.connect(
            _admin_entry_saved, sender=LogEntry, weak=False, dispatch_uid="core-admin-audit"
        )
