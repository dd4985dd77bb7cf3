"""Attainment used as a rating: review cycles whose ratings are the OKR score in disguise.

Ratings are on a 1-5 scale; attainment is the person's OKR grade for the period (0.0-1.0+).
Generated populations use a fixed seed, so every run sees the same people.
"""

from __future__ import annotations

import random

from lineofsight.coach.rules.facts import CoachSettings, RatingPoint

from . import Example, flags
from .build import population

FORMULA = "attainment_rating.formula"
REVIEW = 40


def band(attainment: float) -> int:
    """The kind of rule a team applies when it rates by the scorecard."""
    for rating, floor in ((5, 1.0), (4, 0.85), (3, 0.7), (2, 0.5)):
        if attainment >= floor:
            return rating
    return 1


def ex(name: str, pairs: list[tuple[int, float]], flagged: bool,
       settings: CoachSettings | None = None) -> Example:
    points = tuple(RatingPoint(i + 1, r, a) for i, (r, a) in enumerate(pairs))
    return Example(
        name,
        population(ratings=points, review_cycle_id=REVIEW, review_cycle_name="H2 2026 reviews"),
        flags((FORMULA, REVIEW)) if flagged else flags(),
        settings,
    )


def banded(attainments: list[float]) -> list[tuple[int, float]]:
    return [(band(a), a) for a in attainments]


def by_formula(seed: int, people: int) -> list[tuple[int, float]]:
    """Rated from the scorecard: the band of the attainment, now and then one step off for
    a rounding argument."""
    rng = random.Random(seed)
    pairs = []
    for _ in range(people):
        a = round(rng.uniform(0.3, 1.2), 2)
        r = band(a)
        if rng.random() < 0.05:
            r = max(1, min(5, r + rng.choice((-1, 1))))
        pairs.append((r, a))
    return pairs


def in_context(seed: int, people: int) -> list[tuple[int, float]]:
    """Rated in context: attainment is one input among several (how ambitious the targets
    were, what was in the person's control, help given to others, the role's baseline)."""
    rng = random.Random(seed)
    pairs = []
    for _ in range(people):
        a = round(rng.uniform(0.3, 1.2), 2)
        judgement = rng.gauss(0, 1.2)
        r = round(1 + 4 * (a - 0.3) / 0.9 * 0.4 + 1.8 + judgement)
        pairs.append((max(1, min(5, r)), a))
    return pairs


SPREAD = [0.32, 0.41, 0.48, 0.55, 0.61, 0.66, 0.72, 0.78, 0.83, 0.88, 0.95, 1.02, 1.1, 1.18]

EXAMPLES = [
    ex("a team rating straight from the scorecard bands", banded(SPREAD), True),
    ex("eight people, banded: the smallest population looked at", banded(SPREAD[:8]),
       True),
    ex("seven people, banded: too few to say", banded(SPREAD[:7]), False),
    ex("a linear formula: rating = 1 + 4 x attainment",
       [(round(1 + 4 * min(a, 1.0)), a) for a in SPREAD], True),
    ex("a curved formula (rank-perfect, not linear)",
       [(1, 0.1), (2, 0.2), (3, 0.3), (4, 0.4), (5, 1.2), (1, 0.12), (2, 0.22), (3, 0.33),
        (4, 0.45), (5, 1.5)], True),
    ex("everyone rated 3", [(3, a) for a in SPREAD], False),
    ex("ratings fall as attainment rises", [(6 - band(a), a) for a in SPREAD], False),
    ex("no relation at all",
       [(r, a) for r, a in zip([3, 5, 2, 4, 3, 1, 4, 2, 5, 3, 3, 4, 2, 3], SPREAD,
                               strict=True)], False),
    ex("context: low attainment on a moonshot rated 4, a sandbagged 100 % rated 3",
       [(4, 0.35), (3, 1.05), (4, 0.62), (2, 0.9), (5, 0.7), (3, 0.55), (4, 1.0), (2, 0.45),
        (3, 0.8), (5, 0.66), (3, 1.1), (4, 0.5)], False),
    ex("a calibrated team: mostly in line, with real exceptions",
       [(1, 0.3), (3, 0.45), (2, 0.5), (4, 0.6), (3, 0.7), (2, 0.75), (4, 0.8), (3, 0.9),
        (5, 0.95), (3, 1.0), (4, 1.1), (5, 0.55)], False),
    ex("banded, but the organisation looks only at 20 people or more", banded(SPREAD), False,
       CoachSettings(rating_attainment_min_people=20)),
    ex("banded, 20 people, the organisation looks at 20 or more",
       banded([0.3 + 0.045 * i for i in range(20)]), True,
       CoachSettings(rating_attainment_min_people=20)),
    ex("a linear formula under a strict threshold of 0.99",
       [(round(1 + 4 * min(a, 1.0)), a) for a in SPREAD], False,
       CoachSettings(rating_attainment_correlation=0.99)),
    ex("near-miss: the bands, with three people rated on context",
       banded(SPREAD[:11]) + [(5, 0.45), (2, 1.02), (3, 1.1)], False),
    ex("all at 100 % attainment, ratings spread", [(r, 1.0) for r in (2, 3, 3, 4, 5, 4, 3, 2)],
       False),
    ex("heavy ties, still a formula", [(3, 0.7)] * 5 + [(5, 1.0)] * 5 + [(1, 0.3)] * 4, True),
]
EXAMPLES += [ex(f"rated by formula, {n} people (seed {seed})", by_formula(seed, n), True)
             for seed, n in ((1, 12), (2, 25), (3, 40), (4, 9), (5, 60), (6, 15), (7, 30),
                             (8, 18))]
EXAMPLES += [ex(f"rated in context, {n} people (seed {seed})", in_context(seed, n), False)
             for seed, n in ((11, 12), (12, 25), (13, 40), (14, 9), (15, 60), (16, 15),
                             (17, 30), (18, 18))]
