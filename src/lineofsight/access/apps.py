from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "lineofsight.access"
    label = "access"
    verbose_name = "Access policy"

    def ready(self) -> None:
        from lineofsight.access.policy import Viewer
        from lineofsight.people.access import PersonViewer

        PersonViewer.policy = Viewer
