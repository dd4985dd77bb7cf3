"""What a coaching check reports: a finding with a level, a kind reason and a suggestion."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Level(StrEnum):
    ERROR = "error"  # breaks a rule the organisation set (e.g. focus limits)
    WARNING = "warning"  # very likely a problem worth a word
    INFO = "info"  # worth a look


class Subject(StrEnum):
    OBJECTIVE = "objective"
    KEY_RESULT = "key_result"
    PERSON = "person"
    TEAM = "team"
    CYCLE = "cycle"
    REVIEW_CYCLE = "review_cycle"


@dataclass(frozen=True)
class Finding:
    check: str  # focus | copy_paste | orphan | measurable | lagging_only | sandbagging
    #             | neglect | attainment_rating | nesting | line_of_sight | rationale
    #             | thin_team
    code: str  # the precise rule, e.g. "focus.person_objectives"
    level: Level
    subject: Subject
    subject_id: int
    message: str  # what we noticed, in plain, kind words
    suggestion: str = ""  # what to do about it
    # The objective the finding is about, when there is one: the subject itself for an
    # objective, the key result's objective for a key result (quality scores add them up).
    objective_id: int | None = None

    @property
    def key(self) -> tuple[str, str, int]:
        """What an acknowledgement is attached to: the rule and its subject."""
        return (self.code, self.subject.value, self.subject_id)
