"""Signals other parts of the product listen to (integrations tells people).

Each is sent inside the transaction of its action; a receiver that sends anything waits for
the commit (``transaction.on_commit``).

* ``comment_posted`` (``comment=``, ``mentioned=``, ``participants=``): a comment was
  written. ``mentioned`` are the ids of the people it mentions (each may see its subject:
  the action checked); ``participants`` the ids of the others who took part in the thread
  (its earlier authors, a check-in's author), not mentioned, who may see it too.
* ``comment_edited`` (``comment=``, ``mentioned=``): an edit added mentions; ``mentioned``
  are only the newly mentioned people.
"""

from __future__ import annotations

from django.dispatch import Signal

comment_posted = Signal()
comment_edited = Signal()
