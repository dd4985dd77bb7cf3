import threading

from django.apps import AppConfig
from django.conf import settings


class CoachConfig(AppConfig):
    name = "lineofsight.coach"
    label = "coach"
    verbose_name = "Coach"

    def ready(self) -> None:
        from lineofsight.coach.rules import meaning

        meaning.use_meaning(settings.COACH_MEANING)


def warm_up() -> threading.Thread | None:
    """Load the wording model and learn its judgements in the background (a web server
    calls this as it starts); nothing when meaning is off."""
    if not settings.COACH_MEANING:
        return None
    from lineofsight.coach.rules import wording

    thread = threading.Thread(target=wording.warm_up, name="coach-warm-up", daemon=True)
    thread.start()
    return thread
