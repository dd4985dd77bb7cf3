from django.apps import AppConfig


class GoalsConfig(AppConfig):
    name = "lineofsight.goals"
    label = "goals"
    verbose_name = "OKRs"
