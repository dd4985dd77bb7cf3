from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "lineofsight.insights"
    label = "insights"
    verbose_name = "Insights"
