"""The request log: a request id on every answer and every log line, one line per request
with the person's id (never their email), and JSON lines with LOS_LOG_FORMAT=json."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from django.test import Client, override_settings

from lineofsight.core.log_filters import JsonLinesFormatter, RequestIdFilter

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """What the console handler would write with LOS_LOG_FORMAT=json, request lines on."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonLinesFormatter())
    handler.addFilter(RequestIdFilter())
    requests = logging.getLogger("lineofsight.requests")
    level = requests.level
    requests.setLevel(logging.INFO)
    logging.getLogger().addHandler(handler)
    try:
        yield out
    finally:
        logging.getLogger().removeHandler(handler)
        requests.setLevel(level)


def _records(out: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]


def test_every_answer_carries_a_request_id(client: Client) -> None:
    first = client.get("/login/")
    second = client.get("/login/")
    assert len(first["X-Request-ID"]) == 32
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_a_callers_request_id_is_kept_when_it_is_plain(client: Client) -> None:
    kept = client.get("/login/", HTTP_X_REQUEST_ID="lb-7f3a9c21-0001")
    assert kept["X-Request-ID"] == "lb-7f3a9c21-0001"
    replaced = client.get("/login/", HTTP_X_REQUEST_ID="<script>alert(1)</script>")
    assert replaced["X-Request-ID"] != "<script>alert(1)</script>"
    assert len(replaced["X-Request-ID"]) == 32


def test_a_request_is_one_json_line(client: Client, cast, json_lines: io.StringIO) -> None:
    client.force_login(cast.ava)
    response = client.get("/", HTTP_X_REQUEST_ID="trace-0123456789")
    assert response.status_code == 200
    (line,) = [r for r in _records(json_lines) if r["logger"] == "lineofsight.requests"]
    assert line["level"] == "INFO"
    assert line["request_id"] == "trace-0123456789"
    assert line["method"] == "GET"
    assert line["path"] == "/"
    assert line["status"] == 200
    assert line["view"] == "home"
    assert line["user_id"] == cast.ava.pk
    assert isinstance(line["duration_ms"], float)
    assert isinstance(line["queries"], int) and line["queries"] > 0
    assert line["message"].startswith("GET / 200 ")
    assert "T" in line["time"] and line["time"].endswith("+00:00")
    raw = json_lines.getvalue()
    assert "ava@acme.test" not in raw and "Ava Adams" not in raw


def test_lines_logged_during_a_request_carry_its_id(
    client: Client, cast, json_lines: io.StringIO
) -> None:
    client.force_login(cast.ava)
    client.get("/objectives/999999/", HTTP_X_REQUEST_ID="trace-refused-0001")
    during = [
        r for r in _records(json_lines) if r["logger"] in ("django.request", "lineofsight.requests")
    ]
    assert {r["logger"] for r in during} == {"django.request", "lineofsight.requests"}
    assert {r["request_id"] for r in during} == {"trace-refused-0001"}
    assert all("request" not in r for r in _records(json_lines))  # no request object dumped


def test_an_anonymous_request_has_no_user_and_costs_no_query(
    client: Client, json_lines: io.StringIO
) -> None:
    client.get("/login/")
    (line,) = [r for r in _records(json_lines) if r["logger"] == "lineofsight.requests"]
    assert line["user_id"] is None
    assert line["status"] == 200


def test_health_checks_are_logged_only_at_debug(client: Client, json_lines: io.StringIO) -> None:
    client.get("/healthz")
    assert not [r for r in _records(json_lines) if r["logger"] == "lineofsight.requests"]


def _settings_in_a_process(**env: str) -> subprocess.CompletedProcess[str]:
    code = (
        "import logging, django; django.setup(); "
        "logging.getLogger('lineofsight.example').warning('Something to see: %s', 42)"
    )
    full = {**os.environ, "DJANGO_SETTINGS_MODULE": "lineofsight.settings", **env}
    return subprocess.run(  # noqa: S603 - this interpreter, fixed code
        [sys.executable, "-c", code], env=full, capture_output=True, text=True, timeout=120
    )


def test_the_console_log_format_is_chosen_by_the_environment(tmp_path) -> None:
    plain = _settings_in_a_process(LOS_DATA_DIR=str(tmp_path), LOS_TESTING="1")
    assert plain.returncode == 0, plain.stderr
    assert "WARNING lineofsight.example [-] Something to see: 42" in plain.stderr

    as_json = _settings_in_a_process(
        LOS_DATA_DIR=str(tmp_path), LOS_TESTING="1", LOS_LOG_FORMAT="json"
    )
    assert as_json.returncode == 0, as_json.stderr
    line = json.loads(as_json.stderr.strip().splitlines()[-1])
    assert line["message"] == "Something to see: 42"
    assert line["level"] == "WARNING"
    assert line["logger"] == "lineofsight.example"
    assert line["request_id"] == "-"

    wrong = _settings_in_a_process(
        LOS_DATA_DIR=str(tmp_path), LOS_TESTING="1", LOS_LOG_FORMAT="xml"
    )
    assert wrong.returncode != 0
    assert "LOS_LOG_FORMAT='xml': use text or json." in wrong.stderr


@override_settings(METRICS_TOKEN="scrape-token-0123456789abcdefghij")
def test_an_answer_refused_after_the_middleware_still_carries_the_id(
    client: Client, json_lines: io.StringIO
) -> None:
    """Django logs an error answer once the middleware has returned; its line still has the
    request's id."""
    client.get("/metrics", HTTP_X_REQUEST_ID="trace-forbidden-01")
    (refused,) = [r for r in _records(json_lines) if r["logger"] == "django.request"]
    assert refused["message"] == "Forbidden: /metrics"
    assert refused["request_id"] == "trace-forbidden-01"


def test_metrics_settings_refuse_values_they_cannot_understand(tmp_path) -> None:
    for variable, value, message in (
        ("LOS_METRICS_TOKEN", "short", "LOS_METRICS_TOKEN must be at least 24 characters long."),
        (
            "LOS_METRICS_ALLOWED_IPS",
            "10.0.0.0/8,prometheus.internal",
            "LOS_METRICS_ALLOWED_IPS: 'prometheus.internal' is not an IP address or network.",
        ),
    ):
        refused = _settings_in_a_process(
            LOS_DATA_DIR=str(tmp_path), LOS_TESTING="1", **{variable: value}
        )
        assert refused.returncode != 0, variable
        assert message in refused.stderr, refused.stderr
