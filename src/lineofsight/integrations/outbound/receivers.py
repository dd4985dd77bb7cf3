"""The signals of the apps below, turned into webhook events (connected in ``apps.py``).
Each only names the event and its subject; ``dispatch`` does the rest once the action
commits."""

from __future__ import annotations

from typing import Any

from lineofsight.integrations.outbound.dispatch import event_happened


def check_in_recorded(sender: Any, check_in: Any, **kwargs: Any) -> None:
    event_happened("check_in.recorded", check_in.pk)


def objective_created(sender: Any, objective: Any, **kwargs: Any) -> None:
    event_happened("objective.created", objective.pk)


def objective_changed(sender: Any, objective: Any, abandoned: bool = False, **kwargs: Any) -> None:
    if abandoned:
        event = "objective.abandoned"
    elif objective.state == "closed":
        event = "objective.closed"
    else:
        event = "objective.changed"
    event_happened(event, objective.pk)


def alignment_proposed(sender: Any, link: Any, **kwargs: Any) -> None:
    event_happened("alignment.proposed", link.pk)


def alignment_decided(sender: Any, link: Any, **kwargs: Any) -> None:
    if link.state == "accepted":
        event_happened("alignment.accepted", link.pk)


def cycle_closed(sender: Any, cycle: Any, **kwargs: Any) -> None:
    event_happened("cycle.closed", cycle.pk)


def review_shared(sender: Any, review: Any, **kwargs: Any) -> None:
    event_happened("review.shared", review.pk)
