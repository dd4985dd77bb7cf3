"""Signals the notifications listen to (sent inside the action's transaction; a receiver that
sends anything waits for the commit).

* ``agenda_item_added`` (``item=``): one participant added to the agenda; the other is told.
* ``action_item_assigned`` (``item=``): an action item was given to someone other than the
  person who wrote it; the owner is told.

The messages name the meeting and who did it, never what was written: the outbox is HR's to
read, a one-on-one is not.
"""

from __future__ import annotations

from django.dispatch import Signal

agenda_item_added = Signal()
action_item_assigned = Signal()
