"""The access policy for the coach's findings (part of ``lineofsight.access.Viewer``).

Findings are read like the OKRs they are about: the coach only looks at objectives the
viewer may see, so nobody learns anything from a finding they could not read on the
objective itself. Acknowledging a finding (saying it is a deliberate exception, with a
reason) is for whoever may change its subject:

* an **objective** or a **key result**: its editors (``can_edit_objective``,
  ``can_edit_key_result``);
* a **person** (too many objectives, only lagging key results, targets that never stretch):
  their manager chain and HR -- the agreement to an exception is the manager's, not the
  person's own;
* a **team**: its lead, the leads of the teams above it, the lead's manager chain and HR;
* a **cycle** or a **review cycle**: HR.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lineofsight.reviews.access import ReviewViewer

if TYPE_CHECKING:
    from lineofsight.people.models import Person, Team


class CoachViewer(ReviewViewer):
    """Who acknowledges which findings, on top of the OKR and review rules (the coach reads
    both)."""

    def can_coach_person(self, person: Person) -> bool:
        """Acknowledge findings about a person: their manager chain and HR."""
        if not self.is_active:
            return False
        return self.is_hr or self.pk in person.chain_ids

    def can_coach_team(self, team: Team) -> bool:
        """Acknowledge findings about a team: its lead, the leads above it, the lead's
        manager chain and HR."""
        if not self.is_active:
            return False
        if self.is_hr or team.lead_id == self.pk:
            return True
        if self.led_team_ids.intersection(team.ancestor_ids):
            return True
        lead = team.lead
        return lead is not None and self.pk in lead.chain_ids

    def can_acknowledge_finding(self, kind: str, subject: Any) -> bool:
        """Whether I may acknowledge a finding about ``subject`` (an Objective, KeyResult,
        Person, Team or cycle, as ``kind`` says), which I can already see."""
        if not self.is_active:
            return False
        if kind == "objective":
            return self.can_edit_objective(subject)
        if kind == "key_result":
            return self.can_edit_key_result(subject)
        if kind == "person":
            return self.can_coach_person(subject)
        if kind == "team":
            return self.can_coach_team(subject)
        return self.is_hr
