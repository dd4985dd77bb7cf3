"""Check-in cadence: how often the owner of a key result is expected to check in.

Pure: no Django, no database, no clock. A cycle sets the cadence and a team may override it
for the key results its members own (``people.Team.check_in_cadence``).
"""

from __future__ import annotations

from enum import StrEnum


class Cadence(StrEnum):
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY = "monthly"

    @property
    def label(self) -> str:
        return {"weekly": "Weekly", "biweekly": "Every two weeks", "monthly": "Monthly"}[
            self.value
        ]

    @property
    def days(self) -> int:
        """The length of one check-in period, in days (a month counts as 30)."""
        return {"weekly": 7, "biweekly": 14, "monthly": 30}[self.value]


def effective_cadence(cycle_cadence: str, team_cadence: str = "") -> Cadence:
    """The cadence that applies: the team's override when it has one, else the cycle's."""
    return Cadence(team_cadence or cycle_cadence)
