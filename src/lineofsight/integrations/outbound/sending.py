"""Posting one signed delivery to its receiver. No Django: address rules, time-out and clock
are arguments.

Follows no redirects (a 3xx answer is a failure, so a delivery cannot be bounced to another
address), reads at most a short excerpt of the answer, and reports every outcome (status,
duration, excerpt or error) instead of raising.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from lineofsight.integrations.outbound import signing

EXCERPT = 200


@dataclass(frozen=True)
class Outcome:
    ok: bool
    status: int | None
    duration_ms: int
    excerpt: str = ""
    error: str = ""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def _text(raw: bytes) -> str:
    return " ".join(raw.decode("utf-8", "replace").split())[:EXCERPT]


def post(
    url: str,
    body: bytes,
    *,
    secret: str,
    event: str,
    delivery_id: str,
    timeout: float,
    timestamp: int | None = None,
) -> Outcome:
    """POST the body, signed for ``timestamp`` (now by default)."""
    stamp = int(time.time()) if timestamp is None else timestamp
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "LineOfSight-Webhooks",
        signing.SIGNATURE_HEADER: signing.signature_header(secret, stamp, body),
        signing.EVENT_HEADER: event,
        signing.DELIVERY_HEADER: delivery_id,
    }
    if not url.startswith(("https://", "http://")):
        return Outcome(False, None, 0, error="The address is not an http(s) address.")
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked just above
        url, data=body, headers=headers, method="POST"
    )
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        with _opener.open(request, timeout=timeout) as response:
            status = int(response.status)
            excerpt = _text(response.read(EXCERPT * 2))
    except urllib.error.HTTPError as exc:
        try:
            excerpt = _text(exc.read(EXCERPT * 2))
        except OSError:
            excerpt = ""
        return Outcome(False, exc.code, elapsed(), excerpt, f"The receiver answered {exc.code}.")
    except urllib.error.URLError as exc:
        return Outcome(False, None, elapsed(), error=f"Could not connect: {exc.reason}"[:300])
    except TimeoutError:
        return Outcome(False, None, elapsed(), error=f"No answer within {timeout:g} seconds.")
    except OSError as exc:
        return Outcome(False, None, elapsed(), error=f"Could not connect: {exc}"[:300])
    ok = 200 <= status < 300
    return Outcome(ok, status, elapsed(), excerpt, "" if ok else f"The receiver answered {status}.")
