"""The access policy for dashboards (part of ``lineofsight.access.Viewer``)."""

from __future__ import annotations

from lineofsight.goals.access import GoalViewer


class InsightViewer(GoalViewer):
    """Which stored figures a viewer reads, on top of the OKR rules (``GoalViewer``)."""

    # -- dashboards ------------------------------------------------------------------------
    #
    # Lists on dashboards (objectives, key results at risk) are filtered like any other read.
    # Stored aggregates (a team's progress, its key results per status, its check-in
    # discipline) cannot be filtered per person, so they are kept twice: over every objective
    # and over public objectives only. HR and executives see the first, as figures only (the
    # objectives behind them still answer "not found" unless the rules above let them in);
    # everyone else sees the second, which reveals nothing about what they may not open.

    @property
    def sees_every_figure(self) -> bool:
        return self.is_active and (self.is_hr or bool(self.person.is_executive))

    def figure_scope(self) -> str:
        """"all" or "public": which stored aggregates this person reads."""
        return "all" if self.sees_every_figure else "public"

    def can_refresh_dashboards(self) -> bool:
        """Recomputing the stored figures (``lineofsight snapshot``) is for operators and HR."""
        return self.is_active and self.is_hr
