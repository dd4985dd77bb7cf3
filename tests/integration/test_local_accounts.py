"""The local-account actions: each checks whose account it is and leaves an audit row."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.core.models import AuditEvent
from lineofsight.people import security
from lineofsight.people.models import Organisation, SignInSession

from ..conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def _open_session(person, agent: str = "Firefox") -> SignInSession:  # type: ignore[no-untyped-def]
    store = SessionStore()
    store["x"] = 1
    store.create()
    now = timezone.now()
    return SignInSession.objects.create(
        person=person,
        session_key=store.session_key or "",
        started_at=now,
        last_seen_at=now,
        user_agent=agent,
    )


def test_nobody_changes_someone_elses_password_or_second_factor(cast):
    with pytest.raises(NotAllowed):
        security.change_own_password(
            acting_user=cast.hana, person=cast.ava, current=PASSWORD, new="x" * 12, repeat="x" * 12
        )
    with pytest.raises(NotAllowed):
        security.start_second_factor(acting_user=cast.hana, person=cast.ava)
    with pytest.raises(NotAllowed):
        security.revoke_session(acting_user=cast.hana, row=_open_session(cast.ava), current_id=None)
    assert not AuditEvent.objects.filter(action__startswith="person.s").exists()
    assert not AuditEvent.objects.filter(action="person.change_password").exists()


def test_a_wrong_current_password_changes_nothing(cast):
    with pytest.raises(InvalidInput) as exc:
        security.change_own_password(
            acting_user=cast.ava, person=cast.ava, current="nope", new="y" * 12, repeat="y" * 12
        )
    assert "old_password" in exc.value.errors
    cast.ava.refresh_from_db()
    assert cast.ava.check_password(PASSWORD)


def test_the_second_factor_lifecycle(cast):
    device = security.start_second_factor(acting_user=cast.ava, person=cast.ava)
    with pytest.raises(InvalidInput) as exc:
        security.confirm_second_factor(acting_user=cast.ava, person=cast.ava, code="12ab")
    assert "6-digit" in exc.value.errors["code"][0]
    codes = security.confirm_second_factor(
        acting_user=cast.ava, person=cast.ava, code=_code(device)
    )
    assert len(codes) == 10 and security.has_second_factor(cast.ava)
    with pytest.raises(InvalidInput):  # already on
        security.start_second_factor(acting_user=cast.ava, person=cast.ava)
    assert security.verify_second_step(cast.ava, codes[0]) == "recovery"
    assert security.verify_second_step(cast.ava, codes[0]) is None  # used up
    assert security.verify_second_step(cast.ava, "") is None
    # A wrong code slows the device down for a moment; a little later a recovery code works.
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=5)):
        security.disable_second_factor(acting_user=cast.ava, person=cast.ava, proof=codes[1])
    assert not security.has_second_factor(cast.ava)
    assert list(
        AuditEvent.objects.filter(subject_id=cast.ava.pk, action__startswith="person.second")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["person.second_factor_on", "person.second_factor_off"]


def test_only_hr_sets_the_rule_and_it_applies_to_hr_admins_only(cast):
    with pytest.raises(NotAllowed):
        security.set_hr_second_factor_rule(acting_user=cast.ava, required=True)
    assert not Organisation.objects.get().require_second_factor_for_hr
    security.set_hr_second_factor_rule(acting_user=cast.hana, required=True)
    assert security.second_factor_required(cast.hana)
    assert not security.second_factor_required(cast.ava)


def test_ending_sessions_deletes_them_from_the_store(cast):
    mine = _open_session(cast.ava)
    others = [_open_session(cast.ava), _open_session(cast.ava)]
    pias = _open_session(cast.pia)
    security.revoke_session(acting_user=cast.ava, row=others[0], current_id=mine.pk)
    assert not Session.objects.filter(session_key=others[0].session_key).exists()
    with pytest.raises(InvalidInput):  # already ended
        security.revoke_session(acting_user=cast.ava, row=others[0], current_id=mine.pk)
    with pytest.raises(InvalidInput):  # the one in use
        security.revoke_session(acting_user=cast.ava, row=mine, current_id=mine.pk)
    assert (
        security.end_other_sessions(acting_user=cast.ava, person=cast.ava, current_id=mine.pk) == 1
    )
    assert list(security.open_sessions(cast.ava)) == [mine]
    assert Session.objects.filter(session_key=mine.session_key).exists()
    assert Session.objects.filter(session_key=pias.session_key).exists()
