"""What the reviews app tells the apps above it (integrations sends the notifications).

Each is sent by the named action that did the thing, inside its transaction; the receivers
queue their messages once it commits (``integrations.reviews.notify``,
``integrations.recognition.notify``).

* ``self_reviews_opened``: a review cycle was launched (``review_cycle_id``).
* ``feedback_opened``: feedback requests became open to their writers (``feedback``, a list).
* ``approval_needed``: a person asked colleagues for feedback, and a manager must approve it
  (``review``, ``requested``).
* ``review_shared``: a manager shared a review with its person (``review``, ``shared_by``).
* ``kudos_given`` / ``nomination_decided``: recognition (``kudos_id`` / ``nomination_id``).
"""

from django.dispatch import Signal

self_reviews_opened = Signal()
feedback_opened = Signal()
approval_needed = Signal()
review_shared = Signal()
kudos_given = Signal()
nomination_decided = Signal()
