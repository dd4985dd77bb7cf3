from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "lineofsight.privacy"
    label = "privacy"
    verbose_name = "Personal data requests"
