"""The events a webhook subscription may choose, and what each is about. Pure."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EventType:
    name: str
    label: str
    subject: str  # the kind of thing the event is about: its payload's "subject"


EVENT_TYPES: tuple[EventType, ...] = (
    EventType("check_in.recorded", "A check-in was recorded", "check_in"),
    EventType("objective.created", "An objective was created", "objective"),
    EventType("objective.changed", "An objective's definition changed", "objective"),
    EventType("objective.abandoned", "An objective was abandoned", "objective"),
    EventType("objective.closed", "An objective was closed", "objective"),
    EventType("alignment.proposed", "An alignment was proposed", "alignment_link"),
    EventType("alignment.accepted", "A proposed alignment was accepted", "alignment_link"),
    EventType("cycle.closed", "An OKR cycle was closed", "cycle"),
    EventType("review.shared", "A review was shared with its person", "review"),
)
BY_NAME: dict[str, EventType] = {e.name: e for e in EVENT_TYPES}
EVENT_NAMES: tuple[str, ...] = tuple(BY_NAME)
# Sent by "Send a test ping" only; nobody subscribes to it.
PING = EventType("ping", "A test ping", "subscription")


def clean_events(raw: object) -> tuple[list[str], str | None]:
    """The chosen event names in catalogue order, or an error naming what is wrong."""
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list | tuple) or not raw:
        return [], "Choose at least one event."
    unknown = sorted({str(name) for name in raw} - set(EVENT_NAMES))
    if unknown:
        return (
            [],
            f"Unknown event {', '.join(repr(u) for u in unknown)}; use {', '.join(EVENT_NAMES)}.",
        )
    chosen = set(raw)
    return [name for name in EVENT_NAMES if name in chosen], None
