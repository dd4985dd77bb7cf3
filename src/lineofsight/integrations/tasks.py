"""The integrations app's recurring tasks, enqueued by the worker's schedule (core.schedule).

* ``send_reminders``: ``lineofsight remind`` as a task (every ``LOS_REMIND_INTERVAL``
  seconds, 300 by default): reminders, escalations, digests, one-on-one reminders.
* ``deliver_outbox``: hands every notification whose time has come to delivery (every
  ``LOS_DELIVERY_INTERVAL`` seconds, 60 by default), retries included.
* ``keep_end_of_cycle_figures``: keeps the figures of OKR cycles that ended under a
  launched review cycle (every ``LOS_END_FIGURES_INTERVAL`` seconds, an hour by default).
"""

from __future__ import annotations

import io

from django.core.management import call_command
from django_tasks import task

from lineofsight.integrations import delivery
from lineofsight.reviews.evidence.actions import keep_ended_figures


@task()
def send_reminders() -> str:
    out = io.StringIO()
    call_command("remind", stdout=out)
    return out.getvalue().strip()[-2000:]


@task()
def deliver_outbox() -> str:
    return delivery.deliver_due().describe()


@task()
def keep_end_of_cycle_figures() -> str:
    kept = keep_ended_figures()
    return ", ".join(k.cycle.name for k in kept) or "nothing to keep"
