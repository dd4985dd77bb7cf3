"""What every OKR write shares: who is acting, the closed-cycle rule, and the checks on text,
numbers and choices that report bad input by field name.
"""

from __future__ import annotations

import math
from typing import Any

from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.goals.access import GoalViewer
from lineofsight.goals.models import Cycle
from lineofsight.people.models import Person

TITLE_MAX = 300
TEXT_MAX = 10_000


def _viewer(acting_user: Person) -> GoalViewer:
    if acting_user is None or not acting_user.is_authenticated or not acting_user.is_active:
        raise NotAllowed("Sign in first.")
    return GoalViewer.of(acting_user)


def _closed_cycle_guard(viewer: GoalViewer, cycle: Cycle, amendment_reason: str) -> str:
    """Refuse writes in a closed cycle unless HR gives a reason; return that reason."""
    if not cycle.is_closed:
        return ""
    if not viewer.is_hr:
        raise NotAllowed(f"{cycle.name} is closed; only HR can amend it.")
    if not amendment_reason.strip():
        raise InvalidInput.one(
            "amendment_reason", f"{cycle.name} is closed; say why you are amending it."
        )
    return amendment_reason.strip()


def _text(errors: dict[str, str], field: str, value: str, *, required: bool, limit: int) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[field] = "This field is required."
    elif len(value) > limit:
        errors[field] = f"Keep it under {limit} characters (it has {len(value)})."
    return value


def _number(
    errors: dict[str, str], field: str, value: Any, *, positive: bool = False
) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        errors[field] = "Enter a number."
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        errors[field] = f"{value!r} is not a number."
        return None
    if not math.isfinite(number):
        errors[field] = "Enter a finite number."
        return None
    if positive and number <= 0:
        errors[field] = "Must be greater than zero."
        return None
    if abs(number) > 1e15:
        errors[field] = "That number is too large."
        return None
    return number


def _choice(errors: dict[str, str], field: str, value: str, choices: list[str]) -> str:
    if value not in choices:
        errors[field] = f"Choose one of: {', '.join(choices)}."
    return value
