from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "lineofsight.people"
    label = "people"
    verbose_name = "Organisation"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from lineofsight.people import middleware

        user_logged_in.connect(middleware.on_signed_in, dispatch_uid="people.sessions.in")
        user_logged_out.connect(middleware.on_signed_out, dispatch_uid="people.sessions.out")
