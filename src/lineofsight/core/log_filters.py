"""Logging filters: expected refusals are one warning line, not a traceback."""

from __future__ import annotations

import logging


class OneLineRefusals(logging.Filter):
    """Drops the traceback from ``django.request`` records of 403 answers.

    A refusal (someone opened a page they may not use) is expected: the line naming the path
    is enough, and a traceback would bury the real errors in the log.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
