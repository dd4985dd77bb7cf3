"""Check-in cadence of a cycle: how often the owners of its key results are expected to
check in (weekly, every two weeks or monthly). A team may set its own for the key results its
members own (``people.actions.set_team_cadence``). Only HR admins (or the system, acting as
nobody) change it; it applies from the next day reminders and statuses are worked out.
"""

from __future__ import annotations

from django.db import transaction

from lineofsight.core import audit
from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.goals.actions._common import _viewer
from lineofsight.goals.models import Cycle
from lineofsight.people.cadence import Cadence
from lineofsight.people.models import Person

CADENCES = [c.value for c in Cadence]


def cadence_error(cadence: str) -> str | None:
    if cadence not in CADENCES:
        return f"Choose one of: {', '.join(CADENCES)}."
    return None


@transaction.atomic
def set_cycle_cadence(*, acting_user: Person | None, cycle: Cycle, cadence: str) -> Cycle:
    """Change a cycle's check-in cadence (also allowed once the cycle is active; a closed
    cycle takes no more check-ins, so its cadence no longer matters and stays as it was)."""
    if acting_user is not None and not _viewer(acting_user).is_hr:
        raise NotAllowed("Only HR admins manage cycles.")
    problem = cadence_error(cadence)
    if problem:
        raise InvalidInput.one("check_in_cadence", problem)
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.is_closed:
        raise InvalidInput.one(
            "check_in_cadence", f"{cycle.name} is closed; it takes no more check-ins."
        )
    old = cycle.check_in_cadence
    cycle.check_in_cadence = cadence
    cycle.save(update_fields=["check_in_cadence", "updated_at"])
    audit.record(
        actor=acting_user,
        action="cycle.set_cadence",
        subject=cycle,
        data={"from": old, "to": cadence},
    )
    return cycle
