"""Tasks and a mail backend for the worker's tests (importable by a worker process).

``HeldMail`` holds every send while the file ``hold`` exists in the folder named by
``LOS_TEST_MAIL_DIR`` (writing ``started-<pid>`` so the test knows a worker is inside the
send), then appends each message's Message-ID, recipient and subject to ``sent.log`` there:
a mail server the test can pause and read.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend
from django_tasks import task


class HeldMail(BaseEmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        folder = Path(os.environ["LOS_TEST_MAIL_DIR"])
        hold = folder / "hold"
        if hold.exists():
            (folder / f"started-{os.getpid()}").write_text("")
            while hold.exists():
                time.sleep(0.05)
        with open(folder / "sent.log", "a", encoding="utf-8") as log:
            for message in email_messages:
                log.write(
                    f"{message.extra_headers['Message-ID']} {message.to[0]} {message.subject}\n"
                )
        return len(email_messages)


@task()
def echo(n: int) -> int:
    """A task whose result is its argument: many of them show who ran what."""
    return n


@task()
def long_job(folder: str) -> str:
    """A recurring job that runs until the file ``job-hold`` in ``folder`` is gone (writing
    ``job-started`` first), as planning 10,000 people's reminders takes a while."""
    hold = Path(folder) / "job-hold"
    (Path(folder) / "job-started").write_text("")
    while hold.exists():
        time.sleep(0.05)
    return "done"
