"""Closing a cycle: end-of-cycle grades, success per commitment, and calibrated confidence.

Pure: plain values in, plain dataclasses out; no Django, no database, no clock. The close-out
page, the objective page, the API, the command line and the demo all call these functions, so
a grade, a verdict or a calibration score means the same thing everywhere.

Grades
    The computed grade of a key result or an objective is its final stored progress (the
    roll-up's own figure, ``goals.scoring``) on the 0.0-1.0 scale to two decimals
    (``scoring.grade``). There is no second formula. Drafts and abandoned objectives, and
    abandoned key results (or key results of an abandoned objective), are not graded. An
    owner's adjusted grade is kept beside the computed one, never instead of it, and is
    stored to two decimals the same way.

Success per commitment
    Committed objectives are expected to reach 1.0; for aspirational ones 0.7 counts as
    success (``goals.forecast.success_threshold``). A key result is judged by its
    objective's commitment.

Calibrated confidence
    Each check-in's confidence is read as a probability that the key result will succeed:
    on track 0.85, at risk 0.5, off track 0.15. The outcome is 1 when the key result's
    computed grade reached success for its objective's commitment, else 0. Each check-in
    scores the Brier score ``(probability - outcome)^2``; a key result scores the mean over
    its check-ins; an owner or a team scores the mean over their key results (each key result
    counts once, however often it was checked in). 0 is perfect, 0.25 is what always saying
    "50/50" scores, 1 is always certain and always wrong; with these three calls the best
    possible score is 0.0225. The reading compares the calls with what happened, per key
    result: the mean stated probability against the share of key results that succeeded.
    More than 10 points above is *overconfident*, more than 10 points below is
    *underconfident*, otherwise *well calibrated*.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from lineofsight.goals.forecast import success_threshold
from lineofsight.goals.scoring import grade, percent

GRADED_OBJECTIVE_STATES = frozenset({"active", "closed"})

# ---------------------------------------------------------------------------------------
# Grades


def objective_is_graded(state: str) -> bool:
    """Active (and closed) objectives are graded; drafts and abandoned ones are not."""
    return state in GRADED_OBJECTIVE_STATES


def key_result_is_graded(state: str, objective_state: str) -> bool:
    """An active key result of a graded objective is graded."""
    return state == "active" and objective_is_graded(objective_state)


def closing_grade(progress: float, *, graded: bool = True) -> float | None:
    """The computed grade stored when a cycle closes: the final progress to two decimals,
    or None for what is not graded."""
    return grade(progress) if graded else None


def why_not_graded(state: str, objective_state: str | None = None) -> str:
    """Plain words for a key result or objective that has no grade."""
    if state == "abandoned":
        return "Abandoned, so not graded."
    if state == "draft":
        return "A draft, so not graded."
    if objective_state is not None and not objective_is_graded(objective_state):
        return f"Its objective is {objective_state}, so it is not graded."
    return "Not graded."


def format_grade(value: float) -> str:
    return f"{value:.2f}"


# ---------------------------------------------------------------------------------------
# Success per commitment


@dataclass(frozen=True)
class Verdict:
    """Whether a grade counts as success for a commitment, with the words that say so."""

    commitment: str
    grade: float
    threshold: float
    success: bool
    adjusted: bool = False

    @property
    def outcome(self) -> str:
        return "success" if self.success else "missed"

    @property
    def expectation(self) -> str:
        if self.commitment == "committed":
            return f"Committed: expected to reach {self.threshold:.1f}"
        return f"Aspirational: {self.threshold:.1f} counts as success"

    @property
    def words(self) -> str:
        """``Committed: expected to reach 1.0; landed 0.88: missed``."""
        verb = "adjusted to" if self.adjusted else "landed"
        return f"{self.expectation}; {verb} {format_grade(self.grade)}: {self.outcome}"


def reached(commitment: str, value: float) -> bool:
    """Whether a grade (or progress) reaches success for this commitment."""
    return value + 1e-9 >= success_threshold(commitment)


def verdict(commitment: str, value: float, *, adjusted: bool = False) -> Verdict:
    return Verdict(
        commitment=commitment,
        grade=value,
        threshold=success_threshold(commitment),
        success=reached(commitment, value),
        adjusted=adjusted,
    )


# ---------------------------------------------------------------------------------------
# A cycle's grades in one summary (the command line, the cycle page, the API)


@dataclass(frozen=True)
class GradedObjective:
    commitment: str
    computed: float | None  # None: not graded (a draft or abandoned)
    adjusted: float | None = None
    count: int = 1  # how many objectives share these figures (a grouped count)


@dataclass(frozen=True)
class GradeSummary:
    graded: int
    not_graded: int
    average: float | None  # mean computed grade of the graded objectives
    committed: int
    committed_missed: int
    aspirational: int
    aspirational_successes: int
    adjusted: int

    def lines(self) -> list[str]:
        """The summary in plain words, one fact a line."""
        if not self.graded:
            lines = ["No objectives graded."]
        else:
            assert self.average is not None
            lines = [
                f"Objectives graded: {self.graded} "
                f"(average grade {format_grade(grade(self.average))})."
            ]
            if self.committed:
                lines.append(
                    f"Committed missed: {self.committed_missed} of {self.committed} "
                    "(committed objectives are expected to reach 1.0)."
                )
            if self.aspirational:
                lines.append(
                    f"Aspirational successes: {self.aspirational_successes} of "
                    f"{self.aspirational} (0.7 counts as success)."
                )
        if self.not_graded:
            lines.append(f"Not graded (drafts and abandoned): {self.not_graded}.")
        if self.adjusted:
            lines.append(f"Adjusted by their owners: {self.adjusted}.")
        return lines


def summarise(objectives: Iterable[GradedObjective]) -> GradeSummary:
    graded = not_graded = committed = committed_missed = 0
    aspirational = aspirational_successes = adjusted = 0
    total = 0.0
    for item in objectives:
        n = item.count
        if item.computed is None:
            not_graded += n
            continue
        graded += n
        total += item.computed * n
        if item.adjusted is not None:
            adjusted += n
        success = reached(item.commitment, item.computed)
        if item.commitment == "committed":
            committed += n
            committed_missed += 0 if success else n
        else:
            aspirational += n
            aspirational_successes += n if success else 0
    return GradeSummary(
        graded=graded,
        not_graded=not_graded,
        average=total / graded if graded else None,
        committed=committed,
        committed_missed=committed_missed,
        aspirational=aspirational,
        aspirational_successes=aspirational_successes,
        adjusted=adjusted,
    )


# ---------------------------------------------------------------------------------------
# Calibrated confidence

CONFIDENCE_PROBABILITY: Mapping[str, float] = {
    "on_track": 0.85,
    "at_risk": 0.5,
    "off_track": 0.15,
}
COIN_FLIP_BRIER = 0.25
BEST_BRIER = (1 - max(CONFIDENCE_PROBABILITY.values())) ** 2
CALIBRATION_MARGIN = 0.10
FEW_KEY_RESULTS = 3

METHOD = (
    "Each check-in's confidence is read as a probability that the key result succeeds: "
    "on track 0.85, at risk 0.5, off track 0.15. The outcome is 1 when the key result's "
    "computed grade reached success for its objective (1.0 committed, 0.7 aspirational), "
    "else 0. A check-in scores (probability - outcome)²; a key result scores the mean over "
    "its check-ins; a person or a team the mean over their key results."
)
REFERENCE = (
    "Lower is better: 0 is perfect, 0.25 is what always saying 50/50 scores, and with these "
    "three calls the best possible is 0.0225."
)
READING_RULE = (
    "Overconfident when the calls averaged more than 10 points above the share of key results "
    "that succeeded, underconfident when more than 10 points below, otherwise well calibrated."
)


class CalibrationReading(StrEnum):
    OVERCONFIDENT = "overconfident"
    UNDERCONFIDENT = "underconfident"
    WELL_CALIBRATED = "well_calibrated"
    NO_CALLS = "no_calls"

    @property
    def label(self) -> str:
        return {
            "overconfident": "Overconfident",
            "underconfident": "Underconfident",
            "well_calibrated": "Well calibrated",
            "no_calls": "Nothing to score",
        }[self.value]


def probability(confidence: str) -> float:
    """The probability of success a confidence call stands for."""
    return CONFIDENCE_PROBABILITY[confidence]


def brier(stated: float, outcome: bool) -> float:
    """The Brier score of one call: (probability - outcome)², from 0 (perfect) to 1."""
    return (stated - (1.0 if outcome else 0.0)) ** 2


@dataclass(frozen=True)
class KeyResultCalls:
    """A graded key result with the confidence calls made on it during its cycle."""

    ref: int
    title: str
    commitment: str  # its objective's
    grade: float | None  # computed grade; None when not graded
    confidences: tuple[str, ...] = ()  # the calls, in any order
    owner_id: int | None = None
    counts: Mapping[str, int] | None = None  # or: how many calls of each confidence

    def tally(self) -> dict[str, int]:
        """How many calls of each known confidence were made."""
        if self.counts is not None:
            raw: Mapping[str, int] = self.counts
        else:
            raw = Counter(self.confidences)
        return {c: n for c, n in raw.items() if c in CONFIDENCE_PROBABILITY and n > 0}


@dataclass(frozen=True)
class KeyResultCalibration:
    ref: int
    title: str
    owner_id: int | None
    calls: int
    mean_probability: float
    grade: float
    threshold: float
    succeeded: bool
    brier: float


@dataclass(frozen=True)
class Calibration:
    """How well a set of confidence calls predicted the outcomes (see the module's rules)."""

    brier: float | None
    key_results: tuple[KeyResultCalibration, ...]
    calls: int
    mean_probability: float | None
    success_rate: float | None
    reading: CalibrationReading
    unscored: int = 0  # graded key results without a call, or calls without a grade

    @property
    def scored(self) -> int:
        return len(self.key_results)

    @property
    def succeeded(self) -> int:
        return sum(1 for kr in self.key_results if kr.succeeded)

    @property
    def gap(self) -> float | None:
        """Mean stated probability minus the share that succeeded (positive: too sure)."""
        if self.mean_probability is None or self.success_rate is None:
            return None
        return self.mean_probability - self.success_rate

    @property
    def beats_coin_flip(self) -> bool:
        return self.brier is not None and self.brier < COIN_FLIP_BRIER - 1e-12

    @property
    def summary(self) -> str:
        """One paragraph in plain words: the score, against the references, and the reading."""
        if self.brier is None:
            return "No confidence calls on graded key results yet, so there is nothing to score."
        assert self.mean_probability is not None and self.success_rate is not None
        krs = f"{self.scored} key result{'s' if self.scored != 1 else ''}"
        calls = f"{self.calls} check-in{'s' if self.calls != 1 else ''}"
        against = (
            "better than always saying 50/50"
            if self.beats_coin_flip
            else "no better than always saying 50/50"
        )
        text = (
            f"Brier score {self.brier:.3f} over {krs} ({calls}): {against}. The calls averaged "
            f"{percent(self.mean_probability)} % likely; {self.succeeded} of {self.scored} "
            f"succeeded ({percent(self.success_rate)} %): {self.reading.label.lower()}."
        )
        if self.scored < FEW_KEY_RESULTS:
            text += f" Based on only {krs}: read it as a hint, not a verdict."
        return text


def score_key_result(item: KeyResultCalls) -> KeyResultCalibration | None:
    """One key result's mean Brier score over its calls; None without calls or a grade."""
    tally = item.tally()
    calls = sum(tally.values())
    if not calls or item.grade is None:
        return None
    outcome = reached(item.commitment, item.grade)
    return KeyResultCalibration(
        ref=item.ref,
        title=item.title,
        owner_id=item.owner_id,
        calls=calls,
        mean_probability=sum(probability(c) * n for c, n in tally.items()) / calls,
        grade=item.grade,
        threshold=success_threshold(item.commitment),
        succeeded=outcome,
        brier=sum(brier(probability(c), outcome) * n for c, n in tally.items()) / calls,
    )


def _reading(gap: float) -> CalibrationReading:
    if gap > CALIBRATION_MARGIN + 1e-9:
        return CalibrationReading.OVERCONFIDENT
    if gap < -CALIBRATION_MARGIN - 1e-9:
        return CalibrationReading.UNDERCONFIDENT
    return CalibrationReading.WELL_CALIBRATED


def calibrate(items: Iterable[KeyResultCalls]) -> Calibration:
    """Score a person's or a team's confidence calls over their graded key results."""
    scored: list[KeyResultCalibration] = []
    unscored = 0
    for item in items:
        result = score_key_result(item)
        if result is None:
            unscored += 1
        else:
            scored.append(result)
    scored.sort(key=lambda kr: (-kr.brier, kr.ref))
    if not scored:
        return Calibration(None, (), 0, None, None, CalibrationReading.NO_CALLS, unscored)
    n = len(scored)
    mean_brier = sum(kr.brier for kr in scored) / n
    mean_probability = sum(kr.mean_probability for kr in scored) / n
    success_rate = sum(1 for kr in scored if kr.succeeded) / n
    return Calibration(
        brier=mean_brier,
        key_results=tuple(scored),
        calls=sum(kr.calls for kr in scored),
        mean_probability=mean_probability,
        success_rate=success_rate,
        reading=_reading(mean_probability - success_rate),
        unscored=unscored,
    )


def calibrate_by_owner(items: Iterable[KeyResultCalls]) -> dict[int, Calibration]:
    """One calibration per key-result owner."""
    groups: dict[int, list[KeyResultCalls]] = defaultdict(list)
    for item in items:
        if item.owner_id is not None:
            groups[item.owner_id].append(item)
    return {owner: calibrate(group) for owner, group in groups.items()}
