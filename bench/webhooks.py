"""Benchmark outbound webhooks on the demo organisation: what a check-in request costs with
webhook subscribers (the fan-out it does on commit, never a call to a receiver), and how fast
the sweep delivers to a local receiver.

    .venv/bin/python bench/webhooks.py
    .venv/bin/python bench/webhooks.py --subscriptions 50 --receiver-delay 2 --requests 40

It builds a database of its own (``bench/results/webhooks.sqlite3``, made afresh each run):
the demo organisation, and Jordan's personal API token. Two local receivers listen on free
ports: a slow one that waits ``--receiver-delay`` seconds before answering, and a fast one.
Then it times, through Django's test client in this process, ``POST /api/check-ins`` by
Jordan on one of his key results:

1. with no subscription;
2. with ``--subscriptions`` of HR's subscriptions to ``check_in.recorded`` at the slow
   receiver, and a worker task backend (django-tasks' dummy backend stands in for the
   database queue: each delivery is only enqueued);
3. the same with the default immediate backend (deliveries wait for the sweep);

counting the receiver's requests made while they ran (always 0: a request never waits for
a receiver). Last it times the sweep, ``integrations.outbound.dispatch.deliver_pending``,
sending the deliveries made to the fast receiver (deliveries per second). It prints p50 and
p95 in milliseconds and the counts; it never fails on a timing.
"""

from __future__ import annotations

import argparse
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import benchdb


class Receiver:
    def __init__(self, delay: float) -> None:
        self.count = 0
        lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the standard library's name
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with lock:
                    outer.count += 1
                time.sleep(delay)
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/hooks"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--subscriptions", type=int, default=20)
    p.add_argument("--receiver-delay", type=float, default=2.0)
    p.add_argument("--requests", type=int, default=24, help="Calls per measure (24).")
    p.add_argument("--warmup", type=int, default=2)
    args = p.parse_args()
    benchdb.demo_database("webhooks", LOS_OUTBOUND_WEBHOOKS_ALLOW_LOCAL="1")
    import json

    from django.test import Client
    from django.test.utils import override_settings

    from lineofsight.core import tokens
    from lineofsight.goals.models import KeyResult
    from lineofsight.integrations.outbound import dispatch
    from lineofsight.integrations.outbound.models import WebhookDelivery, WebhookSubscription
    from lineofsight.people.models import Person

    jordan = Person.objects.get(username="jordan")
    fatima = Person.objects.get(username="fatima")
    _, raw = tokens.create_token(acting_user=jordan, person=jordan, name="bench")
    kr = (
        KeyResult.objects.filter(
            owner=jordan,
            state="active",
            source="check_ins",
            objective__state="active",
            cycle__state="active",
        )
        .exclude(kind="milestone")
        .order_by("pk")
        .first()
    )
    assert kr is not None
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    value = [float(kr.current_value or 0)]

    def check_in() -> None:
        value[0] += 1
        response = client.post(
            "/api/check-ins",
            json.dumps({"key_result": kr.pk, "value": value[0], "confidence": "on_track"}),
            content_type="application/json",
        )
        assert response.status_code == 201, response.content

    slow, fast = Receiver(args.receiver_delay), Receiver(0.0)
    rows = []
    calls = [check_in] * (args.requests + args.warmup)
    rows.append(benchdb.timed("check-in, no subscription", calls, args.warmup))
    WebhookSubscription.objects.bulk_create(
        [
            WebhookSubscription(
                owner=fatima,
                name=f"Bench {n}",
                url=slow.url(),
                events=["check_in.recorded"],
                secret=f"whsec_bench{n}",
            )
            for n in range(args.subscriptions)
        ]
    )
    dummy = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with override_settings(TASKS=dummy):
        before = slow.count
        label = f"check-in, {args.subscriptions} subscribers, worker backend"
        rows.append({**benchdb.timed(label, calls, args.warmup), "calls": slow.count - before})
    before = slow.count
    label = f"check-in, {args.subscriptions} subscribers, immediate backend"
    rows.append({**benchdb.timed(label, calls, args.warmup), "calls": slow.count - before})
    made = WebhookDelivery.objects.count()
    print(f"{made} deliveries made by {3 * len(calls)} check-ins")
    for row in rows:
        print(
            f"{row['measure']:<48} p50 {row['p50']:7.1f} ms  p95 {row['p95']:7.1f} ms  "
            f"queries {row['queries']:>7}  receiver calls during requests: "
            f"{row.get('calls', 0)}"
        )
    WebhookSubscription.objects.update(url=fast.url())
    WebhookDelivery.objects.update(claimed_until=None)
    started = time.perf_counter()
    sent = 0
    while True:
        report = dispatch.deliver_pending(limit=500)
        done = sum(report.outcomes.values())
        if not done:
            break
        sent += report.outcomes.get("delivered", 0)
    seconds = time.perf_counter() - started
    print(
        f"sweep: {sent} deliveries to a local receiver in {seconds:.1f} s "
        f"({sent / seconds:.0f} a second, one process); the receiver got {fast.count}"
    )


if __name__ == "__main__":
    main()
