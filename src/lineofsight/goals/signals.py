"""Signals other parts of the product listen to.

``cycle_closed`` is sent inside the transaction that closes an OKR cycle (``cycle=``); a
receiver that starts slow work should wait for the commit (``transaction.on_commit``).
"""

from __future__ import annotations

from django.dispatch import Signal

cycle_closed = Signal()
