"""The coach's rules as people read them: each check, what it looks for, and its limits in
force beside their defaults, their allowed range and the reason for each default. The same
for everyone (the limits are not private); only HR may change them
(``people.actions.update_coach_settings``)."""

from __future__ import annotations

from dataclasses import dataclass

from lineofsight.coach.rules import CHECKS
from lineofsight.coach.rules.facts import CoachSettings
from lineofsight.coach.rules.limits import TITLES, Limit, limits_of
from lineofsight.coach.scope import coach_settings
from lineofsight.people.actions import COACH_COUNTS, COACH_SHARES

RANGES: dict[str, tuple[float, float]] = {
    **{name: (low, high) for name, low, high in COACH_COUNTS},
    **{name: (low, high) for name, low, high, _ in COACH_SHARES},
}


@dataclass(frozen=True)
class LimitRow:
    limit: Limit
    value: float | int

    @property
    def name(self) -> str:
        return self.limit.name

    @property
    def shown(self) -> str:
        return self.limit.show(self.value)

    @property
    def default_shown(self) -> str:
        return self.limit.show(self.limit.default)

    @property
    def changed(self) -> bool:
        return self.value != self.limit.default

    @property
    def low(self) -> float:
        return RANGES[self.name][0]

    @property
    def high(self) -> float:
        return RANGES[self.name][1]

    @property
    def step(self) -> str:
        return "0.01" if self.limit.share or self.limit.score else "1"


@dataclass(frozen=True)
class RuleRow:
    name: str
    title: str
    description: str
    limits: list[LimitRow]


def coach_rules(settings: CoachSettings | None = None) -> list[RuleRow]:
    """Every check in the order of ``CHECKS``, with its limits (one query for the settings)."""
    settings = settings or coach_settings()
    return [
        RuleRow(
            name,
            TITLES.get(name, name),
            check.description,
            [LimitRow(limit, getattr(settings, limit.name)) for limit in limits_of(name)],
        )
        for name, check in CHECKS.items()
    ]
