from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SearchConfig(AppConfig):
    name = "lineofsight.search"
    label = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from lineofsight.search import receivers

        receivers.connect()
        post_migrate.connect(receivers.after_flush, sender=self, dispatch_uid="search-flush")
