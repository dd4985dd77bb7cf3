"""Stand-ins for an installation's semantic similarity (``LOS_COACH_SIMILARITY``): what a
local sentence-embedding model would say about two statements, for the coach's tests."""

from __future__ import annotations

PARAPHRASES = {
    frozenset({"Grow ARR from $12M to $18M", "Take yearly subscription income to eighteen million"})
}


def paraphrases(a: str, b: str) -> float:
    """0.97 for the known paraphrases (which share almost no words), else 0.1."""
    return 0.97 if frozenset({a, b}) in PARAPHRASES else 0.1


def broken(a: str, b: str) -> float:
    raise RuntimeError("the model files are missing")


NOT_A_FUNCTION = 0.5
