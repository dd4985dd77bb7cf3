"""``lineofsight people remove-second-factor``: the operator's way back in for someone who
lost both their authenticator app and their recovery codes."""

from __future__ import annotations

import pytest
from django.core.management.base import CommandError

from lineofsight.core.models import AuditEvent
from lineofsight.people import security


def test_the_operator_removes_a_lost_second_factor(cast, run):
    security.start_second_factor(acting_user=cast.ava, person=cast.ava)
    device = security.pending_device(cast.ava)
    assert device is not None
    device.confirmed = True
    device.save()
    assert security.has_second_factor(cast.ava)
    out = run("people", "remove-second-factor", "ava")
    assert out == "Removed ava's second factor.\n"
    assert not security.has_second_factor(cast.ava)
    event = AuditEvent.objects.get(action="person.second_factor_remove")
    assert event.actor is None and event.data == {"had_one": True}
    again = run("people", "remove-second-factor", "ava")
    assert "had no second factor" in again


def test_an_unknown_username_is_named(cast, run):
    with pytest.raises(CommandError, match="USERNAME"):
        run("people", "remove-second-factor", "nobody")
