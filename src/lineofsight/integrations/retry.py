"""When a failed delivery is tried again. Pure: attempts in, seconds out.

A notification is tried up to ``MAX_ATTEMPTS`` times: after the first failure it waits a
minute, then five minutes, thirty minutes and two hours. After the last failed attempt it
stays *failed*, with its last error, for HR to see in the admin (and retry from there).
Some failures cannot get better by waiting (no email address, the chat channel was removed):
those fail at once.
"""

from __future__ import annotations

RETRY_DELAYS_SECONDS: tuple[int, ...] = (60, 300, 1800, 7200)
MAX_ATTEMPTS = len(RETRY_DELAYS_SECONDS) + 1


def retry_delay(attempts: int, *, permanent: bool = False) -> int | None:
    """Seconds to wait after ``attempts`` failed attempts, or None when there is no next
    attempt (the notification then stays failed)."""
    if permanent or attempts >= MAX_ATTEMPTS:
        return None
    if attempts < 1:
        return 0
    return RETRY_DELAYS_SECONDS[attempts - 1]


def jittered(delay: int, fraction: float, *, spread: float = 0.2) -> int:
    """``delay`` moved by up to ``spread`` either way, by ``fraction`` (0.0-1.0, e.g.
    ``random.random()``): receivers that failed together are not all retried at once."""
    fraction = min(max(fraction, 0.0), 1.0)
    return max(1, round(delay * (1 - spread + 2 * spread * fraction)))
