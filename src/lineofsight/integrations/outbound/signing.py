"""Signing a delivery and checking a signature. Pure: no Django, no clock (times are
arguments).

Every delivery carries ``X-LineOfSight-Signature: t=<unix seconds>,v1=<hex>`` where the hex is
the HMAC-SHA256, keyed with the subscription's secret, of ``"<t>.<raw body>"``. A receiver
recomputes it over the body exactly as received and refuses a signature whose time is further
than its tolerance from its own clock, so a captured request cannot be replayed later.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SIGNATURE_HEADER = "X-LineOfSight-Signature"
EVENT_HEADER = "X-LineOfSight-Event"
DELIVERY_HEADER = "X-LineOfSight-Delivery"
SECRET_PREFIX = "whsec_"  # noqa: S105 - a marker, not a secret
DEFAULT_TOLERANCE_SECONDS = 300


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    message = str(int(timestamp)).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={int(timestamp)},v1={signature(secret, timestamp, body)}"


class InvalidSignature(Exception):
    """The signature is missing, malformed, wrong, or too old (or from the future)."""


def verify(
    secret: str,
    header: str,
    body: bytes,
    *,
    now: float,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
) -> int:
    """Check a signature header against the body; return its timestamp or raise
    ``InvalidSignature``. Any ``v1`` value may match (there is one per live secret)."""
    timestamp: int | None = None
    candidates: list[str] = []
    for part in (header or "").split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1" and value:
            candidates.append(value)
    if timestamp is None or not candidates:
        raise InvalidSignature("The signature header is malformed.")
    if abs(now - timestamp) > tolerance:
        raise InvalidSignature("The signature's time is outside the tolerance (a replay?).")
    expected = signature(secret, timestamp, body)
    if not any(hmac.compare_digest(expected, c) for c in candidates):
        raise InvalidSignature("The signature does not match the body.")
    return timestamp
