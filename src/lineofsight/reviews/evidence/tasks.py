"""Background work of the evidence pack, through the Django Tasks API.

Keeping a cycle's figures as of its end recomputes every objective of the cycle from the
history: seconds at ten thousand people. It is asked for when the OKR cycle closes and when a
review cycle on it launches, and runs in a worker when ``LOS_TASKS_BACKEND`` names one (with
the default immediate backend it runs as the request that asked for it ends). The scheduled
``lineofsight remind`` run catches up on any ended cycle still without them.
"""

from __future__ import annotations

import contextlib

from django.db import IntegrityError
from django_tasks import task

from lineofsight.core import words
from lineofsight.goals.models import Cycle
from lineofsight.reviews.evidence import actions
from lineofsight.reviews.evidence.figures import end_of


@task()
def keep_end_figures(cycle_id: int) -> str:
    """Keep the figures of the OKR cycle as of its end, once (see ``actions``)."""
    from django.utils import timezone

    cycle = Cycle.objects.filter(pk=cycle_id).first()
    if cycle is None:
        return "no such cycle"
    if timezone.now() <= end_of(cycle):
        return f"{cycle.name} has not ended"
    with contextlib.suppress(IntegrityError):  # kept by another run meanwhile
        kept = actions.record_end_figures(acting_user=None, cycle=cycle)
        return (
            f"{cycle.name}: {words.count(kept.objectives, 'objective')}, "
            f"{words.count(kept.key_results, 'key result')}"
        )
    return f"{cycle.name}: kept by another run"
