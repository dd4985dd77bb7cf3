from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "lineofsight.people"
    label = "people"
    verbose_name = "Organisation"
