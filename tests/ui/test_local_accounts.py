"""Local accounts: changing one's password, the second factor (and the sign-in's second step),
and one's signed-in sessions."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from lineofsight.core.models import AuditEvent
from lineofsight.people import security
from lineofsight.people.models import SignInSession

from ..conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-much-longer-passphrase-7"


def _code(device: TOTPDevice, drift: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + drift * device.step
    return f"{totp.token():0{device.digits}d}"


def _sign_in(client: Client, username: str = "ava", password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post(reverse("login"), {"username": username, "password": password})


def _enrol(client: Client, person) -> tuple[TOTPDevice, list[str]]:  # type: ignore[no-untyped-def]
    client.post(reverse("security"), {"step": "start"})
    device = TOTPDevice.objects.get(user=person, confirmed=False)
    page = client.get(reverse("security")).content.decode()
    assert "otpauth://totp/" in page and "<svg" in page
    response = client.post(reverse("security"), {"step": "confirm", "code": _code(device)})
    assert response.status_code == 200
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", response.content.decode())
    device.refresh_from_db()
    return device, codes


# -- Password --------------------------------------------------------------------------------


def test_changing_the_password_keeps_this_session_and_ends_the_others(client, cast):
    other = Client(HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0")
    assert _sign_in(other).status_code == 302
    assert _sign_in(client).status_code == 302
    response = client.post(
        reverse("password-change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200  # still signed in here
    assert other.get(reverse("home")).status_code == 302  # signed out there
    cast.ava.refresh_from_db()
    assert cast.ava.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.get(action="person.change_password")
    assert event.actor == cast.ava and NEW_PASSWORD not in str(event.data)
    assert PASSWORD not in str(event.data)
    assert security.open_sessions(cast.ava).count() == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
            "old_password",
            "not your current password",
        ),
        (
            {
                "old_password": PASSWORD,
                "new_password1": NEW_PASSWORD,
                "new_password2": "other-one-9x",
            },
            "new_password2",
            "do not match",
        ),
        (
            {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"},
            "new_password1",
            "too short",
        ),
        (
            {"old_password": PASSWORD, "new_password1": "", "new_password2": ""},
            "new_password1",
            "required",
        ),
    ],
)
def test_a_bad_password_change_names_the_field_and_changes_nothing(
    as_user, cast, data, field, message
):
    client = as_user(cast.ava)
    response = client.post(reverse("password-change"), data)
    assert response.status_code == 422
    text = response.content.decode()
    block = text.split(f'data-field="{field}"', 1)[1].split("</div>", 1)[0]
    assert message in block
    cast.ava.refresh_from_db()
    assert cast.ava.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action="person.change_password").exists()


# -- Second factor ---------------------------------------------------------------------------


def test_enrolling_asks_for_a_first_code_and_shows_ten_recovery_codes_once(as_user, cast):
    client = as_user(cast.ava)
    client.post(reverse("security"), {"step": "start"})
    wrong = client.post(reverse("security"), {"step": "confirm", "code": "000000"})
    assert wrong.status_code == 422 and "That code is not right" in wrong.content.decode()
    assert not security.has_second_factor(cast.ava)
    device, codes = _enrol(client, cast.ava)
    assert device.confirmed and len(set(codes)) == 10
    assert security.recovery_codes_left(cast.ava) == 10
    again = client.get(reverse("security")).content.decode()
    assert codes[0] not in again and "10 recovery codes left" in again
    event = AuditEvent.objects.get(action="person.second_factor_on")
    assert device.key not in str(event.data) and codes[0] not in str(event.data)


def test_sign_in_asks_for_the_code_after_the_password(client, cast):
    helper = Client()
    helper.force_login(cast.ava)
    device, codes = _enrol(helper, cast.ava)

    first = _sign_in(client)
    assert first.status_code == 302 and first["Location"] == reverse("login-code")
    assert client.get(reverse("home")).status_code == 302  # not signed in yet
    step = client.get(reverse("login-code"))
    assert step.status_code == 200 and "Enter your code" in step.content.decode()

    wrong = client.post(reverse("login-code"), {"code": "123456"})
    assert wrong.status_code == 422
    assert "That code is not right" in wrong.content.decode()
    assert client.get(reverse("home")).status_code == 302

    # django-otp slows the device down after a wrong code, and refuses a code used already
    # (the enrolment's): the next time step's code, a little later, signs in.
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=device.step + 1)):
        right = client.post(reverse("login-code"), {"code": _code(device)})
    assert right.status_code == 302 and right["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_a_recovery_code_signs_in_once(client, cast):
    helper = Client()
    helper.force_login(cast.ava)
    _device, codes = _enrol(helper, cast.ava)
    _sign_in(client)
    assert client.post(reverse("login-code"), {"code": codes[3]}).status_code == 302
    assert security.recovery_codes_left(cast.ava) == 9
    again = Client()
    _sign_in(again)
    assert again.post(reverse("login-code"), {"code": codes[3]}).status_code == 422


def test_wrong_codes_are_throttled_like_passwords(client, cast):
    helper = Client()
    helper.force_login(cast.ava)
    device, _codes = _enrol(helper, cast.ava)
    _sign_in(client)
    statuses = [
        client.post(reverse("login-code"), {"code": "111111"}).status_code for _ in range(5)
    ]
    assert statuses[:4] == [422] * 4 and statuses[4] == 429
    locked = client.post(reverse("login-code"), {"code": _code(device)})
    assert locked.status_code == 429 and "Signing in is locked" in locked.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_the_second_step_without_a_password_first_goes_back_to_sign_in(client, cast):
    response = client.post(reverse("login-code"), {"code": "123456"})
    assert response.status_code == 302 and response["Location"] == reverse("login")


def test_turning_the_second_factor_off_needs_a_code_or_the_password(as_user, cast):
    client = as_user(cast.ava)
    device, _codes = _enrol(client, cast.ava)
    refused = client.post(reverse("security"), {"step": "disable", "proof": "guess"})
    assert refused.status_code == 422
    assert "neither a current code nor your password" in refused.content.decode()
    assert security.has_second_factor(cast.ava)
    assert (
        client.post(reverse("security"), {"step": "disable", "proof": PASSWORD}).status_code == 302
    )
    assert not security.has_second_factor(cast.ava)
    assert security.recovery_codes_left(cast.ava) == 0
    assert AuditEvent.objects.filter(action="person.second_factor_off").count() == 1


def test_hr_can_require_a_second_factor_for_hr_admins(as_user, cast):
    client = as_user(cast.hana)
    assert (
        client.post(
            reverse("security"), {"step": "rule", "require_second_factor_for_hr": "on"}
        ).status_code
        == 302
    )
    event = AuditEvent.objects.get(action="organisation.second_factor_rule")
    assert event.data["require_second_factor_for_hr"]["to"] is True
    # Hana has no device: every other page sends her to set one up.
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("security")
    assert client.get(reverse("security")).status_code == 200
    assert client.get("/api/me").status_code == 403
    # An employee is not affected; nor is an API token.
    assert Client().get(reverse("home")).status_code == 302
    ava = Client()
    ava.force_login(cast.ava)
    assert ava.get(reverse("home")).status_code == 200
    _enrol(client, cast.hana)
    assert client.get(reverse("home")).status_code == 200


def test_only_hr_changes_the_rule(as_user, cast):
    client = as_user(cast.ava)
    response = client.post(
        reverse("security"), {"step": "rule", "require_second_factor_for_hr": "on"}
    )
    assert response.status_code == 403
    assert "hr-rule" not in client.get(reverse("security")).content.decode()


# -- Sessions --------------------------------------------------------------------------------


def test_sessions_are_listed_and_one_can_be_signed_out(client, cast):
    phone = Client(HTTP_USER_AGENT="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Safari/604.1")
    _sign_in(phone)
    _sign_in(client, "ava")
    page = client.get(reverse("sessions")).content.decode()
    assert "Safari on iPhone" in page and "This one" in page and "127.0.0.1" in page
    assert "Last seen" in page and "Signed in" in page
    phone_row = SignInSession.objects.get(person=cast.ava, user_agent__contains="iPhone")
    response = client.post(reverse("session-revoke", args=[phone_row.pk]))
    assert response.status_code == 302
    assert phone.get(reverse("home")).status_code == 302  # signed out at its next request
    assert client.get(reverse("home")).status_code == 200
    assert AuditEvent.objects.filter(action="person.session_revoke").count() == 1


def test_signing_out_all_other_sessions(client, cast):
    others = [Client(), Client()]
    for other in others:
        _sign_in(other)
    _sign_in(client)
    assert client.post(reverse("session-revoke-others")).status_code == 302
    assert all(o.get(reverse("home")).status_code == 302 for o in others)
    assert client.get(reverse("home")).status_code == 200
    event = AuditEvent.objects.get(action="person.session_revoke_others")
    assert len(event.data["sessions"]) == 2


def test_nobody_signs_out_someone_elses_session(client, cast):
    _sign_in(client, "pia")
    pia_row = SignInSession.objects.get(person=cast.pia)
    ava = Client()
    ava.force_login(cast.ava)
    assert ava.post(reverse("session-revoke", args=[pia_row.pk])).status_code == 404
    assert client.get(reverse("home")).status_code == 200


def test_the_session_in_use_is_not_revoked_from_the_list(client, cast):
    _sign_in(client)
    row = SignInSession.objects.get(person=cast.ava)
    client.post(reverse("session-revoke", args=[row.pk]))
    assert client.get(reverse("home")).status_code == 200


def test_signing_out_ends_the_session_row(client, cast):
    _sign_in(client)
    client.post(reverse("logout"))
    assert security.open_sessions(cast.ava).count() == 0


def test_the_admin_has_no_pages_for_second_factor_devices():
    from django.contrib import admin
    from django_otp.plugins.otp_static.models import StaticDevice

    assert not admin.site.is_registered(TOTPDevice)
    assert not admin.site.is_registered(StaticDevice)
