"""Errors raised by actions; the UI, API and CLI translate them for their users."""

from __future__ import annotations

from collections.abc import Mapping


class ActionError(Exception):
    """Base class for a write that was refused. Nothing was changed."""


class InvalidInput(ActionError):
    """Bad input. ``errors`` maps a field name (or ``__all__``) to messages."""

    def __init__(self, errors: Mapping[str, str | list[str]]) -> None:
        self.errors: dict[str, list[str]] = {
            key: [value] if isinstance(value, str) else list(value) for key, value in errors.items()
        }
        super().__init__(self.summary())

    @classmethod
    def one(cls, field: str, message: str) -> InvalidInput:
        return cls({field: message})

    def summary(self) -> str:
        """Every message as a sentence of its own: "title: Enter a title. Target: ..." """
        return " ".join(
            _sentence(f"{field}: {msg}" if field != "__all__" else msg)
            for field, msgs in self.errors.items()
            for msg in msgs
        )


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?", "\u2026", "\u201d", ")")) else f"{text}."


class Conflict(InvalidInput):
    """A write based on a version of the thing that is no longer the latest (someone saved
    it since it was read). Nothing was changed; the caller shows the newer version."""


class NotAllowed(ActionError):
    """The person may see the thing but may not make this change."""


class NotFound(ActionError):
    """Missing, or not visible to this person (the two are never told apart)."""
