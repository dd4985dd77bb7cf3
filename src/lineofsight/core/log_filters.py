"""Logging filters and formats: expected refusals are one warning line, not a traceback;
every line carries the id of the request it belongs to; JSON lines on request."""

from __future__ import annotations

import contextvars
import datetime as dt
import logging
from typing import Any

from pythonjsonlogger.json import JsonFormatter


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


# The id of the request being served in this thread or task, for every record logged
# while it is served ("-" outside a request: commands, the worker).
current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar(
    "current_request_id", default="-"
)


class RequestIdFilter(logging.Filter):
    """Stamps every record with the id of the request it was logged during."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            # Django logs an error answer once the middleware is done: its record carries
            # the request, which carries the id.
            request = getattr(record, "request", None)
            record.request_id = getattr(request, "request_id", None) or current_request_id.get()
        return True


class JsonLinesFormatter(JsonFormatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request id,
    the record's extra fields (a request's user id, method, path, status, duration) and any
    traceback. Django's ``request`` extra (the request object) is left out: its path is
    enough, and its headers and cookies must not reach the log."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("timestamp", "time")
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("fmt", "%(levelname)s %(name)s %(message)s")
        super().__init__(*args, **kwargs)

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        super().add_fields(log_data, record, message_dict)
        log_data.pop("request", None)
        log_data.pop("server_time", None)
        if isinstance(log_data.get("time"), dt.datetime):
            log_data["time"] = log_data["time"].isoformat(timespec="milliseconds")
