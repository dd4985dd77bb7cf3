"""The sign-in page with single sign-on, and HR's sign-in settings, in Chromium at a laptop's
and a phone's size: the providers' buttons read in full and span the card, the password form
waits behind "Break-glass administrators" while sign-in is SSO only, and a break-glass admin
signs in through it."""

from __future__ import annotations

import pytest

from lineofsight.people.models import IdentityProvider, Organisation, Person

from ..conftest import PASSWORD
from .layout import assert_readable

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = [(1366, 768), (390, 844)]


def test_the_sign_in_page_offers_the_providers_and_hides_passwords_when_sso_only(
    cast, web, live_server
):
    for name, slug in (("Microsoft Entra ID", "entra"), ("Okta", "okta")):
        IdentityProvider.objects.create(
            name=name,
            slug=slug,
            issuer=f"https://{slug}.example.com",
            client_id="line-of-sight",
            authorization_endpoint=f"https://{slug}.example.com/authorize",
        )
    Person.objects.filter(pk=cast.hana.pk).update(break_glass=True)
    Organisation.objects.update(sso_only=True)
    for width, height in SIZES:
        web.set_viewport_size({"width": width, "height": height})
        web.context.clear_cookies()
        web.goto(f"{live_server.url}/login/")
        card = web.locator("section.card").bounding_box()
        assert card is not None
        for name in ("Microsoft Entra ID", "Okta"):
            button = web.get_by_role("link", name=f"Sign in with {name}")
            box = button.bounding_box()
            assert box is not None and box["width"] > card["width"] * 0.8, (width, name)
        assert web.get_by_label("Username").is_hidden()  # behind the break-glass disclosure
        assert_readable(web)
        web.get_by_text("Break-glass administrators").click()
        web.get_by_label("Username").fill("hana")
        web.get_by_label("Password").fill(PASSWORD)
        web.get_by_role("button", name="Sign in", exact=True).click()
        web.wait_for_url(f"{live_server.url}/")
        web.goto(f"{live_server.url}/organisation/sign-in/")
        assert web.get_by_role("heading", name="Single sign-on providers").is_visible()
        assert web.locator('[data-break-glass="hana"]').is_visible()
        assert_readable(web)
