"""The endpoints for running the product: liveness, readiness and Prometheus metrics.

They answer without signing in, before the host-name check and the HTTPS redirect, and
tell nothing about the organisation (no hosts, versions or people); the metrics only to
the holder of the token or to an allowed address, and not at all unless configured.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, connections
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from lineofsight.core import health
from lineofsight.people.selectors import forget_organisation_cache

pytestmark = pytest.mark.django_db

TOKEN = "scrape-token-0123456789abcdefghij"
DB_BACKEND = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "recurring"]}
}


def _task(status: str, *, waited: float = 0.0, running_for: float | None = None) -> None:
    now = timezone.now()
    row = DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="lineofsight.example.task",
        backend_name="default",
        run_after=now - dt.timedelta(seconds=waited),
        started_at=None if running_for is None else now - dt.timedelta(seconds=running_for),
        exception_class_path="",
        traceback="",
    )
    # enqueued_at is set on creation; move it back to when the task was queued.
    DBTaskResult.objects.filter(pk=row.pk).update(enqueued_at=now - dt.timedelta(seconds=waited))


# -- liveness ---------------------------------------------------------------------------------


def test_liveness_answers_without_the_database_or_a_known_host(client: Client) -> None:
    forget_organisation_cache()
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz", HTTP_HOST="10.0.0.7")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert len(queries.captured_queries) == 0


@override_settings(SECURE_SSL_REDIRECT=True)
def test_health_checks_are_not_redirected_to_https(client: Client) -> None:
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get("/").status_code == 301  # the product itself still is


def test_health_endpoints_refuse_writes(client: Client) -> None:
    response = client.post("/readyz")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


# -- readiness --------------------------------------------------------------------------------


def test_ready_with_the_immediate_backend_reports_no_queue(client: Client, cast) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"status": "ok"}
    assert body["checks"]["migrations"] == {"status": "ok"}
    assert body["checks"]["queue"] == {
        "status": "ok",
        "backend": "immediate",
        "detail": "immediate (no queue)",
    }
    text = response.content.decode()
    # Nothing about the organisation, the machine or the software's versions.
    for secret in ("Acme", "cora", "Cora", "sqlite", "SQLite", "127.0.0.1", "Django", "5.2"):
        assert secret not in text


def test_not_ready_when_the_database_cannot_be_reached(client: Client, monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise health.DatabaseError("connection refused by db.internal:5432")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    assert body["checks"]["database"] == {
        "status": "failing",
        "detail": "The database cannot be reached.",
    }
    assert body["checks"]["migrations"]["status"] == "failing"
    assert body["checks"]["queue"]["status"] == "failing"
    assert "db.internal" not in response.content.decode()
    # Liveness does not depend on the database.
    assert client.get("/healthz").status_code == 200


def test_not_ready_on_a_database_that_is_not_there(client: Client, monkeypatch, tmp_path) -> None:
    """A connection whose settings point at nothing (a SQLite file in a folder that does not
    exist, a PostgreSQL port nobody listens on) fails the database check."""
    broken = {**connection.settings_dict, "NAME": str(tmp_path / "missing" / "db.sqlite3")}
    if connection.vendor == "postgresql":
        broken = {**connection.settings_dict, "HOST": "127.0.0.1", "PORT": "1"}
    unreachable = type(connections["default"])(broken, alias="default")
    monkeypatch.setattr(health, "connection", unreachable)
    try:
        response = client.get("/readyz")
    finally:
        unreachable.close()
    assert response.status_code == 503
    assert response.json()["checks"]["database"]["status"] == "failing"
    assert "missing" not in response.content.decode()


def test_not_ready_while_migrations_are_missing(client: Client) -> None:
    from django.db.migrations.recorder import MigrationRecorder

    latest = MigrationRecorder.Migration.objects.filter(app="goals").order_by("-id").first()
    assert latest is not None
    latest.delete()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == {
        "status": "failing",
        "detail": "1 app(s) have migrations not applied: run migrate.",
    }


@override_settings(TASKS=DB_BACKEND)
def test_ready_reports_the_database_queue(client: Client) -> None:
    _task("READY", waited=30)
    _task("READY", waited=5)
    _task("RUNNING", running_for=20)
    _task("SUCCESSFUL")
    response = client.get("/readyz")
    assert response.status_code == 200
    queue = response.json()["checks"]["queue"]
    assert queue["status"] == "ok"
    assert queue["backend"] == "database"
    assert (queue["ready"], queue["running"], queue["stuck"]) == (2, 1, 0)
    assert 29 <= queue["oldest_ready_age_seconds"] < 120


@override_settings(TASKS=DB_BACKEND)
def test_an_empty_database_queue_is_ok(client: Client) -> None:
    queue = client.get("/readyz").json()["checks"]["queue"]
    assert queue == {
        "status": "ok",
        "backend": "database",
        "ready": 0,
        "running": 0,
        "oldest_ready_age_seconds": None,
        "stuck": 0,
    }


@override_settings(TASKS=DB_BACKEND, QUEUE_MAX_WAIT_SECONDS=600)
def test_a_queue_nobody_takes_from_is_degraded_but_still_ready(client: Client) -> None:
    """A stopped worker must not take every web server off the load balancer: the answer
    stays 200 and says what is wrong."""
    _task("READY", waited=3600)
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["queue"]["status"] == "degraded"
    assert "is the worker running?" in body["checks"]["queue"]["detail"]


@override_settings(TASKS=DB_BACKEND, TASK_STUCK_AFTER_SECONDS=60)
def test_a_task_running_too_long_is_reported(client: Client) -> None:
    _task("RUNNING", running_for=3600)
    queue = client.get("/readyz").json()["checks"]["queue"]
    assert queue["status"] == "degraded"
    assert queue["stuck"] == 1
    assert queue["detail"] == "A task has run for more than 60 s."


@override_settings(TASKS=DB_BACKEND)
def test_a_task_set_to_run_later_is_not_waiting(client: Client) -> None:
    now = timezone.now()
    DBTaskResult.objects.create(
        status="READY",
        args_kwargs={"args": [], "kwargs": {}},
        task_path="lineofsight.example.task",
        backend_name="default",
        run_after=now + dt.timedelta(hours=1),
        exception_class_path="",
        traceback="",
    )
    queue = client.get("/readyz").json()["checks"]["queue"]
    assert (queue["status"], queue["ready"]) == ("ok", 0)


# -- metrics ----------------------------------------------------------------------------------


def test_metrics_do_not_exist_unless_configured(client: Client) -> None:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 404
    assert b"django_http" not in response.content


@override_settings(METRICS_TOKEN=TOKEN)
def test_metrics_refuse_a_missing_or_wrong_token(client: Client) -> None:
    assert client.get("/metrics").status_code == 403
    wrong = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN[:-1]}x")
    assert wrong.status_code == 403
    assert b"lineofsight_" not in wrong.content
    assert client.get("/metrics", HTTP_AUTHORIZATION=TOKEN).status_code == 403  # no "Bearer"


@override_settings(METRICS_TOKEN=TOKEN)
def test_metrics_with_the_token(client: Client, cast, as_user) -> None:
    as_user(cast.ava).get("/")  # a page, for the histograms by view
    client.logout()
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "# TYPE django_http_requests_latency_seconds_by_view_method histogram" in text
    assert 'django_http_requests_latency_seconds_by_view_method_bucket{le="0.01",' in text
    assert 'view="home"' in text
    assert "# TYPE lineofsight_db_queries_per_request histogram" in text
    assert 'lineofsight_db_queries_per_request_count{view="home"}' in text
    assert "# TYPE lineofsight_db_query_duration_seconds histogram" in text
    assert 'lineofsight_health_check_ok{check="database"} 1.0' in text
    assert "lineofsight_people_active 8.0" in text
    assert "lineofsight_task_queue_ready 0.0" in text
    assert "ava" not in text and "Acme" not in text


@override_settings(METRICS_TOKEN=TOKEN, TASKS=DB_BACKEND)
def test_metrics_count_the_queue(client: Client) -> None:
    _task("READY", waited=90)
    _task("RUNNING", running_for=10)
    text = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    assert "lineofsight_task_queue_ready 1.0" in text
    assert "lineofsight_task_queue_running 1.0" in text
    age = next(
        float(line.split()[1])
        for line in text.splitlines()
        if line.startswith("lineofsight_task_queue_oldest_ready_age_seconds ")
    )
    assert 89 <= age < 600


@override_settings(METRICS_ALLOWED_IPS=["10.1.0.0/16", "192.0.2.5"])
def test_metrics_from_an_allowed_address_without_a_token(client: Client) -> None:
    allowed = client.get("/metrics", REMOTE_ADDR="10.1.2.3")
    assert allowed.status_code == 200
    assert b"lineofsight_task_queue_ready" in allowed.content
    assert b"lineofsight_people_active" not in allowed.content  # for the token holder only
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.5").status_code == 200
    refused = client.get("/metrics", REMOTE_ADDR="192.0.2.6")
    assert refused.status_code == 403
    # A forged forwarding header does not make an outsider an allowed address.
    forged = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="10.1.2.3")
    assert forged.status_code == 403


def test_metrics_leave_the_query_counts_of_pages_unchanged(client: Client, cast) -> None:
    """The query counting wraps the queries and adds none of its own."""
    client.force_login(cast.ava)
    client.get("/")
    forget_organisation_cache()
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    with_metrics = len(queries.captured_queries)
    with override_settings(
        MIDDLEWARE=[
            m
            for m in __import__("django.conf").conf.settings.MIDDLEWARE
            if "prometheus" not in m and "observability.RequestMiddleware" not in m
        ]
    ):
        forget_organisation_cache()
        plain = Client()
        plain.force_login(cast.ava)
        with CaptureQueriesContext(connection) as queries:
            assert plain.get("/").status_code == 200
    assert with_metrics == len(queries.captured_queries)
