"""Ids no database can hold and days out of reach, typed into query strings and form fields:
each page answers a clear 4xx naming the field (or "not found" for a thing looked up by id),
never a server error; and no explanation answers as if it knew the future."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from lineofsight.reviews.models import CalibrationSession, ReviewCycle

from ..reviews import build_review_cycle, default_template

pytestmark = pytest.mark.django_db

PAST_SQLITE = str(2**63 + 5)  # one past the largest 64-bit integer
HUGE = str(2**70)
TODAY = dt.date(2026, 11, 23)  # the suite's clock


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# -- "as of" on the explanation pages ----------------------------------------------------


def _explain_urls(cascade) -> list[str]:
    return [
        reverse("objective-explain", args=[cascade.company.pk]),
        reverse("key-result-explain", args=[cascade.logos.pk]),
    ]


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_a_day_out_of_reach_is_refused_on_the_as_of_field(cast, cascade, as_user, day):
    client = as_user(cast.ava)
    for url in _explain_urls(cascade):
        response = client.get(url, {"as_of": day})
        assert response.status_code == 400
        assert "Enter a date in the years 1900 to 9998." in text(response)


@pytest.mark.parametrize("day", ["2030-01-01", (TODAY + dt.timedelta(days=1)).isoformat()])
def test_a_future_as_of_is_refused_and_says_why(cast, cascade, as_user, day):
    client = as_user(cast.ava)
    for url in _explain_urls(cascade):
        response = client.get(url, {"as_of": day})
        assert response.status_code == 400
        body = text(response)
        assert f"{day} is in the future; figures are known up to today" in body
        # The page falls back to the figure as it is now, not a guess about that day.
        assert response.context["historical"] is False


def test_today_and_past_days_are_answered(cast, cascade, as_user):
    client = as_user(cast.ava)
    for url in _explain_urls(cascade):
        for day in (TODAY.isoformat(), "2026-10-15"):
            assert client.get(url, {"as_of": day}).status_code == 200


# -- ids in query strings -------------------------------------------------------------------


@pytest.mark.parametrize("big", [PAST_SQLITE, HUGE, "²"])
def test_ids_out_of_range_in_query_strings_are_not_found(cast, cascade, as_user, big):
    client = as_user(cast.hana)
    pages = [
        (reverse("home"), {"cycle": big}),
        (reverse("tree"), {"cycle": big}),
        (reverse("objective-new"), {"parent": big}),
        (reverse("objective-new"), {"parent_kr": big}),
        (reverse("cycle-close-out", args=[cast.q3.pk]), {"person": big}),
        (reverse("coach-health"), {"cycle": big}),
    ]
    for url, params in pages:
        assert client.get(url, params).status_code == 404, (url, params)


@pytest.mark.parametrize("big", [PAST_SQLITE, HUGE])
def test_ids_out_of_range_in_forms_and_lists_are_refused(cast, cascade, as_user, big):
    client = as_user(cast.hana)
    assert client.post(reverse("check-in"), {"rows": [big]}).status_code == 404
    # A nominee out of range is no nominee: the form asks for one.
    response = client.get(reverse("spot-bonus-nomination-new"), {"person": big})
    assert response.status_code == 200
    response = client.get(reverse("calibration-session-new"), {"cycle": big})
    assert response.status_code == 200


@pytest.mark.parametrize("raw", ["\u00b2", PAST_SQLITE])
def test_a_feedback_id_that_is_no_id_is_not_found(cast, as_user, raw):
    # "\u00b2" (superscript two) passes str.isdigit() but is no number.
    setup = build_review_cycle(cast)
    response = as_user(cast.hana).get(
        reverse("review-amend", args=[setup["ava"].pk]), {"feedback": raw}
    )
    assert response.status_code == 404


# -- model choices: the review cycle and calibration forms ------------------------------------


def _field_block(page: str, field: str) -> str:
    found = re.search(rf'data-field="{field}">(.*?)(data-field=|</form>)', page)
    assert found, field
    return found.group(1)


@pytest.mark.parametrize("big", [PAST_SQLITE, HUGE])
def test_the_new_review_cycle_form_names_each_out_of_range_choice(cast, as_user, big):
    default_template()
    response = as_user(cast.hana).post(
        reverse("review-cycle-new"),
        {
            "name": "Q4 reviews",
            "kind": "quarterly",
            "goal_cycle": big,
            "next_goal_cycle": big,
            "template": big,
            "population": "teams",
            "population_teams": [big],
            "self_review_due": "2026-12-01",
            "peer_feedback_due": "2026-12-05",
            "manager_review_due": "2026-12-10",
            "calibration_due": "2026-12-15",
            "sharing_due": "2026-12-20",
        },
    )
    assert response.status_code == 422
    page = text(response)
    for field in ("goal_cycle", "next_goal_cycle", "template", "population_teams"):
        assert "Select a valid choice" in _field_block(page, field), field
    assert not ReviewCycle.objects.exists()


@pytest.mark.parametrize("big", [PAST_SQLITE, HUGE])
def test_the_population_preview_names_the_teams_field(cast, as_user, htmx, big):
    response = as_user(cast.hana).get(
        reverse("review-cycle-population"),
        {"population": "teams", "population_teams": [cast.sales.pk, big]},
        **htmx,
    )
    assert response.status_code == 422
    assert "Teams: Select a valid choice" in text(response)


@pytest.mark.parametrize("big", [PAST_SQLITE, HUGE])
def test_the_new_calibration_session_form_names_each_out_of_range_choice(cast, as_user, big):
    build_review_cycle(cast)
    response = as_user(cast.hana).post(
        reverse("calibration-session-new"),
        {
            "review_cycle": big,
            "name": "Sales calibration",
            "facilitator": big,
            "participants": [big],
            "population_teams": [big],
            "grid": "rating_attainment",
        },
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    for field in ("review_cycle", "facilitator", "participants", "population_teams"):
        assert "Select a valid choice" in " ".join(errors[field]), field
    assert not CalibrationSession.objects.exists()
