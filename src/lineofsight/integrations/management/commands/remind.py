"""``lineofsight remind``: check-in reminders, escalations and the weekly digest.

Safe under cron: what a run decides to send is written to the outbox under a key naming the
recipient, the channel and the period, so running it again (the same day, or twice at once)
sends nothing twice. Each run then delivers what is due in the outbox, including earlier
failures whose retry time has come, and the webhook deliveries due (``integrations.outbound``;
a task worker sends them as they come, where there is one), and keeps the figures as of their
end of OKR cycles that ended under a launched review cycle (once). ``--loop`` runs it as a service.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lineofsight.core import words
from lineofsight.core.commands import parse_date
from lineofsight.core.loop import add_loop_arguments, check_loop_arguments, run_every
from lineofsight.goals import actions as goals_actions
from lineofsight.goals.due import fmt_day
from lineofsight.goals.tracking.check_ins_due import organisation_today
from lineofsight.integrations import actions, delivery, planning
from lineofsight.integrations.models import Notification
from lineofsight.integrations.outbound import dispatch as webhook_dispatch
from lineofsight.oneonones.actions import keep_next_meeting
from lineofsight.oneonones.selectors import running_series as one_on_one_series
from lineofsight.reviews.evidence.actions import keep_ended_figures

DEFAULT_INTERVAL = 300
BLOCKER = Notification.Kind.BLOCKER
KIND_LABELS = {
    Notification.Kind.REMINDER: "check-in reminders",
    Notification.Kind.ESCALATION: "escalations",
    Notification.Kind.DIGEST: "weekly digests",
    Notification.Kind.BLOCKER: "blocker escalations",
}


class Command(BaseCommand):
    help = (
        "Send check-in reminders, escalations after repeated misses, blocker escalations up "
        "the manager chain and managers' weekly digests (from the digest weekday on, once "
        "per week); then deliver whatever is due in the outbox. Safe to run as often as you "
        "like: nothing is sent twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print what would be sent, and send and record nothing.",
        )
        parser.add_argument(
            "--today",
            metavar="YYYY-MM-DD",
            help="Decide as if today were this day (in the organisation's time zone).",
        )
        add_loop_arguments(parser, default_interval=DEFAULT_INTERVAL)
        parser.add_argument(
            "--verbose-messages",
            action="store_true",
            help="With --dry-run, print each message's text as well as its subject.",
        )

    def handle(
        self,
        *args: Any,
        dry_run: bool,
        today: str | None,
        loop: bool,
        interval: int,
        runs: int | None,
        verbose_messages: bool,
        **options: Any,
    ) -> None:
        day = parse_date(today, "--today") if today else None
        if loop and day is not None:
            raise CommandError("--today: a loop follows the calendar; leave --today out.")
        if loop and dry_run:
            raise CommandError("--dry-run: a dry run is a single run; leave --loop out.")
        check_loop_arguments(loop=loop, interval=interval, runs=runs)
        if not loop:
            self.run_once(day, dry_run=dry_run, verbose=verbose_messages)
            return
        run_every(self, lambda: self.run_once(None, dry_run=False), interval=interval, runs=runs)

    # -- one run ---------------------------------------------------------------------------

    def run_once(self, day: dt.date | None, *, dry_run: bool, verbose: bool = False) -> None:
        started = time.perf_counter()
        today = day or organisation_today()
        if not dry_run:
            # Every running one-on-one series keeps its next meeting ahead.
            for series in one_on_one_series():
                keep_next_meeting(series)
        plan = planning.plan_run(today, site_url=settings.SITE_URL)
        if dry_run:
            self._print_dry_run(plan, verbose)
            return
        fresh = actions.queue_notifications(
            acting_user=None, messages=plan.messages, run=f"remind {today.isoformat()}"
        )
        escalated = [
            (step[0], message.recipient_id, step[1])
            for message in fresh
            if message.kind == Notification.Kind.BLOCKER
            and (step := planning.parse_blocker_key(message.dedupe_key)) is not None
        ]
        if escalated:
            goals_actions.record_blocker_escalations(escalated)
        report = delivery.deliver_due()
        hooks = webhook_dispatch.deliver_pending()
        queued = {kind: 0 for kind in Notification.Kind.values}
        for message in fresh:
            queued[message.kind] += 1
        before = _sent_before(plan)
        for message in fresh:
            before[message.kind] -= 1
        parts = [
            f"{queued[kind]} {KIND_LABELS[kind]} queued ({before[kind]} sent before)"
            for kind in (
                Notification.Kind.REMINDER,
                Notification.Kind.ESCALATION,
                Notification.Kind.DIGEST,
                Notification.Kind.BLOCKER,
            )
        ]
        if queued[Notification.Kind.ONE_ON_ONE]:
            parts.append(f"{queued[Notification.Kind.ONE_ON_ONE]} one-on-one reminders queued")
        if queued[Notification.Kind.DAILY]:
            daily = queued[Notification.Kind.DAILY]
            parts.append(
                words.count(daily, "daily inbox summary", "daily inbox summaries") + " queued"
            )
        self.stdout.write(f"{today.isoformat()}: " + "; ".join(parts) + "." + _week(plan))
        # The scheduled run also keeps the figures of OKR cycles that ended under a launched
        # review cycle (normally kept when the cycle closed or the review cycle launched).
        for kept in keep_ended_figures():
            self.stdout.write(
                f"Kept the figures of {kept.cycle.name} as of its end "
                f"({words.count(kept.objectives, 'objective')}, {kept.seconds:.1f} s)."
            )
        self.stdout.write(
            f"Delivery: {report.describe()}; {hooks.describe()}. "
            f"Done in {time.perf_counter() - started:.2f} s."
        )

    def _print_dry_run(self, plan: planning.RunPlan, verbose: bool) -> None:
        fresh_ids = set(actions.already_queued(plan.messages))
        pending = [m for m in plan.messages if m.identity not in fresh_ids]
        counts = {kind: 0 for kind in Notification.Kind.values}
        for message in pending:
            counts[message.kind] += 1
        before = len(plan.messages) - len(pending) + plan.digests_before
        self.stdout.write(
            f"Dry run for {plan.today.isoformat()}: would send "
            + ", ".join(f"{counts[k]} {KIND_LABELS[k]}" for k in KIND_LABELS if k != BLOCKER)
            + f" ({before} sent before)."
            + _week(plan)
            + f" Blocker escalations to send: {counts[BLOCKER]}."
            + (
                f" One-on-one reminders to send: {counts[Notification.Kind.ONE_ON_ONE]}."
                if counts[Notification.Kind.ONE_ON_ONE]
                else ""
            )
        )
        names = _names({m.recipient_id for m in pending})
        for message in pending:
            where = message.address or f"{message.channel} channel"
            self.stdout.write(
                f"  {message.kind:<10} to {names.get(message.recipient_id, '?')} "
                f"<{where}>: {message.subject}"
            )
            if verbose:
                for line in message.body.splitlines():
                    self.stdout.write(f"      {line}")
        self.stdout.write("Nothing was sent or recorded.")


def _sent_before(plan: planning.RunPlan) -> dict[str, int]:
    """What the plan holds per kind, with the digests earlier runs sent this digest week
    (those the plan leaves out); the caller takes away what this run queued."""
    total = plan.counts()
    total[Notification.Kind.DIGEST] += plan.digests_before
    return total


def _week(plan: planning.RunPlan) -> str:
    return f" Digest week from {fmt_day(plan.digest_week)}."


def _names(ids: set[int]) -> dict[int, str]:
    from lineofsight.people.models import Person

    return {p.pk: p.name for p in Person.objects.filter(pk__in=ids)}
