"""Gunicorn settings for serving Line of Sight in production.

    gunicorn lineofsight.wsgi --config python:lineofsight.gunicorn_config --bind ... --workers ...

Gunicorn's access log stays off: the product logs every request itself, with its request id
and the person's id (``LOS_REQUEST_LOG``). With ``PROMETHEUS_MULTIPROC_DIR`` set, the files
of a worker that stopped are marked dead, so the metrics summed over the workers stay right
as gunicorn replaces them.
"""

from __future__ import annotations

import os
from typing import Any

accesslog = None
# Errors and gunicorn's own messages to standard error, with the product's.
errorlog = "-"


def child_exit(server: Any, worker: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]
