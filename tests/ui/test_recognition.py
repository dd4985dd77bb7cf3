"""Recognition pages through the test client: kudos on a person's page and a key result's,
and spot-bonus nominations."""

from __future__ import annotations

import pytest

from lineofsight.goals import actions as goal_actions
from lineofsight.reviews.models import Kudos, SpotBonusNomination

pytestmark = pytest.mark.django_db


def test_giving_kudos_from_a_person_page(cast, cascade, as_user):
    client = as_user(cast.pia)
    person_page = client.get(f"/people/{cast.ava.pk}/").content.decode()
    assert f'hx-get="/people/{cast.ava.pk}/kudos/"' in person_page
    form = client.get(f"/people/{cast.ava.pk}/kudos/").content.decode()
    assert "Give kudos to Ava Adams" in form
    assert cascade.ava_opps.title in form  # her key results to choose from
    bad = client.post(f"/people/{cast.ava.pk}/kudos/", {"message": ""})
    assert bad.status_code == 422 and not Kudos.objects.exists()
    done = client.post(
        f"/people/{cast.ava.pk}/kudos/",
        {"message": "Great discovery calls.", "key_result": cascade.ava_opps.pk},
    )
    assert done.status_code == 302
    kudos = Kudos.objects.get()
    assert (kudos.author, kudos.recipient, kudos.key_result) == (
        cast.pia,
        cast.ava,
        cascade.ava_opps,
    )
    fragment = as_user(cast.otto).get(f"/people/{cast.ava.pk}/kudos/", HTTP_HX_REQUEST="true")
    body = fragment.content.decode()
    assert "<html" not in body and "Great discovery calls." in body


def test_no_kudos_form_on_ones_own_page(cast, as_user):
    client = as_user(cast.ava)
    page = client.get(f"/people/{cast.ava.pk}/kudos/").content.decode()
    assert "Give kudos" not in page and "Nominate" not in page
    assert client.post(f"/people/{cast.ava.pk}/kudos/", {"message": "Me"}).status_code == 403


def test_kudos_on_a_key_result_go_to_its_owner_or_an_initiative_owner(cast, cascade, as_user):
    goal_actions.create_initiative(
        acting_user=cast.ava, key_result=cascade.ava_opps, title="Webinar", owner=cast.pia
    )
    objective_page = as_user(cast.otto).get(f"/objectives/{cascade.ava_obj.pk}/").content
    assert f"/key-results/{cascade.ava_opps.pk}/kudos/" in objective_page.decode()
    client = as_user(cast.sam)
    page = client.get(f"/key-results/{cascade.ava_opps.pk}/kudos/").content.decode()
    assert "Ava Adams" in page and "Pia Park" in page
    done = client.post(
        f"/key-results/{cascade.ava_opps.pk}/kudos/",
        {"recipient": cast.pia.pk, "message": "The webinar filled the pipeline."},
    )
    assert done.status_code == 302
    assert Kudos.objects.get().key_result == cascade.ava_opps
    bad = client.post(
        f"/key-results/{cascade.ava_opps.pk}/kudos/",
        {"recipient": cast.otto.pk, "message": "Not a contributor"},
    )
    assert bad.status_code == 422 and Kudos.objects.count() == 1


def test_nominations_from_new_to_decided(cast, as_user):
    pia = as_user(cast.pia)
    new = pia.get(f"/recognition/nominations/new/?person={cast.ava.pk}")
    assert new.status_code == 200 and "never the nominee" in new.content.decode()
    bad = pia.post(f"/recognition/nominations/new/?person={cast.ava.pk}", {"nominee": cast.ava.pk})
    assert bad.status_code == 422 and not SpotBonusNomination.objects.exists()
    made = pia.post(
        f"/recognition/nominations/new/?person={cast.ava.pk}",
        {"nominee": cast.ava.pk, "reason": "Saved the Globex renewal."},
    )
    nomination = SpotBonusNomination.objects.get()
    assert made.status_code == 302 and made.url == f"/recognition/nominations/{nomination.pk}/"
    detail = f"/recognition/nominations/{nomination.pk}/"
    assert as_user(cast.ava).get(detail).status_code == 404
    assert as_user(cast.otto).get(detail).status_code == 404
    assert "Saved the Globex renewal." in as_user(cast.sam).get(detail).content.decode()
    assert as_user(cast.sam).post(detail + "decide/", {"decision": "approved"}).status_code == 403
    hana = as_user(cast.hana)
    assert "Save the decision" in hana.get(detail).content.decode()
    refused = hana.post(detail + "decide/", {"decision": "approved", "note": ""})
    assert refused.status_code == 422
    decided = hana.post(detail + "decide/", {"decision": "declined", "note": "Not this time."})
    assert decided.status_code == 302
    nomination.refresh_from_db()
    assert nomination.state == "declined" and nomination.decision_note == "Not this time."
    listing = as_user(cast.cora).get("/recognition/nominations/").content.decode()
    assert "Ava Adams" in listing and "Declined" in listing
    own = as_user(cast.ava).get("/recognition/nominations/").content.decode()
    assert f'data-nomination="{nomination.pk}"' not in own and "No nominations you can see" in own
