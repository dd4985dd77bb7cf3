from django.apps import AppConfig


class CoachConfig(AppConfig):
    name = "lineofsight.coach"
    label = "coach"
    verbose_name = "Coach"
