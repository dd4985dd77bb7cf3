"""What the personal data request pages read: people to choose from, what is held about one
person (counts only), and the requests made so far (from the audit log)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from lineofsight.core.models import AuditEvent
from lineofsight.discussion.models import Comment
from lineofsight.goals.models import CheckIn, Objective
from lineofsight.integrations.models import Notification
from lineofsight.people.models import Person
from lineofsight.reviews.models import Feedback, Review

REQUEST_ACTIONS = ("person.export", "person.erase")


def find_people(query: str, limit: int = 20) -> list[Person]:
    """Everyone, active or not, whose name, username or e-mail address holds ``query``."""
    q = query.strip()
    if not q:
        return []
    return list(
        Person.objects.filter(
            Q(display_name__icontains=q)
            | Q(first_name__icontains=q)
            | Q(last_name__icontains=q)
            | Q(username__icontains=q)
            | Q(email__icontains=q)
        ).order_by("-is_active", "display_name", "username", "pk")[:limit]
    )


def held_about(person: Person) -> list[tuple[str, int]]:
    """How much is held about ``person``, by kind (for HR to judge the request, no text)."""
    return [
        ("objectives owned", Objective.objects.filter(owner_person=person).count()),
        ("check-ins recorded", CheckIn.objects.filter(author=person).count()),
        ("reviews of them", Review.objects.filter(subject=person).count()),
        ("feedback written", Feedback.objects.filter(author=person).count()),
        ("comments written", Comment.objects.filter(author=person).count()),
        ("notifications", Notification.objects.filter(recipient=person).count()),
    ]


def recent_requests(limit: int = 20) -> list[dict[str, Any]]:
    """The latest exports and erasures: who asked, about whom, when."""
    events: QuerySet[AuditEvent] = (
        AuditEvent.objects.filter(action__in=REQUEST_ACTIONS)
        .select_related("actor")
        .order_by("-at", "-id")[:limit]
    )
    rows = list(events)
    people = Person.objects.in_bulk([e.subject_id for e in rows if e.subject_id])
    return [
        {
            "at": e.at,
            "kind": "Export" if e.action == "person.export" else "Erasure",
            "person": people.get(e.subject_id or 0),
            "by": e.actor.name if e.actor else "Operator (command line)",
        }
        for e in rows
    ]
