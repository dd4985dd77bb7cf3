from typing import Any

from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "lineofsight.integrations"
    label = "integrations"
    verbose_name = "Notifications and integrations"

    def ready(self) -> None:
        from lineofsight.goals.signals import alignment_decided, alignment_proposed

        alignment_proposed.connect(_proposed, dispatch_uid="integrations.alignment_proposed")
        alignment_decided.connect(_decided, dispatch_uid="integrations.alignment_decided")


def _proposed(sender: Any, **kwargs: Any) -> None:
    from lineofsight.integrations.alignment import proposed

    proposed(sender, **kwargs)


def _decided(sender: Any, **kwargs: Any) -> None:
    from lineofsight.integrations.alignment import decided

    decided(sender, **kwargs)
