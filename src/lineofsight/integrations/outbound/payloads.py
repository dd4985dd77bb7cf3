"""What a delivery says about its subject, as its subscription's owner would read it.

The REST API fills this hook when Django starts (``api.apps``): it builds each subject's
representation through the API's own selectors and schemas as the owner, so a delivery never
carries more than the owner could read with their token, and nothing at all about a subject
they may not see. Without the hook nothing is sent (the check fails closed).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lineofsight.people.models import Person

# (owner, subject kind, subject id) -> the subject's JSON-ready representation, or None
# when the owner may not see it (or it no longer exists).
Builder = Callable[["Person", str, int], "dict[str, Any] | None"]

_builder: list[Builder] = []


def install(builder: Builder) -> None:
    _builder[:] = [builder]


def build(owner: Person, subject_kind: str, subject_id: int) -> dict[str, Any] | None:
    if not _builder or not owner.is_active:
        return None
    return _builder[0](owner, subject_kind, subject_id)
