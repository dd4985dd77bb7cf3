"""Prometheus metrics: what django-prometheus measures of requests, the database queries each
request makes, and a few figures of the product read when Prometheus scrapes.

Request latency and counts by view come from django-prometheus's middleware. Database
queries are counted here, by a wrapper around each request's queries, rather than by
django-prometheus's database engines: those replace the ``ENGINE`` setting, which the
settings use to tune SQLite and PostgreSQL.

Under gunicorn with several workers, set ``PROMETHEUS_MULTIPROC_DIR`` (an empty folder
for each start, see docs/deployment.md): every worker then writes its figures there and a
scrape of any worker adds them all up.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
from collections.abc import Iterator

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from lineofsight.core import health

log = logging.getLogger(__name__)

QUERIES_PER_REQUEST = Histogram(
    "lineofsight_db_queries_per_request",
    "Database queries made while answering one request, by view.",
    ["view"],
    buckets=(0, 1, 2, 3, 5, 10, 20, 50, 100, 200, 500),
)
QUERY_SECONDS = Histogram(
    "lineofsight_db_query_duration_seconds",
    "Time taken by each database query made while answering a request.",
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
QUERY_ERRORS = Counter(
    "lineofsight_db_query_errors_total",
    "Database queries that raised an error while answering a request.",
)


class ProductCollector(Collector):
    """Figures read from the database at each scrape: the readiness checks, the task queue
    and (for the holder of the token only) the number of active people."""

    def __init__(self, *, with_people: bool) -> None:
        self.with_people = with_people

    def collect(self) -> Iterator[Metric]:
        checks = {
            "database": health.check_database(),
            "migrations": health.check_migrations(),
            "queue": health.check_queue(),
        }
        up = GaugeMetricFamily(
            "lineofsight_health_check_ok",
            "1 when a readiness check passes (ok or degraded), 0 when it fails.",
            labels=["check"],
        )
        for name, check in checks.items():
            up.add_metric([name], 0.0 if check["status"] == health.FAILING else 1.0)
        yield up
        if checks["database"]["status"] == health.FAILING:
            return
        try:
            state = health.queue_state()
        except Exception:
            log.warning("Metrics: the task queue cannot be read.", exc_info=True)
        else:
            yield GaugeMetricFamily(
                "lineofsight_task_queue_ready", "Tasks waiting that may run now.", state.ready
            )
            yield GaugeMetricFamily(
                "lineofsight_task_queue_running", "Tasks being run by a worker.", state.running
            )
            yield GaugeMetricFamily(
                "lineofsight_task_queue_stuck",
                "Tasks running for longer than LOS_TASK_STUCK_AFTER seconds.",
                state.stuck,
            )
            yield GaugeMetricFamily(
                "lineofsight_task_queue_oldest_ready_age_seconds",
                "How long the oldest ready task has waited (0 when none waits).",
                state.oldest_ready_age_seconds or 0.0,
            )
        if not self.with_people:
            return
        try:
            people = get_user_model().objects.filter(is_active=True).count()
        except Exception:
            log.warning("Metrics: people cannot be counted.", exc_info=True)
        else:
            yield GaugeMetricFamily("lineofsight_people_active", "People who may sign in.", people)


def metrics_enabled() -> bool:
    return bool(settings.METRICS_TOKEN or settings.METRICS_ALLOWED_IPS)


def scraper(request: HttpRequest) -> str | None:
    """ "token" for the bearer token, "address" for a connection from an allowed address (the
    connection's own address: a proxy's X-Forwarded-For is not trusted here), else None."""
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer "):
        given = header.removeprefix("Bearer ").strip()
        if hmac.compare_digest(given.encode(), token.encode()):
            return "token"
    networks = settings.METRICS_ALLOWED_IPS
    if networks:
        try:
            address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
        except ValueError:
            return None
        if any(address in ipaddress.ip_network(n, strict=False) for n in networks):
            return "address"
    return None


def exposition(*, with_people: bool) -> bytes:
    """The text Prometheus reads: the process's (or, multi-process, every worker's)
    request and query metrics, then the product's figures."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        base = generate_latest(registry)
    else:
        base = generate_latest(REGISTRY)
    product = CollectorRegistry(auto_describe=False)
    product.register(ProductCollector(with_people=with_people))
    return base + generate_latest(product)


def metrics_response(request: HttpRequest) -> HttpResponse:
    if not metrics_enabled():
        return HttpResponse("Not found.\n", status=404, content_type="text/plain")
    who = scraper(request)
    if who is None:
        return HttpResponse("Forbidden.\n", status=403, content_type="text/plain")
    return HttpResponse(exposition(with_people=who == "token"), content_type=CONTENT_TYPE_LATEST)
