"""What the people app tells the apps above it.

``people_saved_in_bulk``: people and teams were created or changed without ``save()`` (an
org-chart import writes thousands at once), so Django's ``post_save`` was not sent for them;
``person_ids`` and ``team_ids`` name them. The search app re-indexes them.
"""

from django.dispatch import Signal

people_saved_in_bulk = Signal()
