"""A mail backend whose server is down: every send raises, as an unreachable SMTP server does."""

from __future__ import annotations

from typing import Any

from django.core.mail.backends.base import BaseEmailBackend


class Backend(BaseEmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        raise ConnectionRefusedError("Connection refused (the mail server is down)")
