"""Local stand-ins for the systems data sources read (no network): one threaded HTTP server
on 127.0.0.1 that answers as each product documents, and refuses (400/401) a request whose
path, query, body or credentials are not what the product expects.

* ``/metrics.json`` (GET, header ``X-Api-Key``): a JSON document with the number nested.
* ``/report.csv`` (GET): a CSV of monthly figures.
* Jira Cloud: ``GET /rest/api/3/search?jql=...&maxResults=0`` with Basic auth
  (email:API token) answers ``{"startAt": 0, "maxResults": 0, "total": N, "issues": []}``.
* Salesforce: ``GET /services/data/v61.0/analytics/reports/{id}`` with a Bearer token
  answers the report with ``factMap["T!T"].aggregates[0].value``.
* HubSpot: ``POST /crm/v3/objects/deals/search`` with a Bearer token and a JSON body with
  ``filterGroups`` answers ``{"total": N, "results": [...]}``.

Every request is recorded (method, path, query, headers by lower-case name, body). A test
changes what a path answers with ``answer(path, status, body)``; ``/slow`` answers after
``slow_seconds``; ``/huge.json`` answers more than a megabyte.
"""

from __future__ import annotations

import base64
import contextlib
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

API_KEY = "k3y-for-metrics-only"
JIRA_EMAIL = "ops@example.com"
JIRA_TOKEN = "jira-token-Zq81"
JIRA_JQL = "project = OPS AND status = Done"
SALESFORCE_TOKEN = "00Dsf!bearer-token-77"
SALESFORCE_REPORT = "00O5e000008ABCd"
HUBSPOT_TOKEN = "pat-na1-hubspot-55"

METRICS = {"data": {"signups": {"total": 1234, "label": "Sign-ups"}, "note": "n/a"}}
CSV = "month,region,signups\n2026-09,emea,80\n2026-10,emea,95\n2026-10,apac,41\n2026-11,emea,112\n"
REPORT = {
    "attributes": {"reportId": SALESFORCE_REPORT, "reportName": "Closed won"},
    "reportMetadata": {"id": SALESFORCE_REPORT, "name": "Closed won"},
    "hasDetailRows": False,
    "factMap": {"T!T": {"aggregates": [{"label": "$1,250,000.00", "value": 1250000.0}]}},
}


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


class SourceServer:
    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.overrides: dict[str, tuple[int, str, str]] = {}
        self.jira_total = 17
        self.hubspot_total = 42
        self.slow_seconds = 3.0
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                request = Request(
                    method,
                    parts.path,
                    parse_qs(parts.query, keep_blank_values=True),
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                )
                with server.lock:
                    server.requests.append(request)
                status, content_type, text = server.answer_for(request)
                data = text.encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(data)  # the reader may stop early (the size cap)

            def do_GET(self) -> None:  # noqa: N802 - the standard library's name
                self._handle("GET")

            def do_POST(self) -> None:  # noqa: N802
                self._handle("POST")

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> SourceServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def answer(self, path: str, status: int, body: str, content_type: str = "application/json"):
        with self.lock:
            self.overrides[path] = (status, content_type, body)

    def last(self) -> Request:
        with self.lock:
            return self.requests[-1]

    # -- what each path answers -----------------------------------------------------------

    def answer_for(self, r: Request) -> tuple[int, str, str]:
        with self.lock:
            override = self.overrides.get(r.path)
        if override:
            return override
        auth = r.headers.get("authorization", "")
        if r.path == "/metrics.json":
            if r.method != "GET" or r.headers.get("x-api-key") != API_KEY:
                return _json(401, {"error": "missing or wrong X-Api-Key"})
            return _json(200, METRICS)
        if r.path == "/open.json":
            return _json(200, METRICS)
        if r.path == "/report.csv":
            return 200, "text/csv", CSV
        if r.path == "/slow":
            time.sleep(self.slow_seconds)
            return _json(200, METRICS)
        if r.path == "/huge.json":
            return 200, "application/json", '{"pad": "' + "x" * 1_100_000 + '", "n": 1}'
        if r.path == "/rest/api/3/search":
            expected = "Basic " + base64.b64encode(f"{JIRA_EMAIL}:{JIRA_TOKEN}".encode()).decode()
            if auth != expected:
                return _json(401, {"errorMessages": ["You are not authenticated."]})
            if r.method != "GET" or r.query.get("maxResults") != ["0"] or "jql" not in r.query:
                return _json(400, {"errorMessages": ["Bad request."]})
            if r.query["jql"] != [JIRA_JQL]:
                return _json(400, {"errorMessages": [f"Error in the JQL: {r.query['jql']}"]})
            return _json(
                200, {"startAt": 0, "maxResults": 0, "total": self.jira_total, "issues": []}
            )
        if r.path == f"/services/data/v61.0/analytics/reports/{SALESFORCE_REPORT}":
            if r.method != "GET" or auth != f"Bearer {SALESFORCE_TOKEN}":
                return _json(
                    401,
                    [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}],
                )
            return _json(200, REPORT)
        if r.path == "/crm/v3/objects/deals/search":
            if r.method != "POST" or auth != f"Bearer {HUBSPOT_TOKEN}":
                return _json(401, {"status": "error", "category": "INVALID_AUTHENTICATION"})
            try:
                body = json.loads(r.body)
            except ValueError:
                return _json(400, {"status": "error", "category": "VALIDATION_ERROR"})
            if not isinstance(body.get("filterGroups"), list):
                return _json(400, {"status": "error", "category": "VALIDATION_ERROR"})
            return _json(
                200,
                {
                    "total": self.hubspot_total,
                    "results": [{"id": "1", "properties": {"dealstage": "closedwon"}}],
                    "paging": {"next": {"after": "1"}},
                },
            )
        return _json(404, {"error": "not found"})


def _json(status: int, data: Any) -> tuple[int, str, str]:
    return status, "application/json", json.dumps(data)
