"""The access policy for one-on-ones (part of ``lineofsight.access.Viewer``).

A one-on-one is the two participants' and nobody else's: not HR, not the manager's manager,
not an administrator. Everyone else is told it does not exist. A meeting copies its two
participants, so it stays with the two who held it; once the report has moved to another
manager, the old manager keeps the meetings already held but no longer sees those ahead.
A private note is read by its author alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import F, Q
from django.utils import timezone

from lineofsight.goals.access import GoalViewer

if TYPE_CHECKING:
    from lineofsight.oneonones.models import AgendaItem, Meeting, Series
    from lineofsight.people.models import Person


class OneOnOneViewer(GoalViewer):
    """Who reads and writes one-on-ones."""

    # -- one-on-ones -----------------------------------------------------------------------

    def series_filter(self) -> Q:
        """A Q over Series: those I am one of the two of."""
        if not self.is_active:
            return Q(pk__in=[])
        return Q(manager_id=self.pk) | Q(report_id=self.pk)

    def meeting_filter(self) -> Q:
        """A Q over Meeting: the meetings I take part in; ahead of now, only while the report
        still reports to the meeting's manager."""
        if not self.is_active:
            return Q(pk__in=[])
        mine = Q(manager_id=self.pk) | Q(report_id=self.pk)
        return mine & (Q(starts_at__lte=timezone.now()) | Q(report__manager_id=F("manager_id")))

    def series_is_live(self, series: Series) -> bool:
        """Not ended, and the report still reports to its manager (needs ``series.report``)."""
        return series.ended_at is None and series.report.manager_id == series.manager_id

    def can_set_up_one_on_one(self, other: Person) -> bool:
        """A manager with a direct report, or a report with their manager."""
        return (
            self.is_active
            and other.is_active
            and (other.manager_id == self.pk or self.person.manager_id == other.pk)
        )

    def can_change_series(self, series: Series) -> bool:
        return (
            self.is_active
            and self.pk in (series.manager_id, series.report_id)
            and (self.series_is_live(series))
        )

    def can_write_meeting(self, meeting: Meeting) -> bool:
        """Either participant writes in a meeting of a live series (one loaded through
        ``meeting_filter``, with its series and report) of a series not ended, while the
        report still reports to the meeting's manager."""
        return (
            self.is_active
            and self.pk in (meeting.manager_id, meeting.report_id)
            and meeting.series.ended_at is None
            and meeting.report.manager_id == meeting.manager_id
        )

    def can_move_meeting(self, meeting: Meeting) -> bool:
        return self.can_write_meeting(meeting) and meeting.starts_at > timezone.now()

    def can_remove_agenda_item(self, item: AgendaItem) -> bool:
        return item.added_by_id == self.pk and not item.done

    def can_read_private_note(self, author_id: int) -> bool:
        return self.is_active and author_id == self.pk
