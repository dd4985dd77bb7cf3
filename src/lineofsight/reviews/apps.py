from typing import Any

from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "lineofsight.reviews"
    label = "reviews"
    verbose_name = "Reviews"

    def ready(self) -> None:
        from lineofsight.goals.signals import cycle_closed

        cycle_closed.connect(_keep_end_figures, dispatch_uid="reviews.keep_end_figures")


def _keep_end_figures(sender: Any, cycle: Any, **kwargs: Any) -> None:
    """A closed OKR cycle that has ended gets its figures as of the end kept, after commit."""
    from lineofsight.reviews.evidence.actions import keep_end_figures_later

    keep_end_figures_later(cycle)

