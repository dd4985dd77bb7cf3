from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lineofsight.core"
    label = "core"
    verbose_name = "Core"
