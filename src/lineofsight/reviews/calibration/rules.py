"""The calibration flag rules: which ratings need a word, and why, with the numbers.

Pure: plain dataclasses in, flags out; no Django, no database, no clock. HR edits each
rule's switch, parameters and whether a flag needs an explanation before the session can
complete (``CalibrationRule`` rows); a rule without a row runs with the defaults below.

``high_rating_low_attainment``
    A rating in the top ``top_levels`` levels of the cycle's scale with OKR attainment below
    ``max_attainment`` (0.0-1.0). A person without graded objectives is not flagged: missing
    attainment is not low attainment.
``big_move``
    The rating is ``levels`` or more levels away from the person's rating in their previous
    review cycle.
``low_rating_high_recognition``
    A rating in the bottom ``bottom_levels`` levels despite strong peer recognition: at least
    ``min_kudos`` kudos received in the period, or peer ratings averaging ``min_peer_mean``
    or more from at least ``min_peer_ratings`` peers (never fewer than three, so no single
    peer's answer can be read back from a flag).
``manager_skew``
    A manager whose ratings in the session average ``threshold`` levels or more above or
    below the session's mean, over at least ``min_ratings`` ratings (never fewer than the
    small-group minimum, four). Every review that manager rated carries the flag.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from lineofsight.core import words

HIGH_RATING_LOW_ATTAINMENT = "high_rating_low_attainment"
BIG_MOVE = "big_move"
LOW_RATING_HIGH_RECOGNITION = "low_rating_high_recognition"
MANAGER_SKEW = "manager_skew"
CODES: tuple[str, ...] = (
    HIGH_RATING_LOW_ATTAINMENT,
    BIG_MOVE,
    LOW_RATING_HIGH_RECOGNITION,
    MANAGER_SKEW,
)

PEER_MINIMUM = 3  # as the anonymity minimum: a flag never rests on one or two peers
GROUP_MINIMUM = 4  # as the small-group minimum: no mean over fewer ratings


@dataclass(frozen=True)
class Param:
    """One parameter of a rule: its kind ("int" or "float"), bounds and meaning."""

    name: str
    kind: str
    default: float
    minimum: float
    maximum: float
    help: str


@dataclass(frozen=True)
class RuleDefinition:
    code: str
    title: str
    description: str
    enabled: bool
    requires_explanation: bool
    params: tuple[Param, ...]

    def defaults(self) -> dict[str, float]:
        return {p.name: p.default for p in self.params}


DEFINITIONS: dict[str, RuleDefinition] = {
    HIGH_RATING_LOW_ATTAINMENT: RuleDefinition(
        HIGH_RATING_LOW_ATTAINMENT,
        "High rating, low OKR attainment",
        "A rating near the top of the scale with OKR attainment below a threshold. The "
        "rating may well be right (attainment is evidence, not the rating); say why.",
        True,
        True,
        (
            Param("top_levels", "int", 2, 1, 10, "Ratings in this many top levels count as high."),
            Param("max_attainment", "float", 0.4, 0.0, 1.0, "Attainment below this is low."),
        ),
    ),
    BIG_MOVE: RuleDefinition(
        BIG_MOVE,
        "Rating moved two or more levels since the last cycle",
        "The rating is far from the person's rating in their previous review cycle.",
        True,
        False,
        (Param("levels", "int", 2, 1, 10, "A move of this many levels or more is flagged."),),
    ),
    LOW_RATING_HIGH_RECOGNITION: RuleDefinition(
        LOW_RATING_HIGH_RECOGNITION,
        "Low rating despite strong peer recognition",
        "A rating near the bottom of the scale for someone their peers recognise strongly "
        "(kudos in the period, or high peer ratings).",
        True,
        False,
        (
            Param(
                "bottom_levels", "int", 2, 1, 10, "Ratings in this many bottom levels count as low."
            ),
            Param("min_kudos", "int", 3, 1, 1000, "Kudos received in the period."),
            Param(
                "min_peer_mean",
                "float",
                4.0,
                0.0,
                100.0,
                "Mean peer rating at or above this counts as strong.",
            ),
            Param("min_peer_ratings", "int", 3, PEER_MINIMUM, 1000, "Peers who rated, at least."),
        ),
    ),
    MANAGER_SKEW: RuleDefinition(
        MANAGER_SKEW,
        "A manager's ratings run systematically high or low",
        "A manager's mean rating is far from the session's mean over enough ratings.",
        True,
        False,
        (
            Param(
                "threshold", "float", 0.5, 0.1, 10.0, "Levels above or below the session's mean."
            ),
            Param(
                "min_ratings", "int", 5, GROUP_MINIMUM, 10_000, "Ratings by the manager, at least."
            ),
        ),
    ),
}


def param_errors(code: str, params: object) -> dict[str, str]:
    """What is wrong with a rule's parameters, by field (``params.top_levels``)."""
    definition = DEFINITIONS.get(code)
    if definition is None:
        return {"code": f"Unknown rule {code!r}; the rules are {', '.join(CODES)}."}
    if not isinstance(params, Mapping):
        return {"params": "Give the parameters as names and numbers."}
    known = {p.name: p for p in definition.params}
    errors: dict[str, str] = {}
    for key, value in params.items():
        name = f"params.{key}"
        param = known.get(str(key))
        if param is None:
            errors[name] = f"Unknown parameter; this rule takes {', '.join(known)}."
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            errors[name] = "Enter a number."
            continue
        if not math.isfinite(value):
            errors[name] = "Enter a finite number."
            continue
        if param.kind == "int" and float(value) != int(value):
            errors[name] = "Enter a whole number."
            continue
        if not param.minimum <= value <= param.maximum:
            errors[name] = f"Enter a number from {param.minimum:g} to {param.maximum:g}."
    return errors


def clean_params(code: str, params: Mapping[str, Any] | None) -> dict[str, float]:
    """The rule's parameters: the defaults, overridden by the valid values given (invalid
    values stored by an older version fall back to the default)."""
    definition = DEFINITIONS[code]
    out = definition.defaults()
    for p in definition.params:
        value = (params or {}).get(p.name)
        if value is None or param_errors(code, {p.name: value}):
            continue
        out[p.name] = int(value) if p.kind == "int" else float(value)
    return out


@dataclass(frozen=True)
class RuleSetting:
    """A rule as HR set it (or its defaults)."""

    code: str
    enabled: bool
    requires_explanation: bool
    params: Mapping[str, float]

    @classmethod
    def default(cls, code: str) -> RuleSetting:
        d = DEFINITIONS[code]
        return cls(code, d.enabled, d.requires_explanation, d.defaults())


def settings_in_force(stored: Iterable[RuleSetting]) -> list[RuleSetting]:
    """Every rule: the stored setting where there is one, the defaults otherwise."""
    by_code = {s.code: s for s in stored if s.code in DEFINITIONS}
    return [
        RuleSetting(s.code, s.enabled, s.requires_explanation, clean_params(s.code, s.params))
        if (s := by_code.get(code)) is not None
        else RuleSetting.default(code)
        for code in CODES
    ]


@dataclass(frozen=True)
class Scale:
    """A cycle's rating scale: its values (ascending) and labels."""

    values: tuple[int, ...]
    labels: Mapping[int, str] = field(default_factory=dict)

    @classmethod
    def from_levels(cls, levels: Iterable[Mapping[str, Any]]) -> Scale:
        pairs = sorted(
            (int(level["value"]), str(level.get("label", "")))
            for level in levels
            if isinstance(level.get("value"), int)
        )
        return cls(tuple(v for v, _ in pairs), {v: label for v, label in pairs})

    def label(self, value: int | None) -> str:
        if value is None:
            return "not rated"
        label = self.labels.get(value, "")
        return f"{value} ({label})" if label else str(value)

    def top(self, n: int) -> frozenset[int]:
        return frozenset(self.values[-n:]) if n > 0 else frozenset()

    def bottom(self, n: int) -> frozenset[int]:
        return frozenset(self.values[:n]) if n > 0 else frozenset()

    def index(self, value: int) -> int | None:
        try:
            return self.values.index(value)
        except ValueError:
            return None


@dataclass(frozen=True)
class Facts:
    """What the rules read about one review in a session."""

    review_id: int
    subject_name: str
    manager_id: int | None
    manager_name: str
    rating: int | None
    attainment: float | None = None
    previous_rating: int | None = None
    previous_cycle: str = ""
    kudos: int = 0
    peer_ratings: int = 0  # peers who gave ratings
    peer_mean: float | None = None


@dataclass(frozen=True)
class Flag:
    review_id: int
    code: str
    title: str
    reason: str  # why, with the numbers
    requires_explanation: bool


@dataclass(frozen=True)
class ManagerMean:
    manager_id: int
    manager_name: str
    ratings: int
    mean: float
    population_mean: float

    @property
    def difference(self) -> float:
        return self.mean - self.population_mean


def _pct(value: float) -> str:
    return f"{math.floor(value * 100 + 0.5)} %"


def _levels(n: int) -> str:
    return words.count(n, "level")


def _high_rating_low_attainment(
    facts: Sequence[Facts], s: RuleSetting, scale: Scale
) -> Iterable[Flag]:
    top = int(s.params["top_levels"])
    limit = float(s.params["max_attainment"])
    high = scale.top(top)
    for f in facts:
        if f.rating in high and f.attainment is not None and f.attainment < limit:
            yield Flag(
                f.review_id,
                s.code,
                DEFINITIONS[s.code].title,
                f"Rated {scale.label(f.rating)}, in the top {_levels(top)} of the scale, with "
                f"OKR attainment {_pct(f.attainment)} (below {_pct(limit)}).",
                s.requires_explanation,
            )


def _big_move(facts: Sequence[Facts], s: RuleSetting, scale: Scale) -> Iterable[Flag]:
    levels = int(s.params["levels"])
    for f in facts:
        if f.rating is None or f.previous_rating is None:
            continue
        moved = f.rating - f.previous_rating
        if abs(moved) >= levels:
            where = f" in {f.previous_cycle}" if f.previous_cycle else ""
            direction = "up" if moved > 0 else "down"
            yield Flag(
                f.review_id,
                s.code,
                DEFINITIONS[s.code].title,
                f"Rated {scale.label(f.rating)} now and {scale.label(f.previous_rating)}{where}: "
                f"{direction} {_levels(abs(moved))} (flagged from {levels}).",
                s.requires_explanation,
            )


def _low_rating_high_recognition(
    facts: Sequence[Facts], s: RuleSetting, scale: Scale
) -> Iterable[Flag]:
    bottom = int(s.params["bottom_levels"])
    min_kudos = int(s.params["min_kudos"])
    min_mean = float(s.params["min_peer_mean"])
    min_peers = max(PEER_MINIMUM, int(s.params["min_peer_ratings"]))
    low = scale.bottom(bottom)
    for f in facts:
        if f.rating not in low:
            continue
        reasons: list[str] = []
        if f.kudos >= min_kudos:
            reasons.append(f"{f.kudos} kudos in the period ({min_kudos} or more)")
        if f.peer_ratings >= min_peers and f.peer_mean is not None and f.peer_mean >= min_mean:
            reasons.append(
                f"peer ratings averaging {f.peer_mean:.1f} from {f.peer_ratings} peers "
                f"({min_mean:g} or more from {min_peers} or more)"
            )
        if reasons:
            yield Flag(
                f.review_id,
                s.code,
                DEFINITIONS[s.code].title,
                f"Rated {scale.label(f.rating)}, in the bottom {_levels(bottom)} of the scale, "
                f"with {' and '.join(reasons)}.",
                s.requires_explanation,
            )


def manager_means(facts: Sequence[Facts], min_ratings: int) -> list[ManagerMean]:
    """Each manager's mean rating in the session beside the session's mean, for managers
    with at least ``min_ratings`` (never fewer than four) rated reviews; the rest are too
    small a group to show a mean for."""
    rated = [f for f in facts if f.rating is not None]
    if not rated:
        return []
    minimum = max(GROUP_MINIMUM, min_ratings)
    population = sum(f.rating or 0 for f in rated) / len(rated)
    groups: dict[int, list[Facts]] = defaultdict(list)
    for f in rated:
        if f.manager_id is not None:
            groups[f.manager_id].append(f)
    out = [
        ManagerMean(
            manager_id,
            group[0].manager_name,
            len(group),
            sum(f.rating or 0 for f in group) / len(group),
            population,
        )
        for manager_id, group in groups.items()
        if len(group) >= minimum
    ]
    return sorted(out, key=lambda m: (-abs(m.difference), m.manager_name, m.manager_id))


def _manager_skew(facts: Sequence[Facts], s: RuleSetting, scale: Scale) -> Iterable[Flag]:
    threshold = float(s.params["threshold"])
    skewed = {
        m.manager_id: m
        for m in manager_means(facts, int(s.params["min_ratings"]))
        if abs(m.difference) >= threshold - 1e-9
    }
    for f in facts:
        m = skewed.get(f.manager_id) if f.manager_id is not None else None
        if m is None or f.rating is None:
            continue
        direction = "high" if m.difference > 0 else "low"
        yield Flag(
            f.review_id,
            s.code,
            DEFINITIONS[s.code].title,
            f"{m.manager_name}'s ratings run {direction}: a mean of {m.mean:.2f} over "
            f"{words.count(m.ratings, 'rating')} against the session's {m.population_mean:.2f} "
            f"({m.difference:+.2f}; flagged from {threshold:g}).",
            s.requires_explanation,
        )


_EVALUATORS = {
    HIGH_RATING_LOW_ATTAINMENT: _high_rating_low_attainment,
    BIG_MOVE: _big_move,
    LOW_RATING_HIGH_RECOGNITION: _low_rating_high_recognition,
    MANAGER_SKEW: _manager_skew,
}


def evaluate(
    facts: Sequence[Facts], settings: Iterable[RuleSetting], scale: Scale
) -> dict[int, list[Flag]]:
    """The flags of each review (by review id), in rule order; reviews without a flag are
    left out. Disabled rules flag nothing."""
    out: dict[int, list[Flag]] = defaultdict(list)
    for s in settings:
        if not s.enabled or s.code not in _EVALUATORS:
            continue
        for flag in _EVALUATORS[s.code](facts, s, scale):
            out[flag.review_id].append(flag)
    return dict(out)


def missing_explanations(
    flags: Mapping[int, Sequence[Flag]], explained: Iterable[tuple[int, str]]
) -> list[Flag]:
    """The flags that need an explanation and have none: ``explained`` holds the
    (review id, rule code) pairs explained in the session."""
    done = set(explained)
    return [
        flag
        for review_flags in flags.values()
        for flag in review_flags
        if flag.requires_explanation and (flag.review_id, flag.code) not in done
    ]
