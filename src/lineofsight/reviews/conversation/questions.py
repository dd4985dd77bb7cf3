"""The questions a feedback form asks, and the scales its ratings use.

A review cycle holds its own copy of its template's questions (``CycleQuestion``); each says
which audiences answer it (self, manager, peer, upward). The baseline expectations of the
role are asked in a section of their own, rated separately from the OKR questions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from lineofsight.reviews.models import CycleQuestion, Feedback, ReviewCycle, Section

AUDIENCE: dict[str, str] = {
    Feedback.Kind.SELF: "for_self",
    Feedback.Kind.MANAGER: "for_manager",
    Feedback.Kind.PEER: "for_peer",
    Feedback.Kind.UPWARD: "for_upward",
}
SECTION_ORDER = [s.value for s in Section]
SECTION_LABELS = dict(Section.choices)


def questions_for(review_cycle: ReviewCycle | int, kind: str) -> list[CycleQuestion]:
    """The cycle's questions for one kind of feedback, in the form's order (one query)."""
    cycle_id = review_cycle if isinstance(review_cycle, int) else review_cycle.pk
    return list(
        CycleQuestion.objects.filter(review_cycle_id=cycle_id, **{AUDIENCE[kind]: True}).order_by(
            "position", "pk"
        )
    )


@dataclass(frozen=True)
class SectionGroup:
    key: str
    label: str
    questions: list[Any]  # questions, or rows that carry one as ``.question``

    @property
    def separate(self) -> bool:
        """The baseline expectations: rated on their own, apart from the OKRs."""
        return self.key == Section.BASELINE


def by_section(items: Iterable[Any], question_of: Any = None) -> list[SectionGroup]:
    """Group questions (or rows holding one) by section, in the sections' order."""
    grouped: dict[str, list[Any]] = {}
    for item in items:
        question = question_of(item) if question_of else item
        grouped.setdefault(question.section, []).append(item)
    return [
        SectionGroup(key, SECTION_LABELS.get(key, key), grouped[key])
        for key in SECTION_ORDER
        if key in grouped
    ]


def scale_pairs(levels: Sequence[dict[str, Any]]) -> list[tuple[int, str]]:
    """A stored scale as (value, label) pairs, by value."""
    return sorted((int(level["value"]), str(level.get("label") or "")) for level in levels)


def scale_values(levels: Sequence[dict[str, Any]]) -> list[int]:
    return [value for value, _ in scale_pairs(levels)]


def named(text: str) -> str:
    """A question as an error message names it: its whole text, on one line, in quotes."""
    return f"\u201c{' '.join(text.split())}\u201d"
