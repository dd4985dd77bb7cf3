"""What a webhook delivery says about its subject: the API's own representation, read as the
subscription's owner (installed into ``integrations.outbound.payloads`` by ``api.apps``).

Objectives, check-ins, alignment links and cycles are exactly what ``GET /api/...`` answers
the owner (the same selectors, rows and schemas). A shared review is announced by reference
only (who, which review cycle, when, by whom): its content and rating are read through
``GET /api/reviews/{id}``, under the review's own rules. A subject the owner may not see, or
that no longer exists, gives None: nothing is sent.
"""

from __future__ import annotations

from typing import Any

from lineofsight.access.policy import Viewer
from lineofsight.api.goals.objectives import detail as objective_detail
from lineofsight.api.goals.rows import check_in_row, cycle_row, link_row
from lineofsight.api.goals.schemas import CheckInOut, CycleOut, LinkOut, ObjectiveDetailOut
from lineofsight.core.errors import NotFound
from lineofsight.goals import selectors
from lineofsight.people.models import Person
from lineofsight.reviews.models import Review


def _review(owner: Person, pk: int) -> dict[str, Any] | None:
    review = (
        Review.objects.select_related("subject", "review_cycle", "shared_by", "manager")
        .filter(pk=pk)
        .first()
    )
    if review is None or not Viewer.of(owner).sees_review(review):
        return None
    return {
        "id": review.pk,
        "person": review.subject_id,
        "person_name": review.subject.name,
        "review_cycle": review.review_cycle_id,
        "review_cycle_name": review.review_cycle.name,
        "shared_at": review.shared_at.isoformat() if review.shared_at else None,
        "shared_by": review.shared_by_id,
        "shared_by_name": review.shared_by.name if review.shared_by else "",
        "href": f"/api/reviews/{review.pk}",
    }


def build(owner: Person, kind: str, pk: int) -> dict[str, Any] | None:
    try:
        if kind == "objective":
            return ObjectiveDetailOut.model_validate(objective_detail(owner, pk)).model_dump(
                mode="json"
            )
        if kind == "check_in":
            check_in = selectors.get_check_in_for_user(owner, pk)
            return CheckInOut.model_validate(check_in_row(check_in)).model_dump(mode="json")
        if kind == "alignment_link":
            link = selectors.get_link_for_user(owner, pk)
            return LinkOut.model_validate(link_row(link)).model_dump(mode="json")
        if kind == "cycle":
            cycle = selectors.get_cycle_for_user(owner, pk)
            return CycleOut.model_validate(cycle_row(cycle)).model_dump(mode="json")
        if kind == "review":
            return _review(owner, pk)
    except NotFound:
        return None
    return None
