"""The optional semantic similarity the copy-paste check may use besides the lexical one.

``LOS_COACH_SIMILARITY`` (setting ``COACH_SIMILARITY``) names a function ``(a, b) -> float``
in 0.0-1.0 by its dotted path (``package.module.function``), for instance one comparing two
statements with a sentence-embedding model loaded from local files. The coach calls it only
for pairs the lexical comparison did not already flag; a score outside 0-1 is clipped, and a
function that raises is reported once in the log and then left out for the rest of the
process, so a broken model never takes the coach down. The coach itself never makes a
network call.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

Similarity = Callable[[str, str], float]


def _load(path: str) -> Similarity:
    try:
        found = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(
            f"LOS_COACH_SIMILARITY: cannot import {path!r} ({exc})."
        ) from exc
    if not callable(found):
        raise ImproperlyConfigured(f"LOS_COACH_SIMILARITY: {path!r} is not a function.")
    return found  # type: ignore[no-any-return]


class _Guarded:
    """The configured function, clipped to 0-1 and switched off after its first failure."""

    def __init__(self, path: str, function: Similarity) -> None:
        self.path = path
        self.function = function
        self.broken = False

    def __call__(self, a: str, b: str) -> float:
        if self.broken:
            return 0.0
        try:
            score = float(self.function(a, b))
        except Exception:
            self.broken = True
            logger.exception("Coach similarity %s failed; lexical only from now on.", self.path)
            return 0.0
        return min(1.0, max(0.0, score))


@functools.cache
def _guarded(path: str) -> _Guarded:
    return _Guarded(path, _load(path))


def configured_similarity() -> Similarity | None:
    """The installation's extra similarity, or None when none is configured."""
    path = getattr(settings, "COACH_SIMILARITY", "")
    return _guarded(path) if path else None
