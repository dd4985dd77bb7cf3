"""What the rule mixins of ``Viewer`` (``ReviewRules``, ``CoachRules``) read of it.

``Viewer`` (``core.access``) provides all of it; the mixins declare it here once, as a
protocol, so their rules are type-checked against it without repeating it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from lineofsight.goals.models import KeyResult, Objective
    from lineofsight.people.models import Person


class ViewerFacts(Protocol):
    person: Person

    @property
    def pk(self) -> int: ...

    @property
    def is_hr(self) -> bool: ...

    @property
    def is_active(self) -> bool: ...

    @property
    def led_team_ids(self) -> frozenset[int]: ...

    def can_edit_objective(self, objective: Objective) -> bool: ...

    def can_edit_key_result(self, key_result: KeyResult) -> bool: ...
