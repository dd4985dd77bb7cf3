"""Labelled examples for the coaching checks, and how a check is scored on them.

One module per check, each with ``EXAMPLES``: realistic OKRs (good and bad, from sales,
marketing, engineering, legal, finance, operations and people teams, the worked example of
the domain, and near-misses that look like a problem but are not), each with the findings
it should produce as (code, subject id) pairs -- none for a good one.

A check is scored finding by finding: a finding expected and produced is a true positive,
produced but not expected a false positive, expected but not produced a false negative.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module

from lineofsight.coach.rules import CHECKS
from lineofsight.coach.rules.facts import CoachSettings, Population
from lineofsight.coach.rules.findings import Finding

MODULES = {
    "focus": "focus",
    "copy_paste": "copy_paste",
    "orphan": "orphans",
    "measurable": "measurable",
    "lagging_only": "signals",
    "sandbagging": "sandbagging",
    "neglect": "neglect",
    "attainment_rating": "attainment_rating",
    "nesting": "nesting",
    "line_of_sight": "line_of_sight",
    "rationale": "rationale",
    "thin_team": "thin_team",
}


@dataclass(frozen=True)
class Example:
    name: str
    population: Population
    expected: frozenset[tuple[str, int]] = frozenset()
    settings: CoachSettings | None = None


def flags(*pairs: tuple[str, int]) -> frozenset[tuple[str, int]]:
    return frozenset(pairs)


@dataclass
class Row:
    example: Example
    found: list[Finding]

    @property
    def produced(self) -> frozenset[tuple[str, int]]:
        return frozenset((f.code, f.subject_id) for f in self.found)

    @property
    def tp(self) -> int:
        return len(self.produced & self.example.expected)

    @property
    def fp(self) -> int:
        return len(self.produced - self.example.expected)

    @property
    def fn(self) -> int:
        return len(self.example.expected - self.produced)

    @property
    def correct(self) -> bool:
        return self.produced == self.example.expected


@dataclass
class Score:
    check: str
    rows: list[Row] = field(default_factory=list)

    @property
    def examples(self) -> int:
        return len(self.rows)

    @property
    def flagged_examples(self) -> int:
        return sum(1 for r in self.rows if r.example.expected)

    @property
    def tp(self) -> int:
        return sum(r.tp for r in self.rows)

    @property
    def fp(self) -> int:
        return sum(r.fp for r in self.rows)

    @property
    def fn(self) -> int:
        return sum(r.fn for r in self.rows)

    @property
    def tn(self) -> int:
        """Good examples rightly left alone."""
        return sum(1 for r in self.rows if not r.example.expected and not r.produced)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def mistakes(self) -> list[Row]:
        return [r for r in self.rows if not r.correct]


def examples(check: str) -> list[Example]:
    module = import_module(f"{__name__}.{MODULES[check]}")
    return list(module.EXAMPLES)


def evaluate(check: str) -> Score:
    """Run one check over its labelled examples."""
    score = Score(check)
    for example in examples(check):
        found = CHECKS[check](example.population, example.settings)
        score.rows.append(Row(example, found))
    return score
