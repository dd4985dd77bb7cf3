"""Whether people may open an objective: the rule every mention and notification about a
thread is checked against (the same rule every page applies)."""

from __future__ import annotations

from lineofsight.goals.audiences import people_who_see
from lineofsight.goals.models import Objective
from lineofsight.people.models import Person

__all__ = ["people_who_see", "sees_objective"]


def sees_objective(person: Person, objective_id: int) -> bool:
    """Whether this person may open the objective (one query)."""
    return Objective.objects.visible_to(person).filter(pk=objective_id).exists()
