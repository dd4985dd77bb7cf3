"""Which of a handful of objectives a viewer may see, decided in Python by the access policy
(``ReviewViewer.sees_objective``) over their audiences loaded in one batch. The evidence pack
gathers every objective it might show first and asks once, instead of filtering each of its
reads with the policy's query (which would scan every objective of the cycle)."""

from __future__ import annotations

from collections.abc import Iterable

from lineofsight.goals.audiences import objective_audiences
from lineofsight.reviews.access import ReviewViewer


def visible_objective_ids(viewer: ReviewViewer, ids: Iterable[int]) -> set[int]:
    """The ids among ``ids`` the viewer may see (two queries; none for HR)."""
    wanted = {pk for pk in ids if pk}
    if not wanted or not viewer.is_active:
        return set()
    if viewer.is_hr:
        return wanted
    audiences = objective_audiences(wanted)
    return {pk for pk, audience in audiences.items() if viewer.sees_objective(audience)}
