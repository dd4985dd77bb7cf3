"""Background work, through the Django Tasks API: one task per notification.

With the default immediate backend a task runs as soon as it is enqueued; set
``LOS_TASKS_BACKEND`` to a worker backend (the database or Redis) to run deliveries in a
worker instead. Either way the outcome of each attempt is kept on the notification's row.
"""

from __future__ import annotations

from django_tasks import task

from lineofsight.integrations import delivery


@task()
def deliver_notification(notification_id: int, attempt: int) -> str:
    """Try to send one notification (its ``attempt``-th try); see ``delivery.deliver``."""
    return delivery.deliver(notification_id, attempt)
