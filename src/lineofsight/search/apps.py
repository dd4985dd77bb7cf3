from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SearchConfig(AppConfig):
    name = "lineofsight.search"
    label = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from lineofsight.search import receivers

        receivers.connect()
        # Sent for every app that has models (this one has none of its own), after a migrate
        # or a flush; the receiver does its work once the index's table exists.
        post_migrate.connect(receivers.after_flush, dispatch_uid="search-flush")
