"""Signals other parts of the product listen to.

Each is sent inside the transaction of its action; a receiver that starts slow work (or
sends anything) should wait for the commit (``transaction.on_commit``).

* ``cycle_closed`` (``cycle=``): an OKR cycle was closed.
* ``alignment_proposed`` (``link=``): a contribution into an objective the proposer cannot
  edit awaits its editors' decision.
* ``alignment_decided`` (``link=``): such a proposal was accepted or declined.
* ``objective_changed`` (``objective=``, ``by=``, ``reason=``, ``abandoned=``,
  ``revision=``): an objective's definition was revised (a new revision number) or it was
  abandoned; the objectives aligned to it are affected.
* ``objective_created`` (``objective=``, ``by=``): a new objective was set (a draft or
  active).
* ``check_in_recorded`` (``check_in=``, ``by=``): a reading was recorded on a key result.
* ``okr_graph_imported`` (``objective_ids=``, ``key_result_ids=``, ``initiative_ids=``): an
  import wrote these in bulk, without ``save()`` (the search index re-reads them).
* ``team_retrospective_published`` (``retrospective=``, ``by=``): a team published its
  retrospective of a cycle; its members are told.
"""

from __future__ import annotations

from django.dispatch import Signal

cycle_closed = Signal()
alignment_proposed = Signal()
alignment_decided = Signal()
objective_changed = Signal()
# ``objective_approval`` (``objective=``, ``event=``): a draft was shared for comment,
# proposed for approval, approved or sent back for changes (``goals.models.ApprovalEvent``).
objective_approval = Signal()
team_retrospective_published = Signal()
objective_created = Signal()
check_in_recorded = Signal()
okr_graph_imported = Signal()
