"""Whether one person may open an objective: the rule every mention and notification about a
thread is checked against (the same ``objective_filter`` every page applies)."""

from __future__ import annotations

from lineofsight.goals.access import GoalViewer
from lineofsight.goals.models import Objective
from lineofsight.people.models import Person


def sees_objective(person: Person, objective_id: int) -> bool:
    """Whether this person may open the objective (one query)."""
    if not person.is_active:
        return False
    viewer = GoalViewer.of(person)
    return Objective.objects.filter(viewer.objective_filter(), pk=objective_id).exists()
