from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "lineofsight.search"
    label = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from lineofsight.search import receivers

        receivers.connect()
