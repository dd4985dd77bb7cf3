"""Request middleware for running the product: a request id and one log line per request,
the database queries each request makes, and the health and metrics endpoints.

``RequestMiddleware`` comes first: it gives each request an id (the caller's
``X-Request-ID`` when it is a plain token, else a new one), stamps every log record made
while the request is served with it, returns it as ``X-Request-ID``, counts the request's
database queries for the metrics and logs one line when the answer is ready: method, path,
status, duration, the id of the person signed in (never an email) and the query count.

``OperationsEndpointsMiddleware`` answers ``/healthz``, ``/readyz`` and ``/metrics`` before
the rest of the stack: no host-name check, no HTTPS redirect and no database query before
the checks themselves, so a load balancer or Prometheus can ask the server directly and
liveness holds while the database is down.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.functional import LazyObject, empty

from lineofsight.core import health, metrics
from lineofsight.core.log_filters import current_request_id

log = logging.getLogger("lineofsight.requests")

HEALTH_PATHS = ("/healthz", "/readyz")
OPERATIONS_PATHS = (*HEALTH_PATHS, "/metrics")
_GIVEN_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")


class _QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        self.count += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        except Exception:
            metrics.QUERY_ERRORS.inc()
            raise
        finally:
            metrics.QUERY_SECONDS.observe(time.perf_counter() - started)


def _user_id(request: HttpRequest) -> int | None:
    """The signed-in person's id if the request already looked them up (never a query of
    its own: a user not yet read from the session stays unread)."""
    user = request.__dict__.get("user")
    if isinstance(user, LazyObject):
        wrapped = user._wrapped  # noqa: SLF001 - only to see whether it was evaluated
        user = None if wrapped is empty else wrapped
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "pk", None)


def _view_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "<unresolved>"
    return match.view_name or "<unnamed>"


class RequestMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _GIVEN_ID.match(given) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = current_request_id.set(request_id)
        counter = _QueryCounter()
        started = time.perf_counter()
        try:
            with ExitStack() as stack:
                for alias in connections:
                    stack.enter_context(connections[alias].execute_wrapper(counter))
                response = self.get_response(request)
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            response["X-Request-ID"] = request_id
            if request.path not in OPERATIONS_PATHS:
                metrics.QUERIES_PER_REQUEST.labels(_view_name(request)).observe(counter.count)
            level = logging.DEBUG if request.path in HEALTH_PATHS else logging.INFO
            if log.isEnabledFor(level):
                log.log(
                    level,
                    "%s %s %s %.1f ms",
                    request.method,
                    request.path,
                    response.status_code,
                    duration_ms,
                    extra={
                        "method": request.method,
                        "path": request.path,
                        "status": response.status_code,
                        "duration_ms": duration_ms,
                        "user_id": _user_id(request),
                        "view": _view_name(request),
                        "queries": counter.count,
                    },
                )
            return response
        finally:
            current_request_id.reset(token)


class OperationsEndpointsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path
        if path not in OPERATIONS_PATHS:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            answer = HttpResponse(status=405, content_type="text/plain")
            answer["Allow"] = "GET, HEAD"
            return answer
        if path == "/healthz":
            response: HttpResponse = JsonResponse(health.liveness())
        elif path == "/readyz":
            ready, body = health.readiness()
            response = JsonResponse(body, status=200 if ready else 503)
        else:
            response = metrics.metrics_response(request)
        response["Cache-Control"] = "no-store"
        return response
