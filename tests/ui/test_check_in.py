"""The check-in form: fragment, htmx save with out-of-band updates, plain POST, errors."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from lineofsight.goals import actions
from lineofsight.goals.models import CheckIn, KeyResult, Objective

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def url(kr) -> str:
    return reverse("key-result-check-in", args=[kr.pk])


def test_form_fragment(cast, cascade, as_user, htmx):
    response = as_user(cast.ava).get(url(cascade.ava_opps), {"context": "home"}, **htmx)
    body = text(response)
    assert response.status_code == 200 and "<html" not in body
    assert f'hx-post="{url(cascade.ava_opps)}"' in body
    assert f'hx-target="#kr-{cascade.ava_opps.pk}"' in body
    assert 'name="value"' in body and 'name="done"' not in body
    assert 'name="confidence"' in body and "At risk" in body and "Off track" in body
    assert (
        'name="blocker_1"' in body and 'name="blocker_1_assignee"' in body and 'name="note"' in body
    )
    assert 'value="home"' in body
    assert "amendment_reason" not in body


def test_milestone_form_has_a_done_checkbox(cast, cascade, as_user, htmx):
    kr = KeyResult.objects.get(objective=cascade.platform)
    body = text(as_user(cast.dev).get(url(kr), **htmx))
    assert 'name="done"' in body and 'name="value"' not in body
    response = as_user(cast.dev).post(url(kr), {"done": "on", "confidence": "on_track"}, **htmx)
    assert response.status_code == 200
    kr.refresh_from_db()
    assert kr.done and kr.progress == 1.0


def test_htmx_check_in_returns_the_row_and_out_of_band_figures(cast, cascade, as_user, htmx):
    response = as_user(cast.ava).post(
        url(cascade.ava_opps),
        {"value": "15", "confidence": "at_risk", "note": "Sequence live", "context": "objective"},
        **htmx,
    )
    assert response.status_code == 200
    body = text(response)
    assert body.lstrip().startswith(f'<li class="kr-row" id="kr-{cascade.ava_opps.pk}"')
    assert f'id="objective-summary-{cascade.ava_obj.pk}" hx-swap-oob="true"' in body
    assert 'aria-valuenow="20"' in body  # (60 % + 0 + 0) / 3
    assert 'id="check-in-history" hx-swap-oob="true"' in body and "Sequence live" in body
    kr = KeyResult.objects.get(pk=cascade.ava_opps.pk)
    assert kr.current_value == 15 and kr.confidence == "at_risk"
    assert Objective.objects.get(pk=cascade.ava_obj.pk).progress == pytest.approx(0.2)
    # ...and the roll-up reached the Sales objective (mode: both) in the same request.
    assert Objective.objects.get(pk=cascade.sales.pk).progress == pytest.approx(0.1)


def test_htmx_check_in_from_my_okrs_returns_the_home_row(cast, cascade, as_user, htmx):
    response = as_user(cast.ava).post(
        url(cascade.ava_closes), {"value": "3", "confidence": "on_track", "context": "home"}, **htmx
    )
    body = text(response)
    assert response.status_code == 200
    assert f'id="kr-{cascade.ava_closes.pk}"' in body
    assert "of <a href" in body  # the My OKRs row names its objective
    assert f'id="objective-summary-{cascade.ava_obj.pk}" hx-swap-oob="true"' in body


def test_plain_post_redirects_back(cast, cascade, as_user):
    client = as_user(cast.ava)
    response = client.post(url(cascade.ava_opps), {"value": "5", "confidence": "on_track"})
    assert response.status_code == 302
    assert response["Location"] == reverse("objective", args=[cascade.ava_obj.pk])
    response = client.post(
        url(cascade.ava_opps), {"value": "6", "confidence": "on_track", "next": "/"}
    )
    assert response["Location"] == "/"
    response = client.post(
        url(cascade.ava_opps),
        {"value": "7", "confidence": "on_track", "next": "https://elsewhere.example/"},
    )
    assert response["Location"] == reverse("objective", args=[cascade.ava_obj.pk])
    assert CheckIn.objects.filter(key_result=cascade.ava_opps).count() == 3
    assert b"Check-in recorded" in client.get(response["Location"]).content


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"value": "", "confidence": "on_track"}, "value", "Enter the current value."),
        ({"value": "lots", "confidence": "on_track"}, "value", "Enter a number."),
        ({"value": "3", "confidence": "sunny"}, "confidence", "Select a valid choice."),
        ({"value": "3"}, "confidence", "This field is required."),
        ({"value": "3", "confidence": "on_track", "note": "x" * 10_001}, "note", "Keep it under"),
    ],
)
def test_errors_are_shown_inline_and_nothing_is_saved(
    cast, cascade, as_user, htmx, data, field, message
):
    response = as_user(cast.ava).post(url(cascade.ava_opps), data, **htmx)
    assert response.status_code == 422
    assert response["HX-Retarget"] == f"#checkin-slot-{cascade.ava_opps.pk}"
    assert response["HX-Reswap"] == "innerHTML"
    errors = response.context["form"].errors
    assert any(message in e for e in errors[field]), errors
    body = text(response)
    block = body.split(f'data-field="{field}"', 1)[1].split("</div>", 2)
    assert message.split(" (")[0] in "".join(block[:2])
    assert not CheckIn.objects.exists()
    # Without htmx the same error comes back on a full page.
    response = as_user(cast.ava).post(url(cascade.ava_opps), data)
    assert response.status_code == 422 and "<html" in text(response)
    assert not CheckIn.objects.exists()


def test_abandoned_key_result_error_is_reported(cast, cascade, as_user, htmx):
    actions.update_key_result(
        acting_user=cast.ava, key_result=cascade.ava_closes, state="abandoned", reason="Merged"
    )
    response = as_user(cast.ava).post(
        url(cascade.ava_closes), {"value": "1", "confidence": "on_track"}, **htmx
    )
    assert response.status_code == 422
    assert "takes no more check-ins" in text(response)
    assert not CheckIn.objects.exists()


def test_visible_but_not_mine_is_403(cast, cascade, as_user, htmx):
    client = as_user(cast.otto)
    assert client.get(url(cascade.ava_opps), **htmx).status_code == 403
    response = client.post(url(cascade.ava_opps), {"value": "3", "confidence": "on_track"})
    assert response.status_code == 403
    assert not CheckIn.objects.exists()


def test_invisible_is_404(cast, cascade, as_user):
    actions.update_objective(acting_user=cast.ava, objective=cascade.ava_obj, visibility="private")
    client = as_user(cast.otto)
    assert client.get(url(cascade.ava_opps)).status_code == 404
    response = client.post(url(cascade.ava_opps), {"value": "3", "confidence": "on_track"})
    assert response.status_code == 404
    assert client.post(reverse("key-result-check-in", args=[999999])).status_code == 404


def test_closed_cycle_hr_amends_with_a_reason(cast, as_user, htmx):
    objective = actions.create_objective(
        acting_user=cast.hana,
        title="Hire two counsel",
        level="individual",
        cycle=cast.q3,
        owner_person=cast.otto,
        amendment_reason="Backfilling Q3",
    )
    kr = actions.create_key_result(
        acting_user=cast.hana,
        objective=objective,
        title="Offers accepted",
        kind="increase",
        start_value=0,
        target_value=2,
        owner=cast.otto,
        amendment_reason="Backfilling Q3",
    )
    # The owner may not check in any more: the cycle is closed.
    assert as_user(cast.otto).get(url(kr), **htmx).status_code == 403
    assert (
        as_user(cast.otto).post(url(kr), {"value": "1", "confidence": "on_track"}).status_code
        == 403
    )
    client = as_user(cast.hana)
    assert 'name="amendment_reason"' in text(client.get(url(kr), **htmx))
    response = client.post(url(kr), {"value": "1", "confidence": "on_track"}, **htmx)
    assert response.status_code == 422
    assert "say why you are amending it" in " ".join(
        response.context["form"].errors["amendment_reason"]
    )
    assert not CheckIn.objects.exists()
    response = client.post(
        url(kr),
        {"value": "1", "confidence": "on_track", "amendment_reason": "Late offer letter"},
        **htmx,
    )
    assert response.status_code == 200
    assert CheckIn.objects.get().amendment_reason == "Late offer letter"
