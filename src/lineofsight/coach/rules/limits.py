"""What each of the organisation's limits means and why its default is what it is.

Pure: the rules page, the API and the documentation read this table; the values themselves
are ``CoachSettings`` (defaults) and the organisation's settings (in force).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from .facts import CoachSettings


@dataclass(frozen=True)
class Limit:
    name: str  # the CoachSettings field, and the organisation's setting
    check: str  # the check (``CHECKS``) that applies it
    label: str
    reason: str  # one line: why the default is what it is
    share: bool = False  # a share 0-1 (shown as a percentage) rather than a count
    score: bool = False  # a score 0-1 (shown as a decimal, like the restating score)

    @property
    def default(self) -> float | int:
        return DEFAULTS[self.name]

    def show(self, value: float | int) -> str:
        if self.share:
            return f"{value * 100:.0f} %"
        return f"{value:.2f}" if self.score else f"{value:g}"


DEFAULTS: dict[str, float | int] = {
    f.name: getattr(CoachSettings(), f.name) for f in fields(CoachSettings)
}

LIMITS: tuple[Limit, ...] = (
    Limit("max_objectives_person", "focus", "Objectives per person, at most",
          "Three is the usual advice: a fourth objective needs one dropped."),
    Limit("max_objectives_team", "focus", "Objectives per team, at most",
          "Three to five per team keeps a quarter focused."),
    Limit("min_key_results", "focus", "Key results per objective, at least",
          "One key result rarely shows whether an objective was met; two is the floor."),
    Limit("max_key_results", "focus", "Key results per objective, at most",
          "Past four, team and individual objectives turn into task lists."),
    Limit("min_key_results_company", "focus", "Key results per company objective, at least",
          "A company objective needs three to five measures to steer by."),
    Limit("max_key_results_company", "focus", "Key results per company objective, at most",
          "More than five and nobody remembers them."),
    Limit("copy_paste_similarity", "copy_paste", "Restating score, at least", score=True,
          reason="The restating score is how likely a child says what its parent says, from "
          "shared words, shared meaning and the same figures; from 0.35 the tuning set's "
          "children said what their parents said, and a child narrowed to its own segment "
          "or aimed at its own share stays below."),
    Limit("sandbagging_cycles", "sandbagging", "Closed cycles in a row",
          "One full quarter is luck; two in a row is a pattern worth a question."),
    Limit("sandbagging_attainment", "sandbagging", "Attainment that counts as hitting "
          "everything", share=True,
          reason="Stretch aims at about 70 %; 95 % or more is the target reached, so 100 %, "
          "100 %, 97 % still shows."),
    Limit("sandbagging_min_check_ins", "sandbagging", "Check-ins always on track",
          "Three on-track check-ins on each of two stretch key results is a month of calm "
          "that stretch targets rarely give."),
    Limit("neglect_missed_check_ins", "neglect", "Missed check-ins before neglect",
          "A check-in a few days late is life; two missed in a row is a key result left "
          "alone."),
    Limit("closing_days", "neglect", "Closing days",
          "Two weeks before the end leaves time for a final reading before grades freeze."),
    Limit("rating_attainment_correlation", "attainment_rating", "Rating and attainment "
          "correlation", share=True,
          reason="Ratings that follow attainment at 0.9 or more are a formula, not context."),
    Limit("rating_attainment_min_people", "attainment_rating", "Reviewed people, at least",
          "Below eight people a correlation says more about chance than about policy."),
    Limit("max_nesting_depth", "nesting", "Alignment levels, at most",
          "Company, department, team, person: four levels carry the line; a fifth mostly "
          "rewords it."),
    Limit("min_objectives_team", "thin_team", "Objectives per team, at least",
          "Three to five per team is the usual advice; fewer than three is worth a look."),
)

BY_NAME = {limit.name: limit for limit in LIMITS}

TITLES = {
    "focus": "Focus",
    "copy_paste": "Copy-paste cascading",
    "orphan": "Orphans",
    "measurable": "Measurable key results",
    "lagging_only": "Leading and lagging",
    "sandbagging": "Stretch (sandbagging)",
    "neglect": "Check-ins (neglect)",
    "attainment_rating": "Attainment as a rating",
    "nesting": "Nesting",
    "line_of_sight": "Line of sight",
    "rationale": "Alignment rationale",
    "thin_team": "Thin teams",
}


def limits_of(check: str) -> list[Limit]:
    return [limit for limit in LIMITS if limit.check == check]
