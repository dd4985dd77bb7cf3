"""``lineofsight organisation``: show and change the name and time zone."""

from __future__ import annotations

import pytest
from django.core.management.base import CommandError

from lineofsight.people.models import Organisation
from lineofsight.people.selectors import organisation_time_zone


def test_show(cast, run):
    out = run("organisation")
    assert "Name:      Acme" in out and "Time zone: UTC" in out


def test_change_name_and_time_zone(cast, run):
    out = run("organisation", "--name", "Acme Europe", "--time-zone", "Europe/Paris")
    assert "Updated the organisation." in out and "Europe/Paris" in out
    org = Organisation.current()
    assert (org.name, org.time_zone) == ("Acme Europe", "Europe/Paris")
    assert organisation_time_zone() == "Europe/Paris"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--time-zone", "Mars/Olympus"], "--time-zone: 'Mars/Olympus' is not a known time zone"),
        (["--name", "  "], "--name: Enter the organisation's name"),
        (["--name", "Fine", "--time-zone", "Nowhere"], "--time-zone"),
    ],
)
def test_refusals_change_nothing(cast, run, unchanged, args, message):
    with unchanged(), pytest.raises(CommandError, match=message):
        run("organisation", *args)
