from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "lineofsight.integrations"
    label = "integrations"
    verbose_name = "Notifications and integrations"
