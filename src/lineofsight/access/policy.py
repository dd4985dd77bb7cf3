"""The access policy: who may see and change what. The one place that composes it.

Each app keeps its rules beside its models (``people.access``, ``goals.access``,
``insights.access``, ``integrations.access``, ``reviews.access``, ``coach.access``,
``discussion.access``, ``oneonones.access``; the overview is in ``people.access``).
``Viewer`` inherits them all, so one object decides every rule for one person, computed once
per request. Code below this layer asks for the part it knows (``GoalViewer.of(user)``); it
is handed this composed viewer, which ``AccessConfig`` installs when the apps are ready. Code
above it (the API, the demo) uses ``Viewer`` itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lineofsight.coach.access import CoachViewer
from lineofsight.discussion.access import DiscussionViewer
from lineofsight.insights.access import InsightViewer
from lineofsight.integrations.access import IntegrationViewer
from lineofsight.oneonones.access import OneOnOneViewer

if TYPE_CHECKING:
    from lineofsight.people.models import Person


class Viewer(CoachViewer, OneOnOneViewer, DiscussionViewer, IntegrationViewer, InsightViewer):
    """Every rule of the policy, for one signed-in person."""


def viewer_for(person: Person) -> Viewer:
    return Viewer.of(person)
