"""Benchmark a full reminder run (``lineofsight remind --today <a digest day>``) on the
generated 10,000-person organisation: reminders, escalations and digests decided, written to
the outbox and delivered.

    .venv/bin/python bench/reminders.py                        # SQLite copy of the cascade
    .venv/bin/python bench/reminders.py \\
        --database-url postgres://postgres@127.0.0.1:5432/reminders_bench

It works on a database of its own, built from the cascade benchmark's organisation and never
written by anyone else: by default it copies ``bench/results/cascade-10000.sqlite3`` (made by
``bench/cascade.py --people 10000``) to ``bench/results/reminders-10000.sqlite3`` and migrates
the copy; with ``--database-url`` it uses that PostgreSQL database, whose name must contain
"bench" (make it with ``CREATE DATABASE reminders_bench TEMPLATE lineofsight_bench`` and drop
it afterwards).

Two days are measured, each run several times; every run commits as the command does and
the outbox is emptied again afterwards, so each starts from an empty outbox:

* **the worst day**: a digest day (the organisation's weekday, Monday) two weeks and a day
  after the generated check-ins end, so every owner is reminded, every owner with a manager
  has missed two check-ins in a row (an escalation each) and every manager and team lead gets
  a digest. The copy's quarter is extended so that this day falls inside it (the generated
  quarter ends a week after its last check-ins);
* **a quiet digest day**: the Monday of the last check-ins, when nothing is due: only digests,
  with "what moved" worked out from the week's check-ins.

A second run on the same day (nothing new to send) is timed too. Mail goes to memory and
deliveries run through the immediate task backend, as in a default installation; the time
therefore includes sending every message. It prints the figures; it never fails on a timing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from typing import Any

import benchdb

BUDGET_S = 60.0


class QueryCounter:
    """Counts the SQL statements run through the connection (however many there are)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def run_day(today: dt.date, runs: int) -> dict[str, Any]:
    """``runs`` full runs on ``today``, each committing as the command does (the first one
    counting queries), each followed by a second run on the same day; afterwards the outbox
    and the runs' audit rows are emptied again for the next run."""
    from django.conf import settings
    from django.core import mail
    from django.db import connection

    from lineofsight.core.models import AuditEvent
    from lineofsight.integrations import actions, delivery, planning
    from lineofsight.integrations.models import Notification

    totals: list[float] = []
    phases: dict[str, list[float]] = {"plan": [], "queue": [], "deliver": [], "again": []}
    counts: dict[str, int] = {}
    queries = 0
    recipients = 0
    for n in range(runs):
        mail.outbox = []
        audit_mark = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        counter = QueryCounter()
        context = connection.execute_wrapper(counter) if n == 0 else None
        if context is not None:
            context.__enter__()
        started = time.perf_counter()
        plan = planning.plan_run(today, site_url=settings.SITE_URL)
        planned = time.perf_counter()
        fresh = actions.queue_notifications(acting_user=None, messages=plan.messages)
        queued = time.perf_counter()
        delivery.deliver_due()
        done = time.perf_counter()
        if context is not None:
            context.__exit__(None, None, None)
            queries = counter.count
        # The same day again: nothing new is queued or sent.
        again = time.perf_counter()
        second = planning.plan_run(today, site_url=settings.SITE_URL)
        assert actions.queue_notifications(acting_user=None, messages=second.messages) == []
        assert delivery.deliver_due().enqueued == 0
        phases["again"].append(time.perf_counter() - again)
        totals.append(done - started)
        phases["plan"].append(planned - started)
        phases["queue"].append(queued - planned)
        phases["deliver"].append(done - queued)
        counts = plan.counts()
        recipients = plan.recipients_checked
        assert len(fresh) == len(plan.messages)
        assert Notification.objects.filter(state="sent").count() == len(plan.messages)
        assert len(mail.outbox) == sum(
            1 for m in plan.messages if m.channel == Notification.Channel.EMAIL
        )
        Notification.objects.all().delete()
        AuditEvent.objects.filter(pk__gt=audit_mark, action="notifications.queue").delete()
    return {
        "today": today,
        "total": totals,
        "phases": {k: statistics.median(v) for k, v in phases.items()},
        "counts": counts,
        "queries": queries,
        "recipients": recipients,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--database-url", help="A PostgreSQL database of your own ('bench').")
    parser.add_argument("--runs", type=int, default=3, help="Runs per day measured (3).")
    parser.add_argument("--fresh-copy", action="store_true", help="Copy the SQLite file again.")
    args = parser.parse_args()
    url = benchdb.database_url(args, "reminders")
    benchdb.configure(
        url,
        "reminders",
        LOS_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOS_TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
    )
    sys.path.insert(0, str(benchdb.ROOT / "src"))

    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Max
    from django.utils import timezone

    call_command("migrate", verbosity=0)

    from lineofsight.goals.models import Cycle, KeyResult
    from lineofsight.people.models import Organisation, Person

    quarter = Cycle.objects.filter(kind="quarter", state="active").order_by("-start_date").first()
    if quarter is None:
        sys.exit("No active quarter: rebuild the organisation with bench/cascade.py.")
    org = Organisation.current()
    last = KeyResult.objects.filter(cycle=quarter).aggregate(Max("last_check_in_at"))
    last_day = timezone.localtime(last["last_check_in_at__max"]).date()
    # The worst day: the first digest weekday at least 15 days after the last check-ins.
    worst = last_day + dt.timedelta(days=15)
    worst += dt.timedelta(days=(org.digest_weekday - worst.weekday()) % 7)
    if quarter.end_date < worst:
        Cycle.objects.filter(pk=quarter.pk).update(end_date=worst + dt.timedelta(days=7))
        if quarter.parent_id:
            Cycle.objects.filter(pk=quarter.parent_id, end_date__lt=worst).update(
                end_date=worst + dt.timedelta(days=7)
            )
    # The quiet digest day: the digest weekday of the week of the last check-ins, or after.
    quiet = last_day + dt.timedelta(days=(org.digest_weekday - last_day.weekday()) % 7)

    engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    people = Person.objects.filter(is_active=True).count()
    from lineofsight.goals.due import WEEKDAYS

    print(
        f"\nA reminder run at {people:,} people, {engine}: "
        f"{KeyResult.objects.filter(cycle=quarter).count():,} key results in {quarter.name}, "
        f"check-ins up to {last_day}, digests on {WEEKDAYS[org.digest_weekday]}s"
    )
    rows = [("the worst day", run_day(worst, args.runs)), ("a quiet digest day", run_day(quiet, 1))]
    header = (
        f"{'day':<20} {'date':<11} {'median':>8} {'max':>8}  {'plan':>6} {'queue':>6} "
        f"{'deliver':>7} {'rerun':>6}  {'reminders':>9} {'escalations':>11} {'digests':>7} "
        f"{'recipients':>10} {'SQL queries':>11}"
    )
    print(header)
    for label, r in rows:
        c, p = r["counts"], r["phases"]
        print(
            f"{label:<20} {r['today'].isoformat():<11} {statistics.median(r['total']):7.2f}s "
            f"{max(r['total']):7.2f}s  {p['plan']:5.2f}s {p['queue']:5.2f}s {p['deliver']:6.2f}s "
            f"{p['again']:5.2f}s  {c['reminder']:>9,} {c['escalation']:>11,} {c['digest']:>7,} "
            f"{r['recipients']:>10,} {r['queries']:>11,}"
        )
    print(
        f"(budget: a run for everyone under {BUDGET_S:g} s; times are wall-clock for deciding, "
        "writing the outbox in batches and sending every message through the immediate task "
        f"backend to an in-memory mailbox; {args.runs} runs of the worst day, each from an empty "
        "outbox; "
        "'rerun' is a second run the same day, which sends nothing)"
    )


if __name__ == "__main__":
    main()
