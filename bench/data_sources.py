"""Benchmark key results' data sources on the demo organisation: what one read costs (a new
number recorded as a check-in, and the same number again, which records nothing), and how
long the scheduled job takes over many due sources.

    .venv/bin/python bench/data_sources.py
    .venv/bin/python bench/data_sources.py --sources 200 --reads 40

It builds a database of its own (``bench/results/data_sources.sqlite3``, made afresh each
run) with the demo organisation, and a local JSON server on a free port whose number goes
up by one at each request (or stays, for the "unchanged" measure). It connects up to
``--sources`` active key results to it, then times ``actions.run`` on one source (p50, p95 in
milliseconds, SQL queries per read), and last ``sync_due_sources`` with every source due
(sources a second, one process, the immediate task backend). It never fails on a timing.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import benchdb


class Counter:
    """Answers ``{"n": <number>}``; the number goes up at each request while ``rising``."""

    def __init__(self) -> None:
        self.n = 0
        self.rising = True
        self.requests = 0
        lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the standard library's name
                with lock:
                    outer.requests += 1
                    if outer.rising:
                        outer.n += 1
                    body = json.dumps({"n": outer.n}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/metric.json"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--sources", type=int, default=100, help="Sources for the job (100).")
    p.add_argument("--reads", type=int, default=24, help="Reads per measure (24).")
    p.add_argument("--warmup", type=int, default=2)
    args = p.parse_args()
    benchdb.demo_database("data_sources", LOS_OUTBOUND_WEBHOOKS_ALLOW_LOCAL="1")
    from lineofsight.goals.models import KeyResult
    from lineofsight.integrations.sources import actions, tasks
    from lineofsight.integrations.sources.models import DataSource
    from lineofsight.people.models import Person

    hr = Person.objects.filter(is_hr_admin=True, is_active=True).order_by("pk").first()
    assert hr is not None
    krs = list(
        KeyResult.objects.filter(
            state="active", source="check_ins", objective__state="active", cycle__state="active"
        )
        .exclude(kind="milestone")
        .order_by("pk")[: args.sources]
    )
    server = Counter()
    made = [
        actions.create_source(
            acting_user=hr,
            key_result=kr,
            kind="http_json",
            config={"url": server.url(), "json_path": "$.n"},
            schedule="hourly",
        )
        for kr in krs
    ]
    one = made[0].pk
    calls = [lambda: actions.run(one, trigger="cli")] * (args.reads + args.warmup)
    rows = [benchdb.timed("read, a new number (check-in recorded)", calls, args.warmup)]
    server.rising = False
    rows.append(benchdb.timed("read, the same number (nothing recorded)", calls, args.warmup))
    for row in rows:
        print(
            f"{row['measure']:<44} p50 {row['p50']:7.1f} ms  p95 {row['p95']:7.1f} ms  "
            f"queries {row['queries']:>7}"
        )
    server.rising = True
    DataSource.objects.update(next_run_at=made[0].created_at)
    before = server.requests
    started = time.perf_counter()
    result = tasks.sync_due_sources.enqueue()
    seconds = time.perf_counter() - started
    read = server.requests - before
    print(
        f"scheduled job: {result.return_value}; {read} reads in {seconds:.1f} s "
        f"({read / seconds:.0f} a second, one process, immediate backend)"
    )


if __name__ == "__main__":
    main()
