from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "lineofsight.api"
    label = "api"
    verbose_name = "REST API"
